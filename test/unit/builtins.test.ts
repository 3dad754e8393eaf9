import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildBuiltin, builtinNames, builtinSpec, listBuiltins } from '../../src/build/builtins.js';
import { InputError } from '../../src/core/errors.js';
import { analyzeStructure } from '../../src/symmetry/analyze.js';
import { CifBlock, cifNumberValue, parseCif } from '../../src/io/cif/parser.js';
import { describeWithFixtures, fixture } from '../helpers/fixtures.js';
import { identifyWyckoff, opPreservingOriginShifts } from '../../src/symmetry/wyckoff.js';
import type { Vec3 } from '../../src/core/vec3.js';

const EXPECTED = ['li2mno3', 'limn2o4', 'linio2', 'liti2o4', 'lnmo-fd3m', 'lnmo-p4332', 'ncm111'];

/**
 * True when the analysed letters equal the built ones, possibly after an origin shift that
 * leaves the group's operations unchanged (Wyckoff letters are defined only up to those: in
 * P4_332 the shift 1/2,1/2,1/2 swaps 4a and 4b, and moyo picks one of the two).
 */
function lettersUpToOriginShift(r: ReturnType<typeof buildBuiltin>, analysed: string[]): boolean {
  const want = r.orbits.map((o) => analysed[o.sites[0]]);
  return opPreservingOriginShifts(r.hallNumber).some((t) =>
    r.orbits.every((o, k) => {
      const id = identifyWyckoff(r.hallNumber, o.representative.map((x, c) => x + t[c]) as unknown as Vec3, r.structure.lattice)!;
      return `${id.position.multiplicity}${id.position.letter}` === want[k];
    }),
  );
}

describe('builtin structures', () => {
  it('are all present and listed with formula, space group and source', () => {
    expect(builtinNames()).toEqual(EXPECTED);
    const list = listBuiltins();
    const by = new Map(list.map((b) => [b.name, b]));
    expect(by.get('limn2o4')).toMatchObject({ formula: 'LiMn2O4', spacegroup: 'Fd-3m (227:2)', nsites: 56 });
    expect(by.get('liti2o4')).toMatchObject({ formula: 'LiTi2O4', spacegroup: 'Fd-3m (227:1)', nsites: 56 });
    expect(by.get('linio2')).toMatchObject({ formula: 'LiNiO2', spacegroup: 'R-3m (166:H)', nsites: 12 });
    expect(by.get('li2mno3')).toMatchObject({ formula: 'Li2MnO3', spacegroup: 'C2/m (12:b1)', nsites: 24 });
    expect(by.get('lnmo-fd3m')!.source).toMatch(/^derived: .*Ni0.25Mn0.75.*8.1726/);
    expect(by.get('lnmo-fd3m')!.sourceFields.lattice).toMatch(/10\.1039\/d4sc02754j/);
    for (const b of list) {
      expect(b.source, b.name).toMatch(/\d{4}/); // a citation with a year
      const text = readFileSync(b.file, 'utf8');
      expect(text.startsWith('#'), `${b.name} starts with its source comment`).toBe(true);
    }
    expect(() => buildBuiltin('lmo')).toThrow(InputError);
    try {
      buildBuiltin('limn2o');
    } catch (e) {
      expect((e as InputError).hint).toMatch(/did you mean limn2o4/);
    }
  });

  it('build to their published formula and analyse back to their space group and letters', () => {
    for (const name of EXPECTED) {
      const spec = builtinSpec(name);
      const r = buildBuiltin(name);
      const a = analyzeStructure(r.structure);
      expect(a.number, name).toBe(spec.spacegroup.number);
      expect(lettersUpToOriginShift(r, a.sites.map((x) => x.wyckoffLabel)), name).toBe(true);
      if (name !== 'lnmo-p4332') expect(r.orbits.map((o) => a.sites[o.sites[0]].wyckoffLabel), name).toEqual(r.orbits.map((o) => o.wyckoff));
      // published formula (reduced) vs built composition per formula unit
      const comp = r.structure.composition();
      const published = Object.fromEntries([...(spec.formula ?? '').matchAll(/([A-Z][a-z]?)([\d.]*)/g)].map((m) => [m[1], Number(m[2] || 1)]));
      const fu = comp.get('O')! / published.O;
      const per = Object.fromEntries([...comp].map(([k, v]) => [k, v / fu]));
      expect(Object.keys(per).sort()).toEqual(Object.keys(published).sort());
      for (const [el, n] of Object.entries(published)) expect(per[el], `${name} ${el}`).toBeCloseTo(n, 2);
    }
  });

  it('lnmo-fd3m is the LiMn2O4 framework with 16d = Ni0.25Mn0.75 and a = 8.1726 Å', () => {
    const lmo = buildBuiltin('limn2o4').structure;
    const lnmo = buildBuiltin('lnmo-fd3m').structure;
    expect(lnmo.lattice.parameters.a).toBe(8.1726);
    expect(lnmo.sites.map((s) => s.frac)).toEqual(lmo.sites.map((s) => s.frac));
    expect(lnmo.sites[8].species).toEqual([
      { element: 'Ni', occupancy: 0.25, oxidationState: 2 },
      { element: 'Mn', occupancy: 0.75, oxidationState: 4 },
    ]);
    expect(lnmo.formula).toBe('Li8 Mn12 Ni4 O32');
  });

  it('lnmo-p4332: P4_332 (212, not the enantiomorph 213) with Ni on 4b; 4a and 4b are swapped by the origin shift 1/2,1/2,1/2', () => {
    const r = buildBuiltin('lnmo-p4332');
    expect(r.orbits.map((o) => `${o.species[0].element} ${o.wyckoff}`)).toEqual(['Li 8c', 'Ni 4b', 'Mn 12d', 'O 8c', 'O 24e']);
    expect(r.structure.formula).toBe('Li8 Mn12 Ni4 O32');
    expect(analyzeStructure(r.structure).number).toBe(212);
    const shifts = opPreservingOriginShifts(r.hallNumber).map((t) => t.join(','));
    expect(shifts).toEqual(['0,0,0', '0.5,0.5,0.5']);
  });

  it('ncm111 keeps the published occupancies in its file; 3b (1.00066) is scaled to 1 with a warning', () => {
    const spec = builtinSpec('ncm111');
    expect(spec.sites.map((s) => `${s.species[0].element}${s.species[0].occupancy} ${s.wyckoff}`)).toEqual([
      'Li0.975 3a',
      'Ni0.025 3a',
      'Co0.33333 3b',
      'Ni0.309 3b',
      'Mn0.33333 3b',
      'Li0.025 3b',
      'O1 6c',
    ]);
    const r = buildBuiltin('ncm111');
    expect(r.warnings.join()).toMatch(/add up to 1\.00066 \(a hair over 1\); scaled to 1/);
    const occ = (k: number) => r.orbits[k].species.map((s) => `${s.element}${Number(s.occupancy.toFixed(6))}`).join(' ');
    expect(occ(0)).toBe('Li0.975 Ni0.025');
    expect(occ(1)).toBe(`Co${Number((0.33333 / 1.00066).toFixed(6))} Ni${Number((0.309 / 1.00066).toFixed(6))} Mn${Number((0.33333 / 1.00066).toFixed(6))} Li${Number((0.025 / 1.00066).toFixed(6))}`);
    expect(r.orbits[1].species.reduce((a, s) => a + s.occupancy, 0)).toBeCloseTo(1, 12);
  });
});

/** Atom-site rows of a fixture CIF: label → numbers as published. */
function cifSites(rel: string) {
  const block = parseCif(readFileSync(fixture(rel), 'utf8')).blocks[0];
  const loop = block.loopOf('_atom_site_label')!;
  const col = (t: string) => CifBlock.column(loop, t);
  const rows = [];
  for (let i = 0; i < loop.nrows; i++) {
    rows.push({
      label: col('_atom_site_label')![i] as string,
      xyz: ['x', 'y', 'z'].map((c) => cifNumberValue(col(`_atom_site_fract_${c}`)![i])!),
      occ: col('_atom_site_occupancy') ? cifNumberValue(col('_atom_site_occupancy')![i])! : 1,
      wyckoff: col('_atom_site_wyckoff_symbol') ? String(col('_atom_site_wyckoff_symbol')![i]) : undefined,
    });
  }
  const cell = ['a', 'b', 'c', 'alpha', 'beta', 'gamma'].map((k) => cifNumberValue(block.value(`_cell_${k.length === 1 ? 'length' : 'angle'}_${k}`))!);
  return { rows, cell };
}

const FIXTURES: Record<string, string> = {
  limn2o4: 'cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif',
  linio2: 'cif/LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif',
  ncm111: 'cif/LiCo1-3Ni1-3Mn1-3O2_NCM111_Yin2006_ICSD171750_R-3m-H_transcribed.cif',
  li2mno3: 'cif/Li2MnO3_Lee2012_ICSD187500_C2m_transcribed.cif',
  liti2o4: 'cif/LiTi2O4_AMCSD0014220_Fd3m_origin1.cif',
};

describeWithFixtures('builtins carry the fixture CIFs’ published numbers exactly', Object.values(FIXTURES), () => {
  for (const [name, rel] of Object.entries(FIXTURES)) {
    it(name, () => {
      const { rows, cell } = cifSites(rel);
      const r = buildBuiltin(name);
      const p = r.structure.lattice.parameters;
      [p.a, p.b, p.c, p.alpha, p.beta, p.gamma].forEach((v, k) => expect(v, `cell ${k}`).toBeCloseTo(cell[k], 9));
      const spec = builtinSpec(name);
      expect(spec.sites.length).toBe(rows.length);
      for (const row of rows) {
        const site = spec.sites.find((s) => s.label === row.label);
        expect(site, `${name} ${row.label}`).toBeDefined();
        const orbit = r.orbits.find((o) => o.from.includes(site!.text))!;
        // the representative equals the published coordinates (wrapped into [0, 1))
        const wrapped = row.xyz.map((x) => x - Math.floor(x));
        orbit.representative.forEach((x, k) => expect(x, `${name} ${row.label} coord ${k}`).toBeCloseTo(wrapped[k], 12));
        expect(site!.species[0].occupancy).toBe(row.occ); // the spec file holds the published number
        if (row.wyckoff) expect(orbit.letter).toBe(row.wyckoff);
      }
    });
  }
});
