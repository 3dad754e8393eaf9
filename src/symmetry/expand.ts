/**
 * Applying symmetry operations to an asymmetric unit: the orbit of each position, with images
 * that coincide under periodic boundaries merged (distance tolerance in Å), and positions from
 * different asymmetric-unit atoms that coincide merged into one site holding all their species
 * (mixed occupancy).
 *
 * Tolerance: DEFAULT_MERGE_TOLERANCE_A = 0.02 Å. Coordinates printed to 4 decimals are off by
 * at most 5e-5 (0.001 Å in a 20 Å cell), and 3-decimal coordinates by 5e-4 (0.01 Å at 20 Å),
 * which the default still merges; real, distinct atoms are never this close. Images merged
 * within one orbit are averaged, which puts a special position that was printed rounded exactly
 * on its symmetry element.
 */
import type { Lattice } from '../core/lattice.js';
import type { SiteInput, SiteProperties, Species } from '../core/structure.js';
import { type Vec3, wrap01 } from '../core/vec3.js';
import type { SymOp } from './moyo.js';

/** Default distance (Å) under which two positions are the same site. */
export const DEFAULT_MERGE_TOLERANCE_A = 0.02;

type Dist2 = (d0: number, d1: number, d2: number) => number;

const geometryCache = new WeakMap<Lattice, { dist2: Dist2; minSpacing: number; reciprocalLengths: readonly number[] }>();

/**
 * Per-lattice helpers (cached): squared Cartesian length (Å²) of a fractional difference via
 * the metric tensor, the smallest interplanar spacing (Å), and |a*|, |b*|, |c*| (1/Å).
 */
function geometry(lattice: Lattice): { dist2: Dist2; minSpacing: number; reciprocalLengths: readonly number[] } {
  let g = geometryCache.get(lattice);
  if (g) return g;
  const G = lattice.metric;
  const g00 = G[0][0];
  const g11 = G[1][1];
  const g22 = G[2][2];
  const g01 = 2 * G[0][1];
  const g02 = 2 * G[0][2];
  const g12 = 2 * G[1][2];
  const r = lattice.reciprocal.lengths;
  g = {
    dist2: (d0, d1, d2) => g00 * d0 * d0 + g11 * d1 * d1 + g22 * d2 * d2 + g01 * d0 * d1 + g02 * d0 * d2 + g12 * d1 * d2,
    minSpacing: 1 / Math.max(r[0], r[1], r[2]),
    reciprocalLengths: r,
  };
  geometryCache.set(lattice, g);
  return g;
}

/**
 * Minimum-image squared distance (Å²) between fractional positions; exact for any cell. The
 * rounded difference is exact whenever the result is below (half the smallest interplanar
 * spacing)², which is all merging needs; for tiny cells the 27 neighbouring images are checked.
 */
function periodicDist2(
  a: readonly number[],
  b: readonly number[],
  dist2: Dist2,
  small: boolean,
): number {
  let d0 = b[0] - a[0];
  let d1 = b[1] - a[1];
  let d2 = b[2] - a[2];
  d0 -= Math.round(d0);
  d1 -= Math.round(d1);
  d2 -= Math.round(d2);
  let best = dist2(d0, d1, d2);
  if (small) {
    for (let i = -1; i <= 1; i++)
      for (let j = -1; j <= 1; j++)
        for (let k = -1; k <= 1; k++) {
          const x = dist2(d0 + i, d1 + j, d2 + k);
          if (x < best) best = x;
        }
  }
  return best;
}

export interface Orbit {
  /** Unique positions, wrapped to [0, 1). */
  positions: Vec3[];
  /** Largest distance (Å) between two images that were merged (0 when all coincided exactly). */
  maxMergeA: number;
}

/**
 * The orbit of a fractional position under `ops` (conventional-cell operations, centring
 * included): images within `tolA` Å of each other under periodic boundaries are one position
 * (their average). Positions wrapped to [0, 1).
 */
export function orbitOf(frac: Vec3 | readonly number[], ops: readonly SymOp[], lattice: Lattice, tolA = DEFAULT_MERGE_TOLERANCE_A): Orbit {
  const { dist2, minSpacing } = geometry(lattice);
  const small = minSpacing < 4 * tolA;
  const tol2 = tolA * tolA;
  const reps: number[][] = [];
  const sums: number[][] = [];
  const counts: number[] = [];
  let maxMerge2 = 0;
  const x = frac[0];
  const y = frac[1];
  const z = frac[2];
  for (const op of ops) {
    const r = op.rotation;
    const t = op.translation;
    const q = [
      wrap01(r[0] * x + r[1] * y + r[2] * z + t[0]),
      wrap01(r[3] * x + r[4] * y + r[5] * z + t[1]),
      wrap01(r[6] * x + r[7] * y + r[8] * z + t[2]),
    ];
    let found = -1;
    let found2 = 0;
    for (let j = 0; j < reps.length; j++) {
      const d2 = periodicDist2(reps[j], q, dist2, small);
      if (d2 <= tol2) {
        found = j;
        found2 = d2;
        break;
      }
    }
    if (found < 0) {
      reps.push(q);
      sums.push([q[0], q[1], q[2]]);
      counts.push(1);
    } else {
      const p = reps[found];
      const s = sums[found];
      // Unwrap next to the representative before averaging.
      s[0] += q[0] - Math.round(q[0] - p[0]);
      s[1] += q[1] - Math.round(q[1] - p[1]);
      s[2] += q[2] - Math.round(q[2] - p[2]);
      counts[found]++;
      if (found2 > maxMerge2) maxMerge2 = found2;
    }
  }
  const positions = sums.map((s, j) => [wrap01(s[0] / counts[j]), wrap01(s[1] / counts[j]), wrap01(s[2] / counts[j])] as unknown as Vec3);
  return { positions, maxMergeA: Math.sqrt(maxMerge2) };
}

/** Unique positions of the orbit of `frac` (see orbitOf). */
export function expandOrbit(frac: Vec3 | readonly number[], ops: readonly SymOp[], lattice: Lattice, tolA = DEFAULT_MERGE_TOLERANCE_A): Vec3[] {
  return orbitOf(frac, ops, lattice, tolA).positions;
}

/**
 * A hash of fractional positions in a periodic cell for "is there already a position within
 * tol Å?" queries in O(1): bins no narrower than tol, the 27 neighbouring bins searched.
 */
export class PeriodicPointSet {
  private readonly n: [number, number, number];
  private readonly bins = new Map<number, number[]>();
  private readonly dist2: Dist2;
  private readonly small: boolean;
  private readonly tol2: number;
  readonly points: Vec3[] = [];

  constructor(lattice: Lattice, tolA: number) {
    const geo = geometry(lattice);
    const r = geo.reciprocalLengths;
    // Bin width in fraction ≥ tol·|a*| so that points within tol are in neighbouring bins.
    const count = (ri: number) => Math.max(1, Math.min(64, Math.floor(1 / (Math.max(tolA, 1e-9) * ri))));
    this.n = [count(r[0]), count(r[1]), count(r[2])];
    this.dist2 = geo.dist2;
    this.small = geo.minSpacing < 4 * tolA;
    this.tol2 = tolA * tolA;
  }

  /** The distinct bin indices along one axis next to bin i (1 to 3 of them). */
  private static around(i: number, n: number): number[] {
    if (n === 1) return [0];
    if (n === 2) return [0, 1];
    return [(i + n - 1) % n, i, (i + 1) % n];
  }

  /** Index of the nearest stored point within tol of p, with its distance (Å); null if none. */
  find(p: Vec3 | readonly number[]): { index: number; distance: number } | null {
    const [nx, ny, nz] = this.n;
    const xs = PeriodicPointSet.around(Math.floor(wrap01(p[0]) * nx), nx);
    const ys = PeriodicPointSet.around(Math.floor(wrap01(p[1]) * ny), ny);
    const zs = PeriodicPointSet.around(Math.floor(wrap01(p[2]) * nz), nz);
    let best = -1;
    let best2 = Infinity;
    for (const i of xs)
      for (const j of ys)
        for (const k of zs) {
          const list = this.bins.get(i + nx * (j + ny * k));
          if (!list) continue;
          for (const idx of list) {
            const d2 = periodicDist2(this.points[idx], p, this.dist2, this.small);
            if (d2 <= this.tol2 && d2 < best2) {
              best = idx;
              best2 = d2;
            }
          }
        }
    return best < 0 ? null : { index: best, distance: Math.sqrt(best2) };
  }

  /** Store p (wrapped) and return its index. */
  add(p: Vec3 | readonly number[]): number {
    const q: Vec3 = [wrap01(p[0]), wrap01(p[1]), wrap01(p[2])];
    const [nx, ny, nz] = this.n;
    const b = Math.min(Math.floor(q[0] * nx), nx - 1) + nx * (Math.min(Math.floor(q[1] * ny), ny - 1) + ny * Math.min(Math.floor(q[2] * nz), nz - 1));
    const list = this.bins.get(b);
    const idx = this.points.length;
    this.points.push(q);
    if (list) list.push(idx);
    else this.bins.set(b, [idx]);
    return idx;
  }
}

/** An asymmetric-unit atom: a position and what sits there. */
export interface AsymmetricSite {
  frac: Vec3 | readonly number[];
  label: string;
  species: readonly Species[];
  properties?: SiteProperties;
}

export interface ExpandedSites {
  /** The sites of the cell, in order of the asymmetric-unit atoms, positions in [0, 1). */
  sites: SiteInput[];
  /** For each site, the indices of the asymmetric-unit atoms that sit on it. */
  sources: number[][];
  /** For each asymmetric-unit atom, the number of positions in its orbit. */
  orbitSizes: number[];
  /** For each asymmetric-unit atom, the largest distance (Å) between merged images of it. */
  orbitMergeA: number[];
  /** Merges of different atoms onto one site: atom indices and their distance (Å). */
  shared: { atom: number; onto: number; distance: number }[];
}

/** Add species into a list, summing occupancies of the same element and oxidation state. */
function mergeSpecies(into: Species[], add: readonly Species[]): void {
  for (const s of add) {
    const j = into.findIndex((x) => x.element === s.element && x.oxidationState === s.oxidationState);
    if (j < 0) into.push({ ...s });
    else into[j] = { ...into[j], occupancy: into[j].occupancy + s.occupancy };
  }
}

/**
 * Expand an asymmetric unit with `ops`. Each atom's orbit is computed (see orbitOf); a
 * position within `tolA` Å of a site made by an earlier atom adds the atom's species to that
 * site (one site, several species) instead of making a new one. Occupancies are not checked
 * here (see the callers).
 */
export function expandSites(
  atoms: readonly AsymmetricSite[],
  ops: readonly SymOp[],
  lattice: Lattice,
  tolA = DEFAULT_MERGE_TOLERANCE_A,
): ExpandedSites {
  const set = new PeriodicPointSet(lattice, tolA);
  const sites: { frac: Vec3; label: string; species: Species[]; properties?: SiteProperties }[] = [];
  const sources: number[][] = [];
  const orbitSizes: number[] = [];
  const orbitMergeA: number[] = [];
  const shared: ExpandedSites['shared'] = [];
  atoms.forEach((atom, ia) => {
    const orbit = orbitOf(atom.frac, ops, lattice, tolA);
    orbitSizes.push(orbit.positions.length);
    orbitMergeA.push(orbit.maxMergeA);
    let reported = false;
    for (const p of orbit.positions) {
      const hit = set.find(p);
      if (hit && !sources[hit.index].includes(ia)) {
        mergeSpecies(sites[hit.index].species, atom.species);
        if (!reported) {
          shared.push({ atom: ia, onto: sources[hit.index][0], distance: hit.distance });
          reported = true;
        }
        sources[hit.index].push(ia);
      } else if (!hit) {
        const idx = set.add(p);
        sites.push({
          frac: set.points[idx],
          label: atom.label,
          species: atom.species.map((s) => ({ ...s })),
          ...(atom.properties ? { properties: atom.properties } : {}),
        });
        sources.push([ia]);
      }
    }
  });
  return { sites, sources, orbitSizes, orbitMergeA, shared };
}
