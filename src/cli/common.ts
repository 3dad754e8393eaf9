/**
 * What every command shares: JSON output (one document on stdout, nothing else there),
 * error reporting (`ionpath: FILE:LINE: message`, exit 2 for bad input, 1 for bugs),
 * and progress that appears only on a TTY (stderr).
 */
import { InputError, isInputError } from '../core/errors.js';

export interface GlobalOptions {
  json?: boolean;
}

/** Write one JSON document to stdout. Never call process.exit() after it: pipes are async. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function println(text = ''): void {
  process.stdout.write(text + '\n');
}

export function warn(text: string): void {
  process.stderr.write(`ionpath: warning: ${text}\n`);
}

/** Report an error the CLI way and set the exit code (2 = bad input, 1 = internal bug). */
export function reportError(e: unknown): void {
  if (isInputError(e)) {
    process.stderr.write(`ionpath: ${e.formatted()}\n`);
    process.exitCode = 2;
  } else if (e instanceof Error && (e as NodeJS.ErrnoException).code === 'ENOENT') {
    const p = (e as NodeJS.ErrnoException).path ?? '';
    process.stderr.write(`ionpath: ${p}: no such file or directory\n`);
    process.exitCode = 2;
  } else if (e instanceof Error && (e as NodeJS.ErrnoException).code === 'EISDIR') {
    const p = (e as NodeJS.ErrnoException).path ?? '';
    process.stderr.write(`ionpath: ${p}: is a directory, expected a file\n`);
    process.exitCode = 2;
  } else {
    const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`ionpath: internal error (please report): ${msg}\n`);
    process.exitCode = 1;
  }
}

/** Wrap a command handler so errors are reported, never thrown as stack traces. */
export function handler<A>(fn: (args: A) => Promise<void> | void): (args: A) => Promise<void> {
  return async (args: A) => {
    try {
      await fn(args);
    } catch (e) {
      reportError(e);
    }
  };
}

/** True when progress bars should be drawn (stderr is a terminal and not --json quiet). */
export function showProgress(): boolean {
  return Boolean(process.stderr.isTTY) && process.env.CI !== 'true';
}

export { InputError };

/** Parse "Li=1,Ni=2,Mn=4" into { Li: 1, Ni: 2, Mn: 4 } (numbers), naming the option on error. */
export function parseNumberMap(text: string | undefined, option: string): Record<string, number> {
  const out: Record<string, number> = {};
  if (!text) return out;
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z][A-Za-z0-9_-]*)\s*=\s*([+-]?\d*\.?\d+(?:[eE][+-]?\d+)?)$/.exec(part);
    if (!m) throw new InputError(`${option}: expected KEY=NUMBER pairs separated by commas, got "${part}"`, { hint: `e.g. ${option} Li=1,Ni=2,Mn=4,O=-2` });
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/** Round every number in a JSON-bound value to `digits` significant decimals (for stable output). */
export function roundDeep<T>(value: T, decimals = 6): T {
  const f = 10 ** decimals;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'number') return Number.isFinite(v) ? Math.round(v * f) / f : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
