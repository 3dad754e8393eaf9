/**
 * Every CIF in ../shared/fixtures/cif against reference.json beside it (values from pymatgen
 * 2022.11 / spglib 2.0 / gemmi, see PROVENANCE.md there): site count, occupancy-weighted
 * composition (1e-4), space-group number (moyo on the expanded cell at symprec 0.01 Å, sites
 * typed by their full species string), lattice (1e-3 Å, 1e-2°).
 */
import { describe, expect, it } from 'vitest';
import { describeWithFixtures, fixture, readJsonFixture, CIF_FIXTURE_FILES } from '../helpers/fixtures.js';
import { readCif, type CifStructureBlock } from '../../src/io/cif/index.js';
import { analyzeCell } from '../../src/symmetry/moyo.js';
import { siteTypes } from '../../src/io/cif/writer.js';
import type { Structure } from '../../src/core/structure.js';

interface Ref {
  composition: Record<string, number>;
  lattice: { a: number; b: number; c: number; alpha: number; beta: number; gamma: number; volume: number };
  nsites: number;
  spacegroup_number: number;
  expect_warning?: string;
}

const FILES = CIF_FIXTURE_FILES;

/** Where each file's symmetry must come from (the most trusted source it has). */
const SOURCES: Record<string, string[]> = {
  'CuSe_COD9011303_P-421m_DFT-model_omdb-findsym.cif': ['symops'],
  'Li2Fe3SbO8_AMCSD0013490_P63mc_mixed-sites_transcribed.cif': ['symops'],
  'Li2MnO3_Lee2012_ICSD187500_C2m_transcribed.cif': ['hm'],
  'Li2Pt3B_COD1511225_P4332_omdb-findsym.cif': ['symops'],
  'LiCo1-3Ni1-3Mn1-3O2_NCM111_Yin2006_ICSD171750_R-3m-H_transcribed.cif': ['hm'],
  'LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif': ['hm'],
  'LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif': ['hm'],
  'LiTi2O4_AMCSD0014220_Fd3m_origin1.cif': ['symops'],
  'NH4-2_VO_VPO7_COD1001731_P4bm_fresnoite-type_transcribed.cif': ['symops'],
  'amcsd_2-entries_grunerite_galena_multiblock.cif': ['symops', 'symops'],
  'cod1000002_Sr-oxalate_Hall-only.cif': ['hall'],
  'cod2000000_special-values_cod-tools-test.cif': ['symops'],
  'salicylic-acid_CIF2.0_CrystalInfoFramework-test.cif': ['symops'],
};

function spacegroupNumber(s: Structure): number {
  return analyzeCell(
    { lattice: s.lattice.matrix as unknown as number[][], positions: s.sites.map((x) => x.frac as unknown as number[]), types: siteTypes(s) },
    0.01,
  ).number;
}

function check(b: CifStructureBlock, ref: Ref): void {
  const s = b.structure;
  expect(s.nsites).toBe(ref.nsites);
  const comp = s.composition();
  expect([...comp.keys()].sort()).toEqual(Object.keys(ref.composition).sort());
  for (const [el, n] of Object.entries(ref.composition)) expect(Math.abs(comp.get(el)! - n), el).toBeLessThan(1e-4);
  expect(spacegroupNumber(s)).toBe(ref.spacegroup_number);
  const p = s.lattice.parameters;
  for (const k of ['a', 'b', 'c'] as const) expect(Math.abs(p[k] - ref.lattice[k]), k).toBeLessThan(1e-3);
  for (const k of ['alpha', 'beta', 'gamma'] as const) expect(Math.abs(p[k] - ref.lattice[k]), k).toBeLessThan(1e-2);
  expect(Math.abs(s.lattice.volume - ref.lattice.volume) / ref.lattice.volume).toBeLessThan(1e-4);
  for (const site of s.sites) for (const x of site.frac) expect(x >= 0 && x < 1).toBe(true);
  if (ref.expect_warning) expect(b.warnings.map((w) => w.message).join('\n')).toMatch(new RegExp(ref.expect_warning, 'i'));
}

describeWithFixtures('CIF fixtures against reference.json', ['cif/reference.json', ...FILES.map((f) => `cif/${f}`)], () => {
  const reference = readJsonFixture<Record<string, Ref & { blocks?: number; [k: string]: unknown }>>('cif/reference.json');

  it('covers every file in reference.json', () => {
    expect(Object.keys(reference).sort()).toEqual([...FILES].sort());
  });

  for (const file of FILES) {
    it(file, () => {
      const ref = reference[file];
      const r = readCif(fixture(`cif/${file}`));
      expect(r.blocks.map((b) => b.symmetrySource)).toEqual(SOURCES[file]);
      if (ref.blocks !== undefined) {
        expect(r.blocks.length).toBe(ref.blocks);
        r.blocks.forEach((b, i) => check(b, ref[`block_${i + 1}`] as Ref));
      } else {
        expect(r.blocks.length).toBe(1);
        check(r.blocks[0], ref);
      }
    });
  }

  describe('details', () => {
    it('LiMn2O4 (F d -3 m Z, no operators): Li8 Mn16 O32 on 8a/16d/32e, Mn 3.5+ from _atom_type', () => {
      const b = readCif(fixture('cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif')).blocks[0];
      expect(b.structure.formula).toBe('Li8 Mn16 O32');
      expect([b.hallNumber, b.spacegroupNumber, b.nOperations]).toEqual([526, 227, 192]);
      expect(b.warnings).toEqual([]);
      const mn = b.structure.sites.filter((s) => s.species[0].element === 'Mn');
      expect(mn.length).toBe(16);
      expect(mn[0].species[0].oxidationState).toBe(3.5);
      expect(mn[0].properties?.wyckoff).toBe('d');
      const li = b.structure.sites.find((s) => s.label === 'Li1')!;
      expect(li.species[0].oxidationState).toBe(1);
      // Every stated 8a site is at (1/8,1/8,1/8) + fcc translations or its inversion image.
      for (const s of b.structure.sites.filter((x) => x.label === 'Li1')) {
        for (const x of s.frac) expect([0.125, 0.375, 0.625, 0.875].some((v) => Math.abs(x - v) < 1e-9)).toBe(true);
      }
    });

    it('NCM111: the 1.00066 site is accepted with a warning naming the atoms and the line', () => {
      const b = readCif(fixture('cif/LiCo1-3Ni1-3Mn1-3O2_NCM111_Yin2006_ICSD171750_R-3m-H_transcribed.cif')).blocks[0];
      const w = b.warnings.find((x) => /1\.00066/.test(x.message))!;
      expect(w.message).toMatch(/Co1, Ni1, Mn1, Li2/);
      expect(w.line).toBe(72);
      const site3b = b.structure.sites.find((s) => s.label === 'Co1')!;
      expect(site3b.species.map((s) => s.element)).toEqual(['Co', 'Ni', 'Mn', 'Li']);
      expect(site3b.species.reduce((t, s) => t + s.occupancy, 0)).toBeCloseTo(1, 12);
    });

    it('NH4 vanadyl phosphate: the COD dummy atom is skipped with a warning; P/V share one site', () => {
      const b = readCif(fixture('cif/NH4-2_VO_VPO7_COD1001731_P4bm_fresnoite-type_transcribed.cif')).blocks[0];
      const w = b.warnings.find((x) => /dummy/.test(x.message))!;
      expect(w.line).toBe(88);
      expect(b.structure.composition().get('H')).toBeUndefined();
      const pv = b.structure.sites.filter((s) => s.label === 'P1');
      expect(pv.length).toBe(4);
      expect(pv[0].species).toEqual([
        { element: 'P', occupancy: 0.51, oxidationState: 5 },
        { element: 'V', occupancy: 0.49, oxidationState: 5 },
      ]);
    });

    it('grunerite: O-H3 is oxygen sharing its site with F3; galena is the second block', () => {
      const r = readCif(fixture('cif/amcsd_2-entries_grunerite_galena_multiblock.cif'));
      expect(r.blocks.map((b) => b.name)).toEqual(['global_00001', 'global_00002']);
      const oh = r.blocks[0].structure.sites.filter((s) => s.label === 'O-H3');
      expect(oh.length).toBe(4);
      expect(oh[0].species).toEqual([
        { element: 'O', occupancy: 0.75 },
        { element: 'F', occupancy: 0.25 },
      ]);
      expect(r.blocks[1].structure.formula).toBe('Pb4 S4');
    });

    it("Sr oxalate: symmetry from the Hall symbol '-P_2yn', '?' occupancies read as 1, deuterium kept", () => {
      const b = readCif(fixture('cif/cod1000002_Sr-oxalate_Hall-only.cif')).blocks[0];
      expect([b.hallNumber, b.spacegroupNumber]).toEqual([82, 14]);
      expect(b.structure.sites.every((s) => s.species[0].occupancy === 1)).toBe(true);
      expect(b.structure.composition().get('D')).toBe(12);
    });

    it('CIF 2.0 salicylic acid: dotted tags, lower-case labels, leading-dot numbers', () => {
      const b = readCif(fixture('cif/salicylic-acid_CIF2.0_CrystalInfoFramework-test.cif')).blocks[0];
      expect(b.hallNumber).toBe(83);
      const o1 = b.structure.sites.find((s) => s.label === 'o1')!;
      expect(o1.species[0].element).toBe('O');
      expect(o1.frac[0]).toBeCloseTo(0.5505, 12);
    });

    it('Li2MnO3 keeps stated Wyckoff letters; LiTi2O4 origin-1 operators give Li on 8a at the origin', () => {
      const b = readCif(fixture('cif/Li2MnO3_Lee2012_ICSD187500_C2m_transcribed.cif')).blocks[0];
      expect(b.structure.sites.filter((s) => s.label === 'Li3').map((s) => s.properties?.wyckoff)).toEqual(['h', 'h', 'h', 'h']);
      const t = readCif(fixture('cif/LiTi2O4_AMCSD0014220_Fd3m_origin1.cif')).blocks[0];
      expect(t.hallNumber).toBe(525);
      expect(t.structure.sites.find((s) => s.label === 'Li1')!.frac).toEqual([0, 0, 0]);
    });
  });
});
