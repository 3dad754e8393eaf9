import { describe, expect, it } from 'vitest';
import { Lattice } from '../../src/core/lattice.js';
import { Structure } from '../../src/core/structure.js';
import { readCif } from '../../src/io/cif/index.js';
import { anionEnvironments, isTransitionMetal } from '../../src/analysis/environments.js';
import { polyhedra } from '../../src/analysis/polyhedra.js';
import { neighborList } from '../../src/geometry/neighbors.js';
import { describeWithFixtures, fixture } from '../helpers/fixtures.js';

/** Spinel LiMn2O4 (a = 8.251 Å, x = 0.2628, origin 2) from its Wyckoff positions. */
function spinel(): Structure {
  const x = 0.2628;
  const F = [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]];
  const sites: { frac: [number, number, number]; species: string }[] = [];
  const put = (list: number[][], el: string) => {
    for (const p of list) for (const t of F) sites.push({ frac: [0, 1, 2].map((k) => (((p[k] + t[k]) % 1) + 1) % 1) as [number, number, number], species: el });
  };
  put([[0.125, 0.125, 0.125], [0.875, 0.375, 0.375]], 'Li');
  put([[0.5, 0.5, 0.5], [0.25, 0.75, 0], [0.75, 0, 0.25], [0, 0.25, 0.75]], 'Mn');
  put(
    [
      [x, x, x], [-x + 0.25, -x + 0.75, x + 0.5], [-x + 0.75, x + 0.5, -x + 0.25], [x + 0.5, -x + 0.25, -x + 0.75],
      [-x, -x, -x], [x + 0.75, x + 0.25, -x + 0.5], [x + 0.25, -x + 0.5, x + 0.75], [-x + 0.5, x + 0.75, x + 0.25],
    ],
    'O',
  );
  return new Structure(Lattice.cubic(8.251), sites);
}

/** Independent count: cations within a plain cutoff of each anion (Å). */
function cutoffCounts(s: Structure, cutoff: number): Map<number, Record<string, number>> {
  const out = new Map<number, Record<string, number>>();
  const lists = neighborList(s, cutoff);
  s.sites.forEach((_, i) => {
    if (s.majorityElement(i) !== 'O') return;
    const c: Record<string, number> = {};
    for (const n of lists[i]) {
      const e = s.majorityElement(n.index);
      if (e === 'O') continue;
      c[e] = (c[e] ?? 0) + 1;
    }
    out.set(i, c);
  });
  return out;
}

describe('anion environments', () => {
  it('spinel LiMn2O4: every O is OLiMn3 (grouped OLiTM3, "O1")', () => {
    const r = anionEnvironments(spinel());
    expect(r.anions).toHaveLength(32);
    expect(r.environments).toEqual([
      { grouped: 'OLiTM3', shortName: 'O1', formulas: { OLiMn3: 32 }, count: 32, fraction: 1, indices: r.anions.map((a) => a.index) },
    ]);
    const o = r.anions[0];
    expect(o.counts).toEqual({ Li: 1, Mn: 3 });
    expect(o.neighbors[0].distance).toBeCloseTo(1.9628, 4); // Mn–O is the shorter bond
    expect(o.neighbors[3].element).toBe('Li');
  });

  it('the cation side and the anion side count the same bonds, with consistent images', () => {
    const s = spinel();
    const p = polyhedra(s);
    const r = anionEnvironments(s);
    const bondsFromCations = p.polyhedra.reduce((n, q) => n + q.cn, 0);
    const bondsFromAnions = r.anions.reduce((n, a) => n + a.neighbors.length, 0);
    expect(bondsFromAnions).toBe(bondsFromCations);
    // each anion→cation vector is the reverse of a cation→anion ligand vector
    for (const a of r.anions.slice(0, 4)) {
      for (const n of a.neighbors) {
        const fa = s.sites[a.index].frac;
        const fc = s.sites[n.index].frac;
        const v = s.lattice.toCartesian([fc[0] + n.image[0] - fa[0], fc[1] + n.image[1] - fa[1], fc[2] + n.image[2] - fa[2]]);
        expect(Math.hypot(...v)).toBeCloseTo(n.distance, 10);
      }
    }
  });

  it('TM grouping covers the d block only', () => {
    expect(['Sc', 'Mn', 'Ni', 'Zn', 'Y', 'Cd', 'La', 'Hf', 'Hg'].every(isTransitionMetal)).toBe(true);
    expect(['Li', 'Mg', 'Al', 'Ce', 'Sb', 'O'].some(isTransitionMetal)).toBe(false);
  });
});

describeWithFixtures('anion environments of fixture oxides', ['cif/Li2MnO3_Lee2012_ICSD187500_C2m_transcribed.cif', 'cif/LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif'], () => {
  it('LiNiO2: every O is OLi3Ni3 ("O3")', () => {
    const s = readCif(fixture('cif/LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif')).blocks[0].structure;
    const r = anionEnvironments(s);
    expect(r.environments.map((e) => [e.grouped, e.shortName, e.count])).toEqual([['OLi3TM3', 'O3', 6]]);
  });

  it('Li2MnO3: every O is OLi4Mn2 ("O4"); Li/Mn antisite swaps create O5 (OLi5TM1) and O3 environments, as a plain 2.4 Å cutoff count confirms', () => {
    const s = readCif(fixture('cif/Li2MnO3_Lee2012_ICSD187500_C2m_transcribed.cif')).blocks[0].structure;
    const r = anionEnvironments(s);
    expect(r.environments.map((e) => [e.grouped, e.shortName, e.count, e.formulas])).toEqual([['OLi4TM2', 'O4', 12, { OLi4Mn2: 12 }]]);

    // 2×1×1 supercell with one Mn ↔ Li swap inside the transition-metal layer
    const sc = s.supercell([2, 1, 1]);
    const mn = sc.sites.findIndex((x) => x.species[0].element === 'Mn');
    // the Li nearest to that Mn (a honeycomb-centre Li in the same layer)
    const li = sc.sites
      .map((x, i) => [i, x] as const)
      .filter(([, x]) => x.species[0].element === 'Li')
      .sort((a, b) => sc.lattice.minimumImageDistance(sc.sites[mn].frac, a[1].frac) - sc.lattice.minimumImageDistance(sc.sites[mn].frac, b[1].frac))[0][0];
    const swapped = sc.withSites(sc.sites.map((x, i) => (i === mn ? { ...x, species: 'Li', label: 'LiX' } : i === li ? { ...x, species: 'Mn', label: 'MnX' } : x)));
    const env = anionEnvironments(swapped, { oxidationStates: { Li: 1, Mn: 4, O: -2 } });
    const ref = cutoffCounts(swapped, 2.4);
    for (const a of env.anions) expect(a.counts).toEqual(ref.get(a.index));
    const names = Object.fromEntries(env.environments.map((e) => [e.shortName, e.count]));
    // the swapped pair sits in the Mn layer: 4 O lose a Mn (O5), 4 gain one (O3)
    expect(names).toEqual({ O4: 16, O3: 4, O5: 4 });
  });
});
