/**
 * Orderings of partially occupied sites: every way of putting the right number of each
 * species (and vacancies) on the disordered sites of a supercell, symmetry-distinct ones
 * once each, ranked by Ewald energy.
 *
 * - Disordered sites: a site with several species or an occupancy below 1. Sites with the
 *   same content form a sublattice; its counts are occupancy × number of sites, which must
 *   be whole numbers (within `countTolerance`).
 * - Symmetry: the parent structure's space-group operations (found by moyo with disordered
 *   sites typed by their content) that map the supercell lattice onto itself, combined with
 *   the parent lattice translations inside the supercell, act as permutations of the
 *   disordered sites. Two orderings related by one of them are the same ordering.
 * - Canonical form: the lexicographically smallest image of the species array under the
 *   group. Configurations are generated in lexicographic order and kept when no image is
 *   smaller; the stabiliser size gives the number of configurations each stands for
 *   (orbit–stabiliser: |G| / |Stab|). The numbers add up to the total count.
 * - Energy: E = ½ qᵀΦq with the Ewald pair matrix Φ of all supercell positions (vacancy →
 *   charge 0), computed once; each ordering costs O(D²) for D disordered sites.
 * - Too many configurations (> `maxConfigurations`) → InputError with the count; `random`
 *   samples seeded random orderings instead (deduplicated the same way).
 */
import { mulberry32 } from '../math/random.js';
import { InputError } from '../core/errors.js';
import { Lattice } from '../core/lattice.js';
import { Structure, sortElements, type SiteInput } from '../core/structure.js';
import { det3, type Mat3, type Vec3 } from '../core/vec3.js';
import { analyzeCell, hallEntry, type SymOp } from '../symmetry/moyo.js';
import { siteTypes } from '../symmetry/analyze.js';
import { guessOxidationStates } from './oxidation-states.js';
import { ewaldMatrix, type EwaldOptions } from './ewald.js';

export interface OrderingOptions {
  /** Supercell: diagonal [na, nb, nc] or an integer matrix (rows = new vectors in old units). */
  supercell?: readonly [number, number, number] | Mat3 | number[][];
  /** Oxidation state per element; wins over states stored in the structure. */
  oxidation?: Record<string, number>;
  /** How many of the lowest-energy orderings to return (default 10). */
  keep?: number;
  /** Refuse enumerations with more configurations than this (default 1e7). */
  maxConfigurations?: number;
  /** Sample this many random configurations instead of enumerating. */
  random?: { samples: number; seed?: number };
  /** Symmetry tolerance in Å (default 0.01). */
  symprec?: number;
  /** Largest allowed deviation of a species count from a whole number (default 0.05). */
  countTolerance?: number;
  /** Ewald convergence settings. */
  ewald?: EwaldOptions;
  /** Analyse the space group of each kept ordering (default true). */
  analyze?: boolean;
  /** Called now and then with (configurations done, total). */
  progress?: (done: number, total: number) => void;
}

export interface SublatticeSpecies {
  /** Element, or null for a vacancy. */
  element: string | null;
  count: number;
  /** Charge used in the Ewald sum (e). */
  charge: number;
}

export interface Sublattice {
  /** Label of the parent site(s), e.g. 'NiMn1'. */
  label: string;
  /** Content as a text, e.g. 'Ni0.25Mn0.75'. */
  content: string;
  /** Supercell site indices. */
  sites: number[];
  species: SublatticeSpecies[];
}

export interface Ordering {
  /** 1 = lowest energy. */
  rank: number;
  /** Ewald energy of the supercell (eV). */
  energy: number;
  /** Energy above the lowest one found (eV per supercell). */
  relativeEnergy: number;
  /** eV per atom of the ordered cell. */
  energyPerAtom: number;
  /** Number of configurations this symmetry-distinct ordering stands for. */
  degeneracy: number;
  /** Species index per disordered site (sublattice blocks in order; see `sublattices`). */
  assignment: number[];
  structure: Structure;
  spacegroup?: { number: number; symbol: string };
  /** Random mode: how many samples landed on this ordering. */
  hits?: number;
}

export interface OrderingResult {
  /** The disordered supercell the orderings live in. */
  supercell: Structure;
  supercellMatrix: Mat3;
  sublattices: Sublattice[];
  /** Number of configurations (exact, as text: it may exceed 2^53). */
  totalConfigurations: string;
  /** Symmetry-distinct orderings found (all of them when enumerated). */
  distinct: number;
  /** Operations of the parent acting on the supercell (distinct permutations of the disordered sites). */
  groupOrder: number;
  parentSpacegroup: { number: number; symbol: string };
  method: 'enumeration' | 'random';
  samples?: number;
  seed?: number;
  /** Charge used per element (e). */
  oxidation: Record<string, number>;
  /** Total charge of an ordered supercell (e); 0 when neutral. */
  netCharge: number;
  orderings: Ordering[];
  warnings: string[];
}

const DEFAULT_MAX = 1e7;

/** n! / (k1! k2! …) as BigInt. */
export function multinomial(counts: readonly number[]): bigint {
  let n = 0n;
  let r = 1n;
  for (const c of counts) {
    for (let i = 1n; i <= BigInt(c); i++) {
      n += 1n;
      r = (r * n) / i;
    }
  }
  return r;
}

function toMat3(s: OrderingOptions['supercell']): Mat3 {
  if (!s) return [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  if (typeof s[0] === 'number') {
    const d = s as readonly number[];
    return [[d[0], 0, 0], [0, d[1], 0], [0, 0, d[2]]];
  }
  const m = s as readonly (readonly number[])[];
  return [[m[0][0], m[0][1], m[0][2]], [m[1][0], m[1][1], m[1][2]], [m[2][0], m[2][1], m[2][2]]];
}

/** True for a site that needs ordering (several species or occupancy below 1). */
export function isDisorderedSite(site: Structure['sites'][number]): boolean {
  const occ = site.species.reduce((a, s) => a + s.occupancy, 0);
  return site.species.length > 1 || occ < 1 - 1e-6;
}

/** Content text of a site: 'Ni0.25Mn0.75', 'Li0.5'. */
function contentText(site: Structure['sites'][number]): string {
  return site.species.map((s) => `${s.element}${Number(s.occupancy.toFixed(6))}`).join('');
}

/** Charge of an element on a site: explicit option, then the species' state, then the guess. */
function chargeOf(el: string, stored: number | undefined, opts: Record<string, number>, guess: Record<string, number> | null): number {
  if (opts[el] !== undefined) return opts[el];
  if (stored !== undefined) return stored;
  if (guess && guess[el] !== undefined) return guess[el];
  throw new InputError(`no oxidation state for ${el}`, { hint: `give it, e.g. --oxidation ${el}=N` });
}

// ---------------------------------------------------------------------------------------
// Symmetry as permutations

/** Integer 3×3 check with tolerance. */
function isIntegerMatrix(m: number[][]): boolean {
  return m.every((r) => r.every((x) => Math.abs(x - Math.round(x)) < 1e-6));
}

function mul(a: number[][], b: number[][]): number[][] {
  return a.map((r) => [0, 1, 2].map((j) => r[0] * b[0][j] + r[1] * b[1][j] + r[2] * b[2][j]));
}

function inv(m: number[][]): number[][] {
  return new Lattice(m).inverse.map((r) => [...r]);
}

/** Lookup of supercell sites by fractional position (grid hash + tolerance in Å). */
class SiteIndex {
  private readonly map = new Map<number, number[]>();
  /** Grid cells per axis: at least `tol` wide (so the 27 neighbouring cells cover it), at most 512. */
  private readonly G: [number, number, number];
  constructor(
    private readonly lattice: Lattice,
    private readonly frac: Float64Array,
    private readonly tol: number,
  ) {
    const w = lattice.perpendicularWidths;
    this.G = [0, 1, 2].map((k) => Math.max(1, Math.min(512, Math.floor(w[k] / tol)))) as [number, number, number];
    const n = frac.length / 3;
    for (let i = 0; i < n; i++) {
      const k = this.key(this.cell(frac[3 * i], 0), this.cell(frac[3 * i + 1], 1), this.cell(frac[3 * i + 2], 2));
      const l = this.map.get(k);
      if (l) l.push(i);
      else this.map.set(k, [i]);
    }
  }
  private cell(x: number, axis: number): number {
    const g = this.G[axis];
    const w = x - Math.floor(x);
    return Math.floor(w * g) % g;
  }
  private key(a: number, b: number, c: number): number {
    return (a * this.G[1] + b) * this.G[2] + c;
  }
  /** Index of the site within `tol` Å of (x, y, z) (fractional, any image), or −1. */
  find(x: number, y: number, z: number): number {
    const [ga, gb, gc] = this.G;
    const cx = this.cell(x, 0);
    const cy = this.cell(y, 1);
    const cz = this.cell(z, 2);
    const m = this.lattice.matrix;
    const tol2 = this.tol * this.tol;
    for (let a = -1; a <= 1; a++)
      for (let b = -1; b <= 1; b++)
        for (let c = -1; c <= 1; c++) {
          const l = this.map.get(this.key((cx + a + ga) % ga, (cy + b + gb) % gb, (cz + c + gc) % gc));
          if (!l) continue;
          for (const i of l) {
            let d0 = this.frac[3 * i] - x;
            let d1 = this.frac[3 * i + 1] - y;
            let d2 = this.frac[3 * i + 2] - z;
            d0 -= Math.round(d0);
            d1 -= Math.round(d1);
            d2 -= Math.round(d2);
            const X = d0 * m[0][0] + d1 * m[1][0] + d2 * m[2][0];
            const Y = d0 * m[0][1] + d1 * m[1][1] + d2 * m[2][1];
            const Z = d0 * m[0][2] + d1 * m[1][2] + d2 * m[2][2];
            if (X * X + Y * Y + Z * Z < tol2) return i;
          }
        }
    return -1;
  }
}

/**
 * Permutations of the supercell sites `sites` (indices) induced by the parent operations
 * `ops` (parent fractional basis) combined with parent lattice translations. Returns the
 * distinct permutations as arrays over positions in `sites` (perm[k] = position of the
 * image of sites[k]); the identity is first.
 */
export function supercellPermutations(
  parentOps: readonly SymOp[],
  S: Mat3,
  superLattice: Lattice,
  superFrac: Float64Array,
  sites: readonly number[],
  tolerance: number,
): Int32Array[] {
  const Sm = S.map((r) => [...r]);
  const Sinv = inv(Sm);
  const det = Math.round(Math.abs(det3(S)));
  // parent lattice points inside the supercell (in parent fractional units)
  const points: number[][] = [];
  const lim = Math.max(...Sm.flat().map((x) => Math.abs(x))) * 3 + 1;
  for (let i = -lim; i <= lim && points.length < det; i++)
    for (let j = -lim; j <= lim && points.length < det; j++)
      for (let k = -lim; k <= lim && points.length < det; k++) {
        const f = [0, 1, 2].map((c) => i * Sinv[0][c] + j * Sinv[1][c] + k * Sinv[2][c]);
        if (f.every((x) => x >= -1e-9 && x < 1 - 1e-9)) points.push([i, j, k]);
      }
  if (points.length !== det) throw new Error(`internal: found ${points.length} lattice points in the supercell, expected ${det}`);
  const index = new SiteIndex(superLattice, superFrac, tolerance);
  const pos = new Map<number, number>();
  sites.forEach((s, k) => pos.set(s, k));
  const seen = new Set<string>();
  const perms: Int32Array[] = [];
  const identityKey = sites.map((_, k) => k).join(',');
  seen.add(identityKey);
  perms.push(Int32Array.from(sites.map((_, k) => k)));
  for (const op of parentOps) {
    const R = [
      [op.rotation[0], op.rotation[1], op.rotation[2]],
      [op.rotation[3], op.rotation[4], op.rotation[5]],
      [op.rotation[6], op.rotation[7], op.rotation[8]],
    ];
    // superlattice rows s_k map to s_k Rᵀ; preserved iff S Rᵀ S⁻¹ is integer
    const Rt = [0, 1, 2].map((i) => [0, 1, 2].map((j) => R[j][i]));
    if (!isIntegerMatrix(mul(mul(Sm, Rt), Sinv))) continue;
    // parent frac of site k is f_s·S; image = R·f_p + t + p; back: f_s' = image·S⁻¹ — as one affine map
    // f_s' = f_s·M + c with M = S Rᵀ S⁻¹ and c = (t + p)·S⁻¹.
    const M = mul(mul(Sm, Rt), Sinv);
    for (const p of points) {
      const tp = [op.translation[0] + p[0], op.translation[1] + p[1], op.translation[2] + p[2]];
      const c0 = tp[0] * Sinv[0][0] + tp[1] * Sinv[1][0] + tp[2] * Sinv[2][0];
      const c1 = tp[0] * Sinv[0][1] + tp[1] * Sinv[1][1] + tp[2] * Sinv[2][1];
      const c2 = tp[0] * Sinv[0][2] + tp[1] * Sinv[1][2] + tp[2] * Sinv[2][2];
      const perm = new Int32Array(sites.length);
      let ok = true;
      for (let k = 0; k < sites.length && ok; k++) {
        const s = sites[k];
        const x = superFrac[3 * s];
        const y = superFrac[3 * s + 1];
        const z = superFrac[3 * s + 2];
        const j = index.find(
          x * M[0][0] + y * M[1][0] + z * M[2][0] + c0,
          x * M[0][1] + y * M[1][1] + z * M[2][1] + c1,
          x * M[0][2] + y * M[1][2] + z * M[2][2] + c2,
        );
        const kk = j < 0 ? undefined : pos.get(j);
        if (kk === undefined) ok = false;
        else perm[k] = kk;
      }
      if (!ok) {
        // a symmetry found within symprec that does not map the sites within 2·symprec: the
        // operations would not form a group on the sites, and the counting would be wrong
        throw new InputError(`a symmetry operation of the structure does not map its disordered sites onto each other within ${tolerance} Å`, {
          hint: 'the positions are only approximately symmetric: try a smaller --symprec (e.g. 0.001) or symmetrize the structure first',
        });
      }
      const key = perm.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      perms.push(perm);
    }
  }
  return perms;
}

// ---------------------------------------------------------------------------------------
// Enumeration

/** Next lexicographic permutation of a[lo..hi) in place; false (and sorted) when wrapping. */
function nextPermutation(a: Uint8Array, lo: number, hi: number): boolean {
  let i = hi - 2;
  while (i >= lo && a[i] >= a[i + 1]) i--;
  if (i < lo) {
    // reverse to ascending
    for (let l = lo, r = hi - 1; l < r; l++, r--) {
      const t = a[l];
      a[l] = a[r];
      a[r] = t;
    }
    return false;
  }
  let j = hi - 1;
  while (a[j] <= a[i]) j--;
  let t = a[i];
  a[i] = a[j];
  a[j] = t;
  for (let l = i + 1, r = hi - 1; l < r; l++, r--) {
    t = a[l];
    a[l] = a[r];
    a[r] = t;
  }
  return true;
}

/**
 * Compare the image of c under the permutation with inverse `q` (image[j] = c[q[j]]) to c.
 * Returns −1 when the image is smaller, 0 when equal, 1 when larger.
 */
function compareImage(c: Uint8Array, q: Int32Array): number {
  const n = c.length;
  for (let j = 0; j < n; j++) {
    const a = c[q[j]];
    const b = c[j];
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

/** Stabiliser size when c is canonical, 0 when some image is smaller. */
function canonicalStabilizer(c: Uint8Array, inverses: readonly Int32Array[]): number {
  let stab = 1; // identity
  for (let g = 1; g < inverses.length; g++) {
    const r = compareImage(c, inverses[g]);
    if (r < 0) return 0;
    if (r === 0) stab++;
  }
  return stab;
}

/** The lexicographically smallest image of c and its stabiliser size (early-exit comparisons). */
function canonicalForm(c: Uint8Array, inverses: readonly Int32Array[]): { min: Uint8Array; stab: number } {
  const n = c.length;
  const min = Uint8Array.from(c);
  let stab = 0;
  for (const q of inverses) {
    // image[j] = c[q[j]]: compare with the current minimum, copy only when smaller
    let j = 0;
    while (j < n && c[q[j]] === min[j]) j++;
    if (j < n && c[q[j]] < min[j]) for (let k = j; k < n; k++) min[k] = c[q[k]];
    // stabiliser: image equal to c
    let e = 0;
    while (e < n && c[q[e]] === c[e]) e++;
    if (e === n) stab++;
  }
  return { min, stab };
}

export { mulberry32 };

interface Candidate {
  energy: number;
  config: Uint8Array;
  degeneracy: number;
  hits?: number;
}

/** Insert into a list sorted by energy, keeping at most `keep` entries. */
function pushBest(best: Candidate[], c: Candidate, keep: number): void {
  if (best.length >= keep && c.energy >= best[best.length - 1].energy) return;
  let i = best.length;
  while (i > 0 && best[i - 1].energy > c.energy) i--;
  best.splice(i, 0, c);
  if (best.length > keep) best.pop();
}

/** Enumerate (or sample) the orderings of `structure`'s disordered sites. */
export function enumerateOrderings(structure: Structure, opts: OrderingOptions = {}): OrderingResult {
  const warnings: string[] = [];
  const symprec = opts.symprec ?? 0.01;
  const keep = Math.max(1, opts.keep ?? 10);
  const tolCount = opts.countTolerance ?? 0.05;
  const maxConf = opts.maxConfigurations ?? DEFAULT_MAX;
  const S = toMat3(opts.supercell);
  const detS = Math.round(det3(S));
  if (!S.every((r) => r.every((x) => Number.isInteger(x))) || detS <= 0) {
    throw new InputError('the supercell matrix must be integer with a positive determinant', { hint: 'e.g. --supercell 2x1x1 or 2,0,0;0,1,0;0,0,1' });
  }
  if (!structure.sites.some(isDisorderedSite)) {
    throw new InputError('the structure has no partially occupied or mixed sites: nothing to order', {
      hint: 'ionpath order needs a disordered structure, e.g. 16d = Ni0.25Mn0.75 or Li0.5 on a Li site',
    });
  }

  // Charges
  const overrides = opts.oxidation ?? {};
  const missing = structure.sites.some((s) => s.species.some((sp) => sp.oxidationState === undefined && overrides[sp.element] === undefined));
  const guess = missing ? guessOxidationStates(structure.composition(), overrides) : null;
  if (guess) {
    const guessed = Object.entries(guess).filter(([el]) => overrides[el] === undefined);
    warnings.push(`oxidation states guessed by charge balance: ${guessed.map(([e, q]) => `${e}=${Number(q.toFixed(4))}`).join(', ')} (give --oxidation to set them)`);
  }
  const oxidation: Record<string, number> = {};
  for (const s of structure.sites) for (const sp of s.species) oxidation[sp.element] ??= chargeOf(sp.element, sp.oxidationState, overrides, guess);

  // Parent symmetry (disordered sites typed by content).
  const { types } = siteTypes(structure);
  const ds = analyzeCell(
    { lattice: structure.lattice.matrix as unknown as number[][], positions: structure.sites.map((s) => s.frac as unknown as number[]), types },
    symprec,
  );

  // Supercell and its sublattices.
  const supercell = structure.supercell(S);
  const superFrac = supercell.fracArray();
  const disordered: number[] = [];
  const groupsByKey = new Map<string, number[]>();
  const { types: scTypes } = siteTypes(supercell);
  supercell.sites.forEach((s, i) => {
    if (!isDisorderedSite(s)) return;
    disordered.push(i);
    const k = String(scTypes[i]);
    const l = groupsByKey.get(k);
    if (l) l.push(i);
    else groupsByKey.set(k, [i]);
  });
  const sublattices: Sublattice[] = [];
  for (const sites of groupsByKey.values()) {
    const proto = supercell.sites[sites[0]];
    const n = sites.length;
    const species: SublatticeSpecies[] = [];
    const els = sortElements(proto.species.map((s) => s.element));
    let used = 0;
    const exact: string[] = [];
    for (const el of els) {
      const sp = proto.species.find((x) => x.element === el)!;
      const x = sp.occupancy * n;
      const c = Math.round(x);
      exact.push(`${el} ${Number(x.toFixed(4))}`);
      if (Math.abs(x - c) > tolCount) {
        throw new InputError(
          `${proto.label} (${contentText(proto)}) on ${n} sites of the supercell needs ${Number(x.toFixed(4))} ${el}: not a whole number`,
          { hint: `choose a supercell in which occupancy × sites is a whole number for every species: ${suggestMultiplier(proto.species.map((s) => s.occupancy), n, tolCount)}` },
        );
      }
      if (Math.abs(x - c) > 1e-6) warnings.push(`${proto.label}: ${Number(x.toFixed(4))} ${el} on ${n} sites rounded to ${c}`);
      if (c > 0) species.push({ element: el, count: c, charge: chargeOf(el, sp.oxidationState, overrides, guess) });
      used += c;
    }
    const vac = n - used;
    if (vac < 0) throw new InputError(`${proto.label} (${contentText(proto)}): the rounded counts (${exact.join(', ')}) exceed its ${n} sites`);
    if (vac > 0) species.push({ element: null, count: vac, charge: 0 });
    sublattices.push({ label: proto.label, content: contentText(proto), sites: [...sites], species });
  }
  // Sites in sublattice-block order
  const order = sublattices.flatMap((s) => s.sites);
  const blocks: [number, number][] = [];
  {
    let lo = 0;
    for (const s of sublattices) {
      blocks.push([lo, lo + s.sites.length]);
      lo += s.sites.length;
    }
  }
  const D = order.length;

  const total = sublattices.reduce((acc, s) => acc * multinomial(s.species.map((x) => x.count)), 1n);
  const totalNum = Number(total);

  // Group of permutations on the disordered sites.
  const perms = supercellPermutations(ds.operations, S, supercell.lattice, superFrac, order, Math.max(2 * symprec, 1e-3));
  const inverses = perms.map((p) => {
    const q = new Int32Array(p.length);
    for (let k = 0; k < p.length; k++) q[p[k]] = k;
    return q;
  });

  // Ewald: matrix over every supercell site; fixed sites contribute a constant and a field.
  const N = supercell.nsites;
  const ew = ewaldMatrix(supercell.lattice, superFrac, opts.ewald);
  const isDis = new Uint8Array(N);
  for (const i of order) isDis[i] = 1;
  const qFixed = new Float64Array(N);
  supercell.sites.forEach((s, i) => {
    if (isDis[i]) return;
    qFixed[i] = s.species[0].oxidationState !== undefined && overrides[s.species[0].element] === undefined ? s.species[0].oxidationState : oxidation[s.species[0].element];
  });
  let E0 = 0;
  const field = new Float64Array(D); // Σ_f Φ_{d f} q_f
  for (let i = 0; i < N; i++) {
    if (qFixed[i] === 0) continue;
    for (let j = 0; j < N; j++) if (qFixed[j] !== 0) E0 += 0.5 * qFixed[i] * ew.matrix[i * N + j] * qFixed[j];
  }
  for (let a = 0; a < D; a++) {
    const i = order[a];
    let f = 0;
    for (let j = 0; j < N; j++) f += ew.matrix[i * N + j] * qFixed[j];
    field[a] = f;
  }
  const phiDD = new Float64Array(D * D);
  for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) phiDD[a * D + b] = ew.matrix[order[a] * N + order[b]];
  // charge of species index per block
  const blockCharges = sublattices.map((s) => Float64Array.from(s.species.map((x) => x.charge)));
  const blockOf = new Int32Array(D);
  blocks.forEach(([lo, hi], b) => {
    for (let k = lo; k < hi; k++) blockOf[k] = b;
  });
  const qd = new Float64Array(D);
  const energyOf = (c: Uint8Array): number => {
    for (let a = 0; a < D; a++) qd[a] = blockCharges[blockOf[a]][c[a]];
    let e = E0;
    for (let a = 0; a < D; a++) {
      const qa = qd[a];
      if (qa === 0) continue;
      let s = 0;
      const row = a * D;
      for (let b = 0; b < D; b++) s += phiDD[row + b] * qd[b];
      e += qa * (field[a] + 0.5 * s);
    }
    return e;
  };
  let netCharge = 0;
  for (let i = 0; i < N; i++) netCharge += qFixed[i];
  for (const s of sublattices) for (const x of s.species) netCharge += x.charge * x.count;
  if (Math.abs(netCharge) > 1e-6) {
    warnings.push(`the ordered cell is not charge neutral (net charge ${Number(netCharge.toFixed(6))} e); energies include a uniform neutralising background`);
  }

  const best: Candidate[] = [];
  let distinct = 0;
  let method: 'enumeration' | 'random' = 'enumeration';
  const initial = new Uint8Array(D);
  blocks.forEach(([lo], b) => {
    let k = lo;
    sublattices[b].species.forEach((x, idx) => {
      for (let n = 0; n < x.count; n++) initial[k++] = idx;
    });
  });

  if (opts.random) {
    method = 'random';
    const rnd = mulberry32(opts.random.seed ?? 1);
    const seen = new Map<string, Candidate>();
    const c = Uint8Array.from(initial);
    const samples = Math.max(1, Math.floor(opts.random.samples));
    for (let t = 0; t < samples; t++) {
      for (const [lo, hi] of blocks) {
        for (let i = hi - 1; i > lo; i--) {
          const j = lo + Math.floor(rnd() * (i - lo + 1));
          const x = c[i];
          c[i] = c[j];
          c[j] = x;
        }
      }
      const { min, stab } = canonicalForm(c, inverses);
      const key = Buffer.from(min).toString('latin1');
      const hit = seen.get(key);
      if (hit) hit.hits!++;
      else seen.set(key, { energy: energyOf(min), config: min, degeneracy: perms.length / stab, hits: 1 });
      if (opts.progress && (t & 1023) === 0) opts.progress(t, samples);
    }
    distinct = seen.size;
    for (const cand of seen.values()) pushBest(best, cand, keep);
    opts.progress?.(samples, samples);
  } else {
    if (totalNum > maxConf) {
      throw new InputError(
        `${total.toString()} configurations to enumerate in this supercell: more than the limit of ${maxConf.toExponential(0)}`,
        { hint: 'use --random N to sample N seeded random orderings (deduplicated and ranked the same way), or a smaller supercell' },
      );
    }
    const c = Uint8Array.from(initial);
    let done = 0;
    let sumDeg = 0;
    const every = 1 << 14;
    for (;;) {
      const stab = canonicalStabilizer(c, inverses);
      if (stab > 0) {
        distinct++;
        const deg = perms.length / stab;
        sumDeg += deg;
        const e = energyOf(c);
        if (best.length < keep || e < best[best.length - 1].energy) pushBest(best, { energy: e, config: Uint8Array.from(c), degeneracy: deg }, keep);
      }
      done++;
      if (opts.progress && done % every === 0) opts.progress(done, totalNum);
      // advance: last block fastest
      let b = blocks.length - 1;
      while (b >= 0 && !nextPermutation(c, blocks[b][0], blocks[b][1])) b--;
      if (b < 0) break;
    }
    opts.progress?.(done, totalNum);
    if (Math.abs(sumDeg - totalNum) > 0.5 || done !== totalNum) {
      throw new Error(`internal: orbit sizes add up to ${sumDeg} over ${done} configurations, expected ${totalNum}`);
    }
  }

  const lowest = best.length ? best[0].energy : 0;
  const analyze = opts.analyze ?? true;
  const orderings: Ordering[] = best.map((cand, r) => {
    const st = orderedStructure(supercell, order, sublattices, blocks, cand.config, oxidation, overrides, `${structure.title || structure.reducedFormula} ordering ${r + 1}`);
    const o: Ordering = {
      rank: r + 1,
      energy: cand.energy,
      relativeEnergy: cand.energy - lowest,
      energyPerAtom: cand.energy / st.nsites,
      degeneracy: cand.degeneracy,
      assignment: [...cand.config],
      structure: st,
      ...(cand.hits !== undefined ? { hits: cand.hits } : {}),
    };
    if (analyze) {
      const d = analyzeCell({ lattice: st.lattice.matrix as unknown as number[][], positions: st.sites.map((x) => x.frac as unknown as number[]), types: siteTypes(st).types }, symprec);
      o.spacegroup = { number: d.number, symbol: hallEntry(d.hall_number).hm_short.replace(/\s+/g, '') };
    }
    return o;
  });
  return {
    supercell,
    supercellMatrix: S,
    sublattices,
    totalConfigurations: total.toString(),
    distinct,
    groupOrder: perms.length,
    parentSpacegroup: { number: ds.number, symbol: hallEntry(ds.hall_number).hm_short.replace(/\s+/g, '') },
    method,
    ...(opts.random ? { samples: Math.floor(opts.random.samples), seed: opts.random.seed ?? 1 } : {}),
    oxidation,
    netCharge,
    orderings,
    warnings,
  };
}

/** Hint: the smallest supercell multiple m ≤ 64 for which occupancy × n·m is whole for every species. */
function suggestMultiplier(occ: number[], n: number, tol: number): string {
  for (let m = 2; m <= 64; m++) {
    if (occ.every((o) => Math.abs(o * n * m - Math.round(o * n * m)) <= tol)) {
      return `a supercell ${m} times larger (${n * m} such sites) gives whole numbers`;
    }
  }
  return 'these occupancies need a very large supercell; round them in the structure first (e.g. write the site as Li1 instead of Li0.975Ni0.025)';
}

/** The ordered structure: supercell with the disordered sites assigned (vacancies removed). */
function orderedStructure(
  supercell: Structure,
  order: number[],
  sublattices: Sublattice[],
  blocks: [number, number][],
  config: Uint8Array,
  oxidation: Record<string, number>,
  overrides: Record<string, number>,
  title: string,
): Structure {
  const assigned = new Map<number, SublatticeSpecies>();
  blocks.forEach(([lo, hi], b) => {
    for (let k = lo; k < hi; k++) assigned.set(order[k], sublattices[b].species[config[k]]);
  });
  const sites: SiteInput[] = [];
  supercell.sites.forEach((s, i) => {
    if (!assigned.has(i)) {
      const sp = s.species[0];
      const ox = overrides[sp.element] ?? sp.oxidationState ?? oxidation[sp.element];
      sites.push({ frac: s.frac as Vec3, species: [{ element: sp.element, occupancy: 1, oxidationState: ox }] });
      return;
    }
    const sp = assigned.get(i)!;
    if (sp.element === null) return; // vacancy
    sites.push({ frac: s.frac as Vec3, species: [{ element: sp.element, occupancy: 1, oxidationState: sp.charge }] });
  });
  // element blocks in formula order, stable within a block; labels El1, El2, …
  const st = new Structure(supercell.lattice, sites, title).sortedByElement();
  const counts = new Map<string, number>();
  return st.withSites(
    st.sites.map((s) => {
      const el = s.species[0].element;
      const n = (counts.get(el) ?? 0) + 1;
      counts.set(el, n);
      return { frac: s.frac, species: s.species, label: `${el}${n}` };
    }),
  );
}
