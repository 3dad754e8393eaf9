/**
 * Percolation energies of a periodic energy landscape (BVSE grid): the lowest energy E such
 * that the region {E(r) ≤ E_min + E} contains a component that repeats in 1, 2 or 3
 * independent lattice directions — the 1D/2D/3D percolation (migration) energies that
 * softBV and BVlain report.
 *
 * One sweep: grid points are switched on in order of increasing energy (a counting sort on a
 * fine energy scale) and joined to their switched-on face neighbours with a periodic
 * union–find that tracks the translations of closed loops (periodic-union-find.ts). The
 * energy at which the first component reaches dimensionality d is the d-D percolation energy,
 * exact to the sort's bin width (reported as `resolution`).
 */
import { PeriodicUnionFind } from './periodic-union-find.js';

export interface PercolationEnergies {
  /** Energies relative to the landscape minimum (eV); null when no percolation up to the cap. */
  e1D: number | null;
  e2D: number | null;
  e3D: number | null;
  /** Energy resolution of the sweep (eV). */
  resolution: number;
  /** Highest relative energy considered (eV). */
  cap: number;
}

export function gridPercolation(energies: Float64Array, shape: [number, number, number], capEv = 10, bins = 1 << 20): PercolationEnergies {
  const [n0, n1, n2] = shape;
  const N = n0 * n1 * n2;
  if (energies.length !== N) throw new RangeError('energies do not match the grid shape');
  let min = Infinity;
  for (let i = 0; i < N; i++) if (energies[i] < min) min = energies[i];
  const width = capEv / bins;
  // counting sort of the points below the cap
  const counts = new Uint32Array(bins + 1);
  const binOf = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const rel = energies[i] - min;
    if (!(rel <= capEv)) {
      binOf[i] = -1;
      continue;
    }
    const b = Math.min(bins - 1, Math.floor(rel / width));
    binOf[i] = b;
    counts[b + 1]++;
  }
  for (let b = 0; b < bins; b++) counts[b + 1] += counts[b];
  const total = counts[bins];
  const order = new Int32Array(total);
  const fill = counts.slice(0, bins);
  for (let i = 0; i < N; i++) if (binOf[i] >= 0) order[fill[binOf[i]]++] = i;

  const on = new Uint8Array(N);
  const uf = new PeriodicUnionFind(N);
  const found: (number | null)[] = [null, null, null];
  let reached = 0;
  for (let k = 0; k < total && reached < 3; k++) {
    const p = order[k];
    on[p] = 1;
    const i2 = p % n2;
    const i1 = ((p - i2) / n2) % n1;
    const i0 = (p - i2 - i1 * n2) / (n1 * n2);
    // six face neighbours with wrap-around translations
    for (let dir = 0; dir < 6; dir++) {
      let j0 = i0, j1 = i1, j2 = i2, w0 = 0, w1 = 0, w2 = 0;
      const s = dir & 1 ? -1 : 1;
      if (dir < 2) { j0 += s; if (j0 === n0) { j0 = 0; w0 = 1; } else if (j0 < 0) { j0 = n0 - 1; w0 = -1; } }
      else if (dir < 4) { j1 += s; if (j1 === n1) { j1 = 0; w1 = 1; } else if (j1 < 0) { j1 = n1 - 1; w1 = -1; } }
      else { j2 += s; if (j2 === n2) { j2 = 0; w2 = 1; } else if (j2 < 0) { j2 = n2 - 1; w2 = -1; } }
      const q = (j0 * n1 + j1) * n2 + j2;
      if (!on[q]) continue;
      const d = uf.union(p, q, w0, w1, w2);
      while (reached < d) {
        found[reached] = (binOf[p] + 1) * width;
        reached++;
      }
    }
  }
  return { e1D: found[0], e2D: found[1], e3D: found[2], resolution: width, cap: capEv };
}
