/**
 * OUTCAR reader against the shared VASP fixtures: reference.json (pymatgen 2022.11.7 /
 * ASE 3.22.1, made by ../shared/fixtures/vasp/make_reference.py) and outcar-expected.json
 * (ASE per-step values, made by test/unit/outcar-expected.py). Where pymatgen is wrong
 * (REFERENCE.md, "pymatgen failures"), the test states the right value and why.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { parseOutcar, readOutcar, type OutcarResult } from '../../src/io/outcar.js';
import { describeWithFixtures, fixture } from '../helpers/fixtures.js';

const V = 'vasp/';
const REF = 'vasp/reference.json';
const expected = JSON.parse(readFileSync(new URL('./outcar-expected.json', import.meta.url), 'utf8')) as Record<string, any>;

// Truncated files where pymatgen's final_energy is the last *electronic* iteration printed
// (an unfinished SCF), not a finished ionic step. See REFERENCE.md.
const PYMATGEN_PARTIAL = {
  // Fe16S32 relaxation cut during ionic step 4: last finished step is 3 (83.58389062 eV,
  // same as ASE); pymatgen's −284.8594454 is SCF iteration 8 of the unfinished step 4.
  'custodian/tests/files/potim/OUTCAR': { finalEnergy: 83.58389062, steps: 3 },
  // Si2 static run that stopped inside its first SCF loop: no ionic step finished.
  'aiida-vasp/src/aiida_vasp/test_data/exit_codes/unfinished/out/OUTCAR': { finalEnergy: null, steps: 0 },
  // Cut mid-line (exactly 72 KiB) during the first SCF: no ionic step finished.
  'custodian/tests/files/OUTCAR_auto_nbands_parallel': { finalEnergy: null, steps: 0 },
  // ZHEGV crash in the first SCF: no ionic step finished.
  'pyiron_atomistics/tests/static/vasp_test_files/full_job_aborted/OUTCAR': { finalEnergy: null, steps: 0 },
  // AIMD killed during MD step 20: step 19 is the last finished one (−663.53612301 eV, its
  // TOTEN is pymatgen's final_fr_energy); pymatgen's −659.9903503 is an SCF iteration of step 20.
  'pymatgen/test_files/OUTCAR.electrostaticerror.gz': { finalEnergy: -663.53612301, steps: 19 },
} as Record<string, { finalEnergy: number | null; steps: number }>;

function refOutcars(): [string, any][] {
  const ref = JSON.parse(readFileSync(fixture(REF), 'utf8')) as Record<string, any>;
  return Object.entries(ref).filter(([, v]) => v.kind === 'OUTCAR');
}

const cache = new Map<string, Promise<OutcarResult>>();
function read(rel: string, keepSteps = false): Promise<OutcarResult> {
  const key = `${rel}|${keepSteps}`;
  if (!cache.has(key)) cache.set(key, readOutcar(fixture(V + rel), { keepSteps }));
  return cache.get(key)!;
}

describeWithFixtures('OUTCAR fixtures vs reference.json', [REF], () => {
  const files = refOutcars();

  it('covers every OUTCAR in the reference (39 files)', () => {
    expect(files.length).toBe(39);
  });

  for (const [rel, ref] of files) {
    it(rel, async () => {
      const r = await read(rel);
      const bug = PYMATGEN_PARTIAL[rel];
      // final energy = energy(sigma->0) of the last complete ionic step, to 1e-6 eV
      if (bug) {
        if (bug.finalEnergy === null) expect(r.finalEnergy).toBeNull();
        else expect(r.finalEnergy).toBeCloseTo(bug.finalEnergy, 6);
        expect(r.steps.length).toBe(bug.steps);
      } else if (ref.final_energy === null) {
        expect(r.finalEnergy).toBeNull();
      } else {
        expect(Math.abs(r.finalEnergy! - ref.final_energy)).toBeLessThan(1e-6);
      }
      // ionic steps: DFT steps (ML-only steps counted apart)
      expect(r.nDftSteps).toBe(ref.n_ionic_steps);
      // complete = the final timing block is there (pymatgen: run_stats has the elapsed time)
      expect(r.complete).toBe(ref.run_stats_elapsed_time !== null);
      if (r.complete) {
        expect(r.incompleteReason).toBeNull();
        expect(r.timing!.elapsedSeconds).toBeCloseTo(ref.run_stats_elapsed_time, 3);
      } else expect(r.incompleteReason).toMatch(/\w/);
      expect(r.header.vaspVersion).toBe(ref.vasp_version_header);
      if (ref.nelect !== null && ref.nelect !== undefined) expect(r.header.nelect).toBeCloseTo(ref.nelect, 3);
      // magnetisation: total of the last complete step; site moments of the last table
      if (r.complete) {
        if (ref.total_mag === null) expect(r.magnetization?.total ?? null).toBeNull();
        else expect(r.magnetization!.total).toBeCloseTo(ref.total_mag, 7);
        if (ref.n_sites_with_magnetization > 0) {
          expect(r.magnetization!.sites!.map((x) => x + 0)).toEqual(ref.magnetization_per_site_tot.map((x: number) => x + 0));
        } else expect(r.magnetization?.sites ?? null).toBeNull();
        // pymatgen reads backwards until it has NELECT, total moment, E-fermi and the timing
        // block; for ISPIN=1 it never finds a moment, scans to the top and reports the
        // *first* E-fermi of the file. Compare only where its scan stopped at the end.
        if (ref.efermi !== null && ref.total_mag !== null) expect(r.efermi).toBeCloseTo(ref.efermi, 4);
      }
      // TOTEN of the last step where pymatgen's final_fr_energy is that step's value
      if (!bug && ref.final_fr_energy !== null && !r.header.mlff) expect(r.finalFreeEnergy).toBeCloseTo(ref.final_fr_energy, 6);
      if (ref.toten_per_ionic_step_first_last && !r.header.mlff && r.nDftSteps > 0) {
        expect(r.steps[0].energy).toBeCloseTo(ref.toten_per_ionic_step_first_last[0], 6);
      }
    });
  }
});

describeWithFixtures('OUTCAR steps and geometry vs ASE (outcar-expected.json)', [REF], () => {
  for (const [rel, e] of Object.entries(expected)) {
    if (rel === '_meta') continue;
    it(rel, async () => {
      const r = await read(rel, true);
      expect(r.steps.length).toBe(e.n_images);
      r.steps.forEach((s, k) => {
        expect(s.energySigma0).toBeCloseTo(e.energies_sigma0[k], 8);
        expect(s.energy).toBeCloseTo(e.free_energies[k], 8);
        expect(s.maxForce!).toBeCloseTo(e.max_force_per_step[k], 9);
        expect(s.positions!.length).toBe(r.header.nions);
      });
      const f = r.final!;
      expect(f.step).toBe(r.steps.length);
      expect(f.lattice!.flat().map((x, k) => x - e.final_cell.flat()[k]).every((d) => Math.abs(d) < 1e-9)).toBe(true);
      expect(f.positions![0]).toEqual(e.final_positions_first_last[0]);
      expect(f.positions!.at(-1)).toEqual(e.final_positions_first_last[1]);
      expect(f.forces![0]).toEqual(e.final_forces_first_last[0]);
      expect(f.forces!.at(-1)).toEqual(e.final_forces_first_last[1]);
      expect(r.header.species).toEqual(e.symbols);
      if (e.final_stress_kB) r.steps.at(-1)!.stress!.forEach((x, k) => expect(x).toBeCloseTo(e.final_stress_kB[k], 8));
      if (e.final_magmoms) expect(r.magnetization!.sites).toEqual(e.final_magmoms);
    });
  }
});

describeWithFixtures('OUTCAR special cases', [REF], () => {
  it('potim (truncated mid-run): three finished steps, ASE values, and the reason', async () => {
    const r = await read('custodian/tests/files/potim/OUTCAR');
    expect(r.complete).toBe(false);
    expect(r.incompleteReason).toMatch(/stops after 3 complete ionic steps; step 4 was interrupted after 8 electronic steps/);
    expect(r.finalFreeEnergy).toBeCloseTo(83.57965717, 8); // = pymatgen final_fr_energy
    // total moment of step 3 = ASE's magnetic moment; pymatgen's 83.2 is the MAGMOM start
    // value from the set-up lines (it reads backwards until it finds a timing block, which
    // a truncated file does not have, so it ends at the first line of the file)
    expect(r.magnetization!.total).toBeCloseTo(1.81157, 6);
    expect(r.ionicConverged).toBe(false);
  });

  it('ML force field: DFT and ML-only steps are told apart', async () => {
    const r = await read('dpdata/tests/poscars/OUTCAR.ch4.ml');
    expect(r.header.mlff).toBe(true);
    // NSW=10: 9 steps print energies (the 10th prints none), 4 with DFT, 5 ML-only;
    // 10 "ML FREE ENERGIE" blocks in all (a naive count gives 14 "steps")
    expect(r.steps.map((s) => (s.mlff ? 'M' : 'D')).join('')).toBe('DDDMMDMMM');
    expect(r.nDftSteps).toBe(4);
    expect(r.nMlSteps).toBe(5);
    expect(r.mlEnergyBlocks).toBe(10);
    // the final step is ML-only: energy and TOTEN come from that same step. pymatgen mixes
    // the ML energy(sigma->0) of step 9 with the DFT TOTEN of step 6.
    expect(r.finalEnergy).toBeCloseTo(-24.12712228, 8);
    expect(r.finalFreeEnergy).toBeCloseTo(-24.12712228, 8);
    expect(r.lastDftStep).toEqual({ index: 6, energy: -24.12697674, energySigma0: -24.12697674 });
    expect(r.steps[5].electronicSteps).toBeGreaterThan(0);
    expect(r.steps[6].electronicSteps).toBe(0);
    expect(r.steps[6].scfConverged).toBeNull();
  });

  it('NWRITE=0: positions only where VASP printed them, geometry of the last step kept', async () => {
    const r = await read('dpdata/tests/poscars/Ti-aimd-nwrite0/OUTCAR');
    expect(r.header.nwrite).toBe(0);
    expect(r.steps.map((s) => s.maxForce !== null)).toEqual([true, false, false, false, false, false, false, false, false, true]);
    expect(r.final!.step).toBe(10);
    expect(r.final!.positions!.length).toBe(32);
    expect(r.ionicConverged).toBeNull(); // MD
  });

  it('"ions per type" cut off by VASP: species unknown, with a warning on that line', async () => {
    const r = await read('dpdata/tests/poscars/outcar.longit/OUTCAR');
    expect(r.header.elements.length).toBe(16);
    expect(r.header.nions).toBe(48);
    expect(r.header.ionsPerType).toBeNull();
    expect(r.header.species).toBeNull();
    const w = r.warnings.find((x) => /ions per type/.test(x.message))!;
    expect(w.line).toBe(1710);
    expect(w.message).toMatch(/10 counts summing to 36, but there are 16 POTCARs and NIONS = 48/);
  });

  it('crash and set-up-only files say why they are incomplete', async () => {
    const crash = await read('pyiron_atomistics/tests/static/vasp_test_files/full_job_aborted/OUTCAR');
    expect(crash.vaspErrors[0]).toEqual({ line: 2057, message: 'Error EDDDAV: Call to ZHEGV failed. Returncode =  14 1  15' });
    expect(crash.incompleteReason).toMatch(/^VASP stopped with an error: Error EDDDAV.*no ionic step finished \(the file ends after 11 electronic steps of step 1\)/);
    expect(crash.header.ionsPerType).toEqual([64, 1, 124, 64]);
    const setup = await read('custodian/tests/files/large_cell_real_optlay/OUTCAR');
    expect(setup.incompleteReason).toMatch(/before the first electronic step/);
    expect(setup.header.nions).toBe(118);
    expect(setup.header.initialLattice).not.toBeNull();
    expect(setup.header.initialFractional!.length).toBe(118);
  });

  it('NUL hole in a killed run (OUTCAR.electrostaticerror.gz) is skipped with a warning', async () => {
    const r = await read('pymatgen/test_files/OUTCAR.electrostaticerror.gz');
    expect(r.warnings.some((w) => /skipped \d+ NUL bytes/.test(w.message))).toBe(true);
    expect(r.steps.length).toBe(19);
    // last finished MD step (pymatgen's −659.99 is an SCF iteration of the killed step 20)
    expect(r.finalEnergy).toBeCloseTo(-663.53612301, 8);
    expect(r.finalFreeEnergy).toBeCloseTo(-663.53612301, 8); // = pymatgen final_fr_energy
  });

  it('header: INCAR echo, POTCARs, +U, NEB tags', async () => {
    const u = await read('custodian/tests/files/postprocess/OUTCAR');
    expect(u.header.potcars).toEqual(['PAW_PBE Fe 06Sep2000', 'PAW_PBE O 08Apr2002']);
    expect(u.header.ldau).toBe(true);
    expect(u.header.ldauU).toEqual([4, 0]);
    expect(u.header.ispin).toBe(2);
    expect(u.ionicConverged).toBe(true);
    const mg = await read('atomate2/tests/test_data/vasp/MgMn2O4_magnetic/relax_2_3_(afm)/outputs/OUTCAR.gz');
    expect(mg.header.incar.LDAUU).toBe('0 3.9 0');
    expect(mg.header.ldauU).toEqual([0, 3.9, 0]);
    // antiferromagnetic: two Mn up, two Mn down (±3.823 μB), total 0
    expect(mg.magnetization!.sites!.filter((m) => m < -3).length).toBe(2);
    expect(mg.magnetization!.sites!.filter((m) => m > 3).length).toBe(2);
    expect(mg.magnetization!.total).toBe(0);
    const neb = await read('npjuc-bilayer-graphene-synapse/fig-2d-NEB/NEB/02/OUTCAR.gz');
    expect(neb.neb).toMatchObject({ vtstVersion: '3.2, (02/03/18)', method: 'NEB', climbing: false, spring: -5 });
    expect(neb.header.ediffg).toBe(-0.02);
    expect(neb.header.ibrion).toBe(3);
    const last = neb.steps.at(-1)!;
    expect(last.tangentForce).toBeCloseTo(0.000074, 9); // = neb.dat and pymatgen
    expect(last.vtstMaxForce).toBeCloseTo(0.018173, 9);
    expect(neb.ionicConverged).toBe(true);
    const si = await read('atomate2/tests/test_data/vasp/Si_NEB/NEB/outputs/01/OUTCAR.gz');
    expect(si.neb!.tangentForce).toBeCloseTo(-0.205975, 9);
    expect(si.neb!.climbing).toBe(true);
    const unconv = await read('aiida-vasp/src/aiida_vasp/test_data/exit_codes/ionic-unconverged/out/OUTCAR');
    expect(unconv.ionicConverged).toBe(false); // NSW=5 reached without EDIFFG
    // E-fermi of the last step (line 9610); pymatgen's 5.6161 is the first one in the file
    expect(unconv.efermi).toBe(6.1751);
    expect(unconv.electronicConverged).toBe(true);
    const stat = await read('ase/ase/test/testdata/vasp/OUTCAR_example_1');
    expect(stat.ionicConverged).toBeNull(); // static run
    expect(stat.header.potcars).toEqual(['PAW_PBE Ni 02Aug2007']); // from the POTCAR: lines (no TITEL)
  });

  it('without keepSteps, steps hold scalars only', async () => {
    const r = await read('pymatgen/test_files/OUTCAR.CL');
    expect(r.steps.length).toBe(79);
    expect(r.steps.every((s) => s.positions === undefined && s.forces === undefined)).toBe(true);
    expect(r.final!.positions!.length).toBe(r.header.nions);
  });
});

describe('OUTCAR from text', () => {
  const HEAD = [
    ' vasp.6.4.2 20Jul23 (build Oct 18 2023) complex',
    '   TITEL  = PAW_PBE Si 05Jan2001',
    '   number of dos      NEDOS =    301   number of ions     NIONS =      2',
    '   ions per type =               2',
    ' Startparameter for this run:',
    '   ISPIN  =      1    spin polarized calculation?',
    '   EDIFFG = -.2E-01   stopping-criterion for IOM',
    '   IBRION =      2    ionic relax: 0-MD 1-quasi-New 2-CG',
    '   NSW    =     10    number of steps for IOM',
  ];
  const step = (n: number, e: number, f = 0.1) => [
    `--------------------------------------- Iteration      ${n}(   1)  ---------------------------------------`,
    '------------------------ aborting loop because EDIFF is reached ----------------------------------------',
    '  in kB      -1.0   -2.0   -3.0   0.1   0.2   0.3',
    '      direct lattice vectors                 reciprocal lattice vectors',
    '     0.000000000  2.750000000  2.750000000    -0.181818182  0.181818182  0.181818182',
    '     2.750000000  0.000000000  2.750000000     0.181818182 -0.181818182  0.181818182',
    '     2.750000000  2.750000000  0.000000000     0.181818182  0.181818182 -0.181818182',
    ' POSITION                                       TOTAL-FORCE (eV/Angst)',
    ' -----------------------------------------------------------------------------------',
    `      0.68750      0.68750      0.68750         ${f.toFixed(6)}     -0.000000     -0.000000`,
    `      4.81250      4.81250      4.81250        -${f.toFixed(6)}      0.000000      0.000000`,
    ' -----------------------------------------------------------------------------------',
    '  FREE ENERGIE OF THE ION-ELECTRON SYSTEM (eV)',
    '  ---------------------------------------------------',
    `  free  energy   TOTEN  =       ${e.toFixed(8)} eV`,
    '',
    `  energy  without entropy=      ${(e + 0.001).toFixed(8)}  energy(sigma->0) =      ${(e + 0.0005).toFixed(8)}`,
    '     LOOP+:  cpu time      3.8161: real time      7.7675',
  ];
  const TAIL = [' reached required accuracy - stopping structural energy minimisation', ' General timing and accounting informations for this job:', '                         Elapsed time (sec):       18.865'];

  it('reads steps, flags and timing', () => {
    const r = parseOutcar([...HEAD, ...step(1, -10), ...step(2, -10.5, 0.01), ...TAIL].join('\n'));
    expect(r.steps.map((s) => s.energySigma0)).toEqual([-9.9995, -10.4995]);
    expect(r.steps[1].maxForce).toBeCloseTo(0.01, 12);
    expect(r.steps[0].stress).toEqual([-1, -2, -3, 0.1, 0.2, 0.3]);
    expect(r.complete).toBe(true);
    expect(r.ionicConverged).toBe(true);
    expect(r.header.ediffg).toBe(-0.02);
    expect(r.header.species).toEqual(['Si', 'Si']);
  });

  it('a file cut inside a step keeps the finished ones; cut mid-number is not an error', () => {
    const full = [...HEAD, ...step(1, -10), ...step(2, -10.5)].join('\n');
    const cut = full.slice(0, full.lastIndexOf('0.68750') + 4);
    const r = parseOutcar(cut);
    expect(r.steps.length).toBe(1);
    expect(r.complete).toBe(false);
    expect(r.incompleteReason).toMatch(/stops after 1 complete ionic step.*last line is cut off/);
  });

  it('garbage inside a table (not at the end) is an InputError naming the line', () => {
    const lines = [...HEAD, ...step(1, -10), ...TAIL];
    const k = lines.findIndex((l) => l.includes('4.81250'));
    lines[k] = '      4.81250      4.8#250      4.81250        -0.100000      0.000000      0.000000';
    let err: unknown;
    try {
      parseOutcar(lines.join('\n'), 'OUTCAR');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).line).toBe(k + 1);
    expect((err as InputError).file).toBe('OUTCAR');
    expect((err as InputError).message).toMatch(/expected 6 numbers/);
  });

  it('overflowed fields (********) read as NaN with a warning', () => {
    const lines = [...HEAD, ...step(1, -10), ...TAIL];
    const k = lines.findIndex((l) => l.includes('4.81250'));
    lines[k] = '      4.81250      4.81250      4.81250        ***********      0.000000      0.000000';
    const r = parseOutcar(lines.join('\n'));
    expect(Number.isNaN(r.steps[0].maxForce)).toBe(true);
    expect(r.warnings.some((w) => /overflow/.test(w.message))).toBe(true);
  });

  it('Fortran fields that run together are split', () => {
    const lines = [...HEAD, ...step(1, -10), ...TAIL];
    const k = lines.findIndex((l) => l.includes('4.81250'));
    lines[k] = '      4.81250      4.81250   -104.81250      -10.100000-100.000000      0.000000';
    const r = parseOutcar(lines.join('\n'), 'x', { keepSteps: true });
    expect(r.steps[0].positions![1]).toEqual([4.8125, 4.8125, -104.8125]);
    expect(r.steps[0].forces![1]).toEqual([-10.1, -100, 0]);
  });

  it('text that is not an OUTCAR is an InputError', () => {
    expect(() => parseOutcar('hello\nworld\n', 'notes.txt')).toThrow(InputError);
    expect(() => parseOutcar('', 'empty')).toThrow(/empty/);
  });
});

describeWithFixtures('ionpath outcar (CLI document)', [REF], () => {
  it('JSON has the DESIGN.md keys; the table names the state of the run', async () => {
    const { outcarJson, summarizeOutcar } = await import('../../src/cli/outcar.js');
    const r = await read('custodian/tests/files/potim/OUTCAR');
    const doc = JSON.parse(JSON.stringify(outcarJson(r)));
    for (const k of ['complete', 'vaspVersion', 'nions', 'steps', 'finalEnergy', 'magnetization']) expect(doc).toHaveProperty(k);
    expect(doc.steps[2]).toMatchObject({ energy: 83.57965717, energySigma0: 83.58389062 });
    expect(doc.steps[2].maxForce).toBeCloseTo(0.5764009270178181, 12);
    expect(doc.nions).toBe(48);
    const text = summarizeOutcar(r).join('\n');
    expect(text).toMatch(/complete {7}no: no timing block/);
    expect(text).toMatch(/final energy {3}83\.58389062 eV/);
  });
});

describeWithFixtures('line-by-line and block parsing agree', [REF], () => {
  it('feed() per line and feedText() give the same result on every OUTCAR fixture', async () => {
    const { OutcarParser } = await import('../../src/io/outcar-parser.js');
    const { gunzipSync } = await import('node:zlib');
    for (const [rel] of refOutcars()) {
      const raw = readFileSync(fixture(V + rel));
      const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('latin1').replace(/\0+/g, '');
      const a = new OutcarParser('f', { keepSteps: true });
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      for (const l of lines) a.feed(l.endsWith('\r') ? l.slice(0, -1) : l);
      const b = new OutcarParser('f', { keepSteps: true });
      // odd block boundaries: whole lines, in blocks of 997 lines
      for (let k = 0; k < lines.length; k += 997) b.feedText(lines.slice(k, k + 997).join('\n') + '\n');
      expect(b.finish(), rel).toEqual(a.finish());
    }
  });
});
