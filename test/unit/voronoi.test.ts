import { describe, expect, it } from 'vitest';
import { Lattice } from '../../src/core/lattice.js';
import { voidCentres } from '../../src/geometry/voronoi.js';
import { operationsOfHall } from '../../src/symmetry/moyo.js';

function orbitCart(lattice: Lattice, hall: number, f: [number, number, number]): number[] {
  const out: number[][] = [];
  for (const op of operationsOfHall(hall)) {
    const r = op.rotation;
    const p = [0, 1, 2].map((i) => r[3 * i] * f[0] + r[3 * i + 1] * f[1] + r[3 * i + 2] * f[2] + op.translation[i]).map((x) => x - Math.floor(x));
    if (out.some((q) => lattice.minimumImageDistance(q as any, p as any) < 1e-4)) continue;
    out.push(p);
  }
  return out.flatMap((p) => [...lattice.toCartesian(p as any)]);
}

describe('void centres (local maxima of the distance to the framework)', () => {
  it('simple cubic: one void per cell, at the cube centre, radius a√3/2', () => {
    const l = Lattice.cubic(3);
    const v = voidCentres(l, Float64Array.from([0.1, 0.2, 0.3]));
    expect(v.length).toBe(1);
    expect(v[0].radius).toBeCloseTo((3 * Math.sqrt(3)) / 2, 6);
    expect(v[0].atoms.length).toBe(8);
  });

  it('fcc: octahedral (4) and tetrahedral (8) voids', () => {
    const a = 4;
    const l = Lattice.cubic(a);
    const cart = Float64Array.from([0, 0, 0, 2, 2, 0, 2, 0, 2, 0, 2, 2]);
    const v = voidCentres(l, cart);
    const oct = v.filter((x) => Math.abs(x.radius - a / 2) < 1e-6);
    const tet = v.filter((x) => Math.abs(x.radius - (a * Math.sqrt(3)) / 4) < 1e-6);
    expect(oct.length).toBe(4);
    expect(tet.length).toBe(8);
    expect(v.length).toBe(12);
    expect(oct.every((x) => x.atoms.length === 6)).toBe(true);
    expect(tet.every((x) => x.atoms.length === 4)).toBe(true);
  });

  it('spinel O32 + Mn16 framework (LiMn2O4 without Li): the empty 8a tetrahedra and 16c octahedra are found', () => {
    const l = Lattice.cubic(8.251);
    const O = orbitCart(l, 526, [0.2628, 0.2628, 0.2628]);
    const Mn = orbitCart(l, 526, [0.5, 0.5, 0.5]);
    const v = voidCentres(l, Float64Array.from([...O, ...Mn]));
    const near = (f: number[]) => v.some((x) => l.minimumImageDistance(x.frac, f as any) < 0.05);
    // 8a (1/8,1/8,1/8) and its centring images, 16c (0,0,0)
    expect(near([0.125, 0.125, 0.125])).toBe(true);
    expect(near([0.875, 0.375, 0.375])).toBe(true);
    expect(near([0, 0, 0])).toBe(true);
    expect(near([0.75, 0.25, 0.5])).toBe(true); // a 16c image
    expect(v.length).toBe(80); // 16c + 8a + 48f + 8b: every empty interstice of the cubic close packing
  });
});
