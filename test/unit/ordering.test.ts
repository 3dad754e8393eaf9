import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { orderCommand, parseOxidationArg, parseSupercellArg } from '../../src/cli/order.js';
import { enumerateOrderings, multinomial, supercellPermutations, type OrderingResult } from '../../src/analysis/ordering.js';
import { buildBuiltin } from '../../src/build/builtins.js';
import { buildStructure } from '../../src/build/builder.js';
import { specFromArgs } from '../../src/build/spec.js';
import { InputError } from '../../src/core/errors.js';
import type { Structure } from '../../src/core/structure.js';
import { applyOp, closePeriodic } from '../../src/symmetry/wyckoff.js';
import { analyzeCell, operationsOfHall } from '../../src/symmetry/moyo.js';

/**
 * pymatgen 2022.11.7 OrderDisorderedStructureTransformation (EwaldMinimizer), all orderings
 * ranked: distinct total energies (eV, rounded to 1e-6) and how many orderings have each.
 * Printed by /usr/bin/python3 bench/ewald_pymatgen.py ('lnmo_fd3m_odst', 'li05nio2_221_odst').
 * pymatgen keeps symmetry-equivalent orderings, so its counts are our degeneracies summed.
 */
const PMG_LNMO = {
  energies: [-2027.563886, -2026.102224, -2025.371392, -2021.040256, -2020.309425, -2015.612873, -2015.247458, -2014.882042, -2014.516627, -2009.454659, -2004.392692, -2004.027276, -2003.661861, -1992.807095],
  counts: [4, 12, 8, 96, 192, 96, 192, 384, 120, 384, 12, 192, 120, 8],
};
const PMG_LI05NIO2 = {
  energies: [-1439.376161, -1439.326989, -1439.302403, -1439.277817, -1432.793552, -1432.768966, -1432.74438, -1419.702093, -1419.702092, -1419.677507, -1419.677506, -1413.14407],
  counts: [6, 72, 48, 90, 144, 144, 288, 12, 12, 60, 12, 36],
};

/** Group energies within 1e-5 eV and add up the weights (pymatgen's 6-decimal rounding splits some). */
function histogram(energies: number[], weights: number[]): [number, number][] {
  const out: [number, number][] = [];
  energies
    .map((e, i) => [e, weights[i]] as [number, number])
    .sort((a, b) => a[0] - b[0])
    .forEach(([e, w]) => {
      const last = out[out.length - 1];
      if (last && Math.abs(last[0] - e) < 1e-5) last[1] += w;
      else out.push([e, w]);
    });
  return out;
}

function expectSameHistogram(r: OrderingResult, ref: { energies: number[]; counts: number[] }): void {
  const ours = histogram(r.orderings.map((o) => o.energy), r.orderings.map((o) => o.degeneracy));
  const theirs = histogram(ref.energies, ref.counts);
  expect(ours.length).toBe(theirs.length);
  ours.forEach(([e, w], k) => {
    expect(e).toBeCloseTo(theirs[k][0], 5);
    expect(w).toBe(theirs[k][1]);
  });
}

/** A translation t with every site of a + t on a site of b with the same element, or null. */
function translationBetween(a: Structure, b: Structure): number[] | null {
  if (a.nsites !== b.nsites) return null;
  const el = (s: Structure['sites'][number]) => s.species[0].element;
  const a0 = a.sites[0];
  for (const cand of b.sites.filter((s) => el(s) === el(a0))) {
    const t = [0, 1, 2].map((k) => cand.frac[k] - a0.frac[k]);
    const ok = a.sites.every((x) => b.sites.some((y) => el(y) === el(x) && closePeriodic(a.lattice, y.frac, [x.frac[0] + t[0], x.frac[1] + t[1], x.frac[2] + t[2]], 1e-6)));
    if (ok) return t;
  }
  return null;
}

function li05nio2(): Structure {
  return buildStructure(specFromArgs({ spacegroup: '166:H', lattice: 'a=2.86,c=14.199', sites: ['Li 3a occ=0.5', 'Ni 3b', 'O 6c z=0.2417'] })).structure;
}

describe('ordering LiNi0.5Mn1.5O4 (lnmo-fd3m, 56-atom cell, 4 Ni + 12 Mn on 16d)', () => {
  const lnmo = buildBuiltin('lnmo-fd3m').structure;
  const r = enumerateOrderings(lnmo, { keep: 100 });

  it('1,820 configurations, 22 symmetry-distinct orderings whose multiplicities add up to 1,820', () => {
    expect(r.totalConfigurations).toBe('1820');
    expect(multinomial([4, 12])).toBe(1820n);
    expect(r.distinct).toBe(22);
    expect(r.orderings.length).toBe(22);
    expect(r.groupOrder).toBe(192); // Fd-3m in the conventional cell (48 × 4 centring translations)
    expect(r.parentSpacegroup).toEqual({ number: 227, symbol: 'Fd-3m' });
    expect(r.orderings.reduce((a, o) => a + o.degeneracy, 0)).toBe(1820);
    expect(r.sublattices).toEqual([
      expect.objectContaining({ label: 'NiMn1', content: 'Ni0.25Mn0.75', species: [{ element: 'Mn', count: 12, charge: 4 }, { element: 'Ni', count: 4, charge: 2 }] }),
    ]);
    expect(r.netCharge).toBe(0);
    for (const o of r.orderings) expect(o.structure.formula).toBe('Li8 Mn12 Ni4 O32');
  });

  it('energies and multiplicities match pymatgen OrderDisorderedStructureTransformation (which keeps duplicates)', () => {
    expectSameHistogram(r, PMG_LNMO);
    expect(r.orderings[0].energy).toBeCloseTo(-2027.5638861722282, 8);
    expect(r.orderings.map((o) => o.rank)).toEqual([...Array(22).keys()].map((k) => k + 1));
    expect(r.orderings[0].relativeEnergy).toBe(0);
  });

  it('the count of distinct orderings agrees with Burnside’s lemma over the 192 operations of Fd-3m', () => {
    // Independent of the enumeration: permutations of the 16 octahedral sites built here from the
    // table operations of F d -3 m origin 2 (Hall 526); a configuration is fixed by g exactly when
    // the 4 Ni fill whole cycles of g, so fix(g) = number of cycle subsets with total length 4.
    const ops = operationsOfHall(526);
    const oct = lnmo.sites.filter((s) => s.species.length === 2).map((s) => s.frac);
    expect(oct.length).toBe(16);
    let sum = 0;
    for (const op of ops) {
      const perm = oct.map((p) => {
        const img = applyOp(op, p);
        return oct.findIndex((q) => closePeriodic(lnmo.lattice, q, img, 1e-6));
      });
      expect(perm.every((k) => k >= 0)).toBe(true);
      const seen = new Array(16).fill(false);
      const cycles: number[] = [];
      for (let i = 0; i < 16; i++) {
        if (seen[i]) continue;
        let n = 0;
        for (let j = i; !seen[j]; j = perm[j]) {
          seen[j] = true;
          n++;
        }
        cycles.push(n);
      }
      const ways = new Array(5).fill(0);
      ways[0] = 1;
      for (const c of cycles) for (let t = 4; t >= c; t--) ways[t] += ways[t - c];
      sum += ways[4];
    }
    expect(sum / ops.length).toBe(22);
    expect(r.distinct).toBe(sum / ops.length);
  });

  it('the ordered P4_332 spinel (Ni on 4b) is among them, 8 configurations, and is the lnmo-p4332 builtin', () => {
    const p = r.orderings.filter((o) => o.spacegroup?.number === 212 || o.spacegroup?.number === 213);
    expect(p.length).toBe(1);
    expect(p[0].spacegroup).toEqual({ number: 212, symbol: 'P4_332' });
    expect(p[0].degeneracy).toBe(8);
    expect(p[0].energy).toBeCloseTo(-2025.3713924856777, 8); // pymatgen EwaldSummation of lnmo-p4332
    const builtin = buildBuiltin('lnmo-p4332').structure;
    expect(translationBetween(p[0].structure, builtin)).not.toBeNull();
    // the class of 8 holds 4 P4_332 configurations and their 4 mirror images (P4_132, 213):
    // Fd-3m contains the inversion, so both hands are one ordering
    const perms = supercellPermutations(operationsOfHall(526), [[1, 0, 0], [0, 1, 0], [0, 0, 1]], lnmo.lattice, lnmo.fracArray(), r.sublattices[0].sites, 0.01);
    const images = new Map<string, number[]>();
    for (const g of perms) {
      const img = new Array<number>(16);
      p[0].assignment.forEach((v, k) => (img[g[k]] = v));
      images.set(img.join(''), img);
    }
    expect(images.size).toBe(8);
    const groups: Record<number, number> = {};
    for (const img of images.values()) {
      const types = lnmo.sites.map((s, i) => {
        const k = r.sublattices[0].sites.indexOf(i);
        const el = k < 0 ? s.species[0].element : r.sublattices[0].species[img[k]].element!;
        return ['Li', 'Mn', 'Ni', 'O'].indexOf(el) + 1;
      });
      const n = analyzeCell({ lattice: lnmo.lattice.matrix as unknown as number[][], positions: lnmo.sites.map((s) => s.frac as unknown as number[]), types }, 0.01).number;
      groups[n] = (groups[n] ?? 0) + 1;
    }
    expect(groups).toEqual({ 212: 4, 213: 4 });
    // space groups of the lowest orderings
    expect(r.orderings.slice(0, 3).map((o) => o.spacegroup!.number)).toEqual([166, 53, 212]);
  });

  it('random sampling (seeded) is reproducible and finds the same orderings', () => {
    const a = enumerateOrderings(lnmo, { keep: 5, random: { samples: 3000, seed: 7 }, analyze: false });
    const b = enumerateOrderings(lnmo, { keep: 5, random: { samples: 3000, seed: 7 }, analyze: false });
    expect(a.method).toBe('random');
    expect(a.orderings.map((o) => o.energy)).toEqual(b.orderings.map((o) => o.energy));
    expect(a.orderings.map((o) => o.hits)).toEqual(b.orderings.map((o) => o.hits));
    expect(a.distinct).toBe(22);
    expect(a.orderings.map((o) => o.degeneracy)).toEqual(r.orderings.slice(0, 5).map((o) => o.degeneracy));
    a.orderings.forEach((o, k) => expect(o.energy).toBeCloseTo(r.orderings[k].energy, 9));
    const hits = a.orderings.reduce((s, o) => s + o.hits!, 0);
    expect(hits).toBeLessThanOrEqual(3000);
  });

  it('refuses an enumeration that is too large, with the count', () => {
    let err: unknown;
    try {
      enumerateOrderings(lnmo, { supercell: [2, 1, 1] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/^10518300 configurations .* limit of 1e\+7/);
    expect((err as InputError).hint).toMatch(/--random N/);
  });
});

describe('vacancies and supercells', () => {
  it('Li0.5NiO2 in a 2x2x1 supercell: 924 configurations, energies and counts as pymatgen', () => {
    const r = enumerateOrderings(li05nio2(), { supercell: [2, 2, 1], oxidation: { Li: 1, Ni: 3.5, O: -2 }, keep: 1000, analyze: false });
    expect(r.totalConfigurations).toBe('924');
    expect(r.supercell.nsites).toBe(48);
    expect(r.sublattices[0].species).toEqual([
      { element: 'Li', count: 6, charge: 1 },
      { element: null, count: 6, charge: 0 },
    ]);
    expect(r.orderings.reduce((a, o) => a + o.degeneracy, 0)).toBe(924);
    expect(r.distinct).toBe(17);
    expectSameHistogram(r, PMG_LI05NIO2);
    for (const o of r.orderings) expect(o.structure.formula).toBe('Li6 Ni12 O24');
  });

  it('a supercell matrix that is not diagonal gives the same orderings as the equivalent diagonal one', () => {
    const s = li05nio2();
    const diag = enumerateOrderings(s, { supercell: [2, 1, 1], oxidation: { Li: 1, Ni: 3.5, O: -2 }, keep: 100, analyze: false });
    // rows (2,0,0),(1,1,0),(0,0,1) span the same lattice as (2,0,0),(0,1,0),(0,0,1)
    const skew = enumerateOrderings(s, { supercell: [[2, 0, 0], [1, 1, 0], [0, 0, 1]], oxidation: { Li: 1, Ni: 3.5, O: -2 }, keep: 100, analyze: false });
    expect(skew.distinct).toBe(diag.distinct);
    expect(skew.orderings.map((o) => o.energy.toFixed(6))).toEqual(diag.orderings.map((o) => o.energy.toFixed(6)));
    expect(skew.orderings.map((o) => o.degeneracy)).toEqual(diag.orderings.map((o) => o.degeneracy));
  });

  it('counts that are not whole numbers, and ordered structures, are InputErrors', () => {
    const ncm = buildBuiltin('ncm111').structure;
    let e: InputError | undefined;
    try {
      enumerateOrderings(ncm);
    } catch (x) {
      e = x as InputError;
    }
    expect(e).toBeInstanceOf(InputError);
    expect(e!.message).toBe('Li1 (Li0.975Ni0.025) on 3 sites of the supercell needs 2.925 Li: not a whole number');
    expect(e!.hint).toMatch(/a supercell 13 times larger \(39 such sites\)/); // 38.025 Li + 0.975 Ni, within 0.05
    // Li0.5 on 3 sites: a supercell twice as large works
    let h: InputError | undefined;
    try {
      enumerateOrderings(li05nio2());
    } catch (x) {
      h = x as InputError;
    }
    expect(h!.message).toMatch(/needs 1.5 Li: not a whole number/);
    expect(h!.hint).toMatch(/a supercell 2 times larger \(6 such sites\)/);
    expect(() => enumerateOrderings(buildBuiltin('limn2o4').structure)).toThrow(/nothing to order/);
  });

  it('oxidation states: from the structure, from --oxidation, or guessed with a warning', () => {
    const s = li05nio2();
    const guessed = enumerateOrderings(s, { supercell: [2, 1, 1], keep: 1, analyze: false });
    expect(guessed.warnings.join()).toMatch(/oxidation states guessed/);
    expect(guessed.oxidation).toEqual({ Li: 1, Ni: 3.5, O: -2 });
    const given = enumerateOrderings(s, { supercell: [2, 1, 1], keep: 1, oxidation: { Li: 1, Ni: 3.5, O: -2 }, analyze: false });
    expect(given.warnings).toEqual([]);
    expect(given.orderings[0].energy).toBeCloseTo(guessed.orderings[0].energy, 10);
    // a non-neutral choice is allowed but flagged
    const charged = enumerateOrderings(s, { supercell: [2, 1, 1], keep: 1, oxidation: { Li: 1, Ni: 3, O: -2 }, analyze: false });
    expect(charged.netCharge).toBe(-3);
    expect(charged.warnings.join()).toMatch(/not charge neutral/);
  });
});

describe('ionpath order (command)', () => {
  it('parses --supercell and --oxidation', () => {
    expect(parseSupercellArg('2x1x1')).toEqual([[2, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(parseSupercellArg('1 2 3')).toEqual([[1, 0, 0], [0, 2, 0], [0, 0, 3]]);
    expect(parseSupercellArg('2,0,0;1,1,0;0,0,1')).toEqual([[2, 0, 0], [1, 1, 0], [0, 0, 1]]);
    expect(parseSupercellArg('[[1,1,0],[-1,1,0],[0,0,1]]')).toEqual([[1, 1, 0], [-1, 1, 0], [0, 0, 1]]);
    expect(() => parseSupercellArg('2x1')).toThrow(InputError);
    expect(() => parseSupercellArg('1.5x1x1')).toThrow(/expected NaxNbxNc/);
    expect(parseOxidationArg('Li=1,Ni=2,Mn=4,O=-2')).toEqual({ Li: 1, Ni: 2, Mn: 4, O: -2 });
    expect(parseOxidationArg('Mn=3.5 O=2-')).toEqual({ Mn: 3.5, O: -2 });
    expect(() => parseOxidationArg('Li1')).toThrow(/expected ELEMENT=CHARGE/);
  });

  it('writes the N lowest as POSCAR + CIF + orderings.json, and never overwrites without --force', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ionpath-order-')), 'out');
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      out.push(String(s));
      return true;
    });
    const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const args = { file: 'lnmo-fd3m', supercell: '1x1x1', keep: 3, output: dir, seed: 1, max: 1e7, symprec: 0.01, cif: true, json: true };
    try {
      await (orderCommand.handler as (a: unknown) => Promise<void>)(args);
      expect(process.exitCode ?? 0).toBe(0);
      const doc = JSON.parse(out.join(''));
      expect(doc.distinct).toBe(22);
      expect(doc.totalConfigurations).toBe('1820');
      expect(doc.orderings.map((o: { spacegroup: { number: number } }) => o.spacegroup.number)).toEqual([166, 53, 212]);
      expect(readdirSync(dir).sort()).toEqual(['order-001.cif', 'order-001.vasp', 'order-002.cif', 'order-002.vasp', 'order-003.cif', 'order-003.vasp', 'orderings.json']);
      const poscar = readFileSync(join(dir, 'order-003.vasp'), 'utf8');
      expect(poscar.split('\n')[0]).toMatch(/E_Ewald = -2025\.371392 eV, x8 P4_332 \(212\)/);
      expect(poscar).toMatch(/Li\s+Mn\s+Ni\s+O\n\s+8\s+12\s+4\s+32/);
      expect(JSON.parse(readFileSync(join(dir, 'orderings.json'), 'utf8')).orderings[2].files).toEqual({ poscar: 'order-003.vasp', cif: 'order-003.cif' });
      // second run: refused, nothing touched
      const before = statSync(join(dir, 'order-001.vasp')).mtimeMs;
      out.length = 0;
      await (orderCommand.handler as (a: unknown) => Promise<void>)(args);
      expect(process.exitCode).toBe(2);
      expect(statSync(join(dir, 'order-001.vasp')).mtimeMs).toBe(before);
      process.exitCode = 0;
      await (orderCommand.handler as (a: unknown) => Promise<void>)({ ...args, force: true });
      expect(process.exitCode ?? 0).toBe(0);
      expect(readdirSync(dir).filter((f) => f.includes('.tmp')).length).toBe(0);
    } finally {
      spy.mockRestore();
      errSpy.mockRestore();
      process.exitCode = 0;
    }
  });
});
