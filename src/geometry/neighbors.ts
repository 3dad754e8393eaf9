/**
 * Neighbour search under periodic boundary conditions with cell lists (linked bins), O(N)
 * for a fixed cutoff and density.
 *
 * How it works. Positions are wrapped into the unit cell and binned on an n₀×n₁×n₂ grid in
 * fractional space. A point within `cutoff` Å of another differs from it along fractional
 * axis k by at most cutoff / w_k, where w_k is the perpendicular width of the cell along k
 * (`Lattice.perpendicularWidths`: the spacing of the lattice planes of constant fractional
 * coordinate k). So for a bin count n_k the neighbours of a point lie within
 * R_k = ceil(cutoff · n_k / w_k) bins of its own, counting periodic images: bin offsets
 * beyond the grid wrap around and carry an integer lattice translation (the image). This is
 * exact for any cell shape — skewed, tiny (cutoff many times the cell: n_k = 1 and R_k
 * images along k), or large — and visits each (atom, image) pair at most once because a bin
 * offset determines both the bin and the image.
 *
 * Conventions. `image` is the integer lattice translation that puts the neighbour at
 * fractional position `sites[index].frac + image` (relative to the coordinates as stored,
 * wrapped or not); `vector` is the Cartesian vector (Å) from the centre to that image and
 * `distance` its length. Distances ≤ cutoff are included. A centre's own periodic images
 * are neighbours (index = centre, image ≠ 0); the centre itself is not.
 */
import type { Lattice } from '../core/lattice.js';
import type { Structure } from '../core/structure.js';
import type { Vec3 } from '../core/vec3.js';

export interface Neighbor {
  /** Site index of the neighbour. */
  index: number;
  /** Lattice translation: the neighbour sits at fractional `frac[index] + image`. */
  image: [number, number, number];
  /** Distance from the centre, Å. */
  distance: number;
  /** Cartesian vector centre → neighbour, Å. */
  vector: [number, number, number];
}

/**
 * Callback of `NeighborGrid.query`: neighbour index, distance (Å), Cartesian vector from the
 * query point to the neighbour (Å), and the neighbour's lattice translation relative to the
 * position it was given at (so neighbour = given position + image · lattice).
 */
export type NeighborCallback = (
  index: number,
  distance: number,
  vx: number,
  vy: number,
  vz: number,
  ia: number,
  ib: number,
  ic: number,
) => void;

/** Largest number of bins per atom the grid allocates (tiny cutoffs in huge cells). */
const MAX_BINS_PER_ATOM = 8;

/**
 * A cell-list grid over fixed positions, reusable for many point queries (bond-valence
 * grids, void analysis). Build once per (lattice, positions, cutoff); `query` visits every
 * position image within the cutoff of a point.
 */
export class NeighborGrid {
  readonly lattice: Lattice;
  readonly cutoff: number;
  readonly count: number;
  /** Bins per axis. */
  private readonly n: [number, number, number];
  /** Bin offsets searched per axis. */
  private readonly reach: [number, number, number];
  /** CSR layout: atoms of bin b are order[start[b] .. start[b+1]). */
  private readonly start: Int32Array;
  private readonly order: Int32Array;
  /** Cartesian positions of the wrapped atoms, in bin order (Å). */
  private readonly xs: Float64Array;
  /** Integer offsets that wrapped each atom into the cell (frac_wrapped = frac − off), in bin order. */
  private readonly offs: Int32Array;
  private readonly m: Float64Array;
  private readonly inv: Float64Array;

  /**
   * @param lattice the periodic cell
   * @param cartPositions Cartesian positions (Å) as [x0, y0, z0, x1, …]; need not lie in the cell
   * @param cutoffÅ the largest query radius (Å), > 0
   */
  constructor(lattice: Lattice, cartPositions: Float64Array | readonly number[], cutoffÅ: number) {
    if (!(cutoffÅ > 0) || !Number.isFinite(cutoffÅ)) throw new RangeError(`neighbour cutoff must be a positive number of Å, got ${cutoffÅ}`);
    if (cartPositions.length % 3 !== 0) throw new RangeError('positions must be a flat array of x, y, z triples');
    this.lattice = lattice;
    this.cutoff = cutoffÅ;
    const count = cartPositions.length / 3;
    this.count = count;
    const M = lattice.matrix;
    const I = lattice.inverse;
    this.m = Float64Array.from([M[0][0], M[0][1], M[0][2], M[1][0], M[1][1], M[1][2], M[2][0], M[2][1], M[2][2]]);
    this.inv = Float64Array.from([I[0][0], I[0][1], I[0][2], I[1][0], I[1][1], I[1][2], I[2][0], I[2][1], I[2][2]]);

    const w = lattice.perpendicularWidths;
    const n: [number, number, number] = [0, 1, 2].map((k) => Math.max(1, Math.floor(w[k] / cutoffÅ))) as [number, number, number];
    // Cap the bin count for tiny cutoffs in huge cells (the reach formula stays exact).
    const maxBins = Math.max(27, MAX_BINS_PER_ATOM * count);
    while (n[0] * n[1] * n[2] > maxBins) {
      const k = n[0] >= n[1] && n[0] >= n[2] ? 0 : n[1] >= n[2] ? 1 : 2;
      n[k] = Math.max(1, Math.floor(n[k] / 2));
    }
    this.n = n;
    // A hair of slack guards against rounding in the bin assignment; extra bins only cost time.
    const c = cutoffÅ * (1 + 1e-9) + 1e-9;
    this.reach = [0, 1, 2].map((k) => Math.ceil((c * n[k]) / w[k])) as [number, number, number];

    const nb = n[0] * n[1] * n[2];
    const binOf = new Int32Array(count);
    const wrappedFrac = new Float64Array(count * 3);
    const offAll = new Int32Array(count * 3);
    const counts = new Int32Array(nb + 1);
    const inv = this.inv;
    for (let i = 0; i < count; i++) {
      const x = cartPositions[3 * i];
      const y = cartPositions[3 * i + 1];
      const z = cartPositions[3 * i + 2];
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) throw new RangeError(`position ${i} is not finite`);
      let b = 0;
      for (let k = 0; k < 3; k++) {
        const f = x * inv[k] + y * inv[3 + k] + z * inv[6 + k];
        const o = Math.floor(f);
        const fw = f - o;
        offAll[3 * i + k] = o;
        wrappedFrac[3 * i + k] = fw;
        const bk = Math.min(n[k] - 1, Math.floor(fw * n[k]));
        b = b * n[k] + bk;
      }
      binOf[i] = b;
      counts[b + 1]++;
    }
    for (let b = 0; b < nb; b++) counts[b + 1] += counts[b];
    this.start = counts;
    const fill = counts.slice(0, nb);
    const order = new Int32Array(count);
    for (let i = 0; i < count; i++) order[fill[binOf[i]]++] = i;
    this.order = order;
    const xs = new Float64Array(count * 3);
    const offs = new Int32Array(count * 3);
    const m = this.m;
    for (let s = 0; s < count; s++) {
      const i = order[s];
      const f0 = wrappedFrac[3 * i];
      const f1 = wrappedFrac[3 * i + 1];
      const f2 = wrappedFrac[3 * i + 2];
      xs[3 * s] = f0 * m[0] + f1 * m[3] + f2 * m[6];
      xs[3 * s + 1] = f0 * m[1] + f1 * m[4] + f2 * m[7];
      xs[3 * s + 2] = f0 * m[2] + f1 * m[5] + f2 * m[8];
      offs[3 * s] = offAll[3 * i];
      offs[3 * s + 1] = offAll[3 * i + 1];
      offs[3 * s + 2] = offAll[3 * i + 2];
    }
    this.xs = xs;
    this.offs = offs;
  }

  /**
   * Visit every position image within `radiusÅ` (default: the grid's cutoff, and at most it)
   * of the Cartesian point `p` (Å; anywhere, not necessarily in the cell). Order of visits is
   * unspecified. The image passed to the callback is relative to the point as given: the
   * neighbour is at (given position of `index`) + image · lattice, and the vector is from
   * `p` to it.
   */
  query(p: Vec3 | Float64Array | readonly number[], cb: NeighborCallback, radiusÅ: number = this.cutoff): void {
    if (radiusÅ > this.cutoff * (1 + 1e-12)) throw new RangeError(`query radius ${radiusÅ} Å exceeds the grid cutoff ${this.cutoff} Å`);
    const r2 = radiusÅ * radiusÅ;
    const inv = this.inv;
    const m = this.m;
    const n = this.n;
    const [R0, R1, R2] = this.reach;
    const px = p[0];
    const py = p[1];
    const pz = p[2];
    // Wrap the point into the cell: p = pw + po · lattice.
    const pf0 = px * inv[0] + py * inv[3] + pz * inv[6];
    const pf1 = px * inv[1] + py * inv[4] + pz * inv[7];
    const pf2 = px * inv[2] + py * inv[5] + pz * inv[8];
    const po0 = Math.floor(pf0);
    const po1 = Math.floor(pf1);
    const po2 = Math.floor(pf2);
    const w0 = pf0 - po0;
    const w1 = pf1 - po1;
    const w2 = pf2 - po2;
    const wx = w0 * m[0] + w1 * m[3] + w2 * m[6];
    const wy = w0 * m[1] + w1 * m[4] + w2 * m[7];
    const wz = w0 * m[2] + w1 * m[5] + w2 * m[8];
    const b0 = Math.min(n[0] - 1, Math.floor(w0 * n[0]));
    const b1 = Math.min(n[1] - 1, Math.floor(w1 * n[1]));
    const b2 = Math.min(n[2] - 1, Math.floor(w2 * n[2]));
    const start = this.start;
    const xs = this.xs;
    const offs = this.offs;
    const order = this.order;
    for (let d0 = -R0; d0 <= R0; d0++) {
      const t0 = b0 + d0;
      const s0 = Math.floor(t0 / n[0]);
      const c0 = t0 - s0 * n[0];
      for (let d1 = -R1; d1 <= R1; d1++) {
        const t1 = b1 + d1;
        const s1 = Math.floor(t1 / n[1]);
        const c1 = t1 - s1 * n[1];
        for (let d2 = -R2; d2 <= R2; d2++) {
          const t2 = b2 + d2;
          const s2 = Math.floor(t2 / n[2]);
          const c2 = t2 - s2 * n[2];
          const bin = (c0 * n[1] + c1) * n[2] + c2;
          const lo = start[bin];
          const hi = start[bin + 1];
          if (lo === hi) continue;
          // Translation of this bin image relative to the wrapped point, Cartesian.
          const sx = s0 * m[0] + s1 * m[3] + s2 * m[6] - wx;
          const sy = s0 * m[1] + s1 * m[4] + s2 * m[7] - wy;
          const sz = s0 * m[2] + s1 * m[5] + s2 * m[8] - wz;
          for (let s = lo; s < hi; s++) {
            const vx = xs[3 * s] + sx;
            const vy = xs[3 * s + 1] + sy;
            const vz = xs[3 * s + 2] + sz;
            const q = vx * vx + vy * vy + vz * vz;
            if (q <= r2) {
              // neighbour (wrapped) + shift = given + (shift − off); relative to p's own wrap.
              cb(order[s], Math.sqrt(q), vx, vy, vz, s0 - offs[3 * s] + po0, s1 - offs[3 * s + 1] + po1, s2 - offs[3 * s + 2] + po2);
            }
          }
        }
      }
    }
  }
}

function compareNeighbors(a: Neighbor, b: Neighbor): number {
  return (
    a.distance - b.distance ||
    a.index - b.index ||
    a.image[0] - b.image[0] ||
    a.image[1] - b.image[1] ||
    a.image[2] - b.image[2]
  );
}

/**
 * All neighbours within `cutoffÅ` of each centre (default: every site), sorted by distance
 * (ties by index, then image). Result[k] belongs to `centers[k]` (or site k). Self excluded,
 * self-images included.
 */
export function neighborList(structure: Structure, cutoffÅ: number, opts: { centers?: number[] } = {}): Neighbor[][] {
  const cart = structure.cartArray();
  const grid = new NeighborGrid(structure.lattice, cart, cutoffÅ);
  const centers = opts.centers ?? structure.sites.map((_, i) => i);
  const out: Neighbor[][] = [];
  for (const i of centers) {
    if (!Number.isInteger(i) || i < 0 || i >= structure.nsites) throw new RangeError(`centre index ${i} out of range 0..${structure.nsites - 1}`);
    const list: Neighbor[] = [];
    grid.query([cart[3 * i], cart[3 * i + 1], cart[3 * i + 2]], (j, d, vx, vy, vz, ia, ib, ic) => {
      if (j === i && ia === 0 && ib === 0 && ic === 0) return;
      list.push({ index: j, image: [ia, ib, ic], distance: d, vector: [vx, vy, vz] });
    });
    list.sort(compareNeighbors);
    out.push(list);
  }
  return out;
}

/**
 * Every site image within `cutoffÅ` of the fractional point `frac` (for voids and
 * interstitials), sorted by distance. A site sitting exactly on the point is included
 * (distance 0).
 */
export function neighborsOfPoint(structure: Structure, frac: Vec3, cutoffÅ: number): Neighbor[] {
  const grid = new NeighborGrid(structure.lattice, structure.cartArray(), cutoffÅ);
  const list: Neighbor[] = [];
  grid.query(structure.lattice.toCartesian(frac), (j, d, vx, vy, vz, ia, ib, ic) => {
    list.push({ index: j, image: [ia, ib, ic], distance: d, vector: [vx, vy, vz] });
  });
  list.sort(compareNeighbors);
  return list;
}
