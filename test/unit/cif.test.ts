/**
 * CIF reading rules on small hand-made files, errors with file and line, and writer round
 * trips (ionpath → CIF → ionpath, and → pymatgen), including random structures in all seven
 * crystal systems.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { Lattice } from '../../src/core/lattice.js';
import { Structure } from '../../src/core/structure.js';
import { readCif, readCifString, writeCif, type CifStructureBlock } from '../../src/io/cif/index.js';
import { siteTypes } from '../../src/io/cif/writer.js';
import { analyzeCell, hallEntriesOf, operationsOfHall } from '../../src/symmetry/moyo.js';
import { expandSites } from '../../src/symmetry/expand.js';
import { describeWithFixtures, fixture, CIF_FIXTURE_FILES } from '../helpers/fixtures.js';

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

const one = (text: string): CifStructureBlock => readCifString(text, 'test.cif').blocks[0];

const CELL = `_cell_length_a 8.391
_cell_length_b 8.391
_cell_length_c 8.391
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
`;

describe('CIF → structure rules', () => {
  it('origin not stated: origin 2 is assumed with a warning', () => {
    const b = one(`data_x\n${CELL}_symmetry_space_group_name_H-M 'F d -3 m'\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nLi1 0.125 0.125 0.125\nMn1 0.5 0.5 0.5\nO1 0.2628 0.2628 0.2628\n`);
    expect(b.structure.formula).toBe('Li8 Mn16 O32');
    expect(b.hallNumber).toBe(526);
    expect(b.warnings.map((w) => w.message).join()).toMatch(/assumed origin choice 2/);
    expect(b.warnings[0].line).toBe(8);
  });

  it('origin not stated, but the stated multiplicities fit origin 1: origin 1 is used, with a warning', () => {
    const text = `data_x\n${CELL}_symmetry_space_group_name_H-M 'F d 3 m'\nloop_\n_atom_site_label\n_atom_site_symmetry_multiplicity\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nLi1 8 0 0 0\nTi1 16 0.625 0.625 0.625\nO1 32 0.39 0.39 0.39\n`;
    const b = one(text);
    expect(b.structure.formula).toBe('Li8 Ti16 O32');
    expect(b.hallNumber).toBe(525);
    expect(b.warnings.map((w) => w.message).join('\n')).toMatch(/fit origin choice 1/);
  });

  it('origin not stated, no multiplicities, but formula × Z fit origin 1', () => {
    const text = `data_x\n${CELL}_chemical_formula_sum 'Li Ti2 O4'\n_cell_formula_units_Z 8\n_symmetry_space_group_name_H-M 'F d -3 m'\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nLi1 0 0 0\nTi1 0.625 0.625 0.625\nO1 0.39 0.39 0.39\n`;
    const b = one(text);
    expect(b.structure.formula).toBe('Li8 Ti16 O32');
    expect(b.hallNumber).toBe(525);
  });

  it('an explicitly stated origin is kept, and a multiplicity that disagrees is reported', () => {
    const text = `data_x\n${CELL}_symmetry_space_group_name_H-M 'F d -3 m :2'\nloop_\n_atom_site_label\n_atom_site_symmetry_multiplicity\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nLi1 8 0 0 0\n`;
    const b = one(text);
    expect(b.hallNumber).toBe(526);
    expect(b.warnings.map((w) => w.message).join()).toMatch(/stated multiplicity 8, but its orbit has 16 positions/);
  });

  it('R -3 m in a rhombohedral cell uses rhombohedral axes', () => {
    const b = one(`data_x\n_cell_length_a 5\n_cell_length_b 5\n_cell_length_c 5\n_cell_angle_alpha 55\n_cell_angle_beta 55\n_cell_angle_gamma 55\n_symmetry_space_group_name_H-M 'R -3 m'\nloop_\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nLi 0 0 0\nO 0.25 0.25 0.25\n`);
    expect(b.hallNumber).toBe(459);
    expect(b.structure.nsites).toBe(3);
    expect(b.warnings).toEqual([]);
  });

  it('IT number only: its standard setting, reported as such', () => {
    const b = one(`data_x\n${CELL}_space_group_IT_number 225\nloop_\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa 0 0 0\nCl 0.5 0.5 0.5\n`);
    expect([b.symmetrySource, b.hallNumber, b.structure.formula]).toEqual(['number', 523, 'Na4 Cl4']);
  });

  it('no symmetry at all: P 1 with a warning', () => {
    const b = one(`data_x\n${CELL}loop_\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa 0 0 0\n`);
    expect([b.symmetrySource, b.structure.nsites]).toEqual(['none', 1]);
    expect(b.warnings[0].message).toMatch(/P 1 assumed/);
  });

  it('an unknown Hall symbol falls through to the H-M symbol with a warning', () => {
    const b = one(`data_x\n${CELL}_symmetry_space_group_name_Hall '-Q 4 2'\n_symmetry_space_group_name_H-M 'F m -3 m'\nloop_\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa 0 0 0\n`);
    expect([b.symmetrySource, b.hallNumber]).toEqual(['hm', 523]);
    expect(b.warnings[0]).toMatchObject({ line: 8 });
    expect(b.warnings[0].message).toMatch(/Hall symbol '-Q 4 2' is not one of the 530/);
  });

  it('operators that are not a closed set are completed, with a warning', () => {
    const b = one(`data_x\n${CELL}loop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\n-x,-y,z\nx+1/2,y+1/2,z\nloop_\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa 0.1 0.2 0.3\n`);
    expect(b.nOperations).toBe(4);
    expect(b.structure.nsites).toBe(4);
    expect(b.warnings[0].message).toMatch(/not closed under composition/);
  });

  it('oxidation states from type symbols and from _atom_type (which wins)', () => {
    const b = one(`data_x\n${CELL}loop_\n_atom_type_symbol\n_atom_type_oxidation_number\nFe3+ 2.5\nO2- ?\nloop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nFe1 Fe3+ 0 0 0\nO1 O2- 0.5 0.5 0.5\nLi1 Li 0.2 0.2 0.2\n`);
    expect(b.structure.sites.map((s) => s.species[0].oxidationState)).toEqual([2.5, -2, undefined]);
  });

  it('the element comes from the label when there is no type symbol; Cartesian coordinates work', () => {
    const b = one(`data_x\n_cell_length_a 4\n_cell_length_b 5\n_cell_length_c 6\nloop_\n_atom_site_label\n_atom_site_Cartn_x\n_atom_site_Cartn_y\n_atom_site_Cartn_z\nO-H3 2 2.5 3\nCa1 0 0 0\n`);
    expect(b.structure.sites.map((s) => [s.species[0].element, ...s.frac])).toEqual([
      ['O', 0.5, 0.5, 0.5],
      ['Ca', 0, 0, 0],
    ]);
    expect(b.warnings.map((w) => w.message).join()).toMatch(/_cell_angle_alpha is missing; 90° assumed/);
  });

  it('skips unknown coordinates and zero occupancy with warnings, and reads ? occupancy as 1', () => {
    const b = one(`data_x\n${CELL}loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\nNa1 0 0 0 ?\nH1 ? ? ? 1\nCl1 0.5 0.5 0.5 0\n`);
    expect(b.structure.formula).toBe('Na1');
    expect(b.warnings.map((w) => w.line)).toEqual([15, 16, 1]);
    expect(b.warnings[0].message).toBe('atom H1 (line 15) has unknown coordinates; skipped');
    expect(b.warnings[1].message).toBe('atom Cl1 (line 16) has occupancy 0; skipped');
  });

  it('skips blocks without atoms; a file with no structure is an InputError', () => {
    const r = readCifString(`data_text\n_publ_section_title 'x'\ndata_s\n${CELL}loop_\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa 0 0 0\n`, 'two.cif');
    expect(r.blocks.map((b) => b.name)).toEqual(['s']);
    expect(r.skipped).toEqual(['text']);
    const e = errorOf(() => readCifString('data_a\n_x 1\n', 'none.cif'));
    expect(e.message).toMatch(/no structure in the file/);
    expect(e.file).toBe('none.cif');
  });

  it('reads gzip-compressed files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ionpath-cif-'));
    const p = join(dir, 'x.cif.gz');
    writeFileSync(p, gzipSync(`data_x\n${CELL}loop_\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa 0 0 0\n`));
    expect(readCif(p).blocks[0].structure.formula).toBe('Na1');
  });
});

describe('CIF errors name the file, the line and what was expected', () => {
  const atoms = 'loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa1 0 0 0\n';
  const cases: [string, string, number][] = [
    [`data_x\n_cell_length_b 5\n_cell_length_c 5\n${atoms}`, '_cell_length_a is missing', 1],
    [`data_x\n_cell_length_a five\n_cell_length_b 5\n_cell_length_c 5\n${atoms}`, "expected a number for _cell_length_a, found 'five'", 2],
    [`data_x\n${CELL}_symmetry_space_group_name_H-M 'F d -3 q'\n${atoms}`, "unknown space-group symbol 'F d -3 q' in _symmetry_space_group_name_H-M", 8],
    [`data_x\n${CELL}loop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\n'x,y,y'\n${atoms}`, "cannot read symmetry operation 'x,y,y' in _symmetry_equiv_pos_as_xyz: the rotation part has determinant 0, not ±1", 11],
    [`data_x\n${CELL}loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa1 0 0 0\nQ1 0.5 0.5 0.5\n`, "cannot tell the element of atom 'Q1': no _atom_site_type_symbol, and the label does not start with an element symbol", 14],
    [`data_x\n${CELL}loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa1 0 0 0.1.2\n`, "expected a number for _atom_site_fract_z of atom Na1, found '0.1.2'", 13],
    [`data_x\n${CELL}loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\nNa1 0 0 0 0.6\nK1 0 0 0 0.5\n`, 'atoms Na1, K1 share one site and their occupancies sum to 1.1 (more than 1)', 15],
    [`data_x\n${CELL}loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\nNa1 0 0\n`, '_atom_site_fract_x is given but _atom_site_fract_z is missing from its loop', 10],
    [`data_x\n${CELL}_space_group_IT_number 999\n${atoms}`, "expected a space-group number 1–230 for _space_group_IT_number, found '999'", 8],
    [`data_x\n_cell_length_a 5\n_cell_length_b 5\n_cell_length_c 5\n_cell_angle_alpha 10\n_cell_angle_beta 10\n_cell_angle_gamma 170\n${atoms}`, 'the cell angles α = 10°, β = 10°, γ = 170° do not form a cell', 5],
    [`data_x\n${CELL}loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa1 0 0 0\nK1 0.5 0.5\n`, 'loop has 7 values for 4 tags (_atom_site_label, _atom_site_fract_x, _atom_site_fract_y, …): the row at line 14 has 3 values', 14],
  ];
  for (const [text, message, line] of cases) {
    it(message, () => {
      const e = errorOf(() => readCifString(text, 'bad.cif'));
      expect(e.message).toBe(message);
      expect([e.file, e.line]).toEqual(['bad.cif', line]);
    });
  }
});

// ---------------------------------------------------------------------------------------
// Round trips

interface Plain {
  lattice: number[]; // a b c alpha beta gamma
  sites: { frac: number[]; species: Record<string, number> }[];
}

function plain(s: Structure): Plain {
  const p = s.lattice.parameters;
  return {
    lattice: [p.a, p.b, p.c, p.alpha, p.beta, p.gamma],
    sites: s.sites.map((x) => ({ frac: [...x.frac], species: Object.fromEntries(x.species.map((sp) => [sp.element, sp.occupancy])) })),
  };
}

/** Same lattice (1e-6 Å/°), and a one-to-one site match within tolA with equal species (1e-6). */
function expectSame(a: Plain, b: Plain, what: string, tolA = 1e-4): void {
  a.lattice.forEach((x, i) => expect(Math.abs(x - b.lattice[i]), `${what}: lattice ${i}`).toBeLessThan(1e-5));
  expect(b.sites.length, `${what}: site count`).toBe(a.sites.length);
  const lat = Lattice.fromParameters({ a: a.lattice[0], b: a.lattice[1], c: a.lattice[2], alpha: a.lattice[3], beta: a.lattice[4], gamma: a.lattice[5] });
  const used = new Set<number>();
  for (const s of a.sites) {
    let best = -1;
    let bestD = Infinity;
    b.sites.forEach((t, j) => {
      if (used.has(j)) return;
      const d = lat.minimumImageDistance(s.frac as never, t.frac as never);
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    });
    expect(bestD, `${what}: site at ${s.frac.map((x) => x.toFixed(4))} has no partner`).toBeLessThan(tolA);
    used.add(best);
    const t = b.sites[best].species;
    expect(Object.keys(t).sort(), `${what}: species`).toEqual(Object.keys(s.species).sort());
    for (const [el, occ] of Object.entries(s.species)) expect(Math.abs(t[el] - occ), `${what}: occupancy of ${el}`).toBeLessThan(1e-6);
  }
}

function sgNumber(s: Structure, symprec = 0.01): number {
  return analyzeCell({ lattice: s.lattice.matrix as unknown as number[][], positions: s.sites.map((x) => x.frac as unknown as number[]), types: siteTypes(s) }, symprec).number;
}

const PYMATGEN_READ = `
import sys, json, warnings
warnings.filterwarnings("ignore")
from pymatgen.io.cif import CifParser
out = []
for text in json.load(sys.stdin):
    try:
        s = CifParser.from_string(text).get_structures(primitive=False)[0]
        L = s.lattice
        out.append({"lattice": [L.a, L.b, L.c, L.alpha, L.beta, L.gamma],
                    "sites": [{"frac": list(site.frac_coords),
                               "species": {sp.symbol: occ for sp, occ in site.species.items()}} for site in s]})
    except Exception as e:
        out.append({"error": repr(e)})
json.dump(out, sys.stdout)
`;

function havePymatgen(): boolean {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import pymatgen.io.cif'], { encoding: 'utf8' });
  return r.status === 0;
}

function pymatgenRead(texts: string[]): (Plain | { error: string })[] {
  const r = spawnSync('/usr/bin/python3', ['-c', PYMATGEN_READ], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`pymatgen failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const FIXTURES = CIF_FIXTURE_FILES;

/** Cell parameters with the metric of a crystal system. */
function cellFor(system: string, rnd: () => number): Lattice {
  const len = () => 3.5 + 5 * rnd();
  const a = len();
  switch (system) {
    case 'triclinic':
      return Lattice.fromParameters({ a, b: len(), c: len(), alpha: 80 + 20 * rnd(), beta: 80 + 25 * rnd(), gamma: 75 + 20 * rnd() });
    case 'monoclinic':
      return Lattice.fromParameters({ a, b: len(), c: len(), alpha: 90, beta: 95 + 20 * rnd(), gamma: 90 });
    case 'orthorhombic':
      return Lattice.fromParameters({ a, b: a * (1.1 + 0.3 * rnd()), c: a * (0.6 + 0.3 * rnd()), alpha: 90, beta: 90, gamma: 90 });
    case 'tetragonal':
      return Lattice.fromParameters({ a, b: a, c: a * (1.2 + rnd()), alpha: 90, beta: 90, gamma: 90 });
    case 'trigonal':
    case 'hexagonal':
      return Lattice.fromParameters({ a, b: a, c: a * (1.3 + rnd()), alpha: 90, beta: 90, gamma: 120 });
    default:
      return Lattice.cubic(a);
  }
}

const SYSTEMS: [string, number[]][] = [
  ['triclinic', [2]],
  ['monoclinic', [14, 12, 15]],
  ['orthorhombic', [62, 63, 70]],
  ['tetragonal', [141, 123, 113]],
  ['trigonal', [166, 148, 160]],
  ['hexagonal', [194, 186, 176]],
  ['cubic', [227, 225, 212]],
];

function makeRandom(system: string, number: number, rnd: () => number): Structure {
  const lattice = cellFor(system, rnd);
  const hall = hallEntriesOf(number).find((e) => e.setting === '' || e.setting === '2' || e.setting === 'H' || e.setting === 'b1')!.hall_number;
  const ops = operationsOfHall(hall);
  const elements = ['Li', 'Mn', 'O', 'Ni', 'Co'];
  const atoms = Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, i) => {
    const disordered = i === 0 && rnd() < 0.5;
    return {
      frac: [rnd(), rnd(), rnd()],
      label: `X${i + 1}`,
      species: disordered
        ? [
            { element: 'Ni', occupancy: 0.25 },
            { element: 'Mn', occupancy: 0.75 },
          ]
        : [{ element: elements[i + 2], occupancy: 1 }],
    };
  });
  const ex = expandSites(atoms, ops, lattice, 0.02);
  return new Structure(lattice, ex.sites, `random_${number}`);
}

describe('writer round trips', () => {
  it('P1 and symmetrized CIFs of random structures in all seven crystal systems read back identically, same space group', () => {
    let seed = 20240611;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (const [system, numbers] of SYSTEMS) {
      for (const number of numbers) {
        for (let trial = 0; trial < 3; trial++) {
          const s = makeRandom(system, number, rnd);
          const sg = sgNumber(s);
          for (const symmetrized of [false, true]) {
            const text = writeCif(s, { symmetrized });
            const back = readCifString(text, 'rt.cif').blocks[0];
            const what = `${system} ${number} #${trial} ${symmetrized ? 'symmetrized' : 'P1'}`;
            expectSame(plain(s), plain(back.structure), what);
            expect(sgNumber(back.structure), what).toBe(sg);
            expect(back.symmetrySource, what).toBe('symops');
            // When the operations are a tabulated setting (not an arbitrary origin), it is identified.
            if (symmetrized && back.hallNumber !== undefined) expect(back.spacegroupNumber, what).toBe(sg);
          }
        }
      }
    }
  });

  it('the symmetrized CIF of spinel has the three orbits 8a, 16d, 32e and the setting symbols', () => {
    const cubic = Lattice.cubic(8.251);
    const ex = expandSites(
      [
        { frac: [0.125, 0.125, 0.125], label: 'Li1', species: [{ element: 'Li', occupancy: 1, oxidationState: 1 }] },
        { frac: [0.5, 0.5, 0.5], label: 'Mn1', species: [{ element: 'Mn', occupancy: 1, oxidationState: 3.5 }] },
        { frac: [0.2628, 0.2628, 0.2628], label: 'O1', species: [{ element: 'O', occupancy: 1, oxidationState: -2 }] },
      ],
      operationsOfHall(526),
      cubic,
    );
    const text = writeCif(new Structure(cubic, ex.sites, 'LiMn2O4'), { symmetrized: true });
    expect(text).toContain("_symmetry_space_group_name_H-M 'F d -3 m:2'");
    expect(text).toContain("_space_group_name_Hall '-F 4vw 2vw 3'");
    expect(text).toMatch(/^Li1 Li1\+ 8 a 0\.125 0\.125 0\.125 1$/m);
    expect(text).toMatch(/^Mn1 Mn3\.5\+ 16 d 0\.5 0\.5 0\.5 1$/m);
    expect(text).toMatch(/^O1 O2- 32 e 0\.2628 0\.2628 0\.2628 1$/m);
    const back = one(text);
    expect(back.structure.sites.find((s) => s.label === 'Mn1')!.species[0].oxidationState).toBe(3.5);
  });
});

describeWithFixtures('writer round trips of the fixtures', FIXTURES.map((f) => `cif/${f}`), () => {
  const structures = FIXTURES.flatMap((f) => readCif(fixture(`cif/${f}`)).blocks.map((b) => ({ name: `${f}:${b.name}`, s: b.structure })));

  it('ionpath reads its own P1 and symmetrized CIFs back to the same structure and space group', () => {
    for (const { name, s } of structures) {
      const sg = sgNumber(s);
      for (const symmetrized of [false, true]) {
        const back = one(writeCif(s, { symmetrized }));
        expectSame(plain(s), plain(back.structure), `${name} ${symmetrized ? 'symmetrized' : 'P1'}`, symmetrized ? 0.02 : 1e-6);
        expect(sgNumber(back.structure)).toBe(sg);
        // Oxidation states survive: the multiset of (element, oxidation state, occupancy) is unchanged.
        const key = (st: Structure) =>
          st.sites.flatMap((x) => x.species.map((sp) => `${sp.element}${sp.oxidationState ?? ''}:${sp.occupancy.toFixed(6)}`)).sort();
        expect(key(back.structure)).toEqual(key(s));
      }
    }
  });

  it.skipIf(!havePymatgen())('pymatgen reads the P1 and symmetrized CIFs to the same structures', () => {
    const texts: string[] = [];
    const expected: { name: string; p: Plain; tol: number }[] = [];
    for (const { name, s } of structures) {
      for (const symmetrized of [false, true]) {
        texts.push(writeCif(s, { symmetrized }));
        // pymatgen snaps coordinates near 1/3, 2/3, 1/6 … to the exact fraction (0.6667 → 2/3),
        // which moves such sites by up to ~1e-3 Å.
        expected.push({ name: `${name} ${symmetrized ? 'symmetrized' : 'P1'}`, p: plain(s), tol: symmetrized ? 0.02 : 2e-3 });
      }
    }
    const got = pymatgenRead(texts);
    got.forEach((g, i) => {
      expect('error' in g ? g.error : '', expected[i].name).toBe('');
      expectSame(expected[i].p, g as Plain, `pymatgen: ${expected[i].name}`, expected[i].tol);
    });
  });
});
