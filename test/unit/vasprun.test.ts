/**
 * vasprun.xml reader: every vasprun.xml fixture against reference.json (pymatgen 2022.11.7 /
 * ASE 3.22.1) and test/data/vasprun-expected.json (per-step energies, forces, stress,
 * structures, k-points, parameters, eigenvalues and DOS; regenerate with
 * test/data/make_vasprun_expected.py), then truncated, malformed and odd inputs.
 */
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../../src/core/errors.js';
import { parseVasprunBuffer, parseVasprunString, readVasprun, type VasprunResult } from '../../src/io/vasprun.js';
import { summarizeVasprun, vasprunCommand } from '../../src/cli/vasprun.js';
import { describeWithFixtures, fixture, projectRoot } from '../helpers/fixtures.js';

const REF = 'vasp/reference.json';
const EXPECTED = JSON.parse(readFileSync(join(projectRoot, 'test/data/vasprun-expected.json'), 'utf8')) as Record<string, any>;

const FILES = {
  unconverged: 'aiida-vasp/src/aiida_vasp/test_data/exit_codes/ionic-unconverged/out/vasprun.xml',
  unfinished: 'aiida-vasp/src/aiida_vasp/test_data/exit_codes/unfinished/out/vasprun.xml',
  nebRoot: 'aiida-vasp/src/aiida_vasp/test_data/neb-workchain/calc-000/out/vasprun.xml',
  siStatic: 'atomate/atomate/vasp/test_files/Si_static/outputs/vasprun.xml.gz',
  mgmn2o4: 'atomate2/tests/test_data/vasp/MgMn2O4_magnetic/relax_2_3_(afm)/outputs/vasprun.xml.gz',
  siNeb01: 'atomate2/tests/test_data/vasp/Si_NEB/NEB/outputs/01/vasprun.xml.gz',
  siNeb02: 'atomate2/tests/test_data/vasp/Si_NEB/NEB/outputs/02/vasprun.xml.gz',
  siNeb03: 'atomate2/tests/test_data/vasp/Si_NEB/NEB/outputs/03/vasprun.xml.gz',
  custodianIo: 'custodian/tests/files/io/vasprun.xml.gz',
  largeCell: 'custodian/tests/files/large_cell_real_optlay/vasprun.xml',
  feo: 'custodian/tests/files/postprocess/vasprun.xml',
  tiMd: 'dpdata/tests/poscars/Ti-aimd-nwrite0/vasprun.xml',
  nomad: 'nomad-parser-vasp/tests/data/vasprun.xml.broken',
  aborted: 'pyiron_atomistics/tests/static/vasp_test_files/full_job_aborted/vasprun.xml',
  vasp46: 'pyiron_atomistics/tests/static/vasp_test_files/vasprun_samples/vasprun_1.xml',
  bad: 'pymatgen/test_files/bad_vasprun.xml',
} as const;
const ALL = Object.values(FILES);
const TRUNCATED_EMPTY: string[] = [FILES.unfinished, FILES.largeCell, FILES.aborted];
const TRUNCATED_WITH_STEPS: string[] = [FILES.nomad, FILES.bad];

const vpath = (rel: string) => fixture(`vasp/${rel}`);

function expectClose(actual: (number | null)[] | (number | null)[][], expected: number[] | number[][], tol: number, what: string): void {
  const a = (actual as unknown[]).flat() as (number | null)[];
  const e = (expected as unknown[]).flat() as number[];
  expect(a.length, what).toBe(e.length);
  for (let i = 0; i < e.length; i++) {
    expect(a[i], `${what}[${i}]`).not.toBeNull();
    expect(Math.abs((a[i] as number) - e[i]), `${what}[${i}]: ${a[i]} vs ${e[i]}`).toBeLessThanOrEqual(tol);
  }
}

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError, nothing was thrown');
}

async function thrownAsync(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError, nothing was thrown');
}

/** pymatgen's orbital names for the `<partial>` field names VASP writes. */
const orbitalName = (o: string) => (o === 'x2-y2' ? 'dx2' : o);

describeWithFixtures('vasprun.xml fixtures against reference.json and pymatgen/ASE', [REF, ...ALL.map((r) => `vasp/${r}`)], () => {
  const ref = JSON.parse(readFileSync(fixture(REF), 'utf8')) as Record<string, any>;
  const cache = new Map<string, Promise<VasprunResult>>();
  const read = (rel: string) => {
    if (!cache.has(rel)) cache.set(rel, readVasprun(vpath(rel), { eigenvalues: true, dos: true }));
    return cache.get(rel)!;
  };

  it('covers every vasprun.xml in reference.json', () => {
    const inRef = Object.keys(ref).filter((k) => ref[k]?.kind === 'vasprun').sort();
    expect(inRef).toEqual([...ALL].sort());
  });

  for (const rel of ALL) {
    const r0 = () => ref[rel];
    describe(rel, () => {
      if (TRUNCATED_EMPTY.includes(rel)) {
        it('is truncated before any ionic step finished: complete=false, no steps, header read (pymatgen raises ParseError)', async () => {
          const r = await read(rel);
          expect(r0().pymatgen_error).toMatch(/^ParseError: no element found/);
          expect(r.complete).toBe(false);
          expect(r.incompleteReason).toMatch(/the file ends inside/);
          expect(r.nSteps).toBe(0);
          expect(r.steps).toEqual([]);
          expect(r.finalEnergy).toBeNull();
          expect(r.converged).toBe(false);
          expect(r.vaspVersion).toBe(r0().vasp_version_header);
          expect(Object.keys(r.parameters).length).toBeGreaterThan(100);
        });
        return;
      }

      it('final energy to 1e-6 eV, ionic steps and flags as reference.json', async () => {
        const r = await read(rel);
        const e = r0();
        expect(Math.abs(r.finalEnergy! - e.final_energy)).toBeLessThanOrEqual(1e-6);
        expect(Math.abs(r.finalEnergy! - e.ase_energy_last)).toBeLessThanOrEqual(1e-6);
        expect(r.nSteps).toBe(e.n_ionic_steps);
        expect(r.nSteps).toBe(e.ase_n_images);
        expect(r.efermi).toBe(e.efermi);
        expect(r.isSpin).toBe(e.is_spin);
        expect(r.hasTotalDos).toBe(e.has_total_dos);
        expect(r.hasPartialDos).toBe(e.has_projected_dos);
        expect(r.convergedElectronic).toBe(e.converged_electronic);
        if (rel === FILES.bad) {
          // pymatgen raises ParseError on this truncated file; its retry with
          // exception_on_bad_xml=False says converged_ionic=True only because it counts
          // 1 step < NSW=99. The run is a relaxation (IBRION=2, NSW=99) cut off after its
          // first ionic step: it did not converge, it was stopped.
          expect(e.converged_ionic).toBe(true);
          expect(r.parameters.IBRION).toBe(2);
          expect(r.parameters.NSW).toBe(99);
          expect(r.convergedIonic).toBe(false);
          expect(r.converged).toBe(false);
        } else {
          expect(r.convergedIonic).toBe(e.converged_ionic);
          expect(r.converged).toBe(e.converged);
        }
        if (TRUNCATED_WITH_STEPS.includes(rel)) {
          expect(e.pymatgen_error).toMatch(/^ParseError: no element found/);
          expect(r.complete).toBe(false);
          expect(r.incompleteReason).toMatch(/1 complete ionic steps/);
        } else {
          expect(r.complete).toBe(true);
          expect(r.incompleteReason).toBeNull();
        }
        if (e.formula) expect(r.finalStructure!.reducedFormula).toBe(e.formula);
        if (e.n_sites) expect(r.finalStructure!.nsites).toBe(e.n_sites);
        if (rel !== FILES.nomad) expect(r.vaspVersion).toBe(e.vasp_version);
      });

      it('every ionic step: energies (ASE/pymatgen), SCF counts, forces, stress, structure', async () => {
        const r = await read(rel);
        const x = EXPECTED[rel];
        expect(r.steps.length).toBe(x.n_steps);
        expect(r.steps.map((s) => s.index)).toEqual(x.n_electronic_steps.map((_: number, i: number) => i + 1));
        expect(r.steps.map((s) => s.electronicSteps)).toEqual(x.n_electronic_steps);
        expectClose(r.steps.map((s) => s.energySigma0), x.energy_sigma0, 1e-8, 'energySigma0');
        expectClose(r.steps.map((s) => s.energySigma0), x.ase_energy, 1e-6, 'ASE energy');
        expectClose(r.steps.map((s) => s.energy), x.e_fr_energy, 0, 'free energy');
        expectClose(r.steps.map((s) => s.energy), x.ase_free_energy, 1e-8, 'ASE free energy');
        expectClose(r.steps.map((s) => s.energyWithoutEntropy), x.energy_wo_entrp, 1e-8, 'energy without entropy');
        expect(r.finalFreeEnergy).toBe(x.e_fr_energy[x.e_fr_energy.length - 1]);
        const first = r.steps[0];
        const last = r.steps[r.steps.length - 1];
        if (x.forces_first) expectClose(first.forces!, x.forces_first, 0, 'forces of step 1');
        if (x.forces_last) expectClose(last.forces!, x.forces_last, 0, 'forces of the last step');
        if (x.stress_last) expectClose(last.stress!, x.stress_last, 0, 'stress of the last step');
        if (x.max_force_last !== null) expect(Math.abs(last.maxForce! - x.max_force_last)).toBeLessThan(1e-12);
        const s = last.structure!;
        expectClose(s.lattice.matrix as unknown as number[][], x.last_step_lattice, 0, 'lattice of the last step');
        expectClose(s.sites.map((t) => [...t.frac]), x.last_step_frac, 0, 'positions of the last step');
        expect(s.sites.map((t) => t.species[0].element)).toEqual(x.last_step_species);
      });

      it('initial and final structures, atom info, k-points, parameters', async () => {
        const r = await read(rel);
        const x = EXPECTED[rel];
        expectClose(r.initialStructure!.lattice.matrix as unknown as number[][], x.initial_lattice, 0, 'initial lattice');
        expectClose([...r.initialStructure!.sites[0].frac], x.initial_frac_first, 0, 'initial position 1');
        expect(Object.fromEntries(r.initialStructure!.composition())).toEqual(x.initial_composition);
        // pymatgen groups polyanions ('LiFe4(PO4)4'); ours is the plain reduced formula
        if (!x.initial_formula.includes('(')) expect(r.initialStructure!.reducedFormula).toBe(x.initial_formula);
        if (x.final_lattice) {
          const f = r.finalStructure!;
          expectClose(f.lattice.matrix as unknown as number[][], x.final_lattice, 0, 'final lattice');
          expectClose([...f.sites[f.nsites - 1].frac], x.final_frac_last, 0, 'final last position');
          expect(f.reducedFormula).toBe(x.final_formula);
          expect(Math.abs(f.lattice.volume - x.final_volume)).toBeLessThan(1e-9);
        } else {
          // pymatgen has no final structure for a file cut before <structure name="finalpos">
          // closed; ours is the last complete ionic step's.
          expect(r.finalStructure).toBe(r.steps[r.steps.length - 1].structure);
        }
        expect(r.atominfo!.elements).toEqual(x.atomic_symbols);
        expect(r.atominfo!.types.map((t) => t.pseudopotential)).toEqual(x.potcar_symbols);
        expect(r.nions).toBe(x.atomic_symbols.length);
        // k-points
        const k = r.kpoints!;
        const style: Record<string, string> = { Monkhorst: 'Monkhorst-Pack', Gamma: 'Gamma' };
        expect(k.scheme).toBe(style[x.kpoints_style]);
        expect(k.divisions).toEqual(x.kpoints_kpts[0]);
        expect(k.points.length).toBe(x.actual_kpoints_n);
        expectClose(k.points[0], x.actual_kpoints_first, 0, 'first k-point');
        expectClose(k.points[k.points.length - 1], x.actual_kpoints_last, 0, 'last k-point');
        expect(k.weights[0]).toBe(x.kpoint_weights_first);
        expect(Math.abs(k.weights.reduce<number>((a, b) => a + b!, 0) - x.kpoint_weights_sum)).toBeLessThan(1e-12);
        // parameters (as pymatgen reads them: the first occurrence of a name wins)
        for (const [name, v] of Object.entries<any>(x.params)) {
          if (Array.isArray(v)) expectClose(r.parameters[name] as number[], v, 1e-12, name);
          else if (typeof v === 'number') expect(r.parameters[name], name).toBeCloseTo(v, 12);
          else expect(r.parameters[name], name).toBe(v);
        }
        for (const [name, v] of Object.entries<any>(x.incar)) {
          const got = r.incar[name];
          if (typeof v === 'string') expect(String(got).toLowerCase(), name).toBe(v.toLowerCase());
          else if (typeof v === 'number') expect(got, name).toBeCloseTo(v, 12);
          else expect(got, name).toBe(v);
        }
      });

      it('eigenvalues and DOS on request', async () => {
        const r = await read(rel);
        const x = EXPECTED[rel];
        if (x.eigenvalues) {
          expect(r.hasEigenvalues).toBe(true);
          const spins = Object.keys(x.eigenvalues).sort().reverse(); // '1', '-1'
          expect(r.eigenvalues!.energies.length).toBe(spins.length);
          spins.forEach((sp, i) => {
            const e = x.eigenvalues[sp];
            const E = r.eigenvalues!.energies[i];
            const O = r.eigenvalues!.occupations[i];
            expect([E.length, E[0].length]).toEqual(e.shape);
            expectClose(E[0].slice(0, 3), e.k0_first3, 0, 'eigenvalues');
            expectClose(O[0].slice(0, 3), e.occ_k0_first3, 0, 'occupations');
            expect(Math.abs(E.flat().reduce((a, b) => a + b, 0) - e.sum_energy)).toBeLessThan(1e-6);
            expect(Math.abs(O.flat().reduce((a, b) => a + b, 0) - e.sum_occ)).toBeLessThan(1e-6);
          });
        } else {
          expect(r.eigenvalues).toBeNull();
        }
        if (x.tdos) {
          const d = r.dos!;
          expect(d.efermi).toBe(x.efermi);
          expect(d.energies.length).toBe(x.tdos.n);
          expect(d.energies[0]).toBe(x.tdos.e_first);
          expect(d.energies[d.energies.length - 1]).toBe(x.tdos.e_last);
          const spins = Object.keys(x.tdos.sum).sort().reverse();
          spins.forEach((sp, i) => {
            expect(Math.abs(d.total[i].reduce((a, b) => a + b, 0) - x.tdos.sum[sp])).toBeLessThan(1e-9);
            expect(d.integrated[i][d.integrated[i].length - 1]).toBe(x.idos_last[sp]);
          });
        } else {
          expect(r.dos?.total ?? []).toEqual([]);
        }
        if (x.pdos_ion0) {
          const p = r.dos!.partial!;
          expect(p.values.length).toBe(x.pdos_n_ions);
          expect(p.orbitals.map(orbitalName).sort()).toEqual(Object.keys(x.pdos_ion0).sort());
          p.orbitals.forEach((o, k) => {
            const want = x.pdos_ion0[orbitalName(o)];
            Object.keys(want)
              .sort()
              .reverse()
              .forEach((sp, i) => {
                expect(Math.abs(p.values[0][i][k].reduce((a, b) => a + b, 0) - want[sp]), `${o} spin ${sp}`).toBeLessThan(1e-9);
              });
          });
        } else {
          expect(r.dos?.partial ?? null).toBeNull();
        }
      });
    });
  }

  it('VASP ≤ 5.4.4 writes a wrong e_0_energy in the ionic <energy> block; we report the right one', async () => {
    // aiida ionic-unconverged (VASP 5.4.4), step 1: the block says e_0_energy = -0.00106059
    // (that is EENTRO); the last SCF step says e_0 - e_fr = -6.50161629 - -6.50214658.
    const text = readFileSync(vpath(FILES.unconverged), 'latin1');
    expect(text).toContain('<i name="e_0_energy">     -0.00106059 </i>\n  </energy>\n  <time name="totalsc">');
    const r = parseVasprunString(text);
    expect(r.steps[0].energy).toBe(-6.50214658);
    expect(r.steps[0].energySigma0).toBe(-6.50161629);
    expect(r.steps[0].energyWithoutEntropy).toBe(-6.501086);
  });

  it('without options: no eigenvalues or DOS kept, presence still reported', async () => {
    const r = await readVasprun(vpath(FILES.mgmn2o4));
    expect(r.eigenvalues).toBeNull();
    expect(r.dos).toBeNull();
    expect(r.hasEigenvalues && r.hasTotalDos && r.hasPartialDos).toBe(true);
    expect(r.efermi).toBe(4.7928537);
  });

  it('keepSteps=false keeps only the last step; onStep sees every step as it is read', async () => {
    const seen: number[] = [];
    const r = await readVasprun(vpath(FILES.feo), { keepSteps: false, onStep: (s) => seen.push(s.energySigma0!) });
    expect(r.nSteps).toBe(28);
    expect(r.steps.length).toBe(1);
    expect(r.steps[0].index).toBe(28);
    expect(seen).toEqual(EXPECTED[FILES.feo].energy_sigma0);
    expect(r.finalEnergy).toBe(-28.21851457);
  });

  it('Fortran overflow in a real file (pyiron aborted run, hartreedc = ****************) is null + warning', async () => {
    const r = await read(FILES.aborted);
    const w = r.warnings.find((x) => /hartreedc/.test(x.message));
    expect(w?.line).toBe(1713);
    expect(w?.message).toMatch(/'\*{16}' \(Fortran field overflow\); read as null/);
    expect(r.incompleteReason).toBe(
      'the file ends inside ionic step 1 (after 10 electronic steps) while reading <scstep> (from line 1806); 0 complete ionic steps',
    );
    expect(r.nions).toBe(253);
    expect(r.initialStructure!.formula).toBe('Ti64 Nb1 Ni124 N64');
  });

  it('the nomad file: character references in the version string, cut inside the final structure', async () => {
    const r = await read(FILES.nomad);
    expect(r.generator.version).toBe('5.2.2 \t\ud7ff\u{10ffff}');
    expect(r.vaspVersion).toBe('5.2.2');
    expect(r.incompleteReason).toMatch(/while reading <structure name="finalpos"> \(from line 22853\)/);
    expect(r.finalStructure!.reducedFormula).toBe('SrTiO3');
  });

  it('a truncated .gz gives the complete steps it holds; a damaged .gz is an InputError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ionpath-vasprun-'));
    const gz = readFileSync(vpath(FILES.siNeb01));
    const cut = join(dir, 'cut.xml.gz');
    writeFileSync(cut, gz.subarray(0, Math.floor(gz.length * 0.4)));
    const r = await readVasprun(cut);
    expect(r.complete).toBe(false);
    expect(r.nSteps).toBeGreaterThan(0);
    expect(r.nSteps).toBeLessThan(12);
    expectClose(r.steps.map((s) => s.energySigma0), EXPECTED[FILES.siNeb01].energy_sigma0.slice(0, r.nSteps), 0, 'energies');
    const bad = Buffer.from(gz);
    for (let i = 1000; i < 1100; i++) bad[i] ^= 0x5a;
    const damaged = join(dir, 'damaged.xml.gz');
    writeFileSync(damaged, bad);
    const e = await thrownAsync(readVasprun(damaged));
    expect(e.file).toBe(damaged);
    expect(e.message).toMatch(/gzip data is corrupt|malformed XML|expected/);
  });

  it('NUL padding at the end (a killed node) is a truncation, NUL bytes mid-file an error', () => {
    const text = gunzipSync(readFileSync(vpath(FILES.custodianIo))).toString('latin1');
    const at = text.indexOf('<calculation>', text.indexOf('</calculation>'));
    const r = parseVasprunString(text.slice(0, at) + '\0'.repeat(5000));
    expect(r.complete).toBe(false);
    expect(r.nSteps).toBe(1);
    expect(r.incompleteReason).toMatch(/NUL bytes: the run was killed while writing/);
    const e = thrown(() => parseVasprunString(text.slice(0, at) + '\0'.repeat(10) + text.slice(at)));
    expect(e.message).toMatch(/NUL bytes in the middle/);
  });

  it('line numbers stay right after the blocks the feeder jumps over (<projected>, <eigenvalues>, DOS)', () => {
    const t = gunzipSync(readFileSync(vpath(FILES.custodianIo))).toString('latin1');
    const proj = t.indexOf('<projected>');
    const i = t.indexOf('</v>', t.indexOf('<structure name="finalpos"'));
    expect(proj).toBeGreaterThan(0);
    expect(i).toBeGreaterThan(t.indexOf('</projected>'));
    const bad = t.slice(0, i) + '</w>' + t.slice(i + 4);
    const line = t.slice(0, i).split('\n').length;
    for (const opts of [{}, { eigenvalues: true, dos: true }]) {
      const e = thrown(() => parseVasprunBuffer(Buffer.from(bad, 'latin1'), opts));
      expect(e.line).toBe(line);
      expect(e.column).toBe(i - t.lastIndexOf('\n', i) + 4);
    }
  });

  it('the result does not depend on how the bytes are chunked', async () => {
    const gz = readFileSync(vpath(FILES.custodianIo));
    const whole = parseVasprunBuffer(gunzipSync(gz));
    const { Feeder } = await import('../../src/io/vasprun-feeder.js');
    const { VasprunBuilder } = await import('../../src/io/vasprun-builder.js');
    const bytes = gunzipSync(gz);
    for (const size of [1, 7, 13, 4096]) {
      const f = new Feeder(new VasprunBuilder('<chunks>', {}));
      for (let k = 0; k < bytes.length; k += size) f.bytes(bytes.subarray(k, k + size));
      const r = f.end();
      expect(r.steps.map((s) => s.energySigma0)).toEqual(whole.steps.map((s) => s.energySigma0));
      expect(r.efermi).toBe(whole.efermi);
      expect(r.hasEigenvalues && r.hasTotalDos && r.hasPartialDos && r.complete).toBe(true);
      expect(r.finalStructure!.toJSON()).toEqual(whole.finalStructure!.toJSON());
    }
  });

  describe('malformed and odd content (edits of a real file)', () => {
    const text = () => readFileSync(vpath(FILES.unconverged), 'latin1');
    const lineOf = (s: string, idx: number) => s.slice(0, idx).split('\n').length;

    it('a mismatched closing tag: InputError with file, line and column', () => {
      const t = text();
      const i = t.indexOf('</v>', t.indexOf('<varray name="forces"'));
      const e = thrown(() => parseVasprunString(t.slice(0, i) + '</w>' + t.slice(i + 4), {}, 'vasprun.xml'));
      expect(e.file).toBe('vasprun.xml');
      expect(e.line).toBe(lineOf(t, i));
      expect(e.column).toBeGreaterThan(0);
      expect(e.message).toMatch(/malformed XML: Unexpected close tag/);
    });

    it('a letter inside a number: InputError naming the element and line', () => {
      const t = text();
      const i = t.indexOf('-6.09635501');
      const e = thrown(() => parseVasprunString(t.slice(0, i) + '-6.0963x501' + t.slice(i + 11)));
      expect(e.line).toBe(lineOf(t, i));
      expect(e.message).toBe(`expected a number in <varray name="forces">, found '-6.0963x501'`);
    });

    it('a row with two numbers where three belong', () => {
      const t = text();
      const i = t.indexOf('-6.09635501');
      const e = thrown(() => parseVasprunString(t.slice(0, i) + t.slice(i + 11)));
      expect(e.message).toBe('expected 3 numbers in <varray name="forces">, found 2');
    });

    it('Fortran overflow (*****) and NaN become null with a warning, never a crash', () => {
      const t = text();
      const i = t.indexOf('-6.09635501');
      // the ionic <energy> block of step 2 (the last SCF step has the same e_fr_energy)
      const ionic = '<energy>\n   <i name="e_fr_energy">     -2.54106961 </i>';
      const j = t.indexOf(ionic);
      expect(j).toBeGreaterThan(i);
      const edited = t.slice(0, i) + '***********' + t.slice(i + 11, j) + '<energy>\n   <i name="e_fr_energy">     NaN </i>' + t.slice(j + ionic.length);
      const r = parseVasprunString(edited);
      expect(r.steps[0].forces![0][0]).toBeNull();
      expect(r.steps[0].maxForce).toBeNull();
      expect(r.steps[1].energy).toBeNull();
      expect(r.steps[1].energySigma0).toBeNull();
      expect(r.steps[0].energySigma0).toBe(-6.50161629);
      const msgs = r.warnings.map((w) => `${w.line}: ${w.message}`);
      expect(msgs).toContain(`${lineOf(t, i)}: a value in <varray name="forces"> is '***********' (Fortran field overflow); read as null`);
      expect(msgs.some((m) => /a value in <i name="e_fr_energy"> is NaN; read as null/.test(m))).toBe(true);
    });

    it('an overflowed position leaves that structure out (null) with a warning', () => {
      const t = text();
      const k = t.indexOf('<varray name="positions"', t.indexOf('<calculation>'));
      const i = t.indexOf('0.78000000', k);
      const r = parseVasprunString(t.slice(0, i) + '**********' + t.slice(i + 10));
      expect(r.steps[0].structure).toBeNull();
      expect(r.steps[1].structure).not.toBeNull();
      expect(r.warnings.some((w) => /structure holds unreadable numbers/.test(w.message))).toBe(true);
    });

    it('numbers written without a blank between them are split at the signs, with a warning', () => {
      const t = text();
      const i = t.indexOf('      -6.09635501      11.33713775      -7.02162328 ');
      const r = parseVasprunString(t.slice(0, i) + ' -6.09635501-11.33713775-7.02162328' + t.slice(i + 52));
      expect(r.steps[0].forces![0]).toEqual([-6.09635501, -11.33713775, -7.02162328]);
      expect(r.warnings.some((w) => /without a blank/.test(w.message))).toBe(true);
    });

    it('a DOCTYPE (entity definitions) is refused', () => {
      const t = text().replace('<modeling>', '<!DOCTYPE modeling [<!ENTITY a "aaaa">]>\n<modeling>');
      expect(thrown(() => parseVasprunString(t)).message).toMatch(/DOCTYPE/);
    });

    it('an undefined entity is an error, not expanded', () => {
      const t = text().replace('<i name="program" type="string">vasp </i>', '<i name="program" type="string">&lol9;</i>');
      expect(thrown(() => parseVasprunString(t)).message).toMatch(/malformed XML/);
    });

    it('an over-long text node in an element that is read is refused', () => {
      const t = text().replace('<i name="program" type="string">vasp </i>', `<i name="program" type="string">${'x'.repeat(2_000_000)}</i>`);
      const e = thrown(() => parseVasprunString(t));
      expect(e.message).toMatch(/the text of <i> \(from line 4\) is longer than 1048576 characters/);
      expect(e.line).toBe(4);
    });

    it('counts that disagree with <atominfo> are an InputError', () => {
      const t = text();
      const k = t.indexOf('<varray name="positions"', t.indexOf('<calculation>'));
      const i = t.indexOf('<v>', k);
      const j = t.indexOf('</v>', i) + 4;
      expect(thrown(() => parseVasprunString(t.slice(0, i) + t.slice(j))).message).toBe(
        '<structure> has 1 positions but <atominfo> lists 2 atoms',
      );
    });

    it('not a vasprun, empty, or two documents', () => {
      expect(thrown(() => parseVasprunString('<?xml version="1.0"?>\n<html><body/></html>')).message).toMatch(/root element is <html>, expected <modeling>/);
      expect(thrown(() => parseVasprunString('')).message).toMatch(/empty or not a vasprun.xml/);
      expect(thrown(() => parseVasprunString('   \n')).message).toMatch(/empty or not a vasprun.xml/);
      const t = text();
      expect(thrown(() => parseVasprunString(t + t)).message).toBe('a second root element <modeling>');
    });

    it('a UTF-8 document with a BOM reads the same as the Latin-1 original', () => {
      const t = text().replace('encoding="ISO-8859-1"', 'encoding="UTF-8"');
      const r = parseVasprunBuffer(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')]));
      expect(r.finalEnergy).toBe(-10.53701997);
      expect(r.complete).toBe(true);
    });
  });

  describe('ionpath vasprun', () => {
    it('summary names version, formula, steps, final energy, convergence and completeness', async () => {
      const lines = summarizeVasprun(await read(FILES.unconverged));
      expect(lines).toContain('VASP           5.4.4.18Apr17-6-g9f103f2a35  (run 2021 04 05 14:35:08)');
      expect(lines).toContain('complete       yes');
      expect(lines).toContain('formula        Si  (Si2, 2 atoms, V = 40.888 Å³)');
      expect(lines).toContain('ionic steps    5');
      expect(lines).toContain('final energy   -10.53701997 eV (σ→0)   free energy -10.53731840 eV');
      expect(lines).toContain('converged      no (electronic yes, ionic no)');
      const cut = summarizeVasprun(await read(FILES.unfinished));
      expect(cut).toContain('complete       no: the file ends inside ionic step 1 (after 0 electronic steps) while reading <scstep> (from line 665); 0 complete ionic steps');
    });

    it('--json prints one JSON document with the keys scripts rely on', async () => {
      let out = '';
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
        out += String(s);
        return true;
      });
      try {
        await (vasprunCommand.handler as (a: unknown) => Promise<void>)({ file: vpath(FILES.custodianIo), json: true });
      } finally {
        spy.mockRestore();
      }
      const j = JSON.parse(out);
      expect(j.complete).toBe(true);
      expect(j.finalEnergy).toBe(-10.84147246);
      expect(j.steps.length).toBe(3);
      expect(j.steps[2].structure.lattice.length).toBe(3);
      expect(j.steps[2].structure.sites[0].species[0].element).toBe('Si');
      expect(j.eigenvalues).toBeNull();
    });

    it('bad input: exit code 2 and FILE:LINE on stderr', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ionpath-vasprun-'));
      const f = join(dir, 'vasprun.xml');
      writeFileSync(f, '<?xml version="1.0"?>\n<modeling>\n <generator>\n </generatr>\n</modeling>\n');
      let err = '';
      const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
        err += String(s);
        return true;
      });
      const before = process.exitCode;
      try {
        await (vasprunCommand.handler as (a: unknown) => Promise<void>)({ file: f });
        expect(process.exitCode).toBe(2);
      } finally {
        spy.mockRestore();
        process.exitCode = before;
      }
      expect(err).toMatch(new RegExp(`^ionpath: ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:\\d+: malformed XML: Unexpected close tag`));
    });
  });
});

describe('vasprun.xml reader on documents made here', () => {
  const doc = (calcs: string, extra = '') => `<?xml version="1.0" encoding="ISO-8859-1"?>
<modeling>
 <generator><i name="program" type="string">vasp </i><i name="version" type="string">5.4.4 </i></generator>
 <incar>
  <i type="int" name="NSW">    10</i>
  <i type="logical" name="LWAVE"> F  </i>
  <i type="string" name="ALGO"> Fast</i>
  <v type="int" name="KPOINT_BSE">    -1     0     0     0</v>
  <v name="MAGMOM"> 1.0 -1.0 </v>
 </incar>
 <parameters>
  <separator name="electronic">
   <i type="int" name="NELM">     3</i>
   <i name="EDIFF">      0.00001000</i>
   <i type="logical" name="LDAU"> .TRUE. </i>
  </separator>
  <separator name="response functions"><i type="int" name="NELM">     1</i></separator>
  <i type="int" name="NSW">    10</i>
 </parameters>
 <atominfo>
  <atoms>       2 </atoms>
  <types>       2 </types>
  <array name="atoms"><field type="string">element</field><field type="int">atomtype</field>
   <set><rc><c>Li</c><c>   1</c></rc><rc><c>Fe</c><c>   2</c></rc></set></array>
  <array name="atomtypes"><field type="int">atomspertype</field><field type="string">element</field><field>mass</field><field>valence</field><field type="string">pseudopotential</field>
   <set><rc><c>1</c><c>Li</c><c>7.01</c><c>3.0</c><c>  PAW_PBE Li_sv 10Sep2004 </c></rc>
        <rc><c>1</c><c>Fe</c><c>55.85</c><c>14.0</c><c>  PAW_PBE Fe_pv 06Sep2000 </c></rc></set></array>
 </atominfo>
 ${extra}
 ${calcs}`;
  const structure = (x: string, selective = '') => `<structure><crystal><varray name="basis"><v> 4 0 0 </v><v> 0 4 0 </v><v> 0 0 4 </v></varray></crystal>
   <varray name="positions"><v> ${x} 0 0 </v><v> 0.5 0.5 0.5 </v></varray>${selective}</structure>`;
  const calc = (x: string, fr: number, sc: string, forces: string, selective = '') => `<calculation>
  ${sc}
  ${structure(x, selective)}
  <varray name="forces"> ${forces} </varray>
  <varray name="stress"><v> 1 0 0 </v><v> 0 1 0 </v><v> 0 0 1 </v></varray>
  <energy><i name="e_fr_energy"> ${fr} </i><i name="e_wo_entrp"> ${fr + 0.2} </i><i name="e_0_energy"> -0.1 </i></energy>
 </calculation>`;
  const sc = (fr: number, e0: number, wo: number) =>
    `<scstep><energy><i name="e_fr_energy"> ${fr} </i><i name="e_wo_entrp"> ${wo} </i><i name="e_0_energy"> ${e0} </i></energy></scstep>`;

  it('typed INCAR and parameters; the first occurrence wins over "response functions"', () => {
    const r = parseVasprunString(doc('</modeling>'));
    expect(r.incar).toEqual({ NSW: 10, LWAVE: false, ALGO: 'Fast', KPOINT_BSE: [-1, 0, 0, 0], MAGMOM: [1, -1] });
    expect(r.parameters).toEqual({ NELM: 3, EDIFF: 1e-5, LDAU: true, NSW: 10 });
    expect(r.atominfo!.types.map((t) => [t.element, t.count, t.mass, t.valence, t.pseudopotential])).toEqual([
      ['Li', 1, 7.01, 3, 'PAW_PBE Li_sv 10Sep2004'],
      ['Fe', 1, 55.85, 14, 'PAW_PBE Fe_pv 06Sep2000'],
    ]);
    expect(r.complete).toBe(true);
    expect(r.nSteps).toBe(0);
    expect(r.converged).toBe(false);
  });

  it('σ→0 energy from the last SCF step when the ionic block disagrees; NELM decides SCF convergence', () => {
    const c1 = calc('0.1', -10, sc(-9, -9.5, -9.8) + sc(-10.2, -10.1, -10.05), '<v> 1 0 0 </v><v> -1 0 0 </v>');
    const c2 = calc('0.2', -11, sc(-1, -1, -1) + sc(-2, -2, -2) + sc(-11, -10.9, -10.8), '<v> 3 4 0 </v><v> 0 0 1 </v>');
    const r = parseVasprunString(doc(c1 + c2 + '</modeling>'));
    // step 1: e_fr(ionic) + (e_0 - e_fr)(last scstep) = -10 + 0.1
    expect(r.steps[0].energySigma0).toBe(-9.9);
    expect(r.steps[0].energyWithoutEntropy).toBe(-9.85);
    expect(r.steps[1].energySigma0).toBe(-10.9);
    expect(r.finalEnergy).toBe(-10.9);
    expect(r.finalFreeEnergy).toBe(-11);
    expect(r.steps.map((s) => [s.electronicSteps, s.scfConverged])).toEqual([
      [2, true],
      [3, false],
    ]);
    expect(r.steps[1].maxForce).toBe(5);
    expect(r.convergedElectronic).toBe(false);
    expect(r.convergedIonic).toBe(true); // 2 < NSW = 10
    expect(r.steps[1].structure!.sites[0].frac[0]).toBe(0.2);
    expect(r.steps[1].structure!.formula).toBe('Li1 Fe1');
  });

  it('selective dynamics: fixed components do not count in maxForce, flags kept on the sites', () => {
    const sel = '<varray name="selective" type="logical"><v type="logical"> F F F </v><v type="logical"> T T F </v></varray>';
    const r = parseVasprunString(doc(calc('0.1', -10, sc(-10, -10, -10), '<v> 9 9 9 </v><v> 3 4 12 </v>', sel) + '</modeling>'));
    expect(r.steps[0].maxForce).toBe(5);
    expect(r.steps[0].structure!.sites[1].properties?.selectiveDynamics).toEqual([true, true, false]);
  });

  it('a static run (NSW ≤ 1) whose one step is complete has converged even if the file is cut after it', () => {
    const d = doc(calc('0.1', -10, sc(-10, -10, -10), '<v> 0 0 0 </v><v> 0 0 0 </v>') + '<structure name="finalpos">').replace(/name="NSW">    10/g, 'name="NSW">     0');
    const r = parseVasprunString(d);
    expect(r.complete).toBe(false);
    expect(r.convergedIonic).toBe(true);
    expect(r.converged).toBe(true);
  });

  it('a step with forces for the wrong number of atoms is an InputError', () => {
    const d = doc(calc('0.1', -10, sc(-10, -10, -10), '<v> 0 0 0 </v>') + '</modeling>');
    expect(thrown(() => parseVasprunString(d)).message).toBe('<varray name="forces"> has 1 rows, expected one per atom (2)');
  });
});
