import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputError } from '../../src/core/errors.js';
import { Lattice } from '../../src/core/lattice.js';
import { Structure, type SiteInput } from '../../src/core/structure.js';
import {
  formatExact,
  isVasp4Poscar,
  parsePoscar,
  poscarSiteOrder,
  readPoscar,
  speciesNameToElement,
  writePoscar,
} from '../../src/io/poscar.js';
import { parsePotcarEntries, readPotcarSymbols } from '../../src/io/potcar.js';
import { readText } from '../../src/io/read-text.js';
import { analyzeCell, hallEntriesOf, operationsOfHall } from '../../src/symmetry/moyo.js';

/** Seeded PRNG (mulberry32) so failures reproduce. */
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

/** The InputError thrown by fn (fails the test when fn does not throw one). */
function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw new Error(`expected an InputError, got ${String(e)}`);
  }
  throw new Error('expected an InputError, nothing was thrown');
}

const LI2O = `Li2O antifluorite
1.0
  4.6 0.0 0.0
  0.0 4.6 0.0
  0.0 0.0 4.6
Li O
8 4
Direct
0.25 0.25 0.25
0.75 0.75 0.25
0.75 0.25 0.75
0.25 0.75 0.75
0.75 0.75 0.75
0.25 0.25 0.75
0.25 0.75 0.25
0.75 0.25 0.25
0.0 0.0 0.0
0.5 0.5 0.0
0.5 0.0 0.5
0.0 0.5 0.5
`;

describe('parsePoscar: VASP 5/6 basics', () => {
  it('reads lattice, species, counts and Direct positions', () => {
    const r = parsePoscar(LI2O, { file: 'POSCAR' });
    expect(r.vasp5).toBe(true);
    expect(r.structure.formula).toBe('Li8 O4');
    expect(r.structure.nsites).toBe(12);
    expect(r.structure.lattice.volume).toBeCloseTo(4.6 ** 3, 10);
    expect(r.structure.sites[1]!.frac).toEqual([0.75, 0.75, 0.25]);
    expect(r.structure.sites[8]!.species).toEqual([{ element: 'O', occupancy: 1 }]);
    expect(r.structure.title).toBe('Li2O antifluorite');
    expect(r.comment).toBe('Li2O antifluorite');
    expect(r.selectiveDynamics).toBe(false);
    expect(r.hasVelocities).toBe(false);
    expect(r.cartesian).toBe(false);
    expect(r.speciesSource).toBe('file');
    expect(r.blockCounts).toEqual([8, 4]);
    expect(r.warnings).toEqual([]);
  });

  it('accepts POTCAR-style species names, VASP 6.4 /hash suffixes and pseudo-hydrogen', () => {
    const text = LI2O.replace('Li O\n', 'Li_sv/0c8b1f2e9a O/7a1d8c3b\n');
    const r = parsePoscar(text);
    expect(r.structure.formula).toBe('Li8 O4');
    expect(r.speciesNames).toEqual(['Li_sv/0c8b1f2e9a', 'O/7a1d8c3b']);
    expect(r.blockSpecies).toEqual(['Li', 'O']);
    expect(speciesNameToElement('Fe_pv')).toBe('Fe');
    expect(speciesNameToElement('Ga_d_GW')).toBe('Ga');
    expect(speciesNameToElement('H.75')).toBe('H');
    expect(speciesNameToElement('H1.25')).toBe('H');
    expect(speciesNameToElement('FE')).toBe('Fe');
    expect(speciesNameToElement('Direct')).toBeNull();
    expect(speciesNameToElement('Xx')).toBeNull();
    expect(speciesNameToElement('Cw')).toBeNull();
  });

  it('reads species and counts wrapped over several lines', () => {
    const text = `wrapped
1.0
5 0 0
0 5 0
0 0 5
Li Fe
Li O
1 1
1
2
Direct
0 0 0
0.5 0 0
0 0.5 0
0 0 0.5
0.5 0.5 0
`;
    const r = parsePoscar(text);
    expect(r.blockSpecies).toEqual(['Li', 'Fe', 'Li', 'O']);
    expect(r.blockCounts).toEqual([1, 1, 1, 2]);
    expect(r.structure.sites.map((s) => s.species[0]!.element)).toEqual(['Li', 'Fe', 'Li', 'O', 'O']);
    expect(r.structure.formula).toBe('Li2 Fe1 O2');
  });

  it('keeps labels after the coordinates, tolerates CRLF, tabs and blank lines at the end', () => {
    const text = LI2O.replace('0.25 0.25 0.25\n', '0.25 0.25 0.25 Li1+\n').replace(/\n/g, '\r\n').replace('Li O', 'Li\tO') + '\r\n\r\n   \r\n';
    const r = parsePoscar(text);
    expect(r.structure.sites[0]!.label).toBe('Li1+');
    expect(r.structure.sites[1]!.label).toBe('Li1'); // auto label where the file has none
    expect(r.structure.nsites).toBe(12);
    expect(r.warnings).toEqual([]);
  });

  it('reads every coordinate as exactly the double Number() gives (fast path and fallback)', () => {
    const r = rng(99);
    const toks: string[] = [];
    for (let k = 0; k < 30000; k++) {
      const digits = 1 + Math.floor(r() * 19);
      let m = '';
      for (let d = 0; d < digits; d++) m += Math.floor(r() * 10);
      const dot = Math.floor(r() * (digits + 1));
      let t = dot === digits ? m : `${m.slice(0, dot)}.${m.slice(dot)}`;
      if (r() < 0.3) t = `-${t}`;
      else if (r() < 0.05) t = `+${t}`;
      if (r() < 0.1) t += `E${Math.floor(r() * 10) - 5}`;
      toks.push(t);
    }
    const n = toks.length / 3;
    const body = Array.from({ length: n }, (_, a) => `  ${toks[3 * a]}  ${toks[3 * a + 1]}\t${toks[3 * a + 2]} `).join('\n');
    const res = parsePoscar(`numbers\n1.0\n1 0 0\n0 1 0\n0 0 1\nH\n${n}\nDirect\n${body}\n`);
    res.structure.sites.forEach((s, a) => {
      for (let c = 0; c < 3; c++) expect(Object.is(s.frac[c], Number(toks[3 * a + c]))).toBe(true);
    });
  });

  it('accepts Fortran D exponents', () => {
    const r = parsePoscar(LI2O.replace('0.25 0.25 0.25\n', '0.25D0 2.5d-1 0.025E+01\n'));
    expect(r.structure.sites[0]!.frac).toEqual([0.25, 0.25, 0.25]);
  });
});

describe('parsePoscar: scale factors and coordinate modes', () => {
  it('applies a single positive scale to the lattice and to Cartesian positions', () => {
    const text = `scaled
2.0
1 0 0
0 1.5 0
0 0 2
Na
1
Cartesian
0.5 0.75 0.5
`;
    const r = parsePoscar(text);
    expect(r.structure.lattice.matrix).toEqual([
      [2, 0, 0],
      [0, 3, 0],
      [0, 0, 4],
    ]);
    // Cartesian (1, 1.5, 1) Å after scaling → fractional (0.5, 0.5, 0.25)
    const f = r.structure.sites[0]!.frac;
    expect(f[0]).toBeCloseTo(0.5, 14);
    expect(f[1]).toBeCloseTo(0.5, 14);
    expect(f[2]).toBeCloseTo(0.25, 14);
    expect(r.cartesian).toBe(true);
  });

  it('treats a negative scale as the cell volume in Å³', () => {
    const text = LI2O.replace('1.0\n', '-125.0\n');
    const r = parsePoscar(text);
    expect(r.structure.lattice.volume).toBeCloseTo(125, 10);
    expect(r.structure.lattice.lengths[0]).toBeCloseTo(5, 12);
    expect(r.structure.sites[1]!.frac).toEqual([0.75, 0.75, 0.25]);
  });

  it('applies three scale factors to the Cartesian x, y, z components (lattice and Cartesian positions)', () => {
    const text = `three scales
1.0 2.0 3.0
1 1 0
0 1 1
1 0 1
Cu
1
k
1.0 2.0 3.0
`;
    const r = parsePoscar(text);
    expect(r.structure.lattice.matrix).toEqual([
      [1, 2, 0],
      [0, 2, 3],
      [1, 0, 3],
    ]);
    // Cartesian (1, 4, 9) = f·M → solve: f = (1, 1, 0)·... check by going back to Cartesian.
    const c = r.structure.cart(0);
    expect(c[0]).toBeCloseTo(1, 12);
    expect(c[1]).toBeCloseTo(4, 12);
    expect(c[2]).toBeCloseTo(9, 12);
    expect(r.cartesian).toBe(true);
  });

  it('decides Direct/Cartesian by the first letter only (D, direct, C, k, K)', () => {
    for (const [mode, cart] of [['D', false], ['direct', false], ['Fractional', false], ['C', true], ['cartesian', true], ['K', true]] as const) {
      const r = parsePoscar(LI2O.replace('Direct\n', `${mode}\n`));
      expect(r.cartesian).toBe(cart);
    }
    const r = parsePoscar(LI2O.replace('Direct\n', 'Cartesian\n'));
    // Cartesian 0.75 Å along a = 4.6 Å → 0.75/4.6
    expect(r.structure.sites[1]!.frac[0]).toBeCloseTo(0.75 / 4.6, 14);
  });
});

describe('parsePoscar: selective dynamics, velocities, predictor–corrector', () => {
  const SD = `slab
1.0
3 0 0
0 3 0
0 0 20
H Ir
1 2
selective dynamics
Direct
0 0 0.4 T T T
0 0 0.2 F F F H_label
0.5 0.5 0.2 .TRUE. .FALSE. t
`;
  it('keeps T/F flags per site', () => {
    const r = parsePoscar(SD);
    expect(r.selectiveDynamics).toBe(true);
    expect(r.structure.sites.map((s) => s.properties?.selectiveDynamics)).toEqual([
      [true, true, true],
      [false, false, false],
      [true, false, true],
    ]);
    expect(r.structure.sites[1]!.label).toBe('H_label');
  });

  it('flags a velocity block and a predictor–corrector block after a blank line', () => {
    const vel = `\n  0.1E-02 0.0 0.0\n  0.0 0.0 0.0\n  0.0 0.0 -0.3E-02\n\n           1\n   2.0\n  0.12919715E+01  0.98376628E-02  0.00000000E+00  0.00000000E+00\n`;
    const r = parsePoscar(SD + vel);
    expect(r.hasVelocities).toBe(true);
    expect(r.velocitiesAllNaN).toBe(false);
    expect(r.hasPredictorCorrector).toBe(true);
    expect(r.warnings).toEqual([]);
  });

  it('flags an all-NaN velocity block (VTST NEB images) with a warning', () => {
    const r = parsePoscar(SD + ' \n NaN NaN NaN\n NaN NaN NaN\n NaN NaN NaN\n');
    expect(r.hasVelocities).toBe(true);
    expect(r.velocitiesAllNaN).toBe(true);
    expect(r.warnings.map((w) => w.message).join()).toMatch(/NaN/);
  });

  it('warns about a cut-off velocity block, not an error', () => {
    const r = parsePoscar(SD + '\n 0 0 0\n 0 0 0\n');
    expect(r.hasVelocities).toBe(false);
    expect(r.warnings[0]!.message).toMatch(/2 of 3 lines/);
    expect(r.warnings[0]!.line).toBe(14);
  });
});

describe('parsePoscar: VASP 4 (no species line)', () => {
  const V4 = `LiFePO4
1.0
10 0 0
0 6 0
0 0 4.7
1 1 2
direct
0 0 0 Fe
0.5 0 0 P
0 0.5 0 O
0 0 0.5 O
`;
  it('prefers site labels over the comment line (pymatgen, not ASE)', () => {
    const r = parsePoscar(V4);
    expect(r.vasp5).toBe(false);
    expect(r.speciesSource).toBe('labels');
    expect(r.structure.formula).toBe('Fe1 P1 O2');
    expect(r.warnings[0]!.line).toBe(6);
  });

  it('takes species from the comment line when the labels do not name them', () => {
    const noLabels = V4.replace(/ (Fe|P|O)$/gm, '').replace('LiFePO4', 'Fe P O generated');
    const r = parsePoscar(noLabels);
    expect(r.speciesSource).toBe('comment');
    expect(r.structure.formula).toBe('Fe1 P1 O2');
    // amounts in the comment must match the counts
    expect(parsePoscar(noLabels.replace('Fe P O generated', 'Fe1 P1 O2')).speciesSource).toBe('comment');
    expect(() => parsePoscar(noLabels.replace('Fe P O generated', 'Fe2 P1 O2'))).toThrow(InputError);
  });

  it('uses the species option first, then POTCAR symbols', () => {
    expect(parsePoscar(V4, { species: ['Mn', 'S', 'F'] }).structure.formula).toBe('Mn1 S1 F2');
    const r = parsePoscar(V4, { potcarSymbols: ['Co', 'P', 'O_h'] });
    expect(r.speciesSource).toBe('potcar');
    expect(r.structure.formula).toBe('Co1 P1 O2');
    // a POTCAR with the wrong number of species is not used (warning), labels then win
    const w = parsePoscar(V4, { potcarSymbols: ['Co', 'P'] });
    expect(w.speciesSource).toBe('labels');
    expect(w.warnings[0]!.message).toMatch(/POTCAR has 2 species/);
  });

  it('without any source: InputError at line 6 suggesting --species', () => {
    const bare = V4.replace(/ (Fe|P|O)$/gm, '').replace('LiFePO4', 'from a relaxation');
    const e = inputError(() => parsePoscar(bare, { file: 'POSCAR' }));
    expect(e.file).toBe('POSCAR');
    expect(e.line).toBe(6);
    expect(e.message).toMatch(/no species line/);
    expect(e.hint).toMatch(/--species/);
    const e2 = inputError(() => parsePoscar(bare, { file: 'POSCAR', species: ['Li', 'O'] }));
    expect(e2.message).toMatch(/2 species given .* 3 atom counts/);
  });

  it('isVasp4Poscar looks at line 6', () => {
    expect(isVasp4Poscar(V4)).toBe(true);
    expect(isVasp4Poscar(LI2O)).toBe(false);
  });
});

describe('parsePoscar: errors name file, line and what was expected', () => {
  const cases: [string, string, number, RegExp][] = [
    ['non-number coordinate', LI2O.replace('0.75 0.75 0.25\n', '0.75 abc 0.25\n'), 10, /three coordinates .*"abc"/],
    ['too few coordinates', LI2O.replace('0.75 0.75 0.25\n', '0.75 0.75\n'), 10, /three coordinates for atom 2 of 12, found 2 fields/],
    ['truncated positions', LI2O.split('\n').slice(0, 14).join('\n'), 14, /expected 12 position lines .* ends after 6/],
    ['more positions than counted', LI2O.replace('8 4', '8 3'), 20, /more position lines than the 11 atoms/],
    ['counts not integers', LI2O.replace('8 4', '8 4.5'), 7, /atom counts .* "4.5"/],
    ['counts missing for a species', LI2O.replace('8 4\n', '8\n'), 8, /atom counts for 2 species/],
    ['unknown species', LI2O.replace('Li O', 'Li Qq'), 6, /element symbols .* "Qq"/],
    ['bad scale', LI2O.replace('1.0\n', 'one\n'), 2, /scale factor/],
    ['two scales', LI2O.replace('1.0\n', '1.0 2.0\n'), 2, /one scale factor or three/],
    ['zero scale', LI2O.replace('1.0\n', '0\n'), 2, /zero/],
    ['bad lattice', LI2O.replace('  0.0 4.6 0.0', '  0.0 x 0.0'), 4, /lattice vector b/],
    ['coplanar lattice', LI2O.replace('  0.0 0.0 4.6', '  4.6 0.0 0.0'), 3, /do not form a cell/],
    ['missing mode line', LI2O.replace('Direct\n', ''), 8, /coordinate mode/],
    ['zero atoms', LI2O.replace('8 4', '0 0'), 7, /zero/],
    ['selective flags missing', LI2O.replace('Direct', 'Selective\nDirect'), 10, /three T\/F flags/],
    ['only a comment', 'just a title\n', 1, /file ends after line 1/],
  ];
  for (const [name, text, line, re] of cases) {
    it(name, () => {
      const e = inputError(() => parsePoscar(text, { file: 'x/POSCAR' }));
      expect(e.file).toBe('x/POSCAR');
      expect(e.message).toMatch(re);
      expect(e.line).toBe(line);
    });
  }

  it('an empty CONTCAR says VASP did not write the final geometry', () => {
    const e = inputError(() => parsePoscar('', { file: 'run/CONTCAR' }));
    expect(e.message).toBe('CONTCAR is empty: VASP did not write the final geometry — did the run start?');
    expect(e.line).toBe(1);
    const e2 = inputError(() => parsePoscar(' \n\n', { file: 'POSCAR' }));
    expect(e2.message).toMatch(/file is empty/);
  });
});

describe('readPoscar, readText, POTCAR', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ionpath-poscar-'));

  it('reads gzip by magic number, whatever the name', () => {
    writeFileSync(join(dir, 'POSCAR.gz'), gzipSync(LI2O));
    writeFileSync(join(dir, 'POSCAR_nogz'), gzipSync(LI2O));
    expect(readPoscar(join(dir, 'POSCAR.gz')).structure.formula).toBe('Li8 O4');
    expect(readPoscar(join(dir, 'POSCAR_nogz')).structure.formula).toBe('Li8 O4');
    writeFileSync(join(dir, 'plain.gz'), LI2O);
    expect(readPoscar(join(dir, 'plain.gz')).structure.nsites).toBe(12);
  });

  it('0-byte files: readText names the file, readPoscar gives the CONTCAR message', () => {
    const p = join(dir, 'CONTCAR');
    writeFileSync(p, '');
    const e = inputError(() => readText(p));
    expect(e.file).toBe(p);
    expect(e.message).toMatch(/empty/);
    const e2 = inputError(() => readPoscar(p));
    expect(e2.file).toBe(p);
    expect(e2.message).toMatch(/CONTCAR is empty: VASP did not write the final geometry/);
  });

  it('a damaged gzip file and a missing file are InputErrors', () => {
    const gz = gzipSync(LI2O);
    const p = join(dir, 'cut.gz');
    writeFileSync(p, gz.subarray(0, 20));
    expect(inputError(() => readText(p)).message).toMatch(/gzip/);
    expect(inputError(() => readText(join(dir, 'nope'))).message).toMatch(/no such file/);
  });

  it('a VASP 4 POSCAR takes its species from the POTCAR beside it', () => {
    const sub = mkdtempSync(join(dir, 'v4-'));
    const v4 = LI2O.replace('Li O\n', '').replace('Li2O antifluorite', 'no species here');
    writeFileSync(join(sub, 'POSCAR'), v4);
    expect(inputError(() => readPoscar(join(sub, 'POSCAR'))).line).toBe(6);
    // Header lines only (keywords as VASP writes them); no licensed data.
    const potcar = [
      '  PAW_PBE Li_sv 10Sep2004',
      ' 1.00000000000000000',
      ' parameters from PSCTR are:',
      '   VRHFIN =Li: 1s2s2p',
      '   TITEL  = PAW_PBE Li_sv 10Sep2004',
      ' End of Dataset',
      '  PAW_PBE O 08Apr2002',
      '   VRHFIN =O: s2p4',
      '   TITEL  = PAW_PBE O 08Apr2002',
      ' End of Dataset',
      '',
    ].join('\n');
    writeFileSync(join(sub, 'POTCAR'), potcar);
    const r = readPoscar(join(sub, 'POSCAR'));
    expect(r.speciesSource).toBe('potcar');
    expect(r.structure.formula).toBe('Li8 O4');
    expect(readPotcarSymbols(join(sub, 'POTCAR'))).toEqual(['Li_sv', 'O']);
    const entries = parsePotcarEntries(potcar);
    expect(entries.map((x) => [x.symbol, x.element, x.line])).toEqual([
      ['Li_sv', 'Li', 5],
      ['O', 'O', 9],
    ]);
    // VRHFIN alone is enough
    expect(parsePotcarEntries('VRHFIN =Mn: 3p4s3d\nEnd of Dataset\n').map((x) => x.element)).toEqual(['Mn']);
    expect(inputError(() => parsePotcarEntries('not a potcar', 'POTCAR')).message).toMatch(/not a POTCAR/);
    // --species wins over the POTCAR
    expect(readPoscar(join(sub, 'POSCAR'), { species: ['Na', 'S'] }).structure.formula).toBe('Na8 S4');
  });
});

// ---------------------------------------------------------------------------------------
// Writer

/** a = b, c, alpha = beta = 90°, gamma given (tetragonal 90°, hexagonal/trigonal 120°). */
function square(a: number, c: number, gamma: number): Lattice {
  return Lattice.fromParameters({ a, b: a, c, alpha: 90, beta: 90, gamma });
}

/** Random lattice of each crystal system, with a space group of that system. */
const SYSTEMS: { name: string; sg: number; lattice: (r: () => number) => Lattice }[] = [
  { name: 'triclinic', sg: 2, lattice: (r) => Lattice.fromParameters({ a: 4 + 3 * r(), b: 4 + 3 * r(), c: 4 + 3 * r(), alpha: 75 + 20 * r(), beta: 80 + 20 * r(), gamma: 85 + 20 * r() }) },
  { name: 'monoclinic', sg: 14, lattice: (r) => Lattice.fromParameters({ a: 4 + 3 * r(), b: 5 + 3 * r(), c: 6 + 3 * r(), alpha: 90, beta: 95 + 20 * r(), gamma: 90 }) },
  { name: 'orthorhombic', sg: 62, lattice: (r) => Lattice.fromParameters({ a: 4 + 2 * r(), b: 6 + 2 * r(), c: 8 + 2 * r(), alpha: 90, beta: 90, gamma: 90 }) },
  { name: 'tetragonal', sg: 141, lattice: (r) => square(4 + 2 * r(), 8 + 3 * r(), 90) },
  { name: 'trigonal', sg: 166, lattice: (r) => square(3 + 2 * r(), 12 + 4 * r(), 120) },
  { name: 'hexagonal', sg: 194, lattice: (r) => square(3 + 2 * r(), 5 + 3 * r(), 120) },
  { name: 'cubic', sg: 227, lattice: (r) => Lattice.cubic(5 + 4 * r()) },
];

/** Orbit of a point under the ops of the space group's standard setting, deduplicated. */
function orbit(sg: number, p: number[]): number[][] {
  const ops = operationsOfHall(hallEntriesOf(sg)[0]!.hall_number);
  const out: number[][] = [];
  for (const op of ops) {
    const R = op.rotation;
    const q = [0, 1, 2].map((i) => {
      const v = R[3 * i]! * p[0]! + R[3 * i + 1]! * p[1]! + R[3 * i + 2]! * p[2]! + op.translation[i]!;
      return v - Math.floor(v);
    });
    if (!out.some((o) => o.every((x, k) => Math.abs(((x - q[k]! + 0.5) % 1 + 1) % 1 - 0.5) < 1e-6))) out.push(q);
  }
  return out;
}

function randomStructure(sys: (typeof SYSTEMS)[number], r: () => number): Structure {
  const lat = sys.lattice(r);
  const sites: SiteInput[] = [];
  const els = ['Li', 'Mn', 'O'];
  for (const el of els) {
    for (const p of orbit(sys.sg, [r(), r(), r()])) {
      sites.push({ frac: p, species: el, properties: r() < 0.5 ? { selectiveDynamics: [r() < 0.5, r() < 0.5, r() < 0.5] } : undefined });
    }
  }
  // Shuffle so the writer has to group the blocks.
  for (let i = sites.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [sites[i], sites[j]] = [sites[j]!, sites[i]!];
  }
  return new Structure(lat, sites, `random ${sys.name}`);
}

function spaceGroupOf(s: Structure): number {
  const types = s.sites.map((x) => ['Li', 'Mn', 'O'].indexOf(x.species[0]!.element) + 1);
  return analyzeCell({ lattice: s.lattice.matrix, positions: s.sites.map((x) => x.frac), types }, 1e-4).number;
}

describe('writePoscar', () => {
  it('formatExact gives text that parses back to the same double', () => {
    const r = rng(7);
    for (let k = 0; k < 20000; k++) {
      const x = (r() - 0.5) * 10 ** Math.floor(r() * 12 - 8);
      const s = formatExact(x);
      expect(Number(s)).toBe(x);
    }
    expect(formatExact(0.5)).toBe('0.5000000000000000');
    expect(formatExact(0.1)).toBe('0.1000000000000000');
    expect(formatExact(1 / 3)).toBe('0.3333333333333333');
    expect(Number(formatExact(1e-30))).toBe(1e-30);
    expect(Object.is(Number(formatExact(-0)), -0)).toBe(true);
  });

  for (const [si, sys] of SYSTEMS.entries()) {
    it(`round-trips random ${sys.name} structures exactly in every dialect (space group ${sys.sg} kept)`, () => {
      const r = rng(1000 + si);
      for (let trial = 0; trial < 4; trial++) {
        const s = randomStructure(sys, r);
        expect(spaceGroupOf(s)).toBe(sys.sg);
        const order = poscarSiteOrder(s);
        const expected = order.map((k) => s.sites[k]!);
        for (const vasp5 of [true, false]) {
          for (const sd of [true, false]) {
            const text = writePoscar(s, { vasp5, selectiveDynamics: sd });
            const back = parsePoscar(text, { file: 'rt' });
            expect(back.vasp5).toBe(vasp5);
            expect(back.selectiveDynamics).toBe(sd);
            expect(back.structure.lattice.matrix).toEqual(s.lattice.matrix);
            expect(back.structure.nsites).toBe(s.nsites);
            back.structure.sites.forEach((site, k) => {
              expect(site.frac).toEqual(expected[k]!.frac); // exact, not close
              expect(site.species).toEqual(expected[k]!.species);
              expect(site.label).toBe(expected[k]!.label);
              if (sd) expect(site.properties?.selectiveDynamics).toEqual(expected[k]!.properties?.selectiveDynamics ?? [true, true, true]);
            });
            expect(spaceGroupOf(back.structure)).toBe(sys.sg);
          }
        }
        // Cartesian: same structure to ~1e-15 (not bit-exact: Cartesian ↔ fractional rounds)
        const cart = parsePoscar(writePoscar(s, { direct: false }));
        expect(cart.cartesian).toBe(true);
        cart.structure.sites.forEach((site, k) => {
          for (let c = 0; c < 3; c++) expect(Math.abs(site.frac[c] - expected[k]!.frac[c])).toBeLessThan(1e-13);
        });
        expect(spaceGroupOf(cart.structure)).toBe(sys.sg);
        // The written text is stable: write(read(write(s))) === write(s)
        const t1 = writePoscar(s);
        expect(writePoscar(parsePoscar(t1).structure)).toBe(t1);
      }
    });
  }

  it('groups species in blocks by first appearance (default) or electronegativity, stable within blocks', () => {
    const s = new Structure(Lattice.cubic(5), [
      { frac: [0, 0, 0], species: 'O', label: 'O_a' },
      { frac: [0.5, 0, 0], species: 'Li', label: 'Li_a' },
      { frac: [0, 0.5, 0], species: 'O', label: 'O_b' },
      { frac: [0, 0, 0.5], species: 'Mn', label: 'Mn_a' },
      { frac: [0.5, 0.5, 0], species: 'Li', label: 'Li_b' },
    ]);
    expect(poscarSiteOrder(s)).toEqual([0, 2, 1, 4, 3]);
    expect(poscarSiteOrder(s, 'electronegativity')).toEqual([1, 4, 3, 0, 2]);
    const text = writePoscar(s);
    const lines = text.split('\n');
    expect(lines[5]!.trim().split(/\s+/)).toEqual(['O', 'Li', 'Mn']);
    expect(lines[6]!.trim().split(/\s+/)).toEqual(['2', '2', '1']);
    expect(parsePoscar(text).structure.sites.map((x) => x.label)).toEqual(['O_a', 'O_b', 'Li_a', 'Li_b', 'Mn_a']);
    const en = parsePoscar(writePoscar(s, { order: 'electronegativity' }));
    expect(en.blockSpecies).toEqual(['Li', 'Mn', 'O']);
  });

  it('refuses a disordered structure with a clear error', () => {
    const s = new Structure(Lattice.cubic(4), [
      { frac: [0, 0, 0], species: [{ element: 'Li', occupancy: 0.5 }, { element: 'Co', occupancy: 0.5 }], label: 'M1' },
      { frac: [0.5, 0.5, 0.5], species: 'O' },
    ]);
    const e = inputError(() => writePoscar(s));
    expect(e.message).toMatch(/POSCAR cannot hold partial occupancy: site 1 \(M1\) holds Li0.5 Co0.5/);
    expect(e.hint).toMatch(/order/);
  });

  it('writes the comment, scale 1, the species line and Direct by default', () => {
    const s = parsePoscar(LI2O).structure;
    const lines = writePoscar(s, { comment: 'two\nlines' }).split('\n');
    expect(lines[0]).toBe('two lines');
    expect(lines[1]).toBe('1.0');
    expect(lines[2]).toBe('    4.5999999999999996    0.0000000000000000    0.0000000000000000');
    expect(lines[7]).toBe('Direct');
    expect(lines[8]).toBe('    0.2500000000000000    0.2500000000000000    0.2500000000000000  Li1');
    const v4 = writePoscar(s, { vasp5: false, labels: false });
    expect(v4.split('\n')[0]).toBe('Li O  Li2O antifluorite');
    const back = parsePoscar(v4);
    expect(back.speciesSource).toBe('comment');
    expect(back.structure.formula).toBe('Li8 O4');
  });
});
