import { describe, expect, it } from 'vitest';
import { Lattice } from '../../src/core/lattice.js';
import { Structure } from '../../src/core/structure.js';
import type { Vec3 } from '../../src/core/vec3.js';
import { NeighborGrid, neighborList, neighborsOfPoint, type Neighbor } from '../../src/geometry/neighbors.js';

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
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

/** Brute force over all images: the reference the cell list must reproduce exactly. */
function bruteForce(s: Structure, cutoff: number, center: Vec3, skipSelf: number | null): Neighbor[] {
  const M = s.lattice.matrix;
  const w = s.lattice.perpendicularWidths;
  const out: Neighbor[] = [];
  s.sites.forEach((site, j) => {
    // every integer translation whose fractional difference can be within the cutoff, plus one
    const lo = [0, 1, 2].map((k) => Math.floor(center[k] - site.frac[k] - cutoff / w[k]) - 1);
    const hi = [0, 1, 2].map((k) => Math.ceil(center[k] - site.frac[k] + cutoff / w[k]) + 1);
    for (let a = lo[0]; a <= hi[0]; a++)
      for (let b = lo[1]; b <= hi[1]; b++)
        for (let c = lo[2]; c <= hi[2]; c++) {
          if (j === skipSelf && a === 0 && b === 0 && c === 0) continue;
          const f = [site.frac[0] + a - center[0], site.frac[1] + b - center[1], site.frac[2] + c - center[2]];
          const v: [number, number, number] = [0, 1, 2].map((k) => f[0] * M[0][k] + f[1] * M[1][k] + f[2] * M[2][k]) as [number, number, number];
          const d = Math.hypot(...v);
          if (d <= cutoff) out.push({ index: j, image: [a, b, c], distance: d, vector: v });
        }
  });
  return out.sort((x, y) => x.distance - y.distance || x.index - y.index || x.image[0] - y.image[0] || x.image[1] - y.image[1] || x.image[2] - y.image[2]);
}

function key(n: Neighbor): string {
  return `${n.index}:${n.image.join(',')}`;
}

function expectSameNeighbors(got: Neighbor[], want: Neighbor[]): void {
  expect(got.map(key).sort()).toEqual(want.map(key).sort());
  const byKey = new Map(want.map((n) => [key(n), n]));
  let worst = 0;
  for (const n of got) {
    const w = byKey.get(key(n))!;
    worst = Math.max(worst, Math.abs(n.distance - w.distance));
    for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(n.vector[k] - w.vector[k]));
  }
  expect(worst).toBeLessThan(1e-9);
  let sorted = true;
  for (let k = 1; k < got.length; k++) if (got[k].distance < got[k - 1].distance) sorted = false;
  expect(sorted).toBe(true);
}

function randomStructure(r: () => number, nsites: number, skew: number, scale: number, spill: boolean): Structure {
  // A random (possibly very skewed) cell: start from random lengths, shear strongly.
  for (;;) {
    const m = [0, 1, 2].map((i) => [0, 1, 2].map((j) => (i === j ? 1 : 0) * scale * (0.5 + r()) + skew * scale * (r() - 0.5)));
    try {
      const lat = new Lattice(m);
      if (lat.volume < 0.05 * scale ** 3) continue;
      const sites = Array.from({ length: nsites }, () => ({
        // some positions outside [0,1) to exercise wrapping and image bookkeeping
        frac: [0, 1, 2].map(() => (spill ? r() * 3 - 1 : r())) as [number, number, number],
        species: r() < 0.5 ? 'O' : 'Li',
      }));
      return new Structure(lat, sites);
    } catch {
      continue;
    }
  }
}

describe('neighborList against brute force over images', () => {
  it('matches on many random skewed cells, small and large cutoffs', () => {
    const r = rng(12345);
    let pairs = 0;
    for (let t = 0; t < 50; t++) {
      const n = 1 + Math.floor(r() * 12);
      const scale = 2 + r() * 8;
      const skew = r() * 2.5;
      const s = randomStructure(r, n, skew, scale, t % 2 === 0);
      const cutoff = scale * (0.2 + r() * 1.5); // from a fraction of the cell to several cells
      const list = neighborList(s, cutoff);
      expect(list.length).toBe(n);
      for (let i = 0; i < n; i++) {
        const want = bruteForce(s, cutoff, s.sites[i].frac, i);
        expectSameNeighbors(list[i], want);
        pairs += want.length;
      }
    }
    expect(pairs).toBeGreaterThan(10000);
  });

  it('matches on larger skewed cells where many bins are used', () => {
    const r = rng(777);
    for (let t = 0; t < 3; t++) {
      const s = randomStructure(r, 300, 1.2, 16, t === 1);
      const cutoff = 2 + r() * 2;
      const list = neighborList(s, cutoff);
      for (let i = 0; i < s.nsites; i += 7) expectSameNeighbors(list[i], bruteForce(s, cutoff, s.sites[i].frac, i));
    }
  });

  it('tiny cell with a cutoff many times the cell: self-images counted exactly', () => {
    // simple cubic, a = 1 Å, one atom, cutoff 2.5 Å: all integer vectors with |v| ≤ 2.5, minus 0
    const s = new Structure(Lattice.cubic(1), [{ frac: [0.3, 0.3, 0.3], species: 'Cu' }]);
    const [nb] = neighborList(s, 2.5);
    let count = 0;
    for (let a = -3; a <= 3; a++) for (let b = -3; b <= 3; b++) for (let c = -3; c <= 3; c++) if (a * a + b * b + c * c <= 6.25 && (a || b || c)) count++;
    expect(nb.length).toBe(count);
    expect(nb.every((x) => x.index === 0)).toBe(true);
    expect(nb[0].distance).toBeCloseTo(1, 12);
    expect(nb.slice(0, 6).every((x) => Math.abs(x.distance - 1) < 1e-12)).toBe(true);
  });

  it('fcc Cu: 12 nearest neighbours at a/√2, 6 next at a', () => {
    const a = 3.615;
    const s = new Structure(Lattice.cubic(a), [
      { frac: [0, 0, 0], species: 'Cu' },
      { frac: [0.5, 0.5, 0], species: 'Cu' },
      { frac: [0.5, 0, 0.5], species: 'Cu' },
      { frac: [0, 0.5, 0.5], species: 'Cu' },
    ]);
    const list = neighborList(s, a * 1.01);
    for (const nb of list) {
      expect(nb.length).toBe(18);
      expect(nb.slice(0, 12).every((x) => Math.abs(x.distance - a / Math.SQRT2) < 1e-12)).toBe(true);
      expect(nb.slice(12).every((x) => Math.abs(x.distance - a) < 1e-12)).toBe(true);
    }
  });

  it('restricts to the requested centres, in order', () => {
    const r = rng(7);
    const s = randomStructure(r, 9, 1, 5, true);
    const all = neighborList(s, 4);
    const some = neighborList(s, 4, { centers: [5, 2] });
    expect(some).toEqual([all[5], all[2]]);
    expect(() => neighborList(s, 4, { centers: [9] })).toThrow(/out of range/);
    expect(() => neighborList(s, 0)).toThrow(/positive/);
  });

  it('image and vector are consistent with the stored fractional coordinates', () => {
    const r = rng(99);
    const s = randomStructure(r, 6, 2, 4, true);
    const list = neighborList(s, 6);
    list.forEach((nb, i) => {
      for (const x of nb) {
        const f = s.sites[x.index].frac;
        const target = s.lattice.toCartesian([f[0] + x.image[0], f[1] + x.image[1], f[2] + x.image[2]]);
        const c = s.cart(i);
        for (let k = 0; k < 3; k++) expect(Math.abs(target[k] - c[k] - x.vector[k])).toBeLessThan(1e-9);
      }
    });
  });
});

describe('neighborsOfPoint and NeighborGrid', () => {
  it('neighborsOfPoint matches brute force for random points (including outside the cell)', () => {
    const r = rng(2024);
    for (let t = 0; t < 30; t++) {
      const s = randomStructure(r, 1 + Math.floor(r() * 10), r() * 2, 3 + r() * 5, true);
      const p: Vec3 = [r() * 4 - 2, r() * 4 - 2, r() * 4 - 2];
      const cutoff = 1 + r() * 8;
      expectSameNeighbors(neighborsOfPoint(s, p, cutoff), bruteForce(s, cutoff, p, null));
    }
  });

  it('a site exactly on the query point is reported at distance 0', () => {
    const s = new Structure(Lattice.cubic(4), [{ frac: [0.25, 0.5, 0.75], species: 'O' }]);
    const nb = neighborsOfPoint(s, [0.25, 0.5, 0.75], 3);
    expect(nb).toHaveLength(1);
    expect(nb[0]).toEqual({ index: 0, image: [0, 0, 0], distance: 0, vector: [0, 0, 0] });
  });

  it('grid queries with a smaller radius see a subset; larger radius is refused', () => {
    const r = rng(5);
    const s = randomStructure(r, 20, 1, 6, false);
    const grid = new NeighborGrid(s.lattice, s.cartArray(), 5);
    const p: Vec3 = [1, 2, 3];
    const small: string[] = [];
    grid.query(p, (j, d, _x, _y, _z, a, b, c) => {
      expect(d).toBeLessThanOrEqual(2.5);
      small.push(`${j}:${a},${b},${c}`);
    }, 2.5);
    const want = bruteForce(s, 2.5, s.lattice.toFractional(p), null).map(key);
    expect(small.sort()).toEqual(want.sort());
    expect(() => grid.query(p, () => {}, 6)).toThrow(/exceeds/);
  });

  it('an empty structure gives empty lists', () => {
    const grid = new NeighborGrid(Lattice.cubic(3), new Float64Array(0), 2);
    let n = 0;
    grid.query([0, 0, 0], () => n++);
    expect(n).toBe(0);
  });
});
