/**
 * The one error type for bad input. It names the file, the line (1-based) and column when
 * known, and what was expected. The CLI prints `ionpath: FILE:LINE: message` and exits 2.
 * Anything else thrown is an internal bug (exit 1).
 */
export class InputError extends Error {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** A suggestion for the user: what to do to fix it. */
  readonly hint: string | undefined;

  constructor(
    message: string,
    where: { file?: string; line?: number; column?: number; hint?: string } = {},
  ) {
    super(message);
    this.name = 'InputError';
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.hint = where.hint;
  }

  /** `FILE:LINE:COL: message` (parts that are unknown are left out). */
  formatted(): string {
    let loc = this.file ?? '';
    if (this.line !== undefined) loc += `${loc ? ':' : 'line '}${this.line}`;
    if (this.line !== undefined && this.column !== undefined) loc += `:${this.column}`;
    const head = loc ? `${loc}: ${this.message}` : this.message;
    return this.hint ? `${head}\n  hint: ${this.hint}` : head;
  }

  /** A copy of this error located in `file` (keeps line/column when already set). */
  inFile(file: string): InputError {
    if (this.file) return this;
    return new InputError(this.message, { file, line: this.line, column: this.column, hint: this.hint });
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}

/** A non-fatal note about the input (e.g. an occupancy sum a hair over 1). */
export interface Warning {
  message: string;
  file?: string;
  line?: number;
}
