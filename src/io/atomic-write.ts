/**
 * Safe writing of job folders.
 *
 * - `writeFileAtomic` writes to a temporary name in the same folder and renames it over
 *   the target, so a reader (or a crash) never sees half a file.
 * - `assertNotExistingRun` refuses to touch a folder that holds VASP outputs (OUTCAR,
 *   CONTCAR, vasprun.xml) unless `force`; even with `force` the outputs themselves are
 *   never written (`isRunOutput` names them, writers skip them).
 */
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InputError } from '../core/errors.js';

/** File names VASP writes that mark a folder as an (attempted) run. */
export const RUN_OUTPUTS = Object.freeze(['OUTCAR', 'CONTCAR', 'vasprun.xml']);

/** True for the output file names that are never overwritten (OUTCAR, CONTCAR, vasprun.xml, and .gz copies). */
export function isRunOutput(path: string): boolean {
  const b = basename(path).replace(/\.gz$/, '');
  return RUN_OUTPUTS.includes(b);
}

/**
 * Write `data` to `path` atomically: temp file in the same folder, then rename. Parent
 * folders are created. Refuses to write a run output name (OUTCAR, CONTCAR, vasprun.xml).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode?: number): void {
  if (isRunOutput(path)) throw new Error(`internal: refusing to write the VASP output file ${path}`);
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(tmp, data, mode === undefined ? undefined : { mode });
    renameSync(tmp, path);
  } catch (e) {
    try {
      if (existsSync(tmp)) unlinkSync(tmp);
    } catch {
      /* keep the original error */
    }
    throw e;
  }
}

/** Run outputs found in `dir` and its sub-folders (up to `depth` levels), as paths relative to `dir`. */
export function findRunOutputs(dir: string, depth = 3): string[] {
  const found: string[] = [];
  const walk = (d: string, level: number) => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const name of entries.sort()) {
      const p = join(d, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (level < depth) walk(p, level + 1);
      } else if (isRunOutput(name)) found.push(relative(dir, p));
    }
  };
  walk(dir, 0);
  return found;
}

/**
 * Throw an InputError when `dir` (or a sub-folder) holds VASP outputs, unless `force`.
 * With `force` it returns the outputs found so the caller can say they are kept.
 */
export function assertNotExistingRun(dir: string, force: boolean): string[] {
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) {
    throw new InputError('output path exists and is not a folder', { file: dir, hint: 'give -o a folder name' });
  }
  const outputs = findRunOutputs(dir);
  if (outputs.length > 0 && !force) {
    const shown = outputs.slice(0, 5).join(', ') + (outputs.length > 5 ? `, … (${outputs.length} in all)` : '');
    throw new InputError(`folder holds an existing VASP run (${shown}); nothing was written`, {
      file: dir,
      hint: 'choose another -o folder, or pass --force to replace the inputs only (OUTCAR, CONTCAR and vasprun.xml are never touched)',
    });
  }
  return outputs;
}

/**
 * Throw an InputError when any of `files` (paths relative to `dir`) already exists, unless
 * `force`: a deck is never silently replaced.
 */
export function assertNoExistingInputs(dir: string, files: readonly string[], force: boolean): string[] {
  const existing = files.filter((f) => existsSync(join(dir, f)));
  if (existing.length > 0 && !force) {
    const shown = existing.slice(0, 5).join(', ') + (existing.length > 5 ? `, … (${existing.length} in all)` : '');
    throw new InputError(`folder already holds job inputs (${shown}); nothing was written`, {
      file: dir,
      hint: 'choose another -o folder, or pass --force to replace them',
    });
  }
  return existing;
}
