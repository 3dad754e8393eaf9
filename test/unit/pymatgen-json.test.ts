/**
 * pymatgen Structure JSON in and out. Expected values come from pymatgen itself:
 * test/data/pymatgen-structures.json (written by test/data/make_pymatgen_json.py), and, when
 * /usr/bin/python3 has pymatgen, a live round trip ionpath → pymatgen → ionpath.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputError } from '../../src/core/errors.js';
import { Lattice } from '../../src/core/lattice.js';
import { Structure, type SiteInput } from '../../src/core/structure.js';
import {
  parsePymatgenJson,
  readPymatgenJson,
  structureFromPymatgenDict,
  structureToPymatgenDict,
  writePymatgenJson,
} from '../../src/io/pymatgen-json.js';
import { analyzeCell } from '../../src/symmetry/moyo.js';
import { projectRoot } from '../helpers/fixtures.js';

const data = JSON.parse(readFileSync(join(projectRoot, 'test/data/pymatgen-structures.json'), 'utf8')) as {
  cases: Record<string, { dict: any; expected: any }>;
};

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw new Error(`expected an InputError, got ${String(e)}`);
  }
  throw new Error('expected an InputError, nothing was thrown');
}

/** Space group with each distinct species set (element, occupancy) as one type. */
function spaceGroup(s: Structure, symprec = 0.01): number {
  const keys: string[] = [];
  const types = s.sites.map((x) => {
    const k = JSON.stringify(x.species);
    if (!keys.includes(k)) keys.push(k);
    return keys.indexOf(k) + 1;
  });
  return analyzeCell({ lattice: s.lattice.matrix, positions: s.sites.map((x) => x.frac), types }, symprec).number;
}

describe('pymatgen-written Structure JSON (test/data/pymatgen-structures.json)', () => {
  for (const [name, { dict, expected }] of Object.entries(data.cases)) {
    it(`${name}: reads pymatgen's numbers and writes pymatgen's dict back`, () => {
      const s = structureFromPymatgenDict(dict, name);
      expect(s.nsites).toBe(expected.nsites);
      const comp = s.composition();
      expect([...comp.keys()].sort()).toEqual(Object.keys(expected.composition).sort());
      for (const [el, amt] of Object.entries(expected.composition)) expect(comp.get(el)).toBeCloseTo(amt as number, 12);
      s.lattice.lengths.forEach((x, k) => expect(x).toBeCloseTo(expected.abc[k], 10));
      s.lattice.angles.forEach((x, k) => expect(x).toBeCloseTo(expected.angles[k], 8));
      expect(s.lattice.volume).toBeCloseTo(expected.volume, 9);
      expect(Math.abs(s.density - expected.density) / expected.density).toBeLessThan(1e-6);
      expect(s.isOrdered).toBe(expected.is_ordered);
      expect(spaceGroup(s)).toBe(expected.spacegroup);

      const back = structureToPymatgenDict(s);
      expect(back['@module']).toBe(dict['@module']);
      expect(back['@class']).toBe(dict['@class']);
      expect(back.charge).toBeCloseTo(expected.charge, 12);
      expect(back.lattice.matrix).toEqual(dict.lattice.matrix);
      expect(back.lattice.pbc).toEqual([true, true, true]);
      for (const k of ['a', 'b', 'c', 'alpha', 'beta', 'gamma', 'volume'] as const) expect(back.lattice[k]).toBeCloseTo(dict.lattice[k], 9);
      expect(back.sites.length).toBe(dict.sites.length);
      back.sites.forEach((site, i) => {
        const ref = dict.sites[i];
        expect(site.species).toEqual(ref.species); // element, oxidation_state, occu — exact
        expect(site.abc).toEqual(ref.abc); // exact
        site.xyz.forEach((x, k) => expect(Math.abs(x - ref.xyz[k])).toBeLessThan(1e-12));
        expect(site.label).toBe(ref.label);
        expect(site.properties).toEqual(ref.properties);
      });
    });
  }

  it('keeps oxidation states, magmoms, mixed sites and selective dynamics in the ionpath structure', () => {
    const spinel = structureFromPymatgenDict(data.cases['LiMn2O4-spinel-oxi']!.dict);
    const mn = spinel.sites.find((x) => x.species[0]!.element === 'Mn')!;
    expect(mn.species[0]!.oxidationState).toBe(3.5);
    expect(mn.properties?.magmom).toBe(3.5);
    const lnmo = structureFromPymatgenDict(data.cases['LiNi0.5Mn1.5O4-disordered']!.dict);
    const mixed = lnmo.sites.filter((x) => x.species.length === 2);
    expect(mixed.length).toBe(16);
    expect(mixed[0]!.species).toEqual([
      { element: 'Ni', occupancy: 0.25 },
      { element: 'Mn', occupancy: 0.75 },
    ]);
    const sd = structureFromPymatgenDict(data.cases['Li0.75CoO2-P1-selective-dynamics']!.dict);
    expect(sd.sites.map((x) => x.properties?.selectiveDynamics)).toEqual([
      [true, true, true],
      [false, false, false],
      [true, false, true],
      [true, true, false],
    ]);
  });
});

describe('structureFromPymatgenDict: variants and errors', () => {
  const base = () => JSON.parse(JSON.stringify(data.cases['Li0.75CoO2-P1-selective-dynamics']!.dict));

  it('reads a verbosity-0 dict (matrix only, no xyz or labels) and falls back to xyz', () => {
    const d = base();
    d.lattice = { matrix: d.lattice.matrix };
    for (const s of d.sites) {
      delete s.xyz;
      delete s.label;
    }
    const s = structureFromPymatgenDict(d);
    expect(s.sites[1]!.frac).toEqual([0.5, 0.25, 0.5]);
    expect(s.sites[1]!.label).toBe('Co1');
    const d2 = base();
    for (const s2 of d2.sites) delete s2.abc;
    const s2 = structureFromPymatgenDict(d2);
    for (let k = 0; k < 3; k++) expect(s2.sites[2]!.frac[k]).toBeCloseTo([0.27, 0.12, 0.76][k]!, 12);
  });

  it('unwraps {"structure": …} entries and carries the title in properties', () => {
    const s = new Structure(Lattice.cubic(3), [{ frac: [0, 0, 0], species: 'Po' }], 'alpha-Po');
    const d = structureToPymatgenDict(s);
    expect(d.properties).toEqual({ title: 'alpha-Po' });
    const entry = { '@class': 'ComputedStructureEntry', energy: -1, structure: d };
    expect(structureFromPymatgenDict(entry).title).toBe('alpha-Po');
  });

  const bad: [string, (d: any) => unknown, RegExp][] = [
    ['a Molecule', (d) => ({ ...d, '@class': 'Molecule' }), /Molecule has no lattice/],
    ['no lattice', (d) => ({ ...d, lattice: undefined }), /lattice.matrix: expected three lattice vectors/],
    ['a NaN in the lattice', (d) => ({ ...d, lattice: { matrix: [[1, 0, 0], [0, 'x', 0], [0, 0, 1]] } }), /lattice.matrix\[1\]: expected three finite numbers/],
    ['coplanar lattice', (d) => ({ ...d, lattice: { matrix: [[1, 0, 0], [0, 1, 0], [1, 1, 0]] } }), /coplanar/],
    ['non-periodic', (d) => ({ ...d, lattice: { ...d.lattice, pbc: [true, true, false] } }), /lattice.pbc/],
    ['dummy species', (d) => { d.sites[0].species[0].element = 'X'; return d; }, /sites\[0\].species\[0\].element: expected an element symbol, found "X"/],
    ['occupancy above 1', (d) => { d.sites[1].species[0].occu = 1.5; return d; }, /sites\[1\].species\[0\].occu/],
    ['occupancies summing above 1', (d) => { d.sites[0].species.push({ element: 'Na', occu: 0.5 }); return d; }, /sites\[0\].species: occupancies add up to 1.25/],
    ['no coordinates', (d) => { delete d.sites[2].abc; delete d.sites[2].xyz; return d; }, /sites\[2\].abc/],
    ['no sites', (d) => ({ ...d, sites: [] }), /no sites/],
    ['not an object', () => [1, 2, 3], /expected a JSON object/],
  ];
  for (const [name, f, re] of bad) {
    it(`refuses ${name} with an InputError naming the file and JSON path`, () => {
      const e = inputError(() => structureFromPymatgenDict(f(base()), 'in.json'));
      expect(e.file).toBe('in.json');
      expect(e.message).toMatch(re);
    });
  }

  it('reports the line and column of a JSON syntax error; reads gzip', () => {
    const e = inputError(() => parsePymatgenJson('{\n  "lattice": {\n    "matrix": [1, 2,, 3]\n  }\n}\n', 'x.json'));
    expect(e.file).toBe('x.json');
    expect(e.line).toBe(3);
    expect(e.column).toBe(21); // the second comma
    for (const [t, line, col] of [
      ['{"a": 1', 1, 8],
      ['{"a": tru}', 1, 7],
      ['[1, 2]\n x', 2, 2],
      ['{\n"a": "b\n"}', 2, 8], // raw newline inside a string
      ['', 1, 1],
    ] as const) {
      const err = inputError(() => parsePymatgenJson(t, 'y.json'));
      expect([err.line, err.column], t).toEqual([line, col]);
    }
    const dir = mkdtempSync(join(tmpdir(), 'ionpath-pmg-'));
    const p = join(dir, 's.json.gz');
    writeFileSync(p, gzipSync(JSON.stringify(data.cases['LiMn2O4-spinel-oxi']!.dict)));
    expect(readPymatgenJson(p).formula).toBe('Li8 Mn16 O32');
  });
});

// ---------------------------------------------------------------------------------------
// Live round trip through pymatgen.

const PYTHON = '/usr/bin/python3';
const havePymatgen = spawnSync(PYTHON, ['-c', 'import pymatgen.core'], { encoding: 'utf8' }).status === 0;
if (!havePymatgen) console.warn('[skip] live pymatgen round trip: /usr/bin/python3 cannot import pymatgen');

const ROUNDTRIP_PY = `
import json, sys, warnings
warnings.simplefilter("ignore")
from pymatgen.core import Structure
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer
out = []
for path in sys.argv[1:]:
    s = Structure.from_dict(json.load(open(path)))
    d = s.as_dict()
    out.append({"dict": d, "formula": s.composition.formula, "nsites": len(s), "volume": s.volume,
                "spacegroup": SpacegroupAnalyzer(s, symprec=0.01).get_space_group_number()})
json.dump(out, sys.stdout)
`;

function randomStructure(r: () => number, k: number): Structure {
  const lat = Lattice.fromParameters({ a: 3 + 5 * r(), b: 3 + 5 * r(), c: 3 + 5 * r(), alpha: 70 + 40 * r(), beta: 70 + 40 * r(), gamma: 70 + 40 * r() });
  const els = ['Li', 'Na', 'Mn', 'Fe', 'Co', 'Ni', 'O', 'S', 'P', 'F'];
  const n = 1 + Math.floor(r() * 12);
  const sites: SiteInput[] = [];
  for (let i = 0; i < n; i++) {
    const e1 = els[Math.floor(r() * els.length)]!;
    const mixed = r() < 0.3;
    const ox = r() < 0.5;
    const species = mixed
      ? [
          { element: e1, occupancy: 0.25 + 0.5 * r(), ...(ox ? { oxidationState: 2 } : {}) },
          { element: e1 === 'O' ? 'F' : 'O', occupancy: 0.125, ...(ox ? { oxidationState: -2 } : {}) },
        ]
      : [{ element: e1, occupancy: r() < 0.2 ? 0.5 : 1, ...(ox ? { oxidationState: Math.round(6 * r() - 3) + 0 } : {}) }];
    sites.push({
      frac: [r() * 1.2 - 0.1, r(), r()],
      species,
      // pymatgen (2022) fills missing properties with null, so give every site the same keys
      properties: k % 2 === 0 ? { selectiveDynamics: [r() < 0.5, r() < 0.5, r() < 0.5], magmom: Math.round(10 * r()) / 2 } : undefined,
    });
  }
  return new Structure(lat, sites, `random ${k}`);
}

describe('live round trip through pymatgen (/usr/bin/python3)', () => {
  it.skipIf(!havePymatgen)('ionpath → JSON → pymatgen Structure.from_dict/as_dict → ionpath keeps every number', () => {
    const r = rng(42);
    const dir = mkdtempSync(join(tmpdir(), 'ionpath-pmg-rt-'));
    const structures = Array.from({ length: 25 }, (_, k) => randomStructure(r, k));
    // the fixed cases too
    for (const c of Object.values(data.cases)) structures.push(structureFromPymatgenDict(c.dict));
    const paths = structures.map((s, k) => {
      const p = join(dir, `s${k}.json`);
      writeFileSync(p, writePymatgenJson(s));
      return p;
    });
    const py = spawnSync(PYTHON, ['-c', ROUNDTRIP_PY, ...paths], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(py.stderr).toBe('');
    expect(py.status).toBe(0);
    const results = JSON.parse(py.stdout) as { dict: unknown; formula: string; nsites: number; volume: number; spacegroup: number }[];
    expect(results.length).toBe(structures.length);
    results.forEach((res, k) => {
      const orig = structures[k]!;
      const back = structureFromPymatgenDict(res.dict, `pymatgen-${k}`);
      expect(res.nsites).toBe(orig.nsites);
      expect(res.volume).toBeCloseTo(orig.lattice.volume, 9);
      expect(back.lattice.matrix).toEqual(orig.lattice.matrix);
      back.sites.forEach((site, i) => {
        const o = orig.sites[i]!;
        expect(site.frac).toEqual(o.frac); // exact: pymatgen keeps the coordinates as given
        expect(site.species).toEqual(o.species);
        expect(site.properties?.selectiveDynamics).toEqual(o.properties?.selectiveDynamics);
        expect(site.properties?.magmom).toEqual(o.properties?.magmom);
      });
      if (orig.isOrdered || orig.sites.every((x) => x.species.every((sp) => Number.isInteger(sp.occupancy * 8)))) {
        // pymatgen's formula: integers plainly; compare the element amounts
        const pm = new Map(res.formula.split(' ').map((t) => {
          const m = /^([A-Z][a-z]?)([\d.]+)$/.exec(t)!;
          return [m[1]!, Number(m[2])] as const;
        }));
        for (const [el, amt] of orig.composition()) expect(pm.get(el)).toBeCloseTo(amt, 6);
      }
      if (orig.nsites > 1) expect(spaceGroup(back, 0.01)).toBe(res.spacegroup);
    });
  });
});
