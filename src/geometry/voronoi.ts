/**
 * Void centres of a periodic framework: the local maxima of the distance to the nearest
 * atom, found among the Voronoi vertices (circumcentres of the Delaunay tetrahedra) of the
 * framework atoms and their periodic images.
 *
 * Why local maxima and not every Voronoi vertex: crystal frameworks are full of degenerate
 * Voronoi edges (four cocircular atoms, e.g. a square face of an octahedron), and any point
 * on such an edge can show up as a "vertex" once ties are broken. A void centre — the centre
 * of a maximal empty sphere — lies strictly inside the convex hull of its equidistant nearest
 * atoms; that test keeps the octahedral and tetrahedral voids and drops the edge points.
 *
 * Periodicity: atoms are replicated into a margin around the cell wide enough that every
 * empty sphere centred in the cell with radius ≤ marginÅ sees all its atoms.
 */
import type { Lattice } from '../core/lattice.js';
import type { Vec3 } from '../core/vec3.js';
import { orient3d } from 'robust-predicates';
import { circumsphere, delaunay3d } from './delaunay.js';
import { NeighborGrid } from './neighbors.js';

export interface VoidCentre {
  /** Fractional position in [0, 1). */
  frac: Vec3;
  /** Cartesian position (Å). */
  cart: Vec3;
  /** Distance to the nearest framework atom (Å): the radius of the empty sphere. */
  radius: number;
  /** Framework atom indices at the sphere's surface (within the tie tolerance). */
  atoms: number[];
}

export interface VoidOptions {
  /** Largest void radius resolved (Å); the image margin. Default 4.5 Å. */
  marginÅ?: number;
  /** Atoms within radius + tieÅ count as touching the sphere. Default 0.02 Å. */
  tieÅ?: number;
  /** Centres closer than this are merged (the larger sphere kept). Default 0.1 Å. */
  mergeÅ?: number;
}

/**
 * Void centres of the atoms at `cart` (Å, flat [x, y, z, …]) in `lattice`, sorted by
 * decreasing radius (ties by fractional coordinates).
 */
export function voidCentres(lattice: Lattice, cart: Float64Array, opts: VoidOptions = {}): VoidCentre[] {
  const margin = opts.marginÅ ?? 4.5;
  const tie = opts.tieÅ ?? 0.02;
  const mergeTol = opts.mergeÅ ?? 0.1;
  const n = cart.length / 3;
  if (n < 1) return [];
  const M = lattice.matrix;
  const w = lattice.perpendicularWidths;
  const m = [0, 1, 2].map((k) => margin / w[k]);
  const reach = m.map((x) => Math.ceil(x));
  // Wrapped fractional positions.
  const frac = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const f = lattice.toFractional([cart[3 * i], cart[3 * i + 1], cart[3 * i + 2]]);
    for (let k = 0; k < 3; k++) frac[3 * i + k] = f[k] - Math.floor(f[k]);
  }
  const pts: number[] = [];
  const origin: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let a = -reach[0]; a <= reach[0]; a++) {
      const fa = frac[3 * i] + a;
      if (fa < -m[0] || fa > 1 + m[0]) continue;
      for (let b = -reach[1]; b <= reach[1]; b++) {
        const fb = frac[3 * i + 1] + b;
        if (fb < -m[1] || fb > 1 + m[1]) continue;
        for (let c = -reach[2]; c <= reach[2]; c++) {
          const fc = frac[3 * i + 2] + c;
          if (fc < -m[2] || fc > 1 + m[2]) continue;
          pts.push(
            fa * M[0][0] + fb * M[1][0] + fc * M[2][0],
            fa * M[0][1] + fb * M[1][1] + fc * M[2][1],
            fa * M[0][2] + fb * M[1][2] + fc * M[2][2],
          );
          origin.push(i);
        }
      }
    }
  }
  const { points, tets } = delaunay3d(pts, { jitterÅ: 1e-7, seed: 7 });
  const grid = new NeighborGrid(lattice, cart, margin + tie);
  const raw: VoidCentre[] = [];
  const nt = tets.length / 4;
  for (let t = 0; t < nt; t++) {
    const s = circumsphere(points, tets[4 * t], tets[4 * t + 1], tets[4 * t + 2], tets[4 * t + 3]);
    if (!(s.r < margin)) continue;
    const f0 = lattice.toFractional([s.x, s.y, s.z]);
    // keep centres in (or a hair around) the cell, wrapped; duplicates merge below
    if (f0.some((x) => x < -0.01 || x >= 1.01)) continue;
    const f = f0.map((x) => {
      const y = x - Math.floor(x);
      return y >= 1 - 1e-9 || y < 1e-9 ? 0 : y;
    }) as unknown as Vec3;
    const c: Vec3 = lattice.toCartesian(f);
    // nearest atoms of the exact (un-jittered) framework
    let rmin = Infinity;
    grid.query(c, (_j, d) => {
      if (d < rmin) rmin = d;
    });
    if (!Number.isFinite(rmin)) continue;
    const near: number[] = [];
    const vecs: number[] = [];
    grid.query(c, (j, d, vx, vy, vz) => {
      if (d <= rmin + tie) {
        near.push(j);
        vecs.push(vx, vy, vz);
      }
    });
    if (near.length < 4 || !insideHull(vecs)) continue;
    raw.push({ frac: [f[0], f[1], f[2]], cart: c, radius: rmin, atoms: near });
  }
  void origin;
  return mergeCentres(lattice, raw, mergeTol);
}

/** Is the origin strictly inside the convex hull of the points (flat [x, y, z, …], relative)? */
function insideHull(v: number[]): boolean {
  const k = v.length / 3;
  const scale = Math.max(...v.map(Math.abs));
  const eps = 1e-9 * scale ** 3;
  // Carathéodory: inside the hull ⇔ inside some tetrahedron of the points.
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) for (let c = b + 1; c < k; c++) for (let d = c + 1; d < k; d++) {
    const o = (i: number, j: number, l: number, q: [number, number, number]) =>
      orient3d(v[3 * i], v[3 * i + 1], v[3 * i + 2], v[3 * j], v[3 * j + 1], v[3 * j + 2], v[3 * l], v[3 * l + 1], v[3 * l + 2], q[0], q[1], q[2]);
    const D: [number, number, number] = [v[3 * d], v[3 * d + 1], v[3 * d + 2]];
    const vol = o(a, b, c, D);
    if (Math.abs(vol) <= eps) continue;
    const s = Math.sign(vol);
    const O: [number, number, number] = [0, 0, 0];
    const A: [number, number, number] = [v[3 * a], v[3 * a + 1], v[3 * a + 2]];
    const B: [number, number, number] = [v[3 * b], v[3 * b + 1], v[3 * b + 2]];
    const C: [number, number, number] = [v[3 * c], v[3 * c + 1], v[3 * c + 2]];
    // replace each vertex by the origin in turn: all four volumes of the same sign → inside
    const o4 = (p: number[], q: number[], r: number[], t: number[]) => orient3d(p[0], p[1], p[2], q[0], q[1], q[2], r[0], r[1], r[2], t[0], t[1], t[2]);
    if (s * o4(O, B, C, D) > eps && s * o4(A, O, C, D) > eps && s * o4(A, B, O, D) > eps && s * o4(A, B, C, O) > eps) return true;
  }
  return false;
}

function mergeCentres(lattice: Lattice, raw: VoidCentre[], tol: number): VoidCentre[] {
  raw.sort((p, q) => q.radius - p.radius || p.frac[0] - q.frac[0] || p.frac[1] - q.frac[1] || p.frac[2] - q.frac[2]);
  const kept: VoidCentre[] = [];
  if (raw.length === 0) return kept;
  const flat = new Float64Array(raw.length * 3);
  raw.forEach((r, i) => flat.set(r.cart, 3 * i));
  const grid = new NeighborGrid(lattice, flat, tol);
  const dropped = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    if (dropped[i]) continue;
    kept.push(raw[i]);
    grid.query(raw[i].cart, (j) => {
      if (j > i) dropped[j] = 1;
    });
  }
  return kept;
}
