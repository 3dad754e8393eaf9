/**
 * The INCAR model: an ordered map TAG → value, its text form and a parser.
 *
 * Text form written here:
 *   TAG = value            one tag per line, in insertion order, optional `# comment`
 *   booleans               .TRUE. / .FALSE.
 *   numbers                integers plainly; |x| < 1e-3 in exponent form (1E-06 → "1E-6")
 *   arrays                 space separated; MAGMOM runs compressed as N*value ("8*0.6 16*5")
 *
 * The parser reads what VASP reads: `#` and `!` start comments, `;` separates assignments
 * on one line, a trailing `\` continues a line, `N*value` expands, .TRUE./.T./T and
 * .FALSE./.F./F are booleans, Fortran exponents (1.0D-5) are numbers. Anything else is
 * kept as a string. A line with text but no `=` is an InputError naming file and line.
 */
import { InputError, type Warning } from '../core/errors.js';

export type IncarScalar = boolean | number | string;
export type IncarValue = IncarScalar | readonly IncarScalar[];
/** Ordered TAG → value (tags upper-case). */
export type Incar = Map<string, IncarValue>;

export interface ParsedIncar {
  incar: Incar;
  /** 1-based line where each tag was set. */
  lines: Map<string, number>;
  warnings: Warning[];
}

/** Tags whose arrays are written compressed (N*value). */
const COMPRESSED = new Set(['MAGMOM']);

/** Number → INCAR text: integers plainly, small magnitudes as 1E-6, others shortest round-trip. */
export function formatIncarNumber(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`INCAR value must be finite, got ${x}`);
  if (Number.isInteger(x)) return String(x);
  if (Math.abs(x) < 1e-3) return x.toExponential().toUpperCase().replace('E+', 'E');
  return String(x);
}

function formatScalar(v: IncarScalar): string {
  if (typeof v === 'boolean') return v ? '.TRUE.' : '.FALSE.';
  if (typeof v === 'number') return formatIncarNumber(v);
  return v;
}

/** Run-length compression of an array: [0.6, 0.6, 5] → "2*0.6 5". */
export function compressArray(values: readonly IncarScalar[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < values.length) {
    let j = i + 1;
    while (j < values.length && values[j] === values[i]) j++;
    const n = j - i;
    out.push(n > 1 ? `${n}*${formatScalar(values[i])}` : formatScalar(values[i]));
    i = j;
  }
  return out.join(' ');
}

/** Text of one value as written after `TAG = `. */
export function formatIncarValue(tag: string, v: IncarValue): string {
  if (Array.isArray(v)) {
    const arr = v as readonly IncarScalar[];
    return COMPRESSED.has(tag.toUpperCase()) ? compressArray(arr) : arr.map(formatScalar).join(' ');
  }
  return formatScalar(v as IncarScalar);
}

/**
 * INCAR text. `comments` adds `# …` after a tag's value; `header` lines are written first
 * as comments.
 */
export function formatIncar(incar: Incar, opts: { comments?: ReadonlyMap<string, string>; header?: readonly string[] } = {}): string {
  const lines: string[] = [];
  for (const h of opts.header ?? []) lines.push(`# ${h}`);
  const width = Math.max(0, ...[...incar.keys()].map((k) => k.length));
  for (const [k, v] of incar) {
    const body = `${k.padEnd(width)} = ${formatIncarValue(k, v)}`;
    const c = opts.comments?.get(k);
    lines.push(c ? `${body}   # ${c}` : body);
  }
  return lines.join('\n') + '\n';
}

const BOOL_TRUE = /^\.?(T|TRUE)\.?$/i;
const BOOL_FALSE = /^\.?(F|FALSE)\.?$/i;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?$/;

/** One INCAR token → boolean, number or string. */
export function parseIncarScalar(tok: string): IncarScalar {
  if (NUMBER.test(tok)) return Number(tok.replace(/[dD]/, 'e'));
  if (BOOL_TRUE.test(tok)) return true;
  if (BOOL_FALSE.test(tok)) return false;
  return tok;
}

/**
 * The value text of one assignment → value. Several tokens make an array (N*value
 * expanded) when every token is a number or boolean; otherwise the text is one string
 * (SYSTEM = my LiMn2O4 run).
 */
export function parseIncarValue(raw: string): IncarValue {
  const text = raw.trim();
  const toks = text.split(/\s+/).filter(Boolean);
  if (toks.length === 0) return '';
  const expanded: IncarScalar[] = [];
  for (const t of toks) {
    const m = /^(\d+)\*(.+)$/.exec(t);
    if (m) {
      const v = parseIncarScalar(m[2]);
      if (typeof v === 'string') return text;
      for (let i = 0; i < Number(m[1]); i++) expanded.push(v);
      continue;
    }
    const v = parseIncarScalar(t);
    if (typeof v === 'string') return toks.length === 1 ? v : text;
    expanded.push(v);
  }
  return expanded.length === 1 && !/^\d+\*/.test(toks[0]) ? expanded[0] : expanded;
}

const TAG = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Parse INCAR text. */
export function parseIncar(text: string, file?: string): ParsedIncar {
  const incar: Incar = new Map();
  const lines = new Map<string, number>();
  const warnings: Warning[] = [];
  const raw = text.split(/\r?\n/);
  for (let i = 0; i < raw.length; i++) {
    const lineNo = i + 1;
    let s = raw[i];
    // continuation: a trailing backslash joins the next line
    while (/\\\s*$/.test(stripComment(s)) && i + 1 < raw.length) {
      s = stripComment(s).replace(/\\\s*$/, ' ') + raw[++i];
    }
    s = stripComment(s);
    for (const part of s.split(';')) {
      if (!part.trim()) continue;
      const eq = part.indexOf('=');
      if (eq < 0) {
        throw new InputError(`expected "TAG = value", found "${part.trim()}"`, { file, line: lineNo });
      }
      const tag = part.slice(0, eq).trim().toUpperCase();
      if (!TAG.test(tag)) {
        throw new InputError(`"${part.slice(0, eq).trim()}" is not an INCAR tag name`, { file, line: lineNo });
      }
      const valueText = part.slice(eq + 1);
      if (!valueText.trim()) {
        throw new InputError(`tag ${tag} has no value`, { file, line: lineNo });
      }
      if (incar.has(tag)) {
        warnings.push({ message: `${tag} is set twice (first on line ${lines.get(tag)}); VASP uses the first`, file, line: lineNo });
        continue;
      }
      incar.set(tag, parseIncarValue(valueText));
      lines.set(tag, lineNo);
    }
  }
  return { incar, lines, warnings };
}

function stripComment(s: string): string {
  const m = /[#!]/.exec(s);
  return m ? s.slice(0, m.index) : s;
}

/**
 * Command-line overrides ("KEY=VALUE", value parsed like INCAR text). An empty value
 * ("LDAU=") removes the tag. Throws InputError on a malformed assignment.
 */
export function parseIncarOverrides(assignments: readonly string[]): Map<string, IncarValue | null> {
  const out = new Map<string, IncarValue | null>();
  for (const a of assignments) {
    const eq = a.indexOf('=');
    if (eq < 0) throw new InputError(`--incar "${a}": expected KEY=VALUE (e.g. --incar ENCUT=600)`);
    const tag = a.slice(0, eq).trim().toUpperCase();
    if (!TAG.test(tag)) throw new InputError(`--incar "${a}": "${a.slice(0, eq)}" is not an INCAR tag name`);
    const v = a.slice(eq + 1).trim();
    out.set(tag, v === '' ? null : parseIncarValue(v));
  }
  return out;
}

/** A copy of `base` with `overrides` applied (null removes a tag); new tags go at the end. */
export function applyIncarOverrides(base: Incar, overrides: ReadonlyMap<string, IncarValue | null>): Incar {
  const out: Incar = new Map(base);
  for (const [k, v] of overrides) {
    if (v === null) out.delete(k);
    else out.set(k, v);
  }
  return out;
}

/** Value of a tag as a number (first element of an array), or undefined. */
export function incarNumber(incar: Incar, tag: string): number | undefined {
  const v = incar.get(tag);
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'number' ? x : undefined;
}

/** Value of a tag as a boolean (undefined when absent or not boolean). */
export function incarBool(incar: Incar, tag: string): boolean | undefined {
  const v = incar.get(tag);
  return typeof v === 'boolean' ? v : undefined;
}

/** Plain-object form for JSON output (arrays copied). */
export function incarToJSON(incar: Incar): Record<string, IncarValue> {
  const o: Record<string, IncarValue> = {};
  for (const [k, v] of incar) o[k] = Array.isArray(v) ? [...(v as IncarScalar[])] : v;
  return o;
}

/**
 * VASP tags ionpath knows; an override outside this list gets a warning (a typo in an
 * INCAR is silently ignored by VASP).
 */
export const KNOWN_TAGS: ReadonlySet<string> = new Set(
  (
    'ADDGRID AEXX AGGAC AGGAX ALDAC ALGO AMIN AMIX AMIX_MAG ANDERSEN_PROB APACO BMIX BMIX_MAG DIPOL EDIFF EDIFFG EFIELD ' +
    'EMAX EMIN ENAUG ENCUT ENCUTFOCK ENCUTGW ENMAX ENMIN EPSILON GGA GGA_COMPAT HFSCREEN IALGO IBRION ICHAIN ICHARG ICORELEVEL ' +
    'IDIPOL IMAGES INIWAV IOPT ISIF ISMEAR ISPIN ISTART ISYM IVDW IWAVPR KBLOCK KGAMMA KPAR KSPACING LAECHG LAMBDA LASPH LCHARG ' +
    'LCLIMB LCORR LDAU LDAUJ LDAUL LDAUPRINT LDAUTYPE LDAUU LDIPOL LEFG LELF LEPSILON LHFCALC LMAXMIX LMAXPAW LMONO LNEBCELL ' +
    'LNONCOLLINEAR LOPTICS LORBIT LPARD LPLANE LREAL LSCALAPACK LSCALU LSORBIT LTETE LTRIANGLE LUSE_VDW LVHAR LVTOT LWAVE MAGMOM ' +
    'MAXMIX METAGGA MDALGO NBANDS NBLOCK NEDOS NELECT NELM NELMDL NELMIN NFREE NGX NGXF NGY NGYF NGZ NGZF NPAR NCORE NSIM NSW ' +
    'NUPDOWN NWRITE POTIM PREC PSTRESS RWIGS SAXIS SIGMA SMASS SPRING SYMPREC SYSTEM TEBEG TEEND TIME VOSKOWN WEIMIN ZVAL ' +
    'LDAUPRINT LMIXTAU LELF LCHIMAG LRPA LSPECTRAL NOMEGA LBERRY LCALCPOL LCALCEPS LPEAD IGPAR NPPSTR DARWINR DARWINV ' +
    'ISPIND NUPDOWN LSUBROT LMAXTAU LASYNC ML_LMLFF ML_ISTART ML_MODE LBLUEOUT MAXMOVE DDR DRotMax DFNMin DFNMax ' +
    'FNMIN SNL_MAXRANK TIMESTEP LLINEOPT ILBFGSMEM LGLOBAL LAUTOSCALE INVCURV FDSTEP SDALPHA SDR STEEPEST DRMAX'
  )
    .toUpperCase()
    .split(/\s+/)
    .filter(Boolean),
);
