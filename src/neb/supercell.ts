/**
 * The NEB supercell: the smallest near-cubic supercell in which the moving ion stays at
 * least `minImageDistance` Å from its own periodic images and from the periodic images of
 * the other defects (the vacancy it leaves or fills), everywhere along its path.
 *
 * Search. The input cell is first reduced to its primitive cell (pure translations that
 * map the structure onto itself), so the answer can be smaller than a conventional input.
 * Every superlattice of index n is the row space of a Hermite normal form H (lower
 * triangular, a·c·f = n, 0 ≤ b < c, 0 ≤ d, e < f) times the primitive basis; for
 * n = 1, 2, … each H is reduced (greedy Gauss/Semaev reduction, integer transform kept) and
 * measured:
 *   imageDistance   shortest lattice vector of the supercell (Å) — the ion to its images;
 *   defectDistance  min |p − q + L| over path points p, defect sites q, lattice vectors
 *                   L ≠ 0 (Å) — the ion to the images of the vacancy/other defects;
 * and cells in which the hop is not the unique minimum-image displacement (every point of
 * the path closer to the start than any periodic image of the start, by 0.5 Å) are skipped,
 * so the band is well defined.
 * The first n with both ≥ minImageDistance wins (fewest atoms); among its cells the most
 * cubic one is taken (largest smallest face spacing / V^(1/3); then the larger distance,
 * then the shorter longest vector).
 * Everything is deterministic (HNFs in a fixed order, strict comparisons).
 */
import { Lattice } from '../core/lattice.js';
import { Structure, type SiteInput } from '../core/structure.js';
import { InputError } from '../core/errors.js';
import { type Mat3, type Vec3, det3, vecMat, wrapVec, sub, norm, dot } from '../core/vec3.js';

export interface SupercellSearchOptions {
  /** Required distance, Å (default 9). */
  minImageDistance?: number;
  /** Largest supercell, atoms (default 400). */
  maxAtoms?: number;
  /** Path of the moving ion, Cartesian Å (from, waypoints, to), continuous. */
  pathCart: readonly Vec3[];
  /** Other defect sites (vacancies), Cartesian Å. */
  defectsCart?: readonly Vec3[];
  /** Change of atom count relative to the perfect supercell (−1 vacancy, +1 interstitial). */
  atomDelta?: number;
}

export interface SupercellChoice {
  /** Rows: supercell vectors in units of the primitive cell vectors (integers). */
  matrixPrimitive: number[][];
  /** Rows: supercell vectors in units of the input cell vectors (may be fractional for a conventional input). */
  matrixInput: number[][];
  /** Supercell lattice (rows a, b, c in Å). */
  lattice: Lattice;
  /** Number of primitive cells. */
  index: number;
  /** Atoms in the supercell with the defect (perfect count + atomDelta). */
  natoms: number;
  /** Ion to its own periodic images, Å. */
  imageDistance: number;
  /** Ion (anywhere on its path) to the periodic images of the other defects, Å (Infinity when there are none). */
  defectDistance: number;
  /** Spacings between opposite faces, Å. */
  perpendicularWidths: Vec3;
  lengths: Vec3;
  angles: Vec3;
  /** Cells examined. */
  examined: number;
}

// ---------------------------------------------------------------------------------------
// Primitive cell by pure translations
// ---------------------------------------------------------------------------------------

export interface PrimitiveResult {
  structure: Structure;
  /** Number of lattice points of the primitive cell in the input cell. */
  multiplicity: number;
}

function speciesKey(s: Structure, i: number): string {
  return s.sites[i].species
    .map((x) => `${x.element}:${x.occupancy.toFixed(6)}:${x.oxidationState ?? ''}`)
    .sort()
    .join(',');
}

/**
 * The primitive cell of a structure: all fractional translations t with structure + t =
 * structure (same species within `tolÅ`), and a shortest basis of the lattice they
 * generate. Sites keep labels and properties; positions are Cartesian-identical.
 */
export function primitiveByTranslations(structure: Structure, tolÅ = 0.01): PrimitiveResult {
  const n = structure.nsites;
  if (n === 0) throw new InputError('structure has no sites');
  const keys = structure.sites.map((_, i) => speciesKey(structure, i));
  const count = new Map<string, number[]>();
  keys.forEach((k, i) => {
    const l = count.get(k) ?? [];
    l.push(i);
    count.set(k, l);
  });
  let ref: number[] = [];
  for (const l of count.values()) if (ref.length === 0 || l.length < ref.length) ref = l;
  const lat = structure.lattice;
  const i0 = ref[0];
  const translations: Vec3[] = [];
  for (const j of ref) {
    const t = wrapVec(sub(structure.sites[j].frac, structure.sites[i0].frac));
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      const target: Vec3 = [structure.sites[i].frac[0] + t[0], structure.sites[i].frac[1] + t[1], structure.sites[i].frac[2] + t[2]];
      let hit = false;
      for (const k of count.get(keys[i])!) {
        if (lat.minimumImageDistance(target, structure.sites[k].frac) < tolÅ) {
          hit = true;
          break;
        }
      }
      ok = hit;
    }
    if (ok) translations.push(t);
  }
  const m = translations.length;
  if (m <= 1) return { structure, multiplicity: 1 };
  if (n % m !== 0) return { structure, multiplicity: 1 };
  // candidate Cartesian vectors: t + L, L in {-1,0,1}^3, shortest first
  const cands: Vec3[] = [];
  for (const t of translations) {
    for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) for (let c = -1; c <= 1; c++) {
      const f: Vec3 = [t[0] + a, t[1] + b, t[2] + c];
      const v = lat.toCartesian(f);
      if (norm(v) > 1e-6) cands.push(v);
    }
  }
  cands.sort((u, v) => norm(u) - norm(v) || u[0] - v[0] || u[1] - v[1] || u[2] - v[2]);
  const target = lat.volume / m;
  const K = Math.min(cands.length, 80);
  let basis: Mat3 | null = null;
  outer: for (let i = 0; i < K; i++) for (let j = i + 1; j < K; j++) for (let k = j + 1; k < K; k++) {
    const d = det3([cands[i], cands[j], cands[k]]);
    if (Math.abs(Math.abs(d) - target) < 1e-6 * target) {
      basis = d > 0 ? [cands[i], cands[j], cands[k]] : [cands[i], cands[k], cands[j]];
      break outer;
    }
  }
  if (!basis) return { structure, multiplicity: 1 };
  const plat = new Lattice(basis);
  const sites: SiteInput[] = [];
  const keysP: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = wrapVec(plat.toFractional(structure.cart(i)));
    if (sites.some((s, k) => keysP[k] === keys[i] && plat.minimumImageDistance(s.frac as Vec3, f) < tolÅ)) continue;
    sites.push({ ...structure.sites[i], frac: f });
    keysP.push(keys[i]);
  }
  if (sites.length * m !== n) return { structure, multiplicity: 1 };
  return { structure: new Structure(plat, sites, structure.title), multiplicity: m };
}

// ---------------------------------------------------------------------------------------
// Lattice reduction with the integer transform
// ---------------------------------------------------------------------------------------

interface Reduced {
  /** Cartesian rows. */
  B: [Vec3, Vec3, Vec3];
  /** Integer rows: B = U · P (P the lattice the HNF was built on). */
  U: [Vec3, Vec3, Vec3];
}

const addScaled = (a: Vec3, b: Vec3, k: number): Vec3 => [a[0] - k * b[0], a[1] - k * b[1], a[2] - k * b[2]];

/** Greedy reduction: pairwise size reduction plus the ±b_j ± b_k combinations, until stable; rows sorted by length. */
function reduce(Bin: Mat3, Uin: Mat3): Reduced {
  const B: Vec3[] = [Bin[0], Bin[1], Bin[2]];
  const U: Vec3[] = [Uin[0], Uin[1], Uin[2]];
  for (let iter = 0; iter < 200; iter++) {
    let changed = false;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        if (i === j) continue;
        const k = Math.round(dot(B[i], B[j]) / dot(B[j], B[j]));
        if (k !== 0) {
          const nb = addScaled(B[i], B[j], k);
          if (dot(nb, nb) < dot(B[i], B[i]) - 1e-9) {
            B[i] = nb;
            U[i] = addScaled(U[i], U[j], k);
            changed = true;
          }
        }
      }
      const [j, k] = [(i + 1) % 3, (i + 2) % 3];
      for (const sj of [-1, 1]) for (const sk of [-1, 1]) {
        const nb: Vec3 = [B[i][0] + sj * B[j][0] + sk * B[k][0], B[i][1] + sj * B[j][1] + sk * B[k][1], B[i][2] + sj * B[j][2] + sk * B[k][2]];
        if (dot(nb, nb) < dot(B[i], B[i]) - 1e-9) {
          B[i] = nb;
          U[i] = [U[i][0] + sj * U[j][0] + sk * U[k][0], U[i][1] + sj * U[j][1] + sk * U[k][1], U[i][2] + sj * U[j][2] + sk * U[k][2]];
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  const idx = [0, 1, 2].sort((a, b) => dot(B[a], B[a]) - dot(B[b], B[b]) || a - b);
  let Bs = idx.map((i) => B[i]) as [Vec3, Vec3, Vec3];
  let Us = idx.map((i) => U[i]) as [Vec3, Vec3, Vec3];
  if (det3(Bs) < 0) {
    Bs = [Bs[0], Bs[1], [-Bs[2][0], -Bs[2][1], -Bs[2][2]]];
    Us = [Us[0], Us[1], [-Us[2][0], -Us[2][1], -Us[2][2]]];
  }
  return { B: Bs, U: Us };
}

/** Lattice vectors n·B with n ∈ [-R, R]³ \ {0}, for a reduced basis (Cartesian). */
function shortVectors(B: Mat3, R = 2): Vec3[] {
  const out: Vec3[] = [];
  for (let a = -R; a <= R; a++) for (let b = -R; b <= R; b++) for (let c = -R; c <= R; c++) {
    if (a === 0 && b === 0 && c === 0) continue;
    out.push(vecMat([a, b, c], B));
  }
  return out;
}

/** Shortest nonzero lattice vector length of a reduced basis (Å). */
function shortestVector(L: readonly Vec3[]): number {
  let best = Infinity;
  for (const v of L) best = Math.min(best, dot(v, v));
  return Math.sqrt(best);
}

/** min over L ≠ 0 of |δ + L| for the given difference vectors (Å). */
function minImageOffset(deltas: readonly Vec3[], L: readonly Vec3[]): number {
  let best = Infinity;
  for (const d of deltas) {
    for (const v of L) {
      const x = d[0] + v[0];
      const y = d[1] + v[1];
      const z = d[2] + v[2];
      const q = x * x + y * y + z * z;
      if (q < best) best = q;
    }
  }
  return Math.sqrt(best);
}

/** Hermite normal forms (lower triangular rows) of determinant n, in a fixed order. */
export function* hermiteNormalForms(n: number): Generator<Mat3> {
  for (let a = 1; a <= n; a++) {
    if (n % a) continue;
    for (let c = 1; c <= n / a; c++) {
      if ((n / a) % c) continue;
      const f = n / a / c;
      for (let b = 0; b < c; b++) for (let d = 0; d < f; d++) for (let e = 0; e < f; e++) {
        yield [
          [a, 0, 0],
          [b, c, 0],
          [d, e, f],
        ];
      }
    }
  }
}

/** Sample points of a polyline (Cartesian), `perSegment` steps per segment, ends included. */
export function samplePath(path: readonly Vec3[], perSegment = 10): Vec3[] {
  if (path.length === 1) return [path[0]];
  const out: Vec3[] = [path[0]];
  for (let s = 0; s + 1 < path.length; s++) {
    for (let k = 1; k <= perSegment; k++) {
      const t = k / perSegment;
      out.push([path[s][0] + t * (path[s + 1][0] - path[s][0]), path[s][1] + t * (path[s + 1][1] - path[s][1]), path[s][2] + t * (path[s + 1][2] - path[s][2])]);
    }
  }
  return out;
}

/**
 * Find the supercell (see the file header). `primitive` is the primitive structure whose
 * lattice is searched; `inputLattice` the lattice the user gave (for `matrixInput`).
 */
export function findSupercell(primitive: Structure, inputLattice: Lattice, o: SupercellSearchOptions): SupercellChoice {
  const dmin = o.minImageDistance ?? 9;
  const maxAtoms = o.maxAtoms ?? 400;
  if (!(dmin > 0) || !Number.isFinite(dmin)) throw new InputError(`--min-image-distance must be a positive number of Å, got ${dmin}`);
  const P = primitive.lattice.matrix;
  const nprim = primitive.nsites;
  const delta = o.atomDelta ?? 0;
  const samples = samplePath(o.pathCart);
  const defects = o.defectsCart ?? [];
  const deltas: Vec3[] = [];
  for (const p of samples) for (const q of defects) deltas.push(sub(p, q));
  // displacements along the path from its start: must stay the minimum image (unambiguous hop)
  const walk: Vec3[] = samples.map((p) => sub(p, samples[0]));
  let examined = 0;
  let bestAt: { score: [number, number, number]; red: Reduced; img: number; def: number; n: number } | null = null;
  let closest: { n: number; img: number; def: number } | null = null;
  for (let n = 1; n * nprim + delta <= maxAtoms; n++) {
    for (const H of hermiteNormalForms(n)) {
      examined++;
      const B0: Mat3 = [vecMat(H[0], P), vecMat(H[1], P), vecMat(H[2], P)];
      // cheap necessary test: the rows and their sums/differences are superlattice vectors
      if (!longEnough(B0, dmin)) continue;
      const red = reduce(B0, H);
      const L = shortVectors(red.B);
      const img = shortestVector(L);
      const def = deltas.length ? minImageOffset(deltas, L) : Infinity;
      const worst = Math.min(img, def);
      if (!unambiguous(walk, L)) continue;
      if (!closest || worst > Math.min(closest.img, closest.def) + 1e-9) closest = { n, img, def };
      if (img < dmin - 1e-9 || def < dmin - 1e-9) continue;
      const widths = new Lattice(red.B).perpendicularWidths;
      const cubicity = Math.min(...widths) / Math.cbrt(Math.abs(det3(red.B)));
      const score: [number, number, number] = [Math.round(cubicity * 1e6) / 1e6, Math.min(worst, 1e6), -Math.max(...red.B.map(norm))];
      if (!bestAt || better(score, bestAt.score)) bestAt = { score, red, img, def, n };
    }
    if (bestAt) break;
  }
  if (!bestAt) {
    const c = closest;
    throw new InputError(
      `no supercell with at most ${maxAtoms} atoms keeps the moving ion ${dmin} Å from its periodic images and the other defects${c ? ` (best: ${c.n * nprim + delta} atoms with ${Math.min(c.img, c.def).toFixed(2)} Å)` : ''}`,
      { hint: 'raise --max-atoms or lower --min-image-distance' },
    );
  }
  const U = bestAt.red.U.map((r) => r.map((x) => Math.round(x)));
  // rows recomputed from the integers, with rounding noise (|x| < 1e-12 × the scale) set to 0
  const scale = Math.max(...P.map((r) => norm(r)));
  const lat = new Lattice(U.map((r) => vecMat(r as unknown as Vec3, P).map((x) => (Math.abs(x) < 1e-12 * scale ? 0 : x))));
  const Tinv = inputLattice.inverse;
  const matrixInput = lat.matrix.map((row) => vecMat(row, Tinv).map((x) => Math.round(x * 1e9) / 1e9));
  return {
    matrixPrimitive: U,
    matrixInput,
    lattice: lat,
    index: bestAt.n,
    natoms: bestAt.n * nprim + delta,
    imageDistance: bestAt.img,
    defectDistance: bestAt.def,
    perpendicularWidths: lat.perpendicularWidths,
    lengths: lat.lengths,
    angles: lat.angles,
    examined,
  };
}

/** True when the rows of B and all b_i ± b_j are at least `d` long (Å). */
function longEnough(B: Mat3, d: number): boolean {
  const d2 = d * d - 1e-9;
  for (let i = 0; i < 3; i++) {
    if (dot(B[i], B[i]) < d2) return false;
    for (let j = i + 1; j < 3; j++) {
      const p: Vec3 = [B[i][0] + B[j][0], B[i][1] + B[j][1], B[i][2] + B[j][2]];
      const m: Vec3 = [B[i][0] - B[j][0], B[i][1] - B[j][1], B[i][2] - B[j][2]];
      if (dot(p, p) < d2 || dot(m, m) < d2) return false;
    }
  }
  return true;
}

/** True when every displacement d is shorter than all its translates d + L by a 0.5 Å margin. */
function unambiguous(walk: readonly Vec3[], L: readonly Vec3[]): boolean {
  for (const d of walk) {
    const dd = norm(d);
    if (dd < 1e-9) continue;
    for (const v of L) {
      if (norm([d[0] + v[0], d[1] + v[1], d[2] + v[2]]) < dd + 0.5) return false;
    }
  }
  return true;
}

function better(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i] > b[i] + 1e-9) return true;
    if (a[i] < b[i] - 1e-9) return false;
  }
  return false;
}
