/**
 * VASP POSCAR / CONTCAR (and `.vasp`) reader and writer.
 *
 * Layout read (1-based lines):
 *   1      comment
 *   2      scale: one number (negative = target cell volume, Å³) or three numbers (factors
 *          for the Cartesian x, y, z components)
 *   3–5    lattice vectors a, b, c (Å, before scaling)
 *   6      VASP 5/6: species names ('Li', 'Li_sv', 'Li_sv/0c8b1f…' in VASP 6.4); they may be
 *          wrapped over several lines, and so may the counts that follow
 *   6/7    atom counts per species block (VASP 4 has no species line)
 *   (opt.) 'Selective dynamics' (only the first letter, s/S, counts)
 *          coordinate mode: first letter C/c/K/k = Cartesian (Å, scaled like the lattice),
 *          any other letter = Direct (fractional)
 *   N lines of positions: three numbers, then T/F flags under selective dynamics, then an
 *          optional site label (kept as the site label)
 *   then, in CONTCARs: a blank line and N velocity lines, then the predictor–corrector
 *          block. Both are tolerated and flagged, not interpreted.
 *
 * Species of a VASP 4 file (no species line) come from, in this order: the `species`
 * option (the user said so), the POTCAR symbols (what VASP itself would use), the site
 * labels after the coordinates when every block's labels name one element (pymatgen's
 * choice; ASE takes the comment line instead and reads pymatgen's LiFePO4 example wrongly),
 * and the first tokens of the comment line when they are element symbols, one per block.
 * Otherwise it is an InputError at line 6 suggesting `--species`.
 *
 * Writer: species in contiguous blocks in order of first appearance (see poscarSiteOrder),
 * lattice with scale 1, positions with the fewest decimals (≥ 16) that read back to the
 * identical double, so a Direct POSCAR round-trips exactly.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError, type Warning } from '../core/errors.js';
import { parseElementSymbol } from '../core/elements.js';
import { Lattice } from '../core/lattice.js';
import { Structure, type SiteInput } from '../core/structure.js';
import type { Mat3, Vec3 } from '../core/vec3.js';
import { readText } from './read-text.js';
import { readPotcarSymbols } from './potcar.js';

export interface PoscarReadOptions {
  /** File name for messages. */
  file?: string;
  /** Species symbols, one per count block, for VASP 4 files (e.g. from `--species`). */
  species?: string[];
  /** POTCAR symbols ('Li_sv', 'O'), one per block, used when the file has no species line. */
  potcarSymbols?: string[];
}

export type SpeciesSource = 'file' | 'option' | 'potcar' | 'labels' | 'comment';

export interface PoscarResult {
  structure: Structure;
  warnings: Warning[];
  /** The file has a 'Selective dynamics' line (flags are in site.properties.selectiveDynamics). */
  selectiveDynamics: boolean;
  /** A velocity block (N lines of three numbers, NaN allowed) follows the positions. */
  hasVelocities: boolean;
  /** Every velocity is NaN (as VTST writes in NEB image CONTCARs). */
  velocitiesAllNaN: boolean;
  /** A predictor–corrector block follows the velocities. */
  hasPredictorCorrector: boolean;
  /** Line 1, right-trimmed. */
  comment: string;
  /** The file has a species line (VASP 5/6 format). */
  vasp5: boolean;
  /** Positions were Cartesian in the file. */
  cartesian: boolean;
  /** Where the species names came from. */
  speciesSource: SpeciesSource;
  /** Species symbol of each count block, in file order (elements, e.g. 'Li'). */
  blockSpecies: string[];
  /** Atom count of each block. */
  blockCounts: number[];
  /** Species names of each block as written in the file ('Li_sv/0c8b1f…'); [] for VASP 4. */
  speciesNames: string[];
}

const NUM_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eEdD][+-]?\d+)?$/;
const INT_RE = /^\d+$/;

/** A Fortran-style real ('1.0', '-.5', '0.12E+01', '1.0D-3') or NaN when it is not one. */
export function parseFortranReal(tok: string): number {
  if (!NUM_RE.test(tok)) return Number.NaN;
  // Fast path: no exponent letter D/d to rewrite.
  if (tok.indexOf('D') < 0 && tok.indexOf('d') < 0) return Number(tok);
  return Number(tok.replace(/[dD]/, 'e'));
}

function isNumberToken(tok: string | undefined): boolean {
  return tok !== undefined && NUM_RE.test(tok);
}

/** Number or NaN literal (velocity blocks of NEB CONTCARs hold 'NaN'). */
function isNumberOrNaN(tok: string | undefined): boolean {
  return tok !== undefined && (NUM_RE.test(tok) || /^[+-]?nan$/i.test(tok));
}

function tokens(line: string | undefined): string[] {
  if (line === undefined) return [];
  const t = line.trim();
  return t === '' ? [] : t.split(/\s+/);
}

/** Tokens before a '!' or '#' comment. */
function tokensNoComment(line: string | undefined): string[] {
  const out: string[] = [];
  for (const t of tokens(line)) {
    if (t.startsWith('!') || t.startsWith('#')) break;
    out.push(t);
  }
  return out;
}

/**
 * Element of a POSCAR species name: 'Li' → 'Li', 'Li_sv' → 'Li', 'Li_sv/0c8b1f' → 'Li',
 * 'H.75' / 'H1.25' (pseudo-hydrogen) → 'H', 'FE' → 'Fe'. Null when the name is not one
 * or two letters (optionally followed by '_suffix', '/hash', digits or dots) naming an element.
 */
export function speciesNameToElement(name: string): string | null {
  const base = name.split('/')[0]!.split('_')[0]!;
  const m = /^([A-Za-z]{1,2})[\d.]*$/.exec(base);
  if (!m) return null;
  const letters = m[1]!;
  const el = parseElementSymbol(letters);
  if (!el) return null;
  const title = letters[0]!.toUpperCase() + letters.slice(1).toLowerCase();
  return el === title ? el : null;
}

function isContcarName(file: string | undefined): boolean {
  return file !== undefined && /contcar/i.test(basename(file));
}

/** Lines of the text (LF, CRLF or CR line ends). */
function splitLines(text: string): string[] {
  if (text.indexOf('\r') < 0) return text.split('\n');
  return text.split(/\r\n|\n|\r/);
}

/** True when line 6 of the text starts with a number (VASP 4: no species line). */
export function isVasp4Poscar(text: string): boolean {
  const lines = text.split(/\r\n|\n|\r/, 7);
  const t = tokensNoComment(lines[5]);
  return t.length > 0 && isNumberToken(t[0]);
}

/** Parse POSCAR/CONTCAR text. Throws InputError (file, line, what was expected). */
export function parsePoscar(text: string, opts: PoscarReadOptions = {}): PoscarResult {
  const file = opts.file;
  const warnings: Warning[] = [];
  const warn = (message: string, line?: number) => warnings.push({ message, file, line });
  const fail = (line: number, message: string, hint?: string): never => {
    throw new InputError(message, { file, line, hint });
  };

  if (text.trim() === '') {
    if (isContcarName(file)) {
      fail(1, `${basename(file!)} is empty: VASP did not write the final geometry — did the run start?`,
        'look at OUTCAR/stdout of the run; use the POSCAR for the initial geometry');
    }
    fail(1, 'file is empty: expected a POSCAR (comment, scale, three lattice vectors, counts, positions)');
  }

  const lines = splitLines(text);
  while (lines.length > 1 && lines[lines.length - 1]!.trim() === '') lines.pop(); // blank lines at the end
  const nLines = lines.length;
  const need = (i: number, what: string): string => {
    if (i >= nLines) fail(Math.max(nLines, 1), `file ends after line ${nLines}; expected ${what} on line ${i + 1}`);
    return lines[i]!;
  };

  // 1: comment
  const comment = lines[0]!.replace(/\s+$/, '');

  // 2: scale
  const scaleTok = tokensNoComment(need(1, 'the scale factor'));
  const scales: number[] = [];
  for (const t of scaleTok.slice(0, 3)) {
    if (!isNumberToken(t)) break;
    scales.push(parseFortranReal(t));
  }
  if (scales.length === 0) fail(2, `expected the scale factor (a number), found "${lines[1]!.trim()}"`);
  if (scales.length === 2) fail(2, 'expected one scale factor or three (x, y, z), found two');
  if (!scales.every((s) => Number.isFinite(s))) fail(2, 'scale factor is not a finite number');
  if (scales.length === 3 && scales.some((s) => s <= 0)) {
    fail(2, 'three scale factors must all be positive (a negative scale, meaning the cell volume, is allowed only alone)');
  }
  if (scales[0] === 0) fail(2, 'scale factor is zero; expected a positive factor or a negative cell volume (Å³)');

  // 3–5: lattice
  const raw: number[][] = [];
  for (let r = 0; r < 3; r++) {
    const t = tokens(need(2 + r, `lattice vector ${'abc'[r]}`));
    const v = t.slice(0, 3).map(parseFortranReal);
    if (t.length < 3 || !v.every((x) => Number.isFinite(x))) {
      fail(3 + r, `expected lattice vector ${'abc'[r]} as three numbers, found "${lines[2 + r]!.trim()}"`);
    }
    raw.push(v);
  }
  // Factors for the Cartesian x, y, z components, applied to the lattice and to Cartesian positions.
  let posScale: number[];
  if (scales.length === 3) {
    posScale = scales;
  } else if (scales[0]! > 0) {
    posScale = [scales[0]!, scales[0]!, scales[0]!];
  } else {
    const det = Math.abs(det3raw(raw));
    if (!(det > 1e-12)) fail(3, 'lattice vectors on lines 3–5 are coplanar (zero volume), so the negative scale (a volume) cannot be applied');
    const s = Math.cbrt(-scales[0]! / det);
    posScale = [s, s, s];
  }
  const matrix = raw.map((row) => row.map((x, k) => x * posScale[k]!));
  let lattice: Lattice;
  try {
    lattice = new Lattice(matrix);
  } catch (e) {
    return fail(3, `lattice vectors on lines 3–5 do not form a cell: ${(e as Error).message}`);
  }

  // 6…: species line(s) (VASP 5/6) or counts (VASP 4)
  let i = 5;
  const speciesNames: string[] = [];
  const speciesFromFile: string[] = [];
  const speciesLine = 6;
  let first = tokensNoComment(need(i, 'the species names or the atom counts'));
  if (first.length === 0) fail(6, 'expected species names (VASP 5) or atom counts (VASP 4), found an empty line');
  const vasp5 = !isNumberToken(first[0]);
  if (vasp5) {
    while (first.length > 0 && !isNumberToken(first[0])) {
      for (const name of first) {
        const el = speciesNameToElement(name);
        if (!el) {
          fail(i + 1, `expected element symbols (species names such as Li or Li_sv) or atom counts, found "${name}"`);
        }
        speciesNames.push(name);
        speciesFromFile.push(el!);
      }
      i++;
      first = tokensNoComment(need(i, 'the atom counts'));
    }
  }
  // counts
  const countsLine = i + 1;
  const counts: number[] = [];
  const readCountLine = (t: string[], lineNo: number) => {
    for (const x of t) {
      if (!INT_RE.test(x)) fail(lineNo, `expected atom counts (non-negative integers), found "${x}"`);
      counts.push(Number(x));
    }
  };
  if (vasp5) {
    while (counts.length < speciesNames.length) {
      const t = tokensNoComment(need(i, 'the atom counts'));
      if (t.length === 0) fail(i + 1, `expected atom counts for ${speciesNames.length} species, found an empty line`);
      if (counts.length > 0 && !INT_RE.test(t[0]!)) {
        fail(
          i + 1,
          `expected atom counts for ${speciesNames.length} species (${speciesNames.join(' ')}), found ${counts.length} and then "${t[0]}"`,
        );
      }
      readCountLine(t, i + 1);
      i++;
    }
    if (counts.length !== speciesNames.length) {
      fail(i, `expected ${speciesNames.length} atom counts (one per species on line ${speciesLine}), found ${counts.length}`);
    }
  } else {
    // VASP 4: one or more lines holding only integers.
    for (;;) {
      const t = tokensNoComment(lines[i]);
      if (t.length === 0 || !t.every((x) => INT_RE.test(x))) break;
      readCountLine(t, i + 1);
      i++;
    }
    if (counts.length === 0) {
      readCountLine(tokensNoComment(lines[5]), 6); // reports the offending token
    }
  }
  let nAtoms = 0;
  for (const c of counts) nAtoms += c;
  if (nAtoms === 0) fail(countsLine, 'atom counts add up to zero; expected at least one atom');

  // optional 'Selective dynamics', then the coordinate mode
  let modeTrim = need(i, "the coordinate mode ('Direct' or 'Cartesian')").trim();
  let selective = false;
  if (/^[sS]/.test(modeTrim)) {
    selective = true;
    i++;
    modeTrim = need(i, "the coordinate mode ('Direct' or 'Cartesian') after 'Selective dynamics'").trim();
  }
  if (!/^[A-Za-z]/.test(modeTrim)) {
    fail(
      i + 1,
      `expected the coordinate mode ('Direct' or 'Cartesian'), found "${modeTrim}"`,
      `the counts on line ${countsLine} are ${counts.join(' ')}; is the mode line missing?`,
    );
  }
  const cartesian = /^[cCkK]/.test(modeTrim);
  i++;

  // positions
  if (i + nAtoms > nLines) {
    const have = Math.max(0, nLines - i);
    fail(
      nLines,
      `expected ${nAtoms} position lines (counts ${counts.join(' ')} on line ${countsLine}) from line ${i + 1}, but the file ends after ${have}`,
    );
  }
  const minTok = selective ? 6 : 3;
  const fracs = new Float64Array(nAtoms * 3);
  const flags: ([boolean, boolean, boolean] | undefined)[] = selective ? new Array(nAtoms) : [];
  const labels: (string | undefined)[] = new Array(nAtoms);
  let anyLabel = false;
  const inv = lattice.inverse;
  const xyz = new Float64Array(3);
  for (let a = 0; a < nAtoms; a++) {
    const lineNo = i + a + 1;
    const line = lines[i + a]!;
    // Fast path: exactly three plain numbers on the line (the bulk of large files).
    if (!selective && scanThreeNumbers(line, xyz)) {
      let x = xyz[0]!;
      let y = xyz[1]!;
      let z = xyz[2]!;
      if (cartesian) {
        x *= posScale[0]!;
        y *= posScale[1]!;
        z *= posScale[2]!;
        fracs[a * 3] = x * inv[0][0] + y * inv[1][0] + z * inv[2][0];
        fracs[a * 3 + 1] = x * inv[0][1] + y * inv[1][1] + z * inv[2][1];
        fracs[a * 3 + 2] = x * inv[0][2] + y * inv[1][2] + z * inv[2][2];
      } else {
        fracs[a * 3] = x;
        fracs[a * 3 + 1] = y;
        fracs[a * 3 + 2] = z;
      }
      continue;
    }
    const t = tokens(line);
    if (t.length < minTok) {
      fail(
        lineNo,
        selective
          ? `expected three coordinates and three T/F flags for atom ${a + 1} of ${nAtoms}, found ${t.length} fields`
          : `expected three coordinates for atom ${a + 1} of ${nAtoms}, found ${t.length} field${t.length === 1 ? '' : 's'}`,
      );
    }
    let x = parseFortranReal(t[0]!);
    let y = parseFortranReal(t[1]!);
    let z = parseFortranReal(t[2]!);
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) {
      const bad = [t[0], t[1], t[2]].find((s) => !Number.isFinite(parseFortranReal(s!)));
      fail(lineNo, `expected three coordinates (numbers) for atom ${a + 1} of ${nAtoms}, found "${bad}"`);
    }
    if (cartesian) {
      x *= posScale[0]!;
      y *= posScale[1]!;
      z *= posScale[2]!;
      const fx = x * inv[0][0] + y * inv[1][0] + z * inv[2][0];
      const fy = x * inv[0][1] + y * inv[1][1] + z * inv[2][1];
      const fz = x * inv[0][2] + y * inv[1][2] + z * inv[2][2];
      x = fx;
      y = fy;
      z = fz;
    }
    fracs[a * 3] = x;
    fracs[a * 3 + 1] = y;
    fracs[a * 3 + 2] = z;
    let next = 3;
    if (selective) {
      const f: boolean[] = [];
      for (let k = 3; k < 6; k++) {
        const m = /^\.?([TtFf])/.exec(t[k]!);
        if (!m) fail(lineNo, `expected a selective-dynamics flag T or F for atom ${a + 1}, found "${t[k]}"`);
        f.push(m![1] === 'T' || m![1] === 't');
      }
      flags[a] = f as [boolean, boolean, boolean];
      next = 6;
    }
    let lab = t[next];
    if (lab !== undefined && (lab.startsWith('!') || lab.startsWith('#'))) {
      lab = lab.length > 1 ? lab.slice(1) : t[next + 1];
    }
    if (lab !== undefined && lab !== '') {
      labels[a] = lab;
      anyLabel = true;
    }
  }
  const afterPos = i + nAtoms;

  // More coordinate lines right after the positions (no blank line) mean the counts are wrong.
  {
    const t = tokens(lines[afterPos]);
    if (t.length >= 3 && isNumberToken(t[0]) && isNumberToken(t[1]) && isNumberToken(t[2]) && lines[afterPos]!.trim() !== '') {
      // A velocity block is always preceded by a blank line in VASP output.
      fail(
        afterPos + 1,
        `more position lines than the ${nAtoms} atoms counted on line ${countsLine} (${counts.join(' ')})`,
        'check the atom counts; a velocity block would follow a blank line',
      );
    }
  }

  // species of each block
  let blockSpecies: string[];
  let source: SpeciesSource;
  if (vasp5) {
    blockSpecies = speciesFromFile;
    source = 'file';
    if (opts.species && opts.species.length > 0) {
      const given = opts.species.map((s) => speciesNameToElement(s) ?? s);
      if (given.join(' ') !== blockSpecies.join(' ')) {
        warn(`species given (${opts.species.join(' ')}) ignored: the file names its species on line 6 (${speciesNames.join(' ')})`, 6);
      }
    }
  } else {
    const nb = counts.length;
    let found: string[] | null = null;
    source = 'option';
    if (opts.species && opts.species.length > 0) {
      if (opts.species.length !== nb) {
        fail(6, `${opts.species.length} species given (${opts.species.join(' ')}) but line 6 has ${nb} atom counts (${counts.join(' ')})`,
          `give one species per count, in order, e.g. --species ${exampleSpecies(nb)}`);
      }
      found = opts.species.map((s) => {
        const el = speciesNameToElement(s);
        if (!el) fail(6, `species "${s}" given for this file is not an element symbol`);
        return el!;
      });
    }
    if (!found && opts.potcarSymbols && opts.potcarSymbols.length > 0) {
      const els = opts.potcarSymbols.map((s) => speciesNameToElement(s));
      if (opts.potcarSymbols.length === nb && els.every((e) => e !== null)) {
        found = els as string[];
        source = 'potcar';
      } else {
        warn(`POTCAR has ${opts.potcarSymbols.length} species (${opts.potcarSymbols.join(' ')}) but line 6 has ${nb} atom counts; POTCAR not used for species`, 6);
      }
    }
    if (!found && anyLabel) {
      found = speciesFromLabels(labels, counts);
      if (found) source = 'labels';
    }
    if (!found) {
      found = speciesFromComment(comment, counts);
      if (found) source = 'comment';
    }
    if (!found) {
      fail(
        6,
        `no species line (VASP 4 format) and the species of the ${nb} block${nb === 1 ? '' : 's'} (counts ${counts.join(' ')}) cannot be found in the comment line, the site labels or a POTCAR beside the file`,
        `name them in the order of the counts: --species ${exampleSpecies(nb)}`,
      );
    }
    blockSpecies = found!;
    if (source === 'comment' || source === 'labels') {
      warn(`VASP 4 POSCAR without a species line: species ${blockSpecies.join(' ')} taken from the ${source === 'comment' ? 'comment line' : 'site labels'}`, 6);
    }
  }

  // sites
  const sites: SiteInput[] = new Array(nAtoms);
  let a = 0;
  for (let b = 0; b < counts.length; b++) {
    const el = blockSpecies[b]!;
    for (let k = 0; k < counts[b]!; k++, a++) {
      const site: SiteInput = {
        frac: [fracs[a * 3]!, fracs[a * 3 + 1]!, fracs[a * 3 + 2]!],
        species: el, // one species at full occupancy
      };
      if (labels[a] !== undefined) site.label = labels[a];
      if (selective) site.properties = { selectiveDynamics: flags[a]! };
      sites[a] = site;
    }
  }
  let structure: Structure;
  try {
    structure = new Structure(lattice, sites, comment.trim());
  } catch (e) {
    return fail(i + 1, `cannot build the structure: ${(e as Error).message}`);
  }

  // after the positions: velocities, predictor–corrector
  const tail = scanTail(lines, afterPos, nAtoms);
  if (tail.partialVelocities > 0) {
    warn(`velocity block from line ${tail.velocityStart + 1} has ${tail.partialVelocities} of ${nAtoms} lines; ignored`, tail.velocityStart + 1);
  }
  if (tail.hasVelocities && tail.allNaN) {
    warn('velocity block is all NaN (as VTST writes in NEB images); velocities ignored', tail.velocityStart + 1);
  }
  if (tail.ignoredFrom >= 0) {
    warn(`content after the positions from line ${tail.ignoredFrom + 1} is not a velocity block; ignored`, tail.ignoredFrom + 1);
  }

  return {
    structure,
    warnings,
    selectiveDynamics: selective,
    hasVelocities: tail.hasVelocities,
    velocitiesAllNaN: tail.hasVelocities && tail.allNaN,
    hasPredictorCorrector: tail.hasPredictor,
    comment,
    vasp5,
    cartesian,
    speciesSource: source,
    blockSpecies,
    blockCounts: counts,
    speciesNames,
  };
}

function det3raw(m: number[][]): number {
  return (
    m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) -
    m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) +
    m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!)
  );
}

function exampleSpecies(n: number): string {
  return ['Li', 'Mn', 'O', 'P', 'S', 'F'].slice(0, Math.min(n, 6)).join(',') + (n > 6 ? ',…' : '');
}

/** Each block's labels must all name the same element. */
function speciesFromLabels(labels: (string | undefined)[], counts: number[]): string[] | null {
  const out: string[] = [];
  let a = 0;
  for (const c of counts) {
    let el: string | null = null;
    for (let k = 0; k < c; k++, a++) {
      const lab = labels[a];
      const e = lab === undefined ? null : parseElementSymbol(lab);
      if (!e || (el !== null && e !== el)) return null;
      el = e;
    }
    if (el === null) return null; // a zero-count block
    out.push(el);
  }
  return out;
}

/**
 * The first tokens of the comment, one per block, each an element symbol optionally
 * followed by its amount ('Li', 'Cr16'); an amount, when present, must equal the count.
 */
function speciesFromComment(comment: string, counts: number[]): string[] | null {
  const t = tokens(comment);
  if (t.length < counts.length) return null;
  const out: string[] = [];
  for (let b = 0; b < counts.length; b++) {
    const m = /^([A-Z][a-z]?)(\d+(?:\.\d*)?)?$/.exec(t[b]!);
    if (!m) return null;
    const el = parseElementSymbol(m[1]!);
    if (el !== m[1]) return null;
    if (m[2] !== undefined && Number(m[2]) !== counts[b]) return null;
    out.push(el!);
  }
  return out;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * A plain decimal '[-+]ddd.ddd' (no exponent) whose digits, read as one integer, stay below
 * 2^53 and that has at most 22 decimals — converted to the same double Number() gives
 * (Clinger's fast path: the integer and the power of ten are both exact doubles, so one
 * correctly rounded division is the correctly rounded result). NaN for any other form; the
 * caller then uses Number().
 */
function fastDecimal(s: string, start: number, end: number): number {
  let p = start;
  let neg = false;
  const c0 = s.charCodeAt(p);
  if (c0 === 45 || c0 === 43) {
    neg = c0 === 45;
    p++;
  }
  let m = 0;
  let digits = 0;
  let decimals = -1;
  for (; p < end; p++) {
    const c = s.charCodeAt(p);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (decimals >= 0) decimals++;
    } else if (c === 46 && decimals < 0) {
      decimals = 0;
    } else {
      return Number.NaN;
    }
  }
  if (digits === 0 || m > 9007199254740991 || decimals > 22) return Number.NaN;
  const v = decimals > 0 ? m / POW10[decimals]! : m;
  return neg ? -v : v;
}

/**
 * When `line` holds exactly three tokens made of [0-9.eE+-] that are finite numbers, store
 * them in out and return true; otherwise false (the caller then takes the general path).
 * No regular expressions and no token arrays: this is the inner loop for large files.
 */
function scanThreeNumbers(line: string, out: Float64Array): boolean {
  const n = line.length;
  let p = 0;
  for (let k = 0; k < 3; k++) {
    while (p < n && isBlank(line.charCodeAt(p))) p++;
    const start = p;
    while (p < n) {
      const c = line.charCodeAt(p);
      if (isBlank(c)) break;
      // digits, '.', '+', '-', 'e', 'E'; anything else (incl. control characters) → general path
      if (!((c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45 || c === 101 || c === 69)) return false;
      p++;
    }
    if (p === start) return false;
    const v = fastDecimal(line, start, p);
    if (v === v) {
      out[k] = v;
      continue;
    }
    const w = Number(line.slice(start, p));
    if (!Number.isFinite(w)) return false;
    out[k] = w;
  }
  while (p < n && isBlank(line.charCodeAt(p))) p++;
  return p === n;
}

/** Space, tab, CR, vertical tab, form feed: the ASCII whitespace that \s also matches. */
function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

interface TailInfo {
  hasVelocities: boolean;
  allNaN: boolean;
  hasPredictor: boolean;
  velocityStart: number;
  partialVelocities: number;
  ignoredFrom: number;
}

/** Look at what follows the positions (0-based line index `start`). */
function scanTail(lines: string[], start: number, nAtoms: number): TailInfo {
  const info: TailInfo = { hasVelocities: false, allNaN: true, hasPredictor: false, velocityStart: -1, partialVelocities: 0, ignoredFrom: -1 };
  let i = start;
  const n = lines.length;
  const blank = (k: number) => lines[k]!.trim() === '';
  while (i < n && blank(i)) i++;
  if (i >= n) return info;
  // an optional mode line ('Cartesian'/'Direct') before the velocities
  const first = lines[i]!.trim();
  if (/^[A-Za-z]/.test(first) && !/^[+-]?nan/i.test(first)) i++;
  info.velocityStart = i;
  let k = 0;
  while (i + k < n && k < nAtoms) {
    const t = tokens(lines[i + k]);
    if (t.length < 3 || !isNumberOrNaN(t[0]) || !isNumberOrNaN(t[1]) || !isNumberOrNaN(t[2])) break;
    if (info.allNaN && !(/nan/i.test(t[0]!) && /nan/i.test(t[1]!) && /nan/i.test(t[2]!))) info.allNaN = false;
    k++;
  }
  if (k === nAtoms) {
    info.hasVelocities = true;
    i += k;
    while (i < n && blank(i)) i++;
    if (i < n) info.hasPredictor = true;
    return info;
  }
  if (k > 0) {
    info.partialVelocities = k;
    return info;
  }
  info.ignoredFrom = info.velocityStart;
  return info;
}

/** Read a POSCAR/CONTCAR file (gzip allowed); a VASP 4 file takes species from a POTCAR beside it. */
export function readPoscar(path: string, opts: Omit<PoscarReadOptions, 'file'> = {}): PoscarResult {
  const text = readText(path, { allowEmpty: true });
  const o: PoscarReadOptions = { ...opts, file: path };
  const extra: Warning[] = [];
  if (!o.species?.length && !o.potcarSymbols?.length && text.trim() !== '' && isVasp4Poscar(text)) {
    for (const name of ['POTCAR', 'POTCAR.gz']) {
      const p = join(dirname(path), name);
      if (!existsSync(p)) continue;
      try {
        o.potcarSymbols = readPotcarSymbols(p);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        extra.push({ message: `POTCAR beside the file not usable for species: ${e.message}`, file: p, line: e.line });
      }
      break;
    }
  }
  const res = parsePoscar(text, o);
  if (extra.length) res.warnings.unshift(...extra);
  return res;
}

// ---------------------------------------------------------------------------------------
// Writer

export type PoscarSpeciesOrder = 'first-appearance' | 'electronegativity';

export interface PoscarWriteOptions {
  /** Line 1 (default: the structure title, or its formula). Newlines become spaces. */
  comment?: string;
  /** Fractional positions (default true); false writes Cartesian Å (round trip ~1e-15, not exact). */
  direct?: boolean;
  /** Write 'Selective dynamics' (default: when any site carries flags; sites without flags get T T T). */
  selectiveDynamics?: boolean;
  /** Write the species line (VASP 5/6; default true). VASP 4 files put the species on line 1. */
  vasp5?: boolean;
  /**
   * Block order. 'first-appearance' (default): elements in the order their first site
   * appears, sites within a block in their original order — a structure already in blocks
   * is written unchanged, and structures with the same site order (NEB images) map site
   * by site. 'electronegativity': pymatgen's formula order (Structure.elements()).
   */
  order?: PoscarSpeciesOrder;
  /** Write each site's label after its coordinates (default true). */
  labels?: boolean;
  /** Fixed number of decimals; default: the fewest ≥ 16 that read back to the same double. */
  decimals?: number;
}

/**
 * Site indices in POSCAR order: grouped by (majority) element, blocks ordered by `order`,
 * stable within a block. The NEB/deck code uses this to keep images site-aligned.
 */
export function poscarSiteOrder(structure: Structure, order: PoscarSpeciesOrder = 'first-appearance'): number[] {
  const els = blockElements(structure, order);
  const rank = new Map(els.map((e, k) => [e, k]));
  const idx = structure.sites.map((_, k) => k);
  idx.sort((p, q) => rank.get(structure.majorityElement(p))! - rank.get(structure.majorityElement(q))! || p - q);
  return idx;
}

function blockElements(structure: Structure, order: PoscarSpeciesOrder): string[] {
  if (order === 'electronegativity') return structure.elements();
  const seen: string[] = [];
  const set = new Set<string>();
  for (let k = 0; k < structure.nsites; k++) {
    const e = structure.majorityElement(k);
    if (!set.has(e)) {
      set.add(e);
      seen.push(e);
    }
  }
  return seen;
}

/** Decimal text of x that parses back to exactly x: fixed notation with ≥ 16 decimals when possible. */
export function formatExact(x: number, minDecimals = 16): string {
  if (!Number.isFinite(x)) throw new Error(`cannot write a non-finite number (${x}) to a POSCAR`);
  if (Object.is(x, -0)) return `-${(0).toFixed(minDecimals)}`; // keep the sign: reads back as -0
  if (Math.abs(x) < 1e21) {
    for (let d = minDecimals; d <= 24; d++) {
      const s = x.toFixed(d);
      if (Number(s) === x) return s;
    }
  }
  return String(x); // shortest round-trip form (may use an exponent, which VASP reads)
}

function formatRow(values: readonly number[], decimals: number | undefined): string {
  return values
    .map((v) => {
      const s = decimals === undefined ? formatExact(v) : v.toFixed(decimals);
      return s.length >= 22 ? ` ${s}` : s.padStart(22);
    })
    .join('');
}

/**
 * POSCAR text of an ordered structure. Throws InputError for a disordered structure
 * (POSCAR cannot hold partial occupancy or mixed sites).
 */
export function writePoscar(structure: Structure, opts: PoscarWriteOptions = {}): string {
  const direct = opts.direct ?? true;
  const vasp5 = opts.vasp5 ?? true;
  const writeLabels = opts.labels ?? true;
  for (let k = 0; k < structure.nsites; k++) {
    const s = structure.sites[k]!;
    if (s.species.length !== 1 || Math.abs(s.species[0]!.occupancy - 1) > 1e-9) {
      const desc = s.species.map((x) => `${x.element}${x.occupancy}`).join(' ');
      throw new InputError(
        `POSCAR cannot hold partial occupancy: site ${k + 1} (${s.label}) holds ${desc}`,
        { hint: 'make an ordered supercell first (ionpath order FILE --supercell …), then write its POSCARs' },
      );
    }
  }
  if (structure.nsites === 0) throw new InputError('cannot write a POSCAR without atoms');
  const order = poscarSiteOrder(structure, opts.order);
  const els = blockElements(structure, opts.order ?? 'first-appearance');
  const counts = els.map(() => 0);
  const rank = new Map(els.map((e, k) => [e, k]));
  for (const k of order) counts[rank.get(structure.majorityElement(k))!]!++;
  const sd = opts.selectiveDynamics ?? structure.sites.some((s) => s.properties?.selectiveDynamics !== undefined);

  const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');
  let comment = oneLine(opts.comment ?? (structure.title || structure.formula));
  if (!vasp5) comment = `${els.join(' ')}${comment && comment !== els.join(' ') ? `  ${comment}` : ''}`;
  const out: string[] = [];
  out.push(comment);
  out.push('1.0');
  const m = structure.lattice.matrix;
  for (const row of m) out.push(formatRow(row, opts.decimals));
  if (vasp5) out.push(els.map((e) => e.padStart(5)).join(''));
  out.push(counts.map((c) => String(c).padStart(6)).join(''));
  if (sd) out.push('Selective dynamics');
  out.push(direct ? 'Direct' : 'Cartesian');
  const flag = (b: boolean) => (b ? '   T' : '   F');
  for (const k of order) {
    const s = structure.sites[k]!;
    const pos: Vec3 = direct ? s.frac : cartesianOf(s.frac, m);
    let line = formatRow(pos, opts.decimals);
    if (sd) {
      const f = s.properties?.selectiveDynamics ?? [true, true, true];
      line += flag(f[0]) + flag(f[1]) + flag(f[2]);
    }
    if (writeLabels && s.label) line += `  ${s.label.replace(/\s+/g, '_')}`;
    out.push(line);
  }
  return out.join('\n') + '\n';
}

function cartesianOf(f: Vec3, m: Mat3): Vec3 {
  return [
    f[0] * m[0][0] + f[1] * m[1][0] + f[2] * m[2][0],
    f[0] * m[0][1] + f[1] * m[1][1] + f[2] * m[2][1],
    f[0] * m[0][2] + f[1] * m[1][2] + f[2] * m[2][2],
  ];
}
