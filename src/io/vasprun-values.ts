/**
 * Text → typed values for vasprun.xml: numbers (with Fortran's `*****` overflow, NaN and
 * run-together fields), integers, logicals, strings, and the `type` attribute VASP writes.
 * Bad tokens are an InputError naming the line; overflow/NaN become null plus a warning.
 */
import { InputError, type Warning } from '../core/errors.js';
import type { ParamValue } from './vasprun-types.js';

/** Collects warnings by kind, so a million NaNs make one warning with a count (bounded memory). */
export class WarningSink {
  private readonly byKey = new Map<string, { message: string; line?: number; count: number }>();

  constructor(readonly file: string) {}

  add(key: string, message: string, line?: number): void {
    const w = this.byKey.get(key);
    if (w) {
      w.count++;
      return;
    }
    if (this.byKey.size >= 200) return; // a hostile file cannot grow this without bound
    this.byKey.set(key, { message, line, count: 1 });
  }

  list(): Warning[] {
    return [...this.byKey.values()].map((w) => ({
      message: w.count > 1 ? `${w.message} (${w.count} times; first shown)` : w.message,
      file: this.file,
      ...(w.line !== undefined ? { line: w.line } : {}),
    }));
  }
}

const FLOAT_RE = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eEdD][-+]?\d+)?$/;
const INT_RE = /^[-+]?\d+$/;
const OVERFLOW_RE = /^[-+]?\*+$/;
const NAN_RE = /^[-+]?(?:nan|inf|infinity)$/i;
/** Fortran F/E fields written without a separating blank, e.g. `-12.345678-3.456789`. */
const RUN_TOGETHER_RE = /^(?:[-+]?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?){2,}$/;
const ONE_FIELD_RE = /[-+]?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?/g;

/** Reads numbers and typed values out of element text, reporting to one WarningSink. */
export class ValueReader {
  constructor(
    readonly file: string,
    readonly warnings: WarningSink,
  ) {}

  private bad(what: string, token: string, line: number): InputError {
    const shown = token.length > 40 ? token.slice(0, 40) + '…' : token;
    return new InputError(`expected ${what}, found '${shown}'`, { file: this.file, line });
  }

  /** One float token → number, or null (+ warning) for an overflow marker or NaN/Inf. */
  floatToken(tok: string, line: number, where: string): number | null {
    if (FLOAT_RE.test(tok)) {
      const x = Number(tok.replace(/[dD]/, 'e'));
      if (Number.isFinite(x)) return x;
      this.warnings.add('overflow:' + where, `a value in ${where} is too large to represent; read as null`, line);
      return null;
    }
    if (OVERFLOW_RE.test(tok)) {
      this.warnings.add(
        'overflow:' + where,
        `a value in ${where} is '${tok}' (Fortran field overflow); read as null`,
        line,
      );
      return null;
    }
    if (NAN_RE.test(tok)) {
      this.warnings.add('nan:' + where, `a value in ${where} is ${tok}; read as null`, line);
      return null;
    }
    throw this.bad(`a number in ${where}`, tok, line);
  }

  /** All numbers in a text (whitespace separated; fields run together are split with a warning). */
  floats(text: string, line: number, where: string): (number | null)[] {
    const out: (number | null)[] = [];
    const n = text.length;
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 9 || c === 13) {
        i++;
        continue;
      }
      // One token; `plain` while it holds only digits, '.', signs and e/E.
      const start = i;
      let plain = true;
      while (i < n) {
        c = text.charCodeAt(i);
        if (c === 32 || c === 10 || c === 9 || c === 13) break;
        if (!((c >= 48 && c <= 57) || c === 46 || c === 45 || c === 43 || c === 101 || c === 69)) plain = false;
        i++;
      }
      const tok = text.slice(start, i);
      if (plain) {
        // Fast path: Number() of a token made of those characters is either the decimal
        // it spells or NaN (e.g. '1.0-2.0', run together) — never hex or Infinity.
        const x = Number(tok);
        if (x === x && tok !== '') {
          if (x !== Infinity && x !== -Infinity) {
            out.push(x);
            continue;
          }
        }
      }
      this.slowToken(tok, out, line, where);
    }
    return out;
  }

  /** A token the fast path did not take: run-together fields, D exponents, overflow, NaN, garbage. */
  private slowToken(tok: string, out: (number | null)[], line: number, where: string): void {
    if (RUN_TOGETHER_RE.test(tok)) {
      this.warnings.add(
        'runtogether:' + where,
        `numbers without a blank between them in ${where} ('${tok.slice(0, 40)}'); split at the signs`,
        line,
      );
      for (const m of tok.match(ONE_FIELD_RE) ?? []) out.push(Number(m));
      return;
    }
    out.push(this.floatToken(tok, line, where));
  }

  /** Exactly n numbers (a row of a varray). */
  floatsN(text: string, n: number, line: number, where: string): (number | null)[] {
    const v = this.floats(text, line, where);
    if (v.length !== n) {
      throw new InputError(`expected ${n} numbers in ${where}, found ${v.length}`, { file: this.file, line });
    }
    return v;
  }

  float(text: string, line: number, where: string): number | null {
    const s = text.trim();
    if (s === '') throw this.bad(`a number in ${where}`, s, line);
    return this.floatsN(s, 1, line, where)[0];
  }

  intToken(tok: string, line: number, where: string): number | null {
    if (INT_RE.test(tok)) return Number(tok);
    if (OVERFLOW_RE.test(tok)) {
      this.warnings.add('overflow:' + where, `a value in ${where} is '${tok}' (Fortran field overflow); read as null`, line);
      return null;
    }
    // VASP writes some integer-valued parameters as floats ("4.0"); accept exact integers.
    if (FLOAT_RE.test(tok)) {
      const x = Number(tok.replace(/[dD]/, 'e'));
      if (Number.isInteger(x)) return x;
    }
    throw this.bad(`an integer in ${where}`, tok, line);
  }

  ints(text: string, line: number, where: string): (number | null)[] {
    const s = text.trim();
    if (s === '') return [];
    return s.split(/\s+/).map((t) => this.intToken(t, line, where));
  }

  int(text: string, line: number, where: string): number | null {
    const v = this.ints(text, line, where);
    if (v.length !== 1) throw new InputError(`expected one integer in ${where}, found ${v.length}`, { file: this.file, line });
    return v[0];
  }

  logicalToken(tok: string, line: number, where: string): boolean | null {
    const t = tok.replace(/^\./, '').replace(/\.$/, '').toUpperCase();
    if (t === 'T' || t === 'TRUE') return true;
    if (t === 'F' || t === 'FALSE') return false;
    this.warnings.add('logical:' + where, `'${tok.slice(0, 20)}' in ${where} is not a logical (T/F); read as null`, line);
    return null;
  }

  logicals(text: string, line: number, where: string): (boolean | null)[] {
    const s = text.trim();
    if (s === '') return [];
    return s.split(/\s+/).map((t) => this.logicalToken(t, line, where));
  }

  /** `<i type=…>` → one value. */
  scalar(type: string | undefined, text: string, line: number, where: string): ParamValue {
    switch (type) {
      case 'string':
        return text.trim();
      case 'int': {
        const v = this.ints(text, line, where);
        return v.length === 1 ? v[0] : v;
      }
      case 'logical': {
        const v = this.logicals(text, line, where);
        return v.length === 1 ? v[0] : v;
      }
      default: {
        const v = this.floats(text, line, where);
        if (v.length === 1) return v[0];
        if (v.length === 0) {
          this.warnings.add('empty:' + where, `${where} has no value; read as null`, line);
          return null;
        }
        return v;
      }
    }
  }

  /** `<v type=…>` → an array of values. */
  vector(type: string | undefined, text: string, line: number, where: string): ParamValue {
    switch (type) {
      case 'string':
        return text.trim() === '' ? [] : text.trim().split(/\s+/);
      case 'int':
        return this.ints(text, line, where);
      case 'logical':
        return this.logicals(text, line, where);
      default:
        return this.floats(text, line, where);
    }
  }
}
