import { expect, it } from 'vitest';
import { findSites } from '../../src/analysis/sites.js';
import { findHops, namedPath } from '../../src/analysis/paths.js';
import { readStructure } from '../../src/io/read-structure.js';
import { describeWithFixtures, fixture } from '../helpers/fixtures.js';

const CIF = {
  lmo: 'cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif',
  lto: 'cif/LiTi2O4_AMCSD0014220_Fd3m_origin1.cif',
  lno: 'cif/LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif',
  ncm: 'cif/LiCo1-3Ni1-3Mn1-3O2_NCM111_Yin2006_ICSD171750_R-3m-H_transcribed.cif',
  lmo3: 'cif/Li2MnO3_Lee2012_ICSD187500_C2m_transcribed.cif',
  lfso: 'cif/Li2Fe3SbO8_AMCSD0013490_P63mc_mixed-sites_transcribed.cif',
};
const read = (k: keyof typeof CIF) => readStructure(fixture(CIF[k])).structure;

describeWithFixtures('Li sites and hops on the fixture structures', Object.values(CIF), () => {
  for (const k of ['lmo', 'lto'] as const) {
    it(`${k}: Li on 8a, the empty 16c octahedron found, 8a→16c→8a percolates in 3D`, () => {
      const s = read(k);
      const r = findSites(s, { ion: 'Li' });
      expect(r.spacegroup.number).toBe(227);
      const occ = r.sites.filter((x) => x.kind === 'occupied');
      expect(occ.map((x) => x.label)).toEqual(['8a']);
      expect(occ[0].positions.length).toBe(8);
      expect(occ[0].cn).toBe(4);
      const c16 = r.sites.find((x) => x.label === '16c')!;
      expect(c16.kind).toBe('interstitial');
      expect(c16.positions.length).toBe(16);
      expect(c16.cn).toBe(6);
      expect(c16.siteEnergy).toBeGreaterThan(0);
      const p = findHops(s, r);
      const h = p.hops.find((x) => x.from === '8a' && x.to === '16c' && x.length < 2)!;
      expect(h.multiplicity).toBe(32); // 8 Li × 4 face-sharing 16c each
      // 8a–16c = a√3/8 for the ideal spinel
      expect(h.length).toBeCloseTo((s.lattice.parameters.a * Math.sqrt(3)) / 8, 3);
      const path = namedPath('8a>16c>8a', p.hops, r.sites);
      expect(path.steps.map((x) => x.hop)).toEqual([h.id, h.id]);
      // with only the 8a→16c class the network is already 3D
      const uptoH = p.percolation.find((x) => x.hopIds.includes(h.id))!;
      expect(uptoH.dimensionality).toBe(3);
    });
  }

  for (const k of ['lno', 'ncm'] as const) {
    it(`${k}: layered R-3m percolates in 2D, within the Li layer`, () => {
      const s = read(k);
      const r = findSites(s, { ion: 'Li' });
      expect(r.sites.filter((x) => x.kind === 'occupied').map((x) => x.label)).toEqual(['3a']);
      const p = findHops(s, r);
      expect(Math.max(...p.percolation.map((x) => x.dimensionality))).toBe(2);
      // every hop of the network stays in one Li slab: |Δz| < c/6
      const c = s.lattice.parameters.c;
      for (const h of p.hops) {
        const dz = Math.abs(h.toFrac[2] - h.fromFrac[2]) * c;
        expect(dz).toBeLessThan(c / 6);
      }
    });
  }

  it('removing Li gives back the removed positions among the interstitial candidates (property)', () => {
    for (const k of ['lmo', 'lto', 'lno', 'ncm', 'lmo3', 'lfso'] as const) {
      const s = read(k);
      const liSites = s.sites.map((x, i) => ({ x, i })).filter(({ i }) => s.majorityElement(i) === 'Li');
      expect(liSites.length).toBeGreaterThan(0);
      const host = s.removeSites(liSites.map((x) => x.i));
      const r = findSites(host, { ion: 'Li' });
      const cands = r.sites.flatMap((x) => x.positions);
      for (const { x } of liSites) {
        const d = Math.min(...cands.map((p) => s.lattice.minimumImageDistance(p, x.frac)));
        expect(d, `${k}: Li at ${x.frac.map((v) => v.toFixed(3))} not among the candidates (nearest ${d.toFixed(3)} Å)`).toBeLessThan(0.35);
      }
    }
  });

  it('labels are deterministic and stable between Li-free and lithiated spinel', () => {
    const s = read('lmo');
    const host = s.removeSites(s.sites.map((_, i) => i).filter((i) => s.majorityElement(i) === 'Li'));
    const a = findSites(host, { ion: 'Li' }).sites.map((x) => x.label).sort();
    const b = findSites(host, { ion: 'Li' }).sites.map((x) => x.label).sort();
    expect(a).toEqual(b);
    expect(a).toContain('8a');
    expect(a).toContain('16c');
  });
});

import { selectHop } from '../../src/analysis/hop-selection.js';

describeWithFixtures('hops selected for an NEB', ['cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif'], () => {
  it('8a>16c>8a: a vacancy hop between two 8a sites a√3/4 apart, through a 16c', () => {
    const s = readStructure(fixture('cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif')).structure;
    const r = findSites(s, { ion: 'Li' });
    const p = findHops(s, r);
    const h = selectHop(r, p, '8a>16c>8a');
    expect(h.mechanism).toBe('vacancy');
    expect(h.via!.length).toBe(1);
    const a = s.lattice.parameters.a;
    expect(s.lattice.minimumImageDistance(h.from, h.to)).toBeCloseTo((a * Math.sqrt(3)) / 4, 6);
    const c16 = r.sites.find((x) => x.label === '16c')!;
    expect(Math.min(...c16.positions.map((q) => s.lattice.minimumImageDistance(q, h.via![0])))).toBeLessThan(1e-6);
    // a hop id gives the class representative
    const byId = selectHop(r, p, 'H2');
    expect(byId.labels).toEqual(['8a', '16c']);
    expect(() => selectHop(r, p, '8a>48f')).toThrow(/no site labelled 48f/);
    expect(() => selectHop(r, p, 'H99')).toThrow(/no hop H99/);
  });
});

describeWithFixtures('supercells that break the lattice symmetry', ['cif/LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif'], () => {
  it('LiNiO2 5×6×1: sites keep their labels and counts (moyo-wasm 0.15 non-isometric operations dropped)', () => {
    const s = readStructure(fixture('cif/LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif')).structure.supercell([5, 6, 1]);
    const r = findSites(s, { ion: 'Li' });
    const occ = r.sites.filter((x) => x.kind === 'occupied');
    expect(occ.reduce((n, x) => n + x.positions.length, 0)).toBe(90);
    expect(r.sites.every((x) => x.positions.length <= 180)).toBe(true);
  });
});
