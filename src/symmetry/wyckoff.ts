/**
 * Wyckoff positions of a space-group setting (from moyo's tables): parsing of the
 * representative coordinate triplet ('x,1/8,1/8', '1/8,y,-y+1/4', 'x,2x,z'), its free
 * parameters, orbit generation under the setting's operations (deduplicated under periodic
 * boundaries), and identification of the Wyckoff position a given point lies on.
 *
 * All positions are fractional coordinates of the setting's conventional cell; distance
 * tolerances are in Å (through the lattice metric).
 */
import type { Lattice } from '../core/lattice.js';
import type { Vec3 } from '../core/vec3.js';
import { InputError } from '../core/errors.js';
import { hallEntry, operationsOfHall, wyckoffPositionsOfHall, type SymOp } from './moyo.js';

export type ParamName = 'x' | 'y' | 'z';
export const PARAM_NAMES: readonly ParamName[] = ['x', 'y', 'z'];

/** One component of a coordinate triplet: cx·x + cy·y + cz·z + constant. */
export interface LinearForm {
  readonly coef: readonly [number, number, number];
  readonly constant: number;
}

export type Triplet = readonly [LinearForm, LinearForm, LinearForm];

/** Free parameter values by name (only those the triplet uses are read). */
export type Params = Partial<Record<ParamName, number>>;

export interface WyckoffPosition {
  /** Letter, e.g. 'd'. */
  readonly letter: string;
  /** Multiplicity in the setting's conventional cell. */
  readonly multiplicity: number;
  /** Site-symmetry symbol as moyo prints it, e.g. '.-3m'. */
  readonly siteSymmetry: string;
  /** Representative coordinate triplet as printed, e.g. 'x,1/8,1/8'. */
  readonly coordinates: string;
  readonly triplet: Triplet;
  /** Free parameters of the triplet, in x, y, z order. */
  readonly free: readonly ParamName[];
}

/** Parse a rational like '1/8', '-3/4', '0.25', '2'. */
function parseNumber(s: string): number {
  const m = /^([+-]?\d+(?:\.\d*)?)(?:\/(\d+))?$/.exec(s);
  if (!m) throw new Error(`bad number '${s}' in a coordinate triplet`);
  const v = Number(m[1]);
  return m[2] ? v / Number(m[2]) : v;
}

/** Parse one component such as '-y+1/4', '2x', 'x+1/2', '5/8'. */
export function parseLinearForm(text: string): LinearForm {
  const s = text.replace(/\s+/g, '');
  if (!s) throw new Error('empty component in a coordinate triplet');
  const coef: [number, number, number] = [0, 0, 0];
  let constant = 0;
  const terms = s.match(/[+-]?[^+-]+/g);
  if (!terms || terms.join('') !== s) throw new Error(`cannot parse coordinate component '${text}'`);
  for (const term of terms) {
    const m = /^([+-]?)(\d+(?:\.\d*)?(?:\/\d+)?)?\*?([xyz])?$/.exec(term);
    if (!m || (m[2] === undefined && m[3] === undefined)) throw new Error(`cannot parse term '${term}' in '${text}'`);
    const sign = m[1] === '-' ? -1 : 1;
    if (m[3]) {
      const k = m[2] === undefined ? 1 : parseNumber(m[2]);
      coef[PARAM_NAMES.indexOf(m[3] as ParamName)] += sign * k;
    } else {
      constant += sign * parseNumber(m[2]!);
    }
  }
  return { coef, constant };
}

/** Parse a triplet 'x,1/8,1/8'. */
export function parseTriplet(text: string): Triplet {
  const parts = text.split(',');
  if (parts.length !== 3) throw new Error(`a coordinate triplet needs three components, got '${text}'`);
  return [parseLinearForm(parts[0]), parseLinearForm(parts[1]), parseLinearForm(parts[2])];
}

/** Free parameters used by a triplet, in x, y, z order. */
export function freeParameters(t: Triplet): ParamName[] {
  return PARAM_NAMES.filter((_, k) => t.some((c) => c.coef[k] !== 0));
}

/** Evaluate a triplet at the given parameter values (missing ones must not be used). */
export function evaluateTriplet(t: Triplet, params: Params): Vec3 {
  const v = [0, 0, 0].map((_, k) => params[PARAM_NAMES[k]] ?? 0);
  return t.map((c) => c.coef[0] * v[0] + c.coef[1] * v[1] + c.coef[2] * v[2] + c.constant) as unknown as Vec3;
}

const tableCache = new Map<number, WyckoffPosition[]>();

/** The Wyckoff positions of a Hall setting, general position first. */
export function wyckoffTable(hallNumber: number): WyckoffPosition[] {
  let t = tableCache.get(hallNumber);
  if (!t) {
    t = wyckoffPositionsOfHall(hallNumber).map((w) => {
      const triplet = parseTriplet(w.coordinates);
      return Object.freeze({
        letter: w.letter,
        multiplicity: w.multiplicity,
        siteSymmetry: w.site_symmetry,
        coordinates: w.coordinates,
        triplet,
        free: Object.freeze(freeParameters(triplet)),
      });
    });
    tableCache.set(hallNumber, t);
  }
  return t;
}

/** A short name for a setting, e.g. 'F d -3 m (No. 227, origin choice 2)'. */
export function describeSetting(hallNumber: number): string {
  const h = hallEntry(hallNumber);
  const s = h.setting;
  let what = '';
  if (s === '1' || s === '2') what = `, origin choice ${s}`;
  else if (s === 'H') what = ', hexagonal axes';
  else if (s === 'R') what = ', rhombohedral axes';
  else if (s) what = `, setting ${s} (${h.hm_full})`;
  return `${h.hm_short} (No. ${h.number}${what})`;
}

/**
 * The Wyckoff position with this letter; `label` may carry the multiplicity ('16d'), which
 * is then checked. Unknown letter or wrong multiplicity → InputError listing what exists.
 */
export function wyckoffPosition(hallNumber: number, label: string): WyckoffPosition {
  const m = /^(\d*)\s*([a-zA-Z])$/.exec(label.trim());
  const table = wyckoffTable(hallNumber);
  const listing = table
    .slice()
    .reverse()
    .map((w) => `${w.multiplicity}${w.letter} (${w.coordinates})`)
    .join(', ');
  if (!m) {
    throw new InputError(`'${label}' is not a Wyckoff position (expected a letter such as 'd' or '16d')`, {
      hint: `positions of ${describeSetting(hallNumber)}: ${listing}`,
    });
  }
  const letter = m[2];
  const w = table.find((x) => x.letter === letter);
  if (!w) {
    throw new InputError(`space group ${describeSetting(hallNumber)} has no Wyckoff position '${letter}'`, {
      hint: `its positions are ${listing}`,
    });
  }
  if (m[1] && Number(m[1]) !== w.multiplicity) {
    throw new InputError(
      `Wyckoff position ${letter} of ${describeSetting(hallNumber)} has multiplicity ${w.multiplicity}, not ${m[1]}`,
      { hint: `write '${w.multiplicity}${letter}' or just '${letter}'; positions: ${listing}` },
    );
  }
  return w;
}

/** Apply x' = R x + t (R row-major). */
export function applyOp(op: SymOp, p: Vec3): Vec3 {
  const r = op.rotation;
  const t = op.translation;
  return [
    r[0] * p[0] + r[1] * p[1] + r[2] * p[2] + t[0],
    r[3] * p[0] + r[4] * p[1] + r[5] * p[2] + t[1],
    r[6] * p[0] + r[7] * p[1] + r[8] * p[2] + t[2],
  ];
}

/** Wrap into [0, 1) and clean values a hair below an integer. */
function wrap(p: Vec3): Vec3 {
  return p.map((x) => {
    let y = x - Math.floor(x);
    if (y > 1 - 1e-12) y = 0;
    return y;
  }) as unknown as Vec3;
}

/**
 * True when fractional positions `a` and `b` are within `tolerance` Å of each other under
 * periodic boundaries (component-wise nearest image; exact for the small tolerances used).
 */
export function closePeriodic(lattice: Lattice, a: Vec3, b: Vec3, tolerance: number): boolean {
  const m = lattice.matrix;
  const d0 = delta(a[0], b[0]);
  const d1 = delta(a[1], b[1]);
  const d2 = delta(a[2], b[2]);
  const x = d0 * m[0][0] + d1 * m[1][0] + d2 * m[2][0];
  const y = d0 * m[0][1] + d1 * m[1][1] + d2 * m[2][1];
  const z = d0 * m[0][2] + d1 * m[1][2] + d2 * m[2][2];
  return x * x + y * y + z * z < tolerance * tolerance;
}

/**
 * The orbit of point `p` under `ops`: images wrapped into [0, 1) and deduplicated — two
 * images closer than `tolerance` Å under periodic boundaries count once (first kept).
 */
export function orbitOf(ops: readonly SymOp[], p: Vec3, lattice: Lattice, tolerance = 0.01): Vec3[] {
  const out: Vec3[] = [];
  for (const op of ops) {
    const q = wrap(applyOp(op, p));
    if (!out.some((o) => closePeriodic(lattice, o, q, tolerance))) out.push(q);
  }
  return out;
}

/** Fractional difference a − b reduced to [-0.5, 0.5). */
function delta(a: number, b: number): number {
  const d = a - b;
  return d - Math.round(d);
}

/**
 * Free-parameter values that put the representative triplet of `w` onto the point `q`
 * (modulo lattice translations), or null when no values do (within `tolerance` Å).
 * Only `q` itself is tried (not its symmetry images).
 */
export function fitTriplet(w: WyckoffPosition, q: Vec3, lattice: Lattice, tolerance = 0.01): Params | null {
  // Candidate values per free parameter from the components where it appears alone.
  const candidates: number[][] = w.free.map((name) => {
    const k = PARAM_NAMES.indexOf(name);
    const vals: number[] = [];
    w.triplet.forEach((c, comp) => {
      const alone = c.coef.every((x, j) => (j === k ? x !== 0 : x === 0));
      if (!alone) return;
      const a = c.coef[k];
      // a·v + c ≡ q (mod 1) → v = (q − c + n)/a for n = 0..|a|−1
      for (let n = 0; n < Math.abs(a); n++) vals.push((q[comp] - c.constant + n) / a);
    });
    return vals;
  });
  if (candidates.some((c) => c.length === 0)) return null; // never happens with ITA triplets
  // Try the combinations (tiny: at most 2 values per parameter in practice).
  const combos: number[][] = [[]];
  for (const c of candidates) {
    const next: number[][] = [];
    for (const prefix of combos) for (const v of c) next.push([...prefix, v]);
    combos.splice(0, combos.length, ...next);
  }
  for (const combo of combos) {
    const params: Params = {};
    w.free.forEach((name, i) => (params[name] = wrapParam(combo[i])));
    const r = evaluateTriplet(w.triplet, params);
    if (closePeriodic(lattice, r, q, tolerance)) return params;
  }
  return null;
}

/** Parameter values wrapped into [0, 1) (they enter the triplet modulo 1 up to a sign). */
function wrapParam(v: number): number {
  let y = v - Math.floor(v);
  if (y > 1 - 1e-12) y = 0;
  return y;
}

export interface WyckoffAssignment {
  position: WyckoffPosition;
  /** Parameter values for the representative triplet. */
  params: Params;
  /** The representative point (exact triplet value, wrapped into [0, 1)). */
  representative: Vec3;
  /** The orbit (deduplicated images of the representative). */
  orbit: Vec3[];
}

/**
 * The Wyckoff position of point `p`: the orbit of `p` is generated, and the letter with
 * that multiplicity whose triplet fits one of the orbit points is returned, with its
 * parameters. Null when nothing fits (then `p` does not have the setting's symmetry
 * within `tolerance`).
 */
export function identifyWyckoff(hallNumber: number, p: Vec3, lattice: Lattice, tolerance = 0.01): WyckoffAssignment | null {
  const ops = operationsOfHall(hallNumber);
  const orbit = orbitOf(ops, p, lattice, tolerance);
  const table = wyckoffTable(hallNumber);
  // Special positions first (a point near a special position fits the general triplet too).
  const byMult = table.filter((w) => w.multiplicity === orbit.length).reverse();
  for (const w of byMult) {
    for (const q of orbit) {
      const params = fitTriplet(w, q, lattice, tolerance);
      if (params) {
        const representative = wrap(evaluateTriplet(w.triplet, params));
        return { position: w, params, representative, orbit: orbitOf(ops, representative, lattice, tolerance) };
      }
    }
  }
  return null;
}

/** Format parameters as 'x=0.2628 z=0.5' (up to 6 decimals). */
export function formatParams(params: Params, names: readonly ParamName[] = PARAM_NAMES): string {
  return names
    .filter((n) => params[n] !== undefined)
    .map((n) => `${n}=${Number(params[n]!.toFixed(6))}`)
    .join(' ');
}

/**
 * Origin shifts t (multiples of 1/`denominator`, in [0, 1)³) that leave the setting's
 * operations unchanged: conjugating (R, τ) by t gives (R, τ + (I − R) t), which must again
 * be an operation modulo lattice translations. Such a shift relabels Wyckoff positions
 * (in P4_332 it swaps 4a and 4b), so letters are defined only up to these shifts.
 */
export function opPreservingOriginShifts(hallNumber: number, denominator = 8): Vec3[] {
  const ops = operationsOfHall(hallNumber);
  const key = (r: readonly number[], t: readonly number[]) =>
    `${r.join(',')};${t.map((x) => (((Math.round(x * 48) % 48) + 48) % 48)).join(',')}`;
  const set = new Set(ops.map((o) => key(o.rotation, o.translation)));
  const out: Vec3[] = [];
  for (let i = 0; i < denominator; i++)
    for (let j = 0; j < denominator; j++)
      for (let k = 0; k < denominator; k++) {
        const t = [i / denominator, j / denominator, k / denominator];
        const ok = ops.every((o) => {
          const r = o.rotation;
          const rt = [r[0] * t[0] + r[1] * t[1] + r[2] * t[2], r[3] * t[0] + r[4] * t[1] + r[5] * t[2], r[6] * t[0] + r[7] * t[1] + r[8] * t[2]];
          return set.has(key(r, [o.translation[0] + t[0] - rt[0], o.translation[1] + t[1] - rt[1], o.translation[2] + t[2] - rt[2]]));
        });
        if (ok) out.push(t as unknown as Vec3);
      }
  return out;
}
