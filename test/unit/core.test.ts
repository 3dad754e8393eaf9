import { describe, expect, it } from 'vitest';
import { Lattice } from '../../src/core/lattice.js';
import { Structure } from '../../src/core/structure.js';
import { analyzeStructure } from '../../src/symmetry/analyze.js';
import { operationsOfHall } from '../../src/symmetry/moyo.js';
import type { Vec3 } from '../../src/core/vec3.js';

/** Expand an asymmetric unit with a setting's operations (test-local, brute force). */
function expand(hall: number, lattice: Lattice, asu: { el: string; f: Vec3; occ?: [string, number][] }[]): Structure {
  const ops = operationsOfHall(hall);
  const sites: { frac: Vec3; species: { element: string; occupancy: number }[] }[] = [];
  for (const a of asu) {
    for (const op of ops) {
      const r = op.rotation;
      const p: Vec3 = [
        r[0] * a.f[0] + r[1] * a.f[1] + r[2] * a.f[2] + op.translation[0],
        r[3] * a.f[0] + r[4] * a.f[1] + r[5] * a.f[2] + op.translation[1],
        r[6] * a.f[0] + r[7] * a.f[1] + r[8] * a.f[2] + op.translation[2],
      ].map((x) => ((x % 1) + 1) % 1) as unknown as Vec3;
      if (sites.some((s) => lattice.minimumImageDistance(s.frac, p) < 1e-3)) continue;
      sites.push({ frac: p, species: a.occ ? a.occ.map(([element, occupancy]) => ({ element, occupancy })) : [{ element: a.el, occupancy: 1 }] });
    }
  }
  return new Structure(lattice, sites);
}

describe('Lattice', () => {
  it('builds from parameters and gives them back', () => {
    const l = Lattice.fromParameters({ a: 4.9167, b: 8.5069, c: 5.0099, alpha: 90, beta: 109.373, gamma: 90 });
    const p = l.parameters;
    expect(p.a).toBeCloseTo(4.9167, 12);
    expect(p.b).toBeCloseTo(8.5069, 12);
    expect(p.c).toBeCloseTo(5.0099, 12);
    expect(p.beta).toBeCloseTo(109.373, 10);
    expect(p.alpha).toBeCloseTo(90, 10);
    // V = abc sin(beta) for monoclinic
    expect(l.volume).toBeCloseTo(4.9167 * 8.5069 * 5.0099 * Math.sin((109.373 * Math.PI) / 180), 9);
  });

  it('hexagonal cell volume and d-spacing', () => {
    const l = Lattice.fromParameters({ a: 2.86, b: 2.86, c: 14.199, alpha: 90, beta: 90, gamma: 120 });
    expect(l.volume).toBeCloseTo(100.58204403629895, 9); // pymatgen's value in fixtures/cif/reference.json
    // d(003) = c/3
    expect(l.dSpacing(0, 0, 3)).toBeCloseTo(14.199 / 3, 12);
  });

  it('spinel d(111) = a/sqrt(3) = 4.72 Å for a = 8.1726 Å', () => {
    expect(Lattice.cubic(8.1726).dSpacing(1, 1, 1)).toBeCloseTo(8.1726 / Math.sqrt(3), 12);
    expect(Lattice.cubic(8.1726).dSpacing(1, 1, 1)).toBeCloseTo(4.7185, 4);
  });

  it('fractional/Cartesian round trip', () => {
    const l = Lattice.fromParameters({ a: 8.243, b: 10.368, c: 11.497, alpha: 111.64, beta: 107.94, gamma: 93.45 });
    const f: Vec3 = [0.13, -0.71, 1.32];
    const g = l.toFractional(l.toCartesian(f));
    f.forEach((x, i) => expect(g[i]).toBeCloseTo(x, 13));
  });

  it('minimum image in a very skewed cell matches brute force', () => {
    const l = new Lattice([
      [5, 0, 0],
      [4.6, 1.2, 0],
      [2.1, 0.7, 3.3],
    ]);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let t = 0; t < 200; t++) {
      const a: Vec3 = [rnd(), rnd(), rnd()];
      const b: Vec3 = [rnd(), rnd(), rnd()];
      let best = Infinity;
      for (let i = -3; i <= 3; i++) for (let j = -3; j <= 3; j++) for (let k = -3; k <= 3; k++) {
        const c = l.toCartesian([b[0] - a[0] + i, b[1] - a[1] + j, b[2] - a[2] + k]);
        best = Math.min(best, Math.hypot(...c));
      }
      expect(l.minimumImageDistance(a, b)).toBeCloseTo(best, 10);
    }
  });

  it('rejects coplanar vectors and bad parameters', () => {
    expect(() => new Lattice([[1, 0, 0], [0, 1, 0], [1, 1, 0]])).toThrow(/coplanar/);
    expect(() => Lattice.fromParameters({ a: 1, b: 1, c: 1, alpha: 90, beta: 90, gamma: 200 })).toThrow();
    expect(() => Lattice.fromParameters({ a: -1, b: 1, c: 1, alpha: 90, beta: 90, gamma: 90 })).toThrow(/positive/);
  });
});

describe('Structure and symmetry on the LiMn2O4 spinel (Fd-3m origin 2, Berg 1998)', () => {
  const lat = Lattice.cubic(8.251);
  const s = expand(526, lat, [
    { el: 'Li', f: [0.125, 0.125, 0.125] },
    { el: 'Mn', f: [0.5, 0.5, 0.5] },
    { el: 'O', f: [0.2628, 0.2628, 0.2628] },
  ]);

  it('has Li8 Mn16 O32 and the right density', () => {
    expect(s.nsites).toBe(56);
    expect(s.formula).toBe('Li8 Mn16 O32');
    expect(s.reducedFormula).toBe('LiMn2O4');
    // 8 × M(LiMn2O4) / (N_A a³); M from the element table (Li 6.941, Mn 54.938045, O 15.9994)
    const M = 6.941 + 2 * 54.938045 + 4 * 15.9994;
    expect(s.density).toBeCloseTo((8 * M * 1.6605390666) / 8.251 ** 3, 10);
  });

  it('analyses as Fd-3m with Li 8a, Mn 16d, O 32e', () => {
    const sym = analyzeStructure(s);
    expect(sym.number).toBe(227);
    expect(sym.shortSymbol).toBe('Fd-3m');
    const byEl = (el: string) => new Set(s.sites.map((x, i) => (x.species[0].element === el ? sym.sites[i].wyckoffLabel : null)).filter(Boolean));
    expect([...byEl('Li')]).toEqual(['8a']);
    expect([...byEl('Mn')]).toEqual(['16d']);
    expect([...byEl('O')]).toEqual(['32e']);
    expect(sym.primitive.nsites).toBe(14);
    expect(sym.conventional.nsites).toBe(56);
  });

  it('treats a disordered 16d site as one type (LiNi0.5Mn1.5O4 Fd-3m stays Fd-3m)', () => {
    const d = expand(526, Lattice.cubic(8.1726), [
      { el: 'Li', f: [0.125, 0.125, 0.125] },
      { el: 'Mn', f: [0.5, 0.5, 0.5], occ: [['Ni', 0.25], ['Mn', 0.75]] },
      { el: 'O', f: [0.2628, 0.2628, 0.2628] },
    ]);
    expect(d.isOrdered).toBe(false);
    expect(d.formula).toBe('Li8 Mn12 Ni4 O32');
    expect(d.reducedFormula).toBe('Li2Mn3NiO8');
    expect(analyzeStructure(d).number).toBe(227);
  });

  it('supercell multiplies sites and volume', () => {
    const sc = s.supercell([2, 1, 1]);
    expect(sc.nsites).toBe(112);
    expect(sc.lattice.volume).toBeCloseTo(2 * lat.volume, 8);
    const nd = s.supercell([[1, 1, 0], [-1, 1, 0], [0, 0, 1]]);
    expect(nd.nsites).toBe(112);
    expect(analyzeStructure(nd).number).toBe(227);
  });

  it('is immutable', () => {
    expect(() => {
      (s.sites as any)[0] = null;
    }).toThrow();
    expect(() => {
      (s.sites[0].frac as any)[0] = 3;
    }).toThrow();
  });
});
