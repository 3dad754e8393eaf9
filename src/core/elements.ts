/**
 * Element data for the periodic table (Z = 1..109) plus deuterium (D) and tritium (T).
 *
 * Data are generated into ./elements-data.ts by scripts/gen-elements.py from:
 *  - standard atomic weights: IUPAC, as in pymatgen's periodic_table.json ("Atomic mass");
 *  - Pauling electronegativity and common oxidation states: pymatgen periodic_table.json;
 *  - ionic and crystal radii: R. D. Shannon, Acta Cryst. A32 (1976) 751 (via pymatgen);
 *  - covalent radii: B. Cordero et al., Dalton Trans. (2008) 2832 (via ase.data.covalent_radii);
 *  - colours: the Jmol colour table (via ase.data.colors.jmol_colors);
 *  - names: ase.data.atomic_names.
 * The table ends at Mt (Z = 109), where ASE's Jmol colour table ends.
 */
import { RAW_ELEMENTS } from './elements-data.js';

/** One Shannon (1976) radius entry. */
export interface ShannonRadius {
  oxidationState: number;
  /** Roman numeral as in Shannon 1976: 'IV', 'IVSQ', 'IVPY', 'VI', 'VIII', ... */
  coordination: string;
  /** Numeric coordination number (4 for IV, IVSQ and IVPY). */
  cn: number;
  spin?: 'HS' | 'LS';
  /** Ionic radius, Å. */
  ionicRadius: number;
  /** Crystal radius, Å. */
  crystalRadius: number;
}

export interface ElementData {
  Z: number;
  symbol: string;
  name: string;
  /** Standard atomic weight (u), IUPAC, as in pymatgen's periodic_table.json "Atomic mass". */
  mass: number;
  /**
   * Covalent radius, Å, Cordero et al., Dalton Trans. 2008, 2832 (as in ase.data.covalent_radii).
   * For Z ≥ 97 Cordero gives no value and this is ASE's placeholder 0.2 Å.
   */
  covalentRadius: number;
  /** Pauling electronegativity; null when not tabulated (noble gases He, Ne, Ar; Z ≥ 104). */
  electronegativity: number | null;
  /** Jmol colour, 0–255. */
  color: readonly [number, number, number];
  /** '#RRGGBB' */
  colorHex: string;
  commonOxidationStates: readonly number[];
  shannon: readonly ShannonRadius[];
}

function hex2(v: number): string {
  return v.toString(16).padStart(2, '0').toUpperCase();
}

export const ELEMENTS: readonly ElementData[] = Object.freeze(
  RAW_ELEMENTS.map(([Z, symbol, name, mass, covalentRadius, electronegativity, color, ox, sh]) =>
    Object.freeze({
      Z,
      symbol,
      name,
      mass,
      covalentRadius,
      electronegativity,
      color,
      colorHex: `#${hex2(color[0])}${hex2(color[1])}${hex2(color[2])}`,
      commonOxidationStates: ox,
      shannon: Object.freeze(
        sh.map(([oxidationState, coordination, cn, spin, ionicRadius, crystalRadius]) =>
          Object.freeze(
            spin === ''
              ? { oxidationState, coordination, cn, ionicRadius, crystalRadius }
              : { oxidationState, coordination, cn, spin, ionicRadius, crystalRadius },
          ),
        ),
      ),
    } satisfies ElementData),
  ),
);

const BY_SYMBOL = new Map<string, ElementData>(ELEMENTS.map((e) => [e.symbol, e]));
/** Z → element; for Z = 1 this is H (D and T are reachable by symbol only). */
const BY_Z = new Map<number, ElementData>();
for (const e of ELEMENTS) if (!BY_Z.has(e.Z)) BY_Z.set(e.Z, e);

/** Element by exact symbol ('Li', 'D'); throws Error(`unknown element "Xx"`) otherwise. */
export function element(symbol: string): ElementData {
  const e = BY_SYMBOL.get(symbol);
  if (!e) throw new Error(`unknown element "${symbol}"`);
  return e;
}

/** Element by exact symbol, or null. */
export function elementOrNull(symbol: string): ElementData | null {
  return BY_SYMBOL.get(symbol) ?? null;
}

/** Element by atomic number (Z = 1 gives H); throws for Z not in the table. */
export function elementByZ(Z: number): ElementData {
  const e = BY_Z.get(Z);
  if (!e) throw new Error(`unknown atomic number ${Z}`);
  return e;
}

/** True when s is exactly an element symbol in the table (case-sensitive; 'D' and 'T' count). */
export function isElementSymbol(s: string): boolean {
  return BY_SYMBOL.has(s);
}

/** Labels that name water in some CIFs (as pymatgen's CifParser treats them). */
const WATER_LABELS = new Set(['Wat', 'wat', 'WAT']);

/**
 * Element from the messy symbols found in files (CIF type symbols and labels, POSCAR species,
 * POTCAR names): 'Mn3+' → 'Mn', 'O2-' → 'O', 'Li1' → 'Li', 'O-H3' → 'O', 'Ow3' → 'O',
 * 'ca' → 'Ca', 'Li_sv' → 'Li', 'Fe_pv/abc123' → 'Fe', 'H1+' → 'H', 'D' → 'D'.
 *
 * Rule (the same as pymatgen's CifParser._parse_symbol):
 *  1. Leading/trailing whitespace is ignored; an exact symbol is returned as is.
 *  2. 'Wat'/'wat' (water) → 'O'.
 *  3. The string must start with a letter. If the first two characters are letters and,
 *     title-cased, form an element ('Co', 'ca' → 'Ca', 'CO' → 'Co', 'FE1' → 'Fe'), that wins.
 *  4. Otherwise the first letter, upper-cased, if it is an element ('Ow3' → 'O', 'Cw' → 'C',
 *     'OH' → 'O', 'Hw' → 'H').
 *  5. Otherwise null ('Xx', 'Q1', '1Li', '').
 * So two-letter symbols win whenever they are valid — including from all-caps labels
 * ('CO' is cobalt, 'NB' niobium); a second letter that makes no element is dropped.
 */
export function parseElementSymbol(raw: string): string | null {
  const s = raw.trim();
  if (BY_SYMBOL.has(s)) return s;
  if (WATER_LABELS.has(s)) return 'O';
  const m = /^([A-Za-z])([A-Za-z])?/.exec(s);
  if (!m) return null;
  const first = m[1]!.toUpperCase();
  if (m[2] !== undefined) {
    const two = first + m[2].toLowerCase();
    if (BY_SYMBOL.has(two)) return two;
  }
  return BY_SYMBOL.has(first) ? first : null;
}

/**
 * Oxidation state from a type symbol: 'Mn3+' → 3, 'O2-' → -2, 'Fe+2' → 2, 'Li+' → 1,
 * 'Ca++' → 2, 'Fe2.5+' → 2.5; null when there is no charge at the end ('Li1', 'O-H3', 'Fe').
 * The charge must be the end of the string: digits then sign(s), or a sign then digits.
 */
export function parseOxidationState(raw: string): number | null {
  const s = raw.trim();
  let m = /(\d+(?:\.\d+)?)?([+-]+)$/.exec(s);
  if (m) {
    const signs = m[2]!;
    if (new Set(signs).size !== 1) return null; // '+-' is not a charge
    const sign = signs[0] === '-' ? -1 : 1;
    if (m[1] !== undefined) return signs.length === 1 ? sign * Number(m[1]) : null;
    return sign * signs.length;
  }
  m = /[A-Za-z]([+-])(\d+(?:\.\d+)?)$/.exec(s);
  if (m) return (m[1] === '-' ? -1 : 1) * Number(m[2]);
  return null;
}

/** 'IVSQ' → 4, 'IIIPY' → 3, 'XIV' → 14; NaN when not a roman numeral. */
export function romanToNumber(roman: string): number {
  const s = roman.toUpperCase().replace(/(SQ|PY)$/, '');
  if (!/^[IVX]+$/.test(s)) return Number.NaN;
  const v: Record<string, number> = { I: 1, V: 5, X: 10 };
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const a = v[s[i]!]!;
    const b = i + 1 < s.length ? v[s[i + 1]!]! : 0;
    total += a < b ? -a : a;
  }
  return total;
}

/** Order of preference among entries with the same coordination: high spin, no spin, low spin. */
function spinRank(r: ShannonRadius): number {
  return r.spin === 'HS' ? 0 : r.spin === undefined ? 1 : 2;
}

/**
 * Shannon ionic radius (Å) for an element, oxidation state and coordination number.
 * cn may be a number (6) or a Shannon roman numeral ('VI', 'IVSQ'). When cn is omitted the
 * 'VI' value is returned, or, if VI is not tabulated, the closest CN to 6. When cn is given and
 * not tabulated, the closest tabulated CN (ties → the smaller CN). For a numeric CN the plain
 * coordination ('IV') is preferred over 'IVSQ'/'IVPY'. High spin is preferred over low spin.
 * Returns null when the element has no radius for that oxidation state.
 * Throws for an unknown element symbol (like element()).
 */
export function shannonRadius(symbol: string, oxidationState: number, cn?: number | string): number | null {
  const entries = element(symbol).shannon.filter((r) => r.oxidationState === oxidationState);
  if (entries.length === 0) return null;
  let target: number;
  if (cn === undefined) target = 6;
  else if (typeof cn === 'string') {
    const exact = entries.filter((r) => r.coordination === cn.toUpperCase());
    if (exact.length > 0) return pickSpin(exact).ionicRadius;
    target = /^\d+$/.test(cn) ? Number(cn) : romanToNumber(cn);
    if (Number.isNaN(target)) throw new Error(`not a coordination number: "${cn}"`);
  } else target = cn;
  let best = entries[0]!;
  for (const r of entries) {
    const d = Math.abs(r.cn - target);
    const db = Math.abs(best.cn - target);
    if (d < db || (d === db && r.cn < best.cn)) best = r;
  }
  const sameCn = entries.filter((r) => r.cn === best.cn);
  const plain = sameCn.filter((r) => romanToNumber(r.coordination) === r.cn && /^[IVX]+$/.test(r.coordination));
  return pickSpin(plain.length > 0 ? plain : sameCn).ionicRadius;
}

function pickSpin(rs: readonly ShannonRadius[]): ShannonRadius {
  return [...rs].sort((a, b) => spinRank(a) - spinRank(b))[0]!;
}
