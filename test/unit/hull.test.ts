import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convexHull, hullVolume, orient3d, orient3dExact, type ConvexHull } from '../../src/geometry/hull.js';
import { projectRoot } from '../helpers/fixtures.js';

interface RefSet {
  name: string;
  points: number[][];
  volume: number;
  area: number;
  nvertices: number;
}
const ref = JSON.parse(readFileSync(join(projectRoot, 'test/data/polyhedra/hull-reference.json'), 'utf8')) as {
  sets: RefSet[];
  orient3d: { a: number[]; b: number[]; c: number[]; d: number[]; sign: number }[];
  naiveWrongSigns: number;
};

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Structural checks: closed 2-manifold, Euler characteristic 2, every point inside or on every face (exactly). */
function checkHull(h: ConvexHull, pts: number[][]): void {
  expect(h.dimension).toBe(3);
  const edges = new Map<string, number>();
  for (const [a, b, c] of h.faces) {
    expect(new Set([a, b, c]).size).toBe(3);
    for (const [u, v] of [[a, b], [b, c], [c, a]]) {
      const k = `${u},${v}`;
      expect(edges.has(k)).toBe(false);
      edges.set(k, 1);
    }
  }
  for (const k of edges.keys()) {
    const [u, v] = k.split(',');
    expect(edges.has(`${v},${u}`)).toBe(true);
  }
  const V = h.vertices.length;
  const E = edges.size / 2;
  const F = h.faces.length;
  expect(V - E + F).toBe(2);
  let outside = 0;
  for (const [a, b, c] of h.faces) {
    for (const p of pts) if (orient3d(pts[a], pts[b], pts[c], p) < 0) outside++;
  }
  expect(outside).toBe(0);
  // no zero-area faces
  for (const [a, b, c] of h.faces) {
    const u = [0, 1, 2].map((k) => pts[b][k] - pts[a][k]);
    const w = [0, 1, 2].map((k) => pts[c][k] - pts[a][k]);
    expect(Math.hypot(u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0])).toBeGreaterThan(0);
  }
}

describe('orient3d', () => {
  it('gives the exact sign (Python Fraction reference) on nearly degenerate quadruples where plain doubles fail', () => {
    expect(ref.naiveWrongSigns).toBeGreaterThan(10); // the set really is hard for plain doubles
    let wrong = 0;
    for (const q of ref.orient3d) if (Math.sign(orient3d(q.a, q.b, q.c, q.d)) !== q.sign) wrong++;
    expect(wrong).toBe(0);
    for (const q of ref.orient3d) expect(orient3dExact(q.a, q.b, q.c, q.d)).toBe(q.sign);
  });

  it('is exactly zero for coplanar dyadic points, and follows Shewchuk\'s sign convention', () => {
    const r = rng(3);
    for (let k = 0; k < 200; k++) {
      const a = [r(), r(), r()].map((x) => Math.round(x * 1024) / 64);
      const b = [r(), r(), r()].map((x) => Math.round(x * 1024) / 64);
      const c = [r(), r(), r()].map((x) => Math.round(x * 1024) / 64);
      const s = Math.round(r() * 8) / 4 - 1;
      const t = Math.round(r() * 8) / 4 - 1;
      const d = [0, 1, 2].map((i) => a[i] + s * (b[i] - a[i]) + t * (c[i] - a[i])); // exact in doubles
      expect(orient3d(a, b, c, d)).toBe(0);
    }
    // d below the counter-clockwise (seen from +z) triangle → positive
    expect(orient3d([0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, -1])).toBeGreaterThan(0);
    expect(orient3d([0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1])).toBeLessThan(0);
    expect(orient3dExact([1e-300, 0, 0], [0, 1e-300, 0], [0, 0, 1e-300], [5e-324, 5e-324, 5e-324])).toBe(1);
  });
});

describe('convexHull against scipy.spatial.ConvexHull (Qhull)', () => {
  for (const s of ref.sets) {
    it(`${s.name}: volume and area to 1e-8 relative, valid closed hull`, () => {
      const h = convexHull(s.points);
      expect(Math.abs(h.volume - s.volume) / s.volume).toBeLessThan(1e-8);
      expect(Math.abs(h.area - s.area) / s.area).toBeLessThan(1e-8);
      checkHull(h, s.points);
      // Qhull's vertices are the extreme points; ours may add points on hull edges only
      expect(h.vertices.length).toBeGreaterThanOrEqual(s.nvertices);
    });
  }

  it('accepts a flat Float64Array', () => {
    const s = ref.sets.find((x) => x.name === 'distorted-octahedron')!;
    expect(hullVolume(Float64Array.from(s.points.flat()))).toBeCloseTo(s.volume, 12);
  });
});

describe('degenerate inputs', () => {
  it('empty, single, collinear and coplanar sets have volume 0 and no faces', () => {
    expect(convexHull([])).toMatchObject({ dimension: -1, volume: 0, faces: [] });
    expect(convexHull([[1, 2, 3]])).toMatchObject({ dimension: 0, volume: 0 });
    expect(convexHull([[1, 2, 3], [1, 2, 3], [1, 2, 3]])).toMatchObject({ dimension: 0, volume: 0 });
    expect(convexHull([[0, 0, 0], [1, 1, 1], [2, 2, 2], [0.5, 0.5, 0.5], [3, 3, 3]])).toMatchObject({ dimension: 1, volume: 0 });
    // square planar ligands (+ the centre): flat
    const sq = [[2, 0, 0], [-2, 0, 0], [0, 2, 0], [0, -2, 0], [0, 0, 0]];
    expect(convexHull(sq)).toMatchObject({ dimension: 2, volume: 0, area: 0, faces: [] });
    // a tilted plane with non-dyadic coordinates that are exactly coplanar in doubles
    const plane = [];
    for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) plane.push([i, j, i + j]);
    expect(convexHull(plane).dimension).toBe(2);
  });

  it('duplicates are ignored and faces name first occurrences', () => {
    const cube: number[][] = [];
    for (const x of [0, 1]) for (const y of [0, 1]) for (const z of [0, 1]) cube.push([x, y, z]);
    const pts = [...cube, ...cube, ...cube];
    const h = convexHull(pts);
    expect(h.volume).toBe(1);
    expect(h.area).toBe(6);
    expect(h.vertices).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    checkHull(h, pts);
  });

  it('random grid subsets (heavy coplanarity and collinearity) stay valid and match the tetrahedral volume decomposition', () => {
    const r = rng(11);
    for (let t = 0; t < 200; t++) {
      const k = 4 + Math.floor(r() * 25);
      const pts: number[][] = [];
      for (let i = 0; i < k; i++) pts.push([Math.floor(r() * 3), Math.floor(r() * 3), Math.floor(r() * 3)]);
      const h = convexHull(pts);
      if (h.dimension < 3) {
        expect(h.volume).toBe(0);
        continue;
      }
      checkHull(h, pts);
      // on an integer grid, 6·volume is an integer
      expect(Math.abs(h.volume * 6 - Math.round(h.volume * 6))).toBeLessThan(1e-9);
      // insertion order must not matter
      const shuffled = pts.map((p) => [r(), p] as const).sort((x, y) => x[0] - y[0]).map((x) => x[1]);
      const h2 = convexHull(shuffled);
      expect(h2.volume).toBeCloseTo(h.volume, 12);
      expect(h2.area).toBeCloseTo(h.area, 12);
    }
  });

  it('a sliver: coplanar square plus one point 1e-12 above it', () => {
    const pts = [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0.5, 0.5, 1e-12]];
    const h = convexHull(pts);
    expect(h.dimension).toBe(3);
    expect(h.volume).toBeCloseTo(1e-12 / 3, 24);
    checkHull(h, pts);
  });

  it('rejects non-finite coordinates', () => {
    expect(() => convexHull([[0, 0, NaN]])).toThrow(/finite/);
  });
});
