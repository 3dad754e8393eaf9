/**
 * NEB supercells and endpoints: primitive reduction, Hermite normal forms, the smallest
 * supercell meeting the distance rules (checked against brute force over all smaller
 * superlattices), vacancy and interstitial endpoints, matching of given endpoints, and the
 * bad-input messages.
 */
import { describe, expect, it } from 'vitest';
import { Lattice } from '../../src/core/lattice.js';
import { Structure } from '../../src/core/structure.js';
import { InputError } from '../../src/core/errors.js';
import { type Mat3, type Vec3, vecMat, det3 } from '../../src/core/vec3.js';
import { findSupercell, hermiteNormalForms, primitiveByTranslations } from '../../src/neb/supercell.js';
import { assignment, endpointsFromHop, matchEndpoints, type Hop } from '../../src/neb/endpoints.js';
import { limn2o4, p31mHost } from '../data/neb/build.js';

/** Shortest nonzero vector of a lattice by brute force over coefficients |n_i| ≤ R (Å). */
function bruteShortest(rows: readonly Vec3[], R = 4): number {
  let best = Infinity;
  for (let a = -R; a <= R; a++) for (let b = -R; b <= R; b++) for (let c = -R; c <= R; c++) {
    if (!(a || b || c)) continue;
    const v = vecMat([a, b, c], rows as unknown as Mat3);
    best = Math.min(best, Math.hypot(...v));
  }
  return best;
}

/** min |d + L| over L ≠ 0 by brute force (Å). */
function bruteOffset(rows: readonly Vec3[], d: Vec3, R = 4): number {
  let best = Infinity;
  for (let a = -R; a <= R; a++) for (let b = -R; b <= R; b++) for (let c = -R; c <= R; c++) {
    if (!(a || b || c)) continue;
    const v = vecMat([a, b, c], rows as unknown as Mat3);
    best = Math.min(best, Math.hypot(d[0] + v[0], d[1] + v[1], d[2] + v[2]));
  }
  return best;
}

const a = 8.251;
const spinel = limn2o4();
const spinelHop: Hop = { from: [0.125, 0.125, 0.125], via: [[0, 0, 0]], to: [-0.125, -0.125, -0.125], ion: 'Li', mechanism: 'vacancy', label: '8a>16c>8a' };

describe('primitive cell and Hermite normal forms', () => {
  it('reduces the 56-atom spinel to its 14-atom fcc primitive cell', () => {
    expect(spinel.nsites).toBe(56);
    expect(spinel.formula).toBe('Li8 Mn16 O32');
    const p = primitiveByTranslations(spinel);
    expect(p.multiplicity).toBe(4);
    expect(p.structure.nsites).toBe(14);
    expect(p.structure.formula).toBe('Li2 Mn4 O8');
    expect(p.structure.lattice.volume).toBeCloseTo(a ** 3 / 4, 8);
    for (const l of p.structure.lattice.lengths) expect(l).toBeCloseTo(a / Math.SQRT2, 8);
  });

  it('leaves a primitive cell alone', () => {
    const h = p31mHost();
    expect(h.nsites).toBe(19);
    expect(primitiveByTranslations(h).multiplicity).toBe(1);
  });

  it('enumerates the known number of HNFs (OEIS A001001: 1, 7, 13, 35, 31, 91)', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => [...hermiteNormalForms(n)].length)).toEqual([1, 7, 13, 35, 31, 91]);
    for (const H of hermiteNormalForms(12)) expect(Math.round(det3(H))).toBe(12);
  });
});

describe('supercell search', () => {
  const prim = primitiveByTranslations(spinel).structure;
  const from = spinel.lattice.toCartesian([0.125, 0.125, 0.125]);
  const to = spinel.lattice.toCartesian([-0.125, -0.125, -0.125]);
  const path: Vec3[] = [from, [0, 0, 0], to];

  it('ion-only rule at 9 Å: 8 primitive cells (111 atoms), distances checked by brute force', () => {
    const sc = findSupercell(prim, spinel.lattice, { minImageDistance: 9, pathCart: path, atomDelta: -1 });
    expect(sc.index).toBe(8);
    expect(sc.natoms).toBe(111);
    expect(sc.imageDistance).toBeCloseTo(bruteShortest(sc.lattice.matrix), 9);
    expect(sc.imageDistance).toBeGreaterThanOrEqual(9);
    expect(sc.defectDistance).toBe(Infinity);
    // integer matrix on the primitive cell reproduces the lattice; |det| = index
    const rows = sc.matrixPrimitive.map((r) => vecMat(r as unknown as Vec3, prim.lattice.matrix));
    expect(new Lattice(rows as unknown as Mat3).equals(sc.lattice, 1e-9)).toBe(true);
    expect(Math.round(det3(sc.matrixPrimitive as unknown as Mat3))).toBe(8);
    // no superlattice with fewer cells reaches 9 Å (brute force, independent of the reduction)
    for (let n = 1; n < 8; n++) {
      for (const H of hermiteNormalForms(n)) {
        const r = H.map((h) => vecMat(h, prim.lattice.matrix));
        expect(bruteShortest(r, 3)).toBeLessThan(9);
      }
    }
  });

  it('vacancy rule at 9 Å: the ion also 9 Å from the vacancy images → 12 cells (167 atoms)', () => {
    const sc = findSupercell(prim, spinel.lattice, { minImageDistance: 9, pathCart: path, defectsCart: [from, to], atomDelta: -1 });
    expect(sc.index).toBe(12);
    expect(sc.natoms).toBe(167);
    expect(sc.imageDistance).toBeCloseTo(a * Math.SQRT2, 6); // 11.669 Å
    expect(sc.defectDistance).toBeGreaterThanOrEqual(9);
    // the defect distance by brute force: ion at from/mid/to vs vacancy images at from/to
    let d = Infinity;
    for (const p of [from, [0, 0, 0] as Vec3, to]) for (const q of [from, to]) d = Math.min(d, bruteOffset(sc.lattice.matrix, [p[0] - q[0], p[1] - q[1], p[2] - q[2]]));
    expect(d).toBeGreaterThanOrEqual(9 - 1e-9);
    // 8 cells are not enough for this rule: the best 8-cell cell gives 8.99 Å
    const sc8 = findSupercell(prim, spinel.lattice, { minImageDistance: 8.9, pathCart: path, defectsCart: [from, to], atomDelta: -1 });
    expect(sc8.index).toBe(8);
    expect(sc8.defectDistance).toBeCloseTo(a * Math.sqrt(1 + 3 / 16), 6); // 8.991 Å
  });

  it('refuses when no cell fits under --max-atoms', () => {
    expect(() => findSupercell(prim, spinel.lattice, { minImageDistance: 9, pathCart: path, maxAtoms: 100 })).toThrow(/no supercell with at most 100 atoms/);
  });
});

describe('endpoints from a hop', () => {
  it('Li 8a>16c>8a vacancy hop in LiMn2O4', () => {
    const ep = endpointsFromHop(spinel, spinelHop);
    const { initial, final, movingIndex } = ep;
    expect(initial.nsites).toBe(167);
    expect(initial.formula).toBe('Li23 Mn48 O96');
    expect(final.formula).toBe('Li23 Mn48 O96');
    expect(initial.majorityElement(movingIndex)).toBe('Li');
    // POSCAR blocks Li, Mn, O in both, same order
    expect(initial.sites.map((_, i) => initial.majorityElement(i))).toEqual(final.sites.map((_, i) => final.majorityElement(i)));
    // only the moving ion differs, by the hop length a√3/4
    let moved = 0;
    for (let i = 0; i < initial.nsites; i++) {
      const d = initial.lattice.minimumImageDistance(initial.sites[i].frac, final.sites[i].frac);
      if (i === movingIndex) expect(d).toBeCloseTo((a * Math.sqrt(3)) / 4, 9);
      else if (d > 1e-9) moved++;
    }
    expect(moved).toBe(0);
    expect(Math.hypot(...ep.hopVector)).toBeCloseTo((a * Math.sqrt(3)) / 4, 9);
    // the vacancy is where the ion ends up
    expect(ep.vacancies.length).toBe(1);
    expect(initial.lattice.minimumImageDistance(ep.vacancies[0], final.sites[movingIndex].frac)).toBeLessThan(1e-9);
    // the waypoint (16c) is the midpoint
    expect(ep.via.length).toBe(1);
    const mid = initial.lattice.toFractional(initial.lattice.toCartesian(initial.sites[movingIndex].frac).map((x, k) => x + ep.hopVector[k] / 2) as unknown as Vec3);
    expect(initial.lattice.minimumImageDistance(ep.via[0], mid)).toBeLessThan(1e-9);
    expect(ep.supercell!.natoms).toBe(167);
  });

  it('a hop to the same site one cell over (rocksalt primitive cell, one Mg) is a real hop', () => {
    const a0 = 4.212;
    const prim = new Structure(new Lattice([[0, a0 / 2, a0 / 2], [a0 / 2, 0, a0 / 2], [a0 / 2, a0 / 2, 0]]), [
      { frac: [0, 0, 0], species: 'Mg' },
      { frac: [0.5, 0.5, 0.5], species: 'O' },
    ]);
    const ep = endpointsFromHop(prim, { from: [0, 0, 0], to: [1, 0, 0], ion: 'Mg', mechanism: 'vacancy' });
    expect(Math.hypot(...ep.hopVector)).toBeCloseTo(a0 / Math.SQRT2, 9);
    expect(ep.initial.formula).toBe(`Mg${ep.supercell!.index - 1} O${ep.supercell!.index}`);
    expect(ep.supercell!.imageDistance).toBeGreaterThanOrEqual(9);
    expect(ep.supercell!.defectDistance).toBeGreaterThanOrEqual(9);
  });

  it('Li interstitial hop along the c channel of the synthetic P31m host', () => {
    const h = p31mHost();
    const ep = endpointsFromHop(h, { from: [0, 0, 0.05], via: [[0, 0, 0.4], [0, 0, 0.7]], to: [0, 0, 1.05], ion: 'Li', mechanism: 'interstitial', label: 'c channel' });
    expect(ep.initial.formula).toBe('K24 Li1 V40 O88');
    expect(ep.initial.nsites).toBe(153);
    expect(ep.vacancies).toEqual([]);
    expect(ep.hopVector[2]).toBeCloseTo(5, 9);
    expect(Math.hypot(ep.hopVector[0], ep.hopVector[1])).toBeLessThan(1e-9);
    expect(ep.initial.sites[ep.movingIndex].label).toBe('Li_i');
    const sc = ep.supercell!;
    expect(sc.imageDistance).toBeGreaterThanOrEqual(9);
    expect(sc.imageDistance).toBeCloseTo(bruteShortest(sc.lattice.matrix), 9);
    // the 5 Å hop is the unique minimum image in the supercell (no cell with c doubled to 10 Å)
    expect(bruteOffset(sc.lattice.matrix, ep.hopVector)).toBeGreaterThan(5 + 0.5);
  });

  it('bad hops give clear messages', () => {
    expect(() => endpointsFromHop(spinel, { ...spinelHop, from: [0.3, 0.3, 0.3] })).toThrow(/no Li at the start \(0\.3000, 0\.3000, 0\.3000\)/);
    expect(() => endpointsFromHop(spinel, { ...spinelHop, to: [0.5, 0.5, 0.5], via: [] })).toThrow(/destination \(0\.5000, 0\.5000, 0\.5000\) holds Mn, not Li/);
    expect(() => endpointsFromHop(spinel, { ...spinelHop, mechanism: 'interstitial' })).toThrow(/interstitial hop: the start .* is occupied by Li/);
    expect(() => endpointsFromHop(spinel, { ...spinelHop, ion: 'Xx' })).toThrow(/"Xx" is not an element symbol/);
    expect(() => endpointsFromHop(spinel, { ...spinelHop, via: [], to: [0.125, 0.125, 0.125] })).toThrow(/does not move the ion/);
    // a wrapped destination: the literal hop crosses the cell, its short image is named
    expect(() => endpointsFromHop(spinel, { ...spinelHop, via: [], to: [0.875, 0.875, 0.875] })).toThrow(
      /hop segment \(0\.1250, 0\.1250, 0\.1250\) → \(0\.8750, 0\.8750, 0\.8750\) is 10\.718 Å long, but the periodic image \(-0\.1250, -0\.1250, -0\.1250\) of its end is only 3\.573 Å away/,
    );
  });

  it('an interstitial placed on top of an oxygen is refused as too close', () => {
    const h = p31mHost();
    const o = h.sites.find((s) => s.species[0].element === 'O')!;
    const near: Vec3 = [o.frac[0] + 0.06, o.frac[1], o.frac[2]]; // 0.52 Å from O (> 0.5 Å site tolerance)
    let err: unknown;
    try {
      endpointsFromHop(h, { from: near, to: [1, 0, 1.05], ion: 'Li', mechanism: 'interstitial' }, { file: 'host.cif' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/initial endpoint: atoms \d+ \((Li|O) .*\) and \d+ \((Li|O) .*\) are 0\.52\d Å apart — too close/);
    expect((err as InputError).file).toBe('host.cif');
  });

  it('a disordered structure is refused', () => {
    const lat = Lattice.cubic(4);
    const s = new Structure(lat, [
      { frac: [0, 0, 0], species: [{ element: 'Li', occupancy: 0.5 }] },
      { frac: [0.5, 0.5, 0.5], species: 'O' },
    ]);
    expect(() => endpointsFromHop(s, { from: [0, 0, 0], to: [0.5, 0, 0], ion: 'Li', mechanism: 'vacancy' })).toThrow(/partially occupied/);
  });
});

describe('matching given endpoints', () => {
  const ep = endpointsFromHop(spinel, spinelHop, { minImageDistance: 8 });
  const ini = ep.initial;
  const fin = ep.final;
  // a "user" final file: atoms shuffled, small relaxation noise, wrapped
  const perm = fin.sites.map((_, i) => i).reverse();
  let seed = 5;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.01;
  const shuffled = new Structure(
    fin.lattice,
    perm.map((i) => ({ ...fin.sites[i], frac: [fin.sites[i].frac[0] + rnd(), fin.sites[i].frac[1] + rnd(), fin.sites[i].frac[2] + rnd()] as Vec3 })),
    'user final',
  ).wrapped();

  it('finds the moving Li and restores the order', () => {
    const m = matchEndpoints(ini, shuffled, { fileA: 'A/POSCAR', fileB: 'B/POSCAR' });
    expect(m.movingIndex).toBe(ep.movingIndex);
    expect(m.initial.majorityElement(m.movingIndex)).toBe('Li');
    for (let i = 0; i < ini.nsites; i++) {
      const d = ini.lattice.minimumImageDistance(m.final.sites[i].frac, fin.sites[i].frac);
      expect(d).toBeLessThan(0.2);
    }
    expect(Math.hypot(...m.hopVector)).toBeCloseTo((a * Math.sqrt(3)) / 4, 1);
    expect(m.otherMaxDisplacement!).toBeLessThan(0.2);
  });

  it('different cells, different atoms, several movers and identical files are refused', () => {
    const stretched = new Structure(new Lattice(ini.lattice.matrix.map((r) => r.map((x) => x * 1.02))), ini.sites as never);
    expect(() => matchEndpoints(ini, stretched, { fileB: 'B/POSCAR' })).toThrow(/the cells differ/);
    const fewer = fin.removeSites([0]);
    expect(() => matchEndpoints(ini, fewer)).toThrow(/different atoms \(Li 15 vs 14\); an NEB moves atoms/);
    const two = new Structure(fin.lattice, fin.sites.map((s, i) => (i === 100 ? { ...s, frac: [s.frac[0] + 0.2, s.frac[1], s.frac[2]] as Vec3 } : s)));
    expect(() => matchEndpoints(ini, two, { fileA: 'A', fileB: 'B' })).toThrow(/cannot match endpoints A \/ B: 2 atoms move more than 1 Å/);
    expect(() => matchEndpoints(ini, ini)).toThrow(/the endpoints are the same structure/);
  });

  it('assignment() solves a small problem optimally', () => {
    const cost = [
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ].map((r) => Float64Array.from(r));
    expect(assignment(cost)).toEqual([1, 0, 2]);
  });
});
