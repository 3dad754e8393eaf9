import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { buildCommand } from '../../src/cli/build.js';
import { InputError } from '../../src/core/errors.js';
import { buildStructure, latticeForSetting, resolveHall } from '../../src/build/builder.js';
import { parseLatticeArg, parseSiteArg, parseSpaceGroupArg, parseSpecText, readSpecFile, specFromArgs } from '../../src/build/spec.js';
import { hallEntriesOf, spaceGroupType } from '../../src/symmetry/moyo.js';
import { analyzeStructure } from '../../src/symmetry/analyze.js';
import { closePeriodic, wyckoffTable } from '../../src/symmetry/wyckoff.js';
import { hallEntry } from '../../src/symmetry/moyo.js';
import { readFileSync } from 'node:fs';
import { CifBlock, cifNumberValue, parseCif } from '../../src/io/cif/parser.js';
import { readCifString } from '../../src/io/cif/index.js';
import { parseElementSymbol } from '../../src/core/elements.js';
import type { BuildSpec, SiteSpec } from '../../src/build/spec.js';
import type { Vec3 } from '../../src/core/vec3.js';
import { describeWithFixtures, fixture } from '../helpers/fixtures.js';

const build = (spacegroup: string, lattice: string, sites: string[]) => buildStructure(specFromArgs({ spacegroup, lattice, sites }));

/** The error thrown by fn (fails when nothing or something else is thrown). */
function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

/** Distinct Wyckoff labels per orbit from the symmetry analysis, in site order. */
function analysedLetters(r: ReturnType<typeof buildStructure>): string[] {
  const a = analyzeStructure(r.structure);
  return r.orbits.map((o) => a.sites[o.sites[0]].wyckoffLabel);
}

describe('argument parsers', () => {
  it('space groups: numbers, settings, symbols', () => {
    expect(parseSpaceGroupArg('227:2')).toMatchObject({ number: 227, setting: '2' });
    expect(parseSpaceGroupArg('166:h')).toMatchObject({ number: 166, setting: 'H' });
    expect(parseSpaceGroupArg('157')).toMatchObject({ number: 157 });
    expect(parseSpaceGroupArg('157').setting).toBeUndefined();
    expect(parseSpaceGroupArg('Fd-3m:1')).toMatchObject({ number: 227, setting: '1' });
    expect(parseSpaceGroupArg('Fd-3m').setting).toBeUndefined(); // origin not stated
    expect(parseSpaceGroupArg('P4_332')).toMatchObject({ number: 212 });
    expect(parseSpaceGroupArg('P -4 21 m')).toMatchObject({ number: 113 });
    expect(parseSpaceGroupArg('P 1 21/n 1')).toMatchObject({ number: 14, setting: 'b2' });
    expect(inputError(() => parseSpaceGroupArg('231')).message).toMatch(/1–230/);
    expect(inputError(() => parseSpaceGroupArg('227:3')).hint).toMatch(/227:1, 227:2/);
    expect(inputError(() => parseSpaceGroupArg('Xq9')).message).toMatch(/unknown space group/);
  });

  it('lattice and site texts', () => {
    expect(parseLatticeArg('a=8.7,c=5.0')).toEqual({ a: 8.7, c: 5.0 });
    expect(parseLatticeArg('a=4.9167(2) b=8.5069 c=5.0099 beta=109.373')).toEqual({ a: 4.9167, b: 8.5069, c: 5.0099, beta: 109.373 });
    expect(inputError(() => parseLatticeArg('a=8.7,d=5')).message).toMatch(/one of a, b, c, alpha, beta, gamma/);
    expect(inputError(() => parseLatticeArg('a=x')).message).toMatch(/expected a number/);
    const k = parseSiteArg('K 3c x=0.59 z=0.5');
    expect(k).toMatchObject({ species: [{ element: 'K', occupancy: 1 }], wyckoff: '3c', params: { x: 0.59, z: 0.5 } });
    expect(parseSiteArg('Ni0.25Mn0.75 16d').species).toEqual([
      { element: 'Ni', occupancy: 0.25 },
      { element: 'Mn', occupancy: 0.75 },
    ]);
    expect(parseSiteArg('Li 0.125 0.125 1/8 occ=0.5 label=Li9')).toMatchObject({ coords: [0.125, 0.125, 0.125], species: [{ occupancy: 0.5 }], label: 'Li9' });
    expect(inputError(() => parseSiteArg('Li2 8a')).message).toMatch(/occupancy of Li/);
    expect(inputError(() => parseSiteArg('Xx 8a')).message).toMatch(/not an element/);
    expect(inputError(() => parseSiteArg('Li 8a w=3')).message).toMatch(/unknown key 'w'/);
    expect(inputError(() => parseSiteArg('Li 0.1 0.2')).message).toMatch(/2 coordinate/);
    expect(inputError(() => parseSiteArg('Li')).message).toMatch(/needs a Wyckoff letter/);
    expect(inputError(() => parseSiteArg('Ni0.5Mn0.75 16d')).message).toMatch(/add up to 1.25/);
  });
});

describe('building from Wyckoff positions', () => {
  it('LiMn2O4 (Berg 1998, origin 2) gives Li8 Mn16 O32 and analyses back to Fd-3m 8a/16d/32e', () => {
    const r = build('227:2', 'a=8.251', ['Li 8a', 'Mn 16d', 'O 32e x=0.2628']);
    expect(r.structure.formula).toBe('Li8 Mn16 O32');
    expect(r.structure.nsites).toBe(56);
    const a = analyzeStructure(r.structure);
    expect(a.number).toBe(227);
    expect(analysedLetters(r)).toEqual(['8a', '16d', '32e']);
    // Li (8a, 1/8,1/8,1/8) – O (32e, u,u,u) bond along [111]: a·√3·(u − 1/8) = 1.9694 Å
    const li = r.orbits[0].sites[0];
    const dmin = Math.min(...r.orbits[2].sites.map((o) => r.structure.lattice.minimumImageDistance(r.structure.sites[li].frac, r.structure.sites[o].frac)));
    expect(dmin).toBeCloseTo(8.251 * Math.sqrt(3) * (0.2628 - 0.125), 10);
  });

  it('origin choice 1 vs 2: the same numbers are different structures, and the origin must be stated', () => {
    const o1 = build('227:1', 'a=8.391', ['Li 0 0 0', 'Ti 5/8 5/8 5/8', 'O 0.39 0.39 0.39']);
    expect(o1.orbits.map((o) => o.wyckoff)).toEqual(['8a', '16d', '32e']);
    expect(o1.structure.formula).toBe('Li8 Ti16 O32');
    const e = inputError(() => build('227', 'a=8.391', ['Li 8a']));
    expect(e.message).toMatch(/two origin choices; say which: 227:1 or 227:2/);
    const r = inputError(() => build('166', 'a=2.86,c=14.199', ['Li 3a']));
    expect(r.message).toMatch(/166:H or 166:R/);
    expect(r.hint).toMatch(/166:H/);
  });

  it('LiNiO2 on hexagonal and on rhombohedral axes gives the same crystal', () => {
    const h = build('166:H', 'a=2.86,c=14.199', ['Li 3a', 'Ni 3b', 'O 6c z=0.2417']);
    expect(h.structure.nsites).toBe(12);
    expect(analysedLetters(h)).toEqual(['3a', '3b', '6c']);
    // rhombohedral cell of the same lattice: a_r = sqrt(a²/3 + c²/9), cos α = (2c² − 3a²)/(2c² + 6a²)
    const a = 2.86;
    const c = 14.199;
    const ar = Math.sqrt((a * a) / 3 + (c * c) / 9);
    const alpha = (Math.acos((2 * c * c - 3 * a * a) / (2 * c * c + 6 * a * a)) * 180) / Math.PI;
    const r = build('166:R', `a=${ar},alpha=${alpha}`, ['Li 1a', 'Ni 1b', 'O 2c x=0.2417']);
    expect(r.structure.nsites).toBe(4);
    expect(r.structure.lattice.volume * 3).toBeCloseTo(h.structure.lattice.volume, 8);
    const ah = analyzeStructure(h.structure);
    const ar2 = analyzeStructure(r.structure);
    expect(ar2.number).toBe(166);
    expect(ar2.primitive.lattice.volume).toBeCloseTo(ah.primitive.lattice.volume, 8);
    expect(analysedLetters(r)).toEqual(['3a', '3b', '6c']);
  });

  it('Li2MnO3 (C2/m, Lee 2012) analyses back to 12 with 4g 2b 2c 4h 4i 8j', () => {
    const r = build('12', 'a=4.9167,b=8.5069,c=5.0099,beta=109.373', [
      'Mn 4g y=0.1663',
      'Li 2b',
      'Li 2c',
      'Li 4h y=0.6560',
      'O 4i x=0.2178 z=0.2253',
      'O 8j x=0.2537 y=0.3220 z=0.2237',
    ]);
    expect(r.structure.formula).toBe('Li8 Mn4 O12');
    expect(analyzeStructure(r.structure).number).toBe(12);
    expect(analysedLetters(r)).toEqual(['4g', '2b', '2c', '4h', '4i', '8j']);
  });

  it('K3V5O14-style P31m table: 3c and 6d, and a 6d collapsing onto 3c is an error naming both', () => {
    const ok = build('157', 'a=8.7,c=5.0', ['K 3c x=0.59 z=0.5', 'V 1a z=0', 'V 2b z=0.1', 'O 6d x=0.2 y=0.45 z=0.3']);
    expect(ok.structure.formula).toBe('K3 V3 O6');
    expect(ok.orbits.map((o) => o.sites.length)).toEqual([3, 1, 2, 6]);
    const e = inputError(() => build('157', 'a=8.7,c=5.0', ['K 6d x=0.59 y=0 z=0.5']));
    expect(e.message).toMatch(/6d \(x,y,z\) on Wyckoff 3c \(x,0,z\): its 6 positions collapse to 3/);
    expect(e.hint).toMatch(/use '3c x=0.59 z=0.5'/);
  });

  it('wrong letters, parameters and lattices are InputErrors saying what was expected', () => {
    expect(inputError(() => build('227:2', 'a=8.251', ['O 32q x=0.1'])).message).toMatch(/has no Wyckoff position 'q'/);
    const y = inputError(() => build('227:2', 'a=8.251', ['O 48f y=0.1']));
    expect(y.message).toMatch(/48f .* is \(x,1\/8,1\/8\): y is fixed there; its free parameter is x/);
    expect(inputError(() => build('227:2', 'a=8.251', ['O 32e'])).message).toMatch(/give x=…/);
    expect(inputError(() => build('227:2', 'a=8.251', ['O 8d'])).message).toMatch(/multiplicity 16, not 8/);
    expect(inputError(() => build('100', 'a=8.6,b=8.7,c=5.6', ['V 2a z=0'])).message).toMatch(/tetragonal .* needs b = a, got b=8.7 and a=8.6/);
    expect(inputError(() => build('157', 'a=8.7,c=5,gamma=90', ['K 1a z=0'])).message).toMatch(/needs gamma = 120°/);
    expect(inputError(() => build('12', 'a=4.9,b=8.5,c=5.0', ['Li 2b'])).message).toMatch(/lattice needs beta/);
    expect(inputError(() => build('225', 'a=5,alpha=80', ['Na 4a'])).message).toMatch(/needs alpha = 90°/);
    // a point given by coordinates must be on the named position
    const p = inputError(() => build('227:2', 'a=8.251', ['Mn 16c 0.5 0.5 0.5']));
    expect(p.message).toMatch(/is on Wyckoff 16d \(1\/2,1\/2,1\/2\) .* not on 16c \(0,0,0\)/);
  });

  it('overlapping orbits are refused; split sites with occupancies ≤ 1 are kept with a warning', () => {
    const e = inputError(() => build('227:2', 'a=8.251', ['Li 8a', 'O 32e x=0.135']));
    expect(e.message).toMatch(/sites Li1 \(8a\) and O1 \(32e x=0.135\) overlap: 0.143 Å apart/);
    const near = inputError(() => build('227:2', 'a=8.251', ['O 96g x=0.3 z=0.33']));
    expect(near.message).toMatch(/symmetry copies of site O1 \(96g x=0.3 z=0.33\) are only 0.350 Å apart/);
    const split = build('227:2', 'a=8.251', ['Li 8a occ=0.5', 'Li 32e x=0.135 occ=0.125']);
    expect(split.warnings.join('\n')).toMatch(/split site/);
  });

  it('mixed sites: species string or two entries at one position; occupancies must fit', () => {
    const a = build('227:2', 'a=8.1726', ['Li 8a', 'Ni0.25Mn0.75 16d', 'O 32e x=0.2628']);
    const b = build('227:2', 'a=8.1726', ['Li 8a', 'Ni 16d occ=0.25', 'Mn 16d occ=0.75', 'O 32e x=0.2628']);
    for (const r of [a, b]) {
      expect(r.structure.nsites).toBe(56);
      expect(r.structure.formula).toBe('Li8 Mn12 Ni4 O32');
      expect(r.orbits[1].species).toEqual([
        { element: 'Ni', occupancy: 0.25 },
        { element: 'Mn', occupancy: 0.75 },
      ]);
      expect(analysedLetters(r)).toEqual(['8a', '16d', '32e']);
    }
    expect(inputError(() => build('227:2', 'a=8.1726', ['Ni 16d occ=0.5', 'Mn 16d occ=0.75'])).message).toMatch(/add up to 1.25, more than 1/);
  });

  it('a point given by coordinates is placed on its Wyckoff position and snapped (0.333 → 1/3)', () => {
    const r = build('186', 'a=5.923,c=9.641', ['Sb 0.333 0.667 0.4802', 'O 0 0 0.304']);
    expect(r.orbits.map((o) => o.wyckoff)).toEqual(['2b', '2a']);
    expect(r.orbits[0].representative[0]).toBe(1 / 3);
  });
});

describe('spec files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ionpath-spec-'));

  it('YAML and JSON specs build the same structure; errors carry file and line', () => {
    const yaml = join(dir, 'lmo.yaml');
    writeFileSync(
      yaml,
      ['spacegroup: 227:2', 'lattice: {a: 8.251}', 'sites:', '  - {species: Li, wyckoff: 8a}', '  - Mn 16d', '  - {species: O, wyckoff: 32e, x: "0.2628(2)"}', ''].join('\n'),
    );
    const json = join(dir, 'lmo.json');
    writeFileSync(
      json,
      JSON.stringify({ spacegroup: '227', setting: '2', lattice: 'a=8.251', sites: [{ element: 'Li', coords: [0.125, 0.125, 0.125] }, 'Mn 16d', { species: 'O', wyckoff: 'e', x: 0.2628 }] }, null, 1),
    );
    const a = buildStructure(readSpecFile(yaml));
    const b = buildStructure(readSpecFile(json));
    expect(a.structure.formula).toBe('Li8 Mn16 O32');
    expect(b.structure.sites.map((s) => s.frac)).toEqual(a.structure.sites.map((s) => s.frac));

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, ['spacegroup: 227:2', 'lattice: {a: 8.251}', 'sites:', '  - {species: Li, wyckoff: 8a}', '  - {species: O, wyckoff: 48f, y: 0.1}', ''].join('\n'));
    const e = inputError(() => buildStructure(readSpecFile(bad)));
    expect(e.file).toBe(bad);
    expect(e.line).toBe(5);
    expect(e.message).toMatch(/y is fixed there/);
    const e2 = inputError(() => parseSpecText('spacegroup: 227:2\nlattice: {a: 8.251}\nsites:\n  - {species: Li, wyckof: 8a}\n', 'x.yaml'));
    expect(e2).toMatchObject({ file: 'x.yaml', line: 4 });
    expect(e2.message).toMatch(/unknown site field 'wyckof'/);
    const e3 = inputError(() => parseSpecText('spacegroup: 227:2\nlattice: {a: 8.251\n', 'y.yaml'));
    expect(e3.message).toMatch(/not valid YAML/);
    expect(e3.file).toBe('y.yaml');
    const e4 = inputError(() => buildStructure(parseSpecText('spacegroup: 100\nlattice: {a: 8.6, b: 8.7, c: 5.6}\nsites: [V 2a z=0]\n', 'z.yaml')));
    expect(e4).toMatchObject({ file: 'z.yaml', line: 2 });
  });
});

describe('symmetry round trip over all 230 groups', () => {
  it('three generic orbits per group (standard setting) analyse back to the same group', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const failures: string[] = [];
    for (let n = 1; n <= 230; n++) {
      const hall = spaceGroupType(n).hall_number;
      const entry = hallEntriesOf(n).find((h) => h.hall_number === hall)!;
      const setting = entry.setting ? `${n}:${entry.setting}` : String(n);
      // generic metric for the family
      const lat = latticeArgFor(hall);
      const general = wyckoffTable(hall)[0];
      const sites = ['Li', 'Mn', 'O'].map((el) => `${el} ${general.multiplicity}${general.letter} x=${(0.03 + 0.44 * rnd()).toFixed(4)} y=${(0.03 + 0.44 * rnd()).toFixed(4)} z=${(0.03 + 0.44 * rnd()).toFixed(4)}`);
      const spec = specFromArgs({ spacegroup: setting, lattice: lat, sites: sites.map((s) => s.replace(/ [xyz]=\S+/g, (m) => (general.free.includes(m.trim()[0] as 'x') ? m : ''))) });
      const r = buildStructure(spec, { minDistance: 0 });
      const a = analyzeStructure(r.structure, 1e-3);
      if (a.number !== n) failures.push(`${n}: got ${a.number}`);
      expect(resolveHall(spec.spacegroup, spec.lattice)).toBe(hall);
    }
    expect(failures).toEqual([]);
  });
});

function latticeArgFor(hall: number): string {
  const tries = ['a=9.1', 'a=7.1,c=10.3', 'a=7.1,alpha=72', 'a=7.1,b=8.3,c=10.3', 'a=7.1,b=8.3,c=10.3,beta=101', 'a=7.1,b=8.3,c=10.3,alpha=81,beta=97,gamma=104'];
  for (const t of tries) {
    try {
      latticeForSetting(parseLatticeArg(t), hall);
      return t;
    } catch {
      /* next */
    }
  }
  throw new Error(`no lattice for hall ${hall}`);
}

// ---------------------------------------------------------------------------------------
// Every fixture CIF rebuilt from its own asymmetric unit

const CIF_FIXTURES = [
  'cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif',
  'cif/LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif',
  'cif/LiCo1-3Ni1-3Mn1-3O2_NCM111_Yin2006_ICSD171750_R-3m-H_transcribed.cif',
  'cif/Li2MnO3_Lee2012_ICSD187500_C2m_transcribed.cif',
  'cif/LiTi2O4_AMCSD0014220_Fd3m_origin1.cif',
  'cif/Li2Pt3B_COD1511225_P4332_omdb-findsym.cif',
  'cif/CuSe_COD9011303_P-421m_DFT-model_omdb-findsym.cif',
  'cif/NH4-2_VO_VPO7_COD1001731_P4bm_fresnoite-type_transcribed.cif',
  'cif/Li2Fe3SbO8_AMCSD0013490_P63mc_mixed-sites_transcribed.cif',
  'cif/cod1000002_Sr-oxalate_Hall-only.cif',
  'cif/cod2000000_special-values_cod-tools-test.cif',
  'cif/amcsd_2-entries_grunerite_galena_multiblock.cif',
  'cif/salicylic-acid_CIF2.0_CrystalInfoFramework-test.cif',
];

/** The asymmetric unit of a CIF block as build-spec sites: coordinates, species, occupancy, stated letter. */
function asymmetricUnit(block: CifBlock): SiteSpec[] {
  const loop = block.loopOf('_atom_site_fract_x')!;
  const col = (t: string) => CifBlock.column(loop, t);
  const out: SiteSpec[] = [];
  for (let i = 0; i < loop.nrows; i++) {
    const flag = col('_atom_site_calc_flag')?.[i];
    if (typeof flag === 'string' && flag.toLowerCase() === 'dum') continue; // COD dummy atom
    const label = col('_atom_site_label')?.[i] as string | undefined;
    const type = col('_atom_site_type_symbol')?.[i];
    const element = parseElementSymbol(typeof type === 'string' ? type : label!)!;
    const occ = cifNumberValue(col('_atom_site_occupancy')?.[i]) ?? 1;
    if (occ === 0) continue;
    const xyz = ['x', 'y', 'z'].map((c) => cifNumberValue(col(`_atom_site_fract_${c}`)![i])!);
    const w = (col('_atom_site_wyckoff_symbol') ?? col('_atom_site_wyckoff_label'))?.[i];
    out.push({
      species: [{ element, occupancy: occ }],
      coords: xyz as unknown as Vec3,
      ...(typeof w === 'string' && /^[a-z]$/.test(w) ? { wyckoff: w } : {}),
      ...(label ? { label } : {}),
      text: `${label ?? element} ${xyz.join(' ')}`,
    });
  }
  return out;
}

describeWithFixtures('the builder rebuilds every fixture CIF from its asymmetric unit', CIF_FIXTURES, () => {
  for (const rel of CIF_FIXTURES) {
    it(rel.replace('cif/', ''), () => {
      const text = readFileSync(fixture(rel), 'utf8');
      const doc = parseCif(text, rel);
      const read = readCifString(text, rel);
      let checked = 0;
      for (const block of read.blocks) {
        const cifBlock = doc.blocks.find((b) => b.name === block.name)!;
        expect(block.hallNumber, `${block.name}: setting identified`).toBeDefined();
        const h = hallEntry(block.hallNumber!);
        const p = block.structure.lattice.parameters;
        const spec: BuildSpec = {
          spacegroup: { number: h.number, ...(h.setting ? { setting: h.setting } : {}), text: `${h.number}:${h.setting}` },
          lattice: { a: p.a, b: p.b, c: p.c, alpha: p.alpha, beta: p.beta, gamma: p.gamma },
          sites: asymmetricUnit(cifBlock),
        };
        const built = buildStructure(spec, { minDistance: 0.5 }).structure;
        const ref = block.structure;
        expect(built.nsites, block.name).toBe(ref.nsites);
        expect(built.formula, block.name).toBe(ref.formula);
        // every site of the CIF reader's expansion is a built site with the same content
        const content = (s: (typeof ref.sites)[number]) => s.species.map((x) => `${x.element}${x.occupancy.toFixed(5)}`).sort().join(' ');
        for (const s of ref.sites) {
          const hit = built.sites.find((b) => closePeriodic(built.lattice, b.frac, s.frac, 0.02));
          expect(hit, `${block.name} ${s.label} at ${s.frac.join(' ')}`).toBeDefined();
          expect(content(hit!), `${block.name} ${s.label}`).toBe(content(s));
        }
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });
  }
});

describe('ionpath build (command)', () => {
  async function run(args: Record<string, unknown>): Promise<{ stdout: string; stderr: string; code: number }> {
    const out: string[] = [];
    const err: string[] = [];
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
    process.exitCode = 0;
    try {
      await (buildCommand.handler as (a: unknown) => Promise<void>)({ symprec: 0.01, 'min-distance': 0.5, ...args });
      return { stdout: out.join(''), stderr: err.join(''), code: Number(process.exitCode ?? 0) };
    } finally {
      o.mockRestore();
      e.mockRestore();
      process.exitCode = 0;
    }
  }

  it('--list --json names every builtin with formula, space group and source', async () => {
    const r = await run({ list: true, json: true });
    const doc = JSON.parse(r.stdout);
    expect(doc.builtins.map((b: { name: string }) => b.name)).toContain('lnmo-p4332');
    expect(doc.builtins.find((b: { name: string }) => b.name === 'limn2o4')).toMatchObject({ formula: 'LiMn2O4', spacegroup: 'Fd-3m (227:2)' });
  });

  it('builds from --site arguments to a CIF that reads back to the same structure, and refuses to overwrite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ionpath-build-'));
    const file = join(dir, 'lmo.cif');
    const args = { spacegroup: '227:2', lattice: 'a=8.251', site: ['Li 8a', 'Mn 16d', 'O 32e x=0.2628'], output: file, json: true };
    const r = await run(args);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ formula: 'Li8 Mn16 O32', nsites: 56, spacegroup: { number: 227, setting: '2' }, analysis: { number: 227 } });
    expect(doc.orbits.map((o: { wyckoff: string; analysedWyckoff: string }) => `${o.wyckoff}=${o.analysedWyckoff}`)).toEqual(['8a=8a', '16d=16d', '32e=32e']);
    const back = readCifString(readFileSync(file, 'utf8'), file).blocks[0].structure;
    expect(back.formula).toBe('Li8 Mn16 O32');
    const again = await run(args);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists; not overwriting it/);
    const bad = await run({ spacegroup: '227:2', lattice: 'a=8.251', site: ['O 48f y=0.1'] });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/ionpath: site 'O 48f y=0.1': Wyckoff 48f .* y is fixed there/);
    const none = await run({});
    expect(none.stderr).toMatch(/say what to build/);
  });
});
