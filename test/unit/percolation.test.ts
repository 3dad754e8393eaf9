import { describe, expect, it } from 'vitest';
import { gridPercolation } from '../../src/analysis/grid-percolation.js';
import { PeriodicUnionFind } from '../../src/analysis/periodic-union-find.js';

describe('periodic union–find dimensionality', () => {
  it('a chain along a is 1D, a square net 2D, a cubic net 3D', () => {
    const uf = new PeriodicUnionFind(1);
    expect(uf.union(0, 0, 1, 0, 0)).toBe(1);
    expect(uf.union(0, 0, 2, 0, 0)).toBe(1); // parallel translation adds nothing
    expect(uf.union(0, 0, 0, 1, 0)).toBe(2);
    expect(uf.union(0, 0, 1, 1, 0)).toBe(2);
    expect(uf.union(0, 0, 1, 1, 1)).toBe(3);
  });
  it('two-node zigzag chain: A→B→A(+a) is 1D; isolated pair is 0D', () => {
    const uf = new PeriodicUnionFind(4);
    expect(uf.union(0, 1, 0, 0, 0)).toBe(0);
    expect(uf.union(1, 0, 1, 0, 0)).toBe(1);
    expect(uf.union(2, 3, 0, 0, 0)).toBe(0);
    expect(uf.union(3, 2, 0, 0, 0)).toBe(0); // a loop inside the cell: no translation
    expect(uf.dimensionality(2)).toBe(0);
    expect(uf.maxDimensionality).toBe(1);
  });
  it('offsets compose through merged components', () => {
    const uf = new PeriodicUnionFind(3);
    uf.union(0, 1, 0, 1, 0); // 1 at +b from 0
    uf.union(2, 1, 0, 0, 0); // 2 next to that copy of 1
    // closing 2 → 0 shifted by -b: net translation 0 → no cycle
    expect(uf.union(2, 0, 0, -1, 0)).toBe(0);
    expect(uf.union(2, 0, 0, 0, 0)).toBe(1);
  });
});

describe('grid percolation energies', () => {
  it('a landscape with channels along c at 0.1 eV, layers (bc) at 0.3 eV and 3D at 0.7 eV', () => {
    const n = 12;
    const E = new Float64Array(n * n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) {
      let e = 1.0;
      if (j === 3) e = 0.7; // planes at j=3 connect layers along b
      if (i === 5) e = 0.3; // a bc layer at i = 5
      if (i === 5 && j === 3) e = 0.1; // a channel along c
      if (i === 5 && j === 3 && k === 0) e = 0; // minimum
      E[(i * n + j) * n + k] = e;
    }
    const p = gridPercolation(E, [n, n, n]);
    expect(p.e1D!).toBeCloseTo(0.1, 4);
    expect(p.e2D!).toBeCloseTo(0.3, 4);
    expect(p.e3D!).toBeCloseTo(0.7, 4);
  });
  it('no percolation below the cap gives null', () => {
    const n = 6;
    const E = new Float64Array(n * n * n).fill(20);
    E[0] = 0;
    const p = gridPercolation(E, [n, n, n], 5);
    expect(p.e1D).toBeNull();
    expect(p.e3D).toBeNull();
  });
});
