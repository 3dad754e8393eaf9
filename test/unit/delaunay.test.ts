import { describe, expect, it } from 'vitest';
import { circumsphere, delaunay3d } from '../../src/geometry/delaunay.js';
import { orient3d } from 'robust-predicates';

function rng(seed: number) {
  return () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
}

function checkDelaunay(pts: Float64Array, tets: Int32Array) {
  const n = pts.length / 3;
  let vol = 0;
  for (let t = 0; t < tets.length / 4; t++) {
    const [a, b, c, d] = tets.slice(4 * t, 4 * t + 4);
    const o = orient3d(pts[3 * a], pts[3 * a + 1], pts[3 * a + 2], pts[3 * b], pts[3 * b + 1], pts[3 * b + 2], pts[3 * c], pts[3 * c + 1], pts[3 * c + 2], pts[3 * d], pts[3 * d + 1], pts[3 * d + 2]);
    expect(o).toBeGreaterThan(0);
    vol += o / 6;
    const s = circumsphere(pts, a, b, c, d);
    for (let i = 0; i < n; i++) {
      if (i === a || i === b || i === c || i === d) continue;
      const dd = Math.hypot(pts[3 * i] - s.x, pts[3 * i + 1] - s.y, pts[3 * i + 2] - s.z);
      expect(dd).toBeGreaterThan(s.r * (1 - 1e-9));
    }
  }
  return vol;
}

describe('3D Delaunay (Bowyer–Watson, exact predicates)', () => {
  it('random points: empty circumspheres, positive tets, volume = hull of a box', () => {
    const r = rng(3);
    const pts: number[] = [];
    // box corners so the hull volume is known
    for (const x of [0, 1]) for (const y of [0, 1]) for (const z of [0, 1]) pts.push(x * 5, y * 4, z * 3);
    for (let i = 0; i < 300; i++) pts.push(r() * 5, r() * 4, r() * 3);
    const { points, tets } = delaunay3d(pts, { jitterÅ: 0 });
    checkDelaunay(points, tets);
    // every point is a vertex; interior query points lie in exactly one tetrahedron
    const used = new Set(tets);
    expect(used.size).toBe(308);
    const P = points;
    const o = (a: number, b: number, c: number, q: number[]) =>
      orient3d(P[3 * a], P[3 * a + 1], P[3 * a + 2], P[3 * b], P[3 * b + 1], P[3 * b + 2], P[3 * c], P[3 * c + 1], P[3 * c + 2], q[0], q[1], q[2]);
    for (let s = 0; s < 100; s++) {
      const q = [0.5 + 4 * r(), 0.5 + 3 * r(), 0.5 + 2 * r()];
      let inside = 0;
      for (let t = 0; t < tets.length / 4; t++) {
        const [a, b, c, d] = tets.slice(4 * t, 4 * t + 4);
        if (o(b, d, c, q) > 0 && o(a, c, d, q) > 0 && o(a, d, b, q) > 0 && o(a, b, c, q) > 0) inside++;
      }
      expect(inside).toBe(1);
    }
  });

  it('a cubic lattice (all cospherical) with jitter: a valid tetrahedralization', () => {
    const pts: number[] = [];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 4; k++) pts.push(i * 2, j * 2, k * 2);
    const { points, tets } = delaunay3d(pts, { jitterÅ: 1e-6, seed: 1 });
    checkDelaunay(points, tets);
    expect(new Set(tets).size).toBe(64);
    // each of the 27 cubes is cut into ≥ 5 tetrahedra
    expect(tets.length / 4).toBeGreaterThanOrEqual(27 * 5);
  });
});
