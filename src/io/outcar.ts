/**
 * VASP OUTCAR reader (VASP 4.6 → 6.x; plain, gzip, xz or bzip2), streaming with flat
 * memory. See outcar-parser.ts for the layout it follows and outcar-types.ts for the
 * result. Bad input is an InputError naming the file and line; a truncated run gives
 * every ionic step it holds with `complete: false` and the reason.
 *
 * `finalEnergy` is energy(sigma→0) of the last *complete* ionic step. pymatgen's
 * `Outcar.final_energy` is the last "energy(sigma->0)" printed anywhere, which on a
 * truncated file is a half-converged SCF iteration of an unfinished step (custodian's
 * potim OUTCAR: −284.859 eV from SCF noise, against 83.584 eV for the last finished
 * step), and in ML force-field runs it also matches "ML energy(sigma->0)" lines.
 */
import { InputError } from '../core/errors.js';
import { textChunks } from './text-lines.js';
import { OutcarParser } from './outcar-parser.js';
import type { OutcarOptions, OutcarResult } from './outcar-types.js';

export type * from './outcar-types.js';
export { OutcarParser, elementOfTitel } from './outcar-parser.js';

/** Read an OUTCAR (streaming; gzip/xz/bzip2 detected from the magic bytes). */
export async function readOutcar(path: string, opts: OutcarOptions = {}): Promise<OutcarResult> {
  const parser = new OutcarParser(path, opts);
  const streamWarnings: string[] = [];
  const it = textChunks(path, {
    maxLineBytes: opts.maxLineBytes,
    onWarning: (m) => streamWarnings.push(m),
    linesSoFar: () => parser.lines,
  });
  let truncated = false;
  for (;;) {
    const r = await it.next();
    if (r.done) {
      truncated = r.value.truncated;
      break;
    }
    parser.feedText(r.value);
  }
  const result = parser.finish();
  if (result.lines === 0) {
    throw new InputError('the file is empty; expected a VASP OUTCAR', { file: path, line: 1 });
  }
  checkLooksLikeOutcar(result, path);
  for (const w of streamWarnings) result.warnings.push({ line: result.lines, message: w });
  if (truncated && result.incompleteReason) {
    result.incompleteReason += '; the compressed file is cut short';
  }
  return result;
}

/** Parse OUTCAR text held in memory (tests, small files). */
export function parseOutcar(text: string, file = '<string>', opts: OutcarOptions = {}): OutcarResult {
  const parser = new OutcarParser(file, opts);
  parser.feedText(text);
  const result = parser.finish();
  if (result.lines === 0) throw new InputError('the file is empty; expected a VASP OUTCAR', { file, line: 1 });
  checkLooksLikeOutcar(result, file);
  return result;
}

/** Nothing VASP-like at all (no version line, no POTCAR, no step) → say so rather than return nothing. */
function checkLooksLikeOutcar(r: OutcarResult, file: string): void {
  const h = r.header;
  if (h.vaspVersion === null && h.potcars.length === 0 && h.nions === null && r.steps.length === 0) {
    throw new InputError('this does not look like a VASP OUTCAR (no "vasp.x.y" version line, no POTCAR, no NIONS, no ionic step)', {
      file,
      line: 1,
      hint: 'pass the OUTCAR of a VASP run (OUTCAR, OUTCAR.gz or OUTCAR.xz)',
    });
  }
}
