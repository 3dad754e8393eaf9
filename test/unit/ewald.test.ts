import { describe, expect, it } from 'vitest';
import { COULOMB_EV_A, energyFromMatrix, erfc, ewaldEnergy, ewaldMatrix } from '../../src/analysis/ewald.js';
import { Lattice } from '../../src/core/lattice.js';
import { buildBuiltin } from '../../src/build/builtins.js';
import { buildStructure } from '../../src/build/builder.js';
import { specFromArgs } from '../../src/build/spec.js';
import type { Structure } from '../../src/core/structure.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** Rock salt conventional cell (Na at fcc points, Cl shifted by a/2). */
function rockSalt(a: number): { lattice: Lattice; frac: Float64Array; q: number[] } {
  const fr: number[] = [];
  const q: number[] = [];
  for (const [x, y, z] of [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]]) {
    fr.push(x, y, z, x + 0.5, y, z);
    q.push(1, -1);
  }
  return { lattice: Lattice.cubic(a), frac: Float64Array.from(fr), q };
}

function charges(s: Structure): number[] {
  return s.sites.map((x) => x.species.reduce((acc, sp) => acc + sp.occupancy * sp.oxidationState!, 0));
}

describe('erfc', () => {
  it('matches Python math.erfc to 1e-13 relative on both branches', () => {
    // /usr/bin/python3 -c "import math; print([(x, math.erfc(x)) for x in …])"
    const ref: [number, number][] = [
      [0, 1.0], [0.05, 0.9436280222029834], [0.3, 0.6713732405408726], [0.9, 0.20309178757716786],
      [1.7, 0.016209541409225436], [2.4999, 0.0004071699003334514], [2.5, 0.0004069520174449589],
      [2.5001, 0.0004067342434706798], [3.3, 3.0577097964381654e-06], [4.4, 4.891710270605872e-10],
      [5.2, 1.9249061099972327e-13], [6.1, 6.314602150193718e-18],
    ];
    for (const [x, y] of ref) expect(rel(erfc(x), y), `erfc(${x})`).toBeLessThan(1e-13);
    expect(erfc(-0.9)).toBeCloseTo(2 - 0.20309178757716786, 15);
  });
});

describe('Madelung constants', () => {
  it('NaCl 1.747565 and CsCl 1.762675 (per ion pair, nearest-neighbour distance)', () => {
    const nacl = rockSalt(2); // r0 = 1
    const e = ewaldEnergy(nacl.lattice, nacl.frac, nacl.q);
    const M = -e.total / (4 * COULOMB_EV_A);
    expect(M).toBeCloseTo(1.747565, 6);
    expect(rel(M, 1.7475645946331822)).toBeLessThan(1e-12); // tabulated 1.747564594633182…
    const cs = ewaldEnergy(Lattice.cubic(1), Float64Array.from([0, 0, 0, 0.5, 0.5, 0.5]), [1, -1]);
    const Mcs = (-cs.total / COULOMB_EV_A) * (Math.sqrt(3) / 2);
    expect(Mcs).toBeCloseTo(1.762675, 6);
    expect(rel(Mcs, 1.7626747730709)).toBeLessThan(1e-12);
  });

  it('brute-force direct sums (Evjen neutral cubes) converge to the Ewald values', () => {
    // NaCl: ions at integer points (units of r0) with charge (−1)^(i+j+k); weights ½ per boundary coordinate.
    const evjenNaCl = (n: number) => {
      let s = 0;
      for (let i = -n; i <= n; i++)
        for (let j = -n; j <= n; j++)
          for (let k = -n; k <= n; k++) {
            if (i === 0 && j === 0 && k === 0) continue;
            const w = (Math.abs(i) === n ? 0.5 : 1) * (Math.abs(j) === n ? 0.5 : 1) * (Math.abs(k) === n ? 0.5 : 1);
            s += (w * ((i + j + k) % 2 === 0 ? 1 : -1)) / Math.hypot(i, j, k);
          }
      return -s;
    };
    // CsCl: Cs at integer points (cube edge 1), Cl at half-integer points, summed as whole neutral
    // Cl-centred cells (Cs corners weighted 1/8) filling the cube ±n. Such cells carry a second
    // moment, which shifts every potential by the same constant (the Bethe/mean-inner-potential
    // term), so the Madelung constant comes from the potential difference of the two ions:
    // M = −(φ(Cs) − φ(Cl))/2 · r0, r0 = √3/2.
    const evjenCsCl = (n: number) => {
      let phiCs = 0;
      let phiCl = 0;
      for (let i = -n; i <= n; i++)
        for (let j = -n; j <= n; j++)
          for (let k = -n; k <= n; k++) {
            const w = (Math.abs(i) === n ? 0.5 : 1) * (Math.abs(j) === n ? 0.5 : 1) * (Math.abs(k) === n ? 0.5 : 1);
            if (!(i === 0 && j === 0 && k === 0)) phiCs += w / Math.hypot(i, j, k);
            phiCl += w / Math.hypot(i - 0.5, j - 0.5, k - 0.5);
            if (i < n && j < n && k < n) {
              phiCs -= 1 / Math.hypot(i + 0.5, j + 0.5, k + 0.5);
              if (!(i === 0 && j === 0 && k === 0)) phiCl -= 1 / Math.hypot(i, j, k);
            }
          }
      return (-(phiCs - phiCl) / 2) * (Math.sqrt(3) / 2);
    };
    const nacl = rockSalt(2);
    const Mn = -ewaldEnergy(nacl.lattice, nacl.frac, nacl.q).total / (4 * COULOMB_EV_A);
    const Mc = (-ewaldEnergy(Lattice.cubic(1), Float64Array.from([0, 0, 0, 0.5, 0.5, 0.5]), [1, -1]).total / COULOMB_EV_A) * (Math.sqrt(3) / 2);
    expect(Math.abs(evjenNaCl(24) - Mn)).toBeLessThan(1e-5);
    expect(Math.abs(evjenCsCl(24) - Mc)).toBeLessThan(1e-8);
    // the direct sums do converge (not a lucky single value)
    expect(Math.abs(evjenNaCl(24) - Mn)).toBeLessThan(Math.abs(evjenNaCl(6) - Mn));
  });
});

describe('Ewald sum of a general cell', () => {
  // a triclinic cell with six ions of different charges and a net dipole
  const lat = Lattice.fromParameters({ a: 5.1, b: 5.9, c: 6.3, alpha: 82, beta: 97, gamma: 106 });
  const frac = Float64Array.from([0.1, 0.2, 0.3, 0.6, 0.7, 0.15, 0.35, 0.8, 0.6, 0.9, 0.45, 0.85, 0.2, 0.55, 0.05, 0.7, 0.1, 0.5]);
  const q = [2, -1, 1, -2, 1.5, -1.5];

  it('is independent of the splitting parameter to 1e-10 relative', () => {
    const ref = ewaldEnergy(lat, frac, q).total;
    for (const eta of [0.05, 0.2, 0.7, 2, 6]) {
      const e = ewaldEnergy(lat, frac, q, { eta });
      expect(rel(e.total, ref), `eta ${eta}`).toBeLessThan(1e-10);
    }
  });

  it('equals a brute-force direct sum over whole cells (smooth spherical cut-off) plus the dipole term 2π|D|²/3V', () => {
    const e = ewaldEnergy(lat, frac, q).total;
    const m = lat.matrix;
    const cart = [0, 1, 2, 3, 4, 5].map((i) => [0, 1, 2].map((c) => frac[3 * i] * m[0][c] + frac[3 * i + 1] * m[1][c] + frac[3 * i + 2] * m[2][c]));
    const D = [0, 1, 2].map((c) => cart.reduce((s, r, i) => s + q[i] * r[c], 0));
    const dipole = ((2 * Math.PI) / (3 * lat.volume)) * (D[0] ** 2 + D[1] ** 2 + D[2] ** 2) * COULOMB_EV_A;
    const R = 120;
    const N = Math.ceil(R / Math.min(...lat.perpendicularWidths)) + 1;
    let s = 0;
    for (let a = -N; a <= N; a++)
      for (let b = -N; b <= N; b++)
        for (let c = -N; c <= N; c++) {
          const t = [0, 1, 2].map((k) => a * m[0][k] + b * m[1][k] + c * m[2][k]);
          const x = Math.hypot(t[0], t[1], t[2]) / R;
          if (x >= 1) continue;
          const w = x < 0.5 ? 1 : 0.5 * (1 + Math.cos((Math.PI * (x - 0.5)) / 0.5));
          for (let i = 0; i < 6; i++)
            for (let j = 0; j < 6; j++) {
              if (a === 0 && b === 0 && c === 0 && i === j) continue;
              s += (0.5 * w * q[i] * q[j]) / Math.hypot(cart[j][0] + t[0] - cart[i][0], cart[j][1] + t[1] - cart[i][1], cart[j][2] + t[2] - cart[i][2]);
            }
        }
    expect(rel(s * COULOMB_EV_A, e + dipole)).toBeLessThan(5e-6);
  });

  it('pair matrix gives the same energy as the direct Ewald sum, for any charges', () => {
    const m = ewaldMatrix(lat, frac);
    expect(rel(energyFromMatrix(m, q), ewaldEnergy(lat, frac, q).total)).toBeLessThan(1e-12);
    const q2 = [1, 1, -1, 0, 0.5, -1.5];
    expect(rel(energyFromMatrix(m, q2), ewaldEnergy(lat, frac, q2).total)).toBeLessThan(1e-12);
    // symmetric
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) expect(m.matrix[i * 6 + j]).toBe(m.matrix[j * 6 + i]);
  });
});

describe('against pymatgen EwaldSummation (bench/ewald_pymatgen.py, pymatgen 2022.11.7)', () => {
  // Numbers printed by /usr/bin/python3 bench/ewald_pymatgen.py
  const PMG = {
    NaCl: -35.69405760761687,
    CsCl: -7.10853363001563,
    LiMn2O4: -1966.3889112531297,
    LiMn2O4_Mn4_charged: -2287.6967363726767,
    LiMn2O4_Mn4_charged_background: -16.384663053041937,
    lnmo_p4332: -2025.3713924856777,
  };

  it('NaCl (a = 5.64 Å) and CsCl (a = 4.123 Å)', () => {
    const n = rockSalt(5.64);
    expect(rel(ewaldEnergy(n.lattice, n.frac, n.q).total, PMG.NaCl)).toBeLessThan(1e-10);
    expect(rel(ewaldEnergy(Lattice.cubic(4.123), Float64Array.from([0, 0, 0, 0.5, 0.5, 0.5]), [1, -1]).total, PMG.CsCl)).toBeLessThan(1e-10);
  });

  it('LiMn2O4 (Berg 1998; Li+ Mn3.5+ O2-), and the charged cell with Mn4+ (background term)', () => {
    const s = buildBuiltin('limn2o4').structure;
    const e = ewaldEnergy(s.lattice, s.fracArray(), charges(s));
    expect(rel(e.total, PMG.LiMn2O4)).toBeLessThan(1e-10);
    const q4 = s.sites.map((x) => ({ Li: 1, Mn: 4, O: -2 })[x.species[0].element as 'Li']);
    const c = ewaldEnergy(s.lattice, s.fracArray(), q4);
    expect(rel(c.total, PMG.LiMn2O4_Mn4_charged)).toBeLessThan(1e-10);
    // the background term depends on eta, the total does not
    const c2 = ewaldEnergy(s.lattice, s.fracArray(), q4, { eta: 0.4 });
    expect(rel(c2.total, c.total)).toBeLessThan(1e-10);
    expect(c.charged).toBeCloseTo(PMG.LiMn2O4_Mn4_charged_background, 8); // same default eta as pymatgen
    expect(Math.abs(c2.charged - c.charged)).toBeGreaterThan(1);
  });

  it('ordered LiNi0.5Mn1.5O4 (lnmo-p4332)', () => {
    const s = buildBuiltin('lnmo-p4332').structure;
    const e = ewaldEnergy(s.lattice, s.fracArray(), charges(s));
    expect(rel(e.total, PMG.lnmo_p4332)).toBeLessThan(1e-10);
    const m = ewaldMatrix(s.lattice, s.fracArray(), { eta: 0.9 });
    expect(rel(energyFromMatrix(m, charges(s)), PMG.lnmo_p4332)).toBeLessThan(1e-10);
  });

  it('does not depend on the order of the sites or the choice of origin', () => {
    const s = buildStructure(specFromArgs({ spacegroup: '212', lattice: 'a=8.1726', sites: ['Li 8c x=0.25', 'Ni 4b', 'Mn 12d y=0.375', 'O 8c x=0.8622', 'O 24e x=0.3878 y=0.8878 z=0.8878'] })).structure;
    const q = s.sites.map((x) => ({ Li: 1, Ni: 2, Mn: 4, O: -2 })[x.species[0].element as 'Li']);
    const f = s.fracArray();
    const shifted = f.map((x, k) => x + [0.31, 0.07, 0.5][k % 3]);
    const perm = [...Array(s.nsites).keys()].reverse();
    const fp = Float64Array.from(perm.flatMap((i) => [f[3 * i], f[3 * i + 1], f[3 * i + 2]]));
    const qp = perm.map((i) => q[i]);
    const e = ewaldEnergy(s.lattice, f, q).total;
    expect(rel(e, PMG.lnmo_p4332)).toBeLessThan(1e-10);
    expect(rel(ewaldEnergy(s.lattice, shifted, q).total, e)).toBeLessThan(1e-11);
    expect(rel(ewaldEnergy(s.lattice, fp, qp).total, e)).toBeLessThan(1e-11);
  });
});
