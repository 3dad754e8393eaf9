/**
 * Single-structure decks (`ionpath deck`), POTCAR assembly from (fake) libraries, job
 * scripts, atomic writes and the never-overwrite-a-run rule — each file read back and
 * checked, the INCAR/KPOINTS/POTCAR symbols against pymatgen's MPRelaxSet/MPStaticSet.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { Lattice } from '../../src/core/lattice.js';
import { Structure } from '../../src/core/structure.js';
import { parsePoscar } from '../../src/io/poscar.js';
import { parsePotcarEntries } from '../../src/io/potcar.js';
import { assertNotExistingRun, isRunOutput, writeFileAtomic } from '../../src/io/atomic-write.js';
import { parseIncar } from '../../src/vasp/incar.js';
import { parseKpointMesh } from '../../src/vasp/kpoints.js';
import { BASES } from '../../src/vasp/presets.js';
import { planStructureDeck, sha256, writeDeck, type JobSettings } from '../../src/vasp/deck.js';
import { assemblePotcar, choosePotcarSymbols, potcarLibrary } from '../../src/vasp/potcar-assemble.js';
import { jobScript, totalRanks } from '../../src/vasp/jobs.js';
import { pmg, pmgStructure } from '../data/neb/pymatgen.js';
import { makeFakePotcarLibrary } from '../data/neb/fake-potcar.js';
import { projectRoot } from '../helpers/fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'ionpath-deck-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const job: JobSettings = { scheduler: 'slurm', nodes: 1, ntasksPerNode: 32, time: '24:00:00' };
const noEnv = {} as NodeJS.ProcessEnv;
const lib = makeFakePotcarLibrary(join(tmp, 'lib'), ['Li_sv', 'Mn_pv', 'O', 'K_sv', 'V_pv', 'Co', 'Fe_pv', 'F', 'S', 'Ce', 'Mn']);
const read = (p: string) => readFileSync(p, 'utf8');

describe('single-structure deck: relax = MPRelaxSet, file by file', () => {
  for (const c of pmg.cases.filter((x) => ['limn2o4', 'p31m-host', 'licoo2-ox', 'fef2'].includes(x.name))) {
    it(c.name, () => {
      const s = pmgStructure(c);
      const dir = join(tmp, `relax-${c.name}`);
      const plan = planStructureDeck(s, { base: BASES.mp, task: 'relax', presetName: 'relax', job, potcarDir: lib, env: noEnv });
      const w = writeDeck(dir, plan);
      expect(w.written.sort()).toEqual(['INCAR', 'KPOINTS', 'POSCAR', 'POTCAR', 'README.md', 'ionpath.json', 'job.sh']);
      expect(readdirSync(dir).sort()).toEqual(['INCAR', 'KPOINTS', 'POSCAR', 'POTCAR', 'README.md', 'ionpath.json', 'job.sh']);
      // POSCAR: pymatgen's sorted order, species line as pymatgen writes it
      const pos = parsePoscar(read(join(dir, 'POSCAR')), { file: 'POSCAR' }).structure;
      expect(pos.nsites).toBe(c.sites.length);
      pos.sites.forEach((site, i) => {
        expect(pos.majorityElement(i)).toBe(c.sites[i].element);
        expect(pos.lattice.minimumImageDistance(site.frac, c.sites[i].frac as [number, number, number])).toBeLessThan(1e-12);
      });
      expect(read(join(dir, 'POSCAR')).split('\n')[5].trim().split(/\s+/)).toEqual(c.poscar_species);
      // INCAR: every MPRelaxSet tag and value (plus SYSTEM)
      const incar = parseIncar(read(join(dir, 'INCAR')), 'INCAR').incar;
      incar.delete('SYSTEM');
      expect([...incar.keys()].sort()).toEqual(Object.keys(c.mprelax.incar).sort());
      for (const [k, v] of Object.entries(c.mprelax.incar)) {
        const mine = incar.get(k);
        if (typeof v === 'string') expect(String(mine).toLowerCase()).toBe(v.toLowerCase());
        else if (Array.isArray(v)) expect(mine).toEqual(v);
        else if (typeof v === 'number') expect(mine as number).toBeCloseTo(v, 12);
        else expect(mine).toBe(v);
      }
      // KPOINTS as MPRelaxSet
      const kp = parseKpointMesh(read(join(dir, 'KPOINTS')));
      expect(kp.mesh).toEqual(c.mprelax.kpoints.mesh);
      expect(kp.style).toBe(c.mprelax.kpoints.style === 'Gamma' ? 'Gamma' : 'Monkhorst-Pack');
      // POTCAR: pymatgen's symbols, in POSCAR order, read back from the TITEL lines
      expect(parsePotcarEntries(read(join(dir, 'POTCAR'))).map((e) => e.symbol)).toEqual(c.mprelax.potcar_symbols);
      // ionpath.json: checksums of every file, settings
      const manifest = JSON.parse(read(join(dir, 'ionpath.json')));
      expect(manifest.tool).toBe('ionpath');
      expect(manifest.version).toBe(JSON.parse(read(join(projectRoot, 'package.json'))).version);
      for (const f of manifest.files) expect(sha256(readFileSync(join(dir, f.path)))).toBe(f.sha256);
      expect(manifest.files.map((f: { path: string }) => f.path).sort()).toEqual(['INCAR', 'KPOINTS', 'POSCAR', 'POTCAR', 'README.md', 'job.sh']);
      expect(manifest.settings.potcar).toMatchObject({ symbols: c.mprelax.potcar_symbols, library: lib });
      expect(manifest.settings.kpoints.mesh).toEqual(c.mprelax.kpoints.mesh);
      // job script: executable, Slurm, 32 ranks, no NEB/VTST checks
      const js = read(join(dir, 'job.sh'));
      expect(statSync(join(dir, 'job.sh')).mode & 0o100).toBe(0o100);
      expect(js).toContain('#SBATCH --ntasks-per-node=32');
      expect(js).not.toContain('IMAGES=');
      expect(js).not.toContain('LCLIMB');
      expect(read(join(dir, 'README.md'))).toContain('sbatch job.sh');
    });
  }

  it('static preset = MPStaticSet INCAR and mesh; kvo-paper pins ENCUT/EDIFF/EDIFFG', () => {
    const c = pmg.cases[0];
    const dir = join(tmp, 'static');
    writeDeck(dir, planStructureDeck(pmgStructure(c), { base: BASES.mp, task: 'static', presetName: 'static', job, env: noEnv }));
    const incar = parseIncar(read(join(dir, 'INCAR'))).incar;
    for (const [k, v] of Object.entries(c.mpstatic.incar)) if (typeof v === 'number' || typeof v === 'boolean') expect(incar.get(k)).toEqual(v);
    expect(parseKpointMesh(read(join(dir, 'KPOINTS'))).mesh).toEqual(c.mpstatic.kpoints.mesh);
    const kdir = join(tmp, 'kvo');
    writeDeck(kdir, planStructureDeck(pmgStructure(pmg.cases[1]), { base: BASES['kvo-paper'], task: 'relax', presetName: 'kvo-paper', job, env: noEnv }));
    const k = parseIncar(read(join(kdir, 'INCAR'))).incar;
    expect([k.get('ENCUT'), k.get('EDIFF'), k.get('EDIFFG'), k.get('LDAUU'), k.get('ISIF')]).toEqual([400, 1e-6, -0.005, [0, 3.25, 0], 3]);
  });
});

describe('POTCAR', () => {
  it('without a library: POTCAR.spec (pymatgen format) and a note; never a POTCAR', () => {
    const c = pmg.cases[0];
    const dir = join(tmp, 'spec');
    const plan = planStructureDeck(pmgStructure(c), { base: BASES.mp, task: 'relax', presetName: 'relax', job, env: noEnv });
    writeDeck(dir, plan);
    expect(existsSync(join(dir, 'POTCAR'))).toBe(false);
    expect(read(join(dir, 'POTCAR.spec'))).toBe('Li_sv\nMn_pv\nO\n');
    expect(plan.notes[0]).toMatch(/no POTCAR library .* wrote POTCAR.spec \(Li_sv Mn_pv O\)/);
    expect(read(join(dir, 'README.md'))).toContain('cat "$VASP_PSP_DIR/Li_sv/POTCAR" "$VASP_PSP_DIR/Mn_pv/POTCAR" "$VASP_PSP_DIR/O/POTCAR" > POTCAR');
    expect(read(join(dir, 'job.sh'))).toContain('POTCAR missing');
  });

  it('$VASP_PSP_DIR is used, flat layout and gzipped POTCARs work, overrides pick variants', () => {
    const flat = makeFakePotcarLibrary(join(tmp, 'flat'), ['Li_sv', 'Mn', 'O'], { layout: 'flat', gzip: ['O'] });
    expect(potcarLibrary(undefined, { VASP_PSP_DIR: flat } as NodeJS.ProcessEnv)).toBe(flat);
    const syms = choosePotcarSymbols(['Li', 'Mn', 'O'], { Mn: 'Mn' });
    expect(syms).toEqual(['Li_sv', 'Mn', 'O']);
    const a = assemblePotcar(flat, syms, ['Li', 'Mn', 'O']);
    expect(parsePotcarEntries(a.text).map((e) => e.symbol)).toEqual(['Li_sv', 'Mn', 'O']);
    expect(a.sources[2].endsWith('POTCAR.gz')).toBe(true);
  });

  it('bad libraries and unknown elements give clear messages', () => {
    expect(() => choosePotcarSymbols(['Li', 'Po', 'O'])).toThrow(/no default POTCAR for Po/);
    try {
      choosePotcarSymbols(['Li', 'Po', 'O']);
    } catch (e) {
      expect((e as InputError).hint).toBe('name one with --potcar Po=SYMBOL (a folder of your POTCAR library)');
    }
    expect(() => choosePotcarSymbols(['Li'], { Li: 'Na_pv' })).toThrow(/--potcar Li=Na_pv: the POTCAR "Na_pv" is for Na, not Li/);
    expect(() => assemblePotcar(lib, ['Li_sv', 'Ni_pv', 'O'], ['Li', 'Ni', 'O'])).toThrow(/POTCAR "Ni_pv" not found in the library/);
    const wrong = makeFakePotcarLibrary(join(tmp, 'wrong'), ['Li_sv', 'Mn_pv', 'O'], { titel: { Mn_pv: 'Mn' } });
    expect(() => assemblePotcar(wrong, ['Li_sv', 'Mn_pv', 'O'], ['Li', 'Mn', 'O'])).toThrow(/TITEL names "Mn", but this folder is "Mn_pv"/);
    const lda = makeFakePotcarLibrary(join(tmp, 'lda'), ['Li_sv', 'O'], { functional: 'PAW' });
    expect(() => assemblePotcar(lda, ['Li_sv', 'O'], ['Li', 'O'])).toThrow(/TITEL "PAW Li_sv 01Jan2000" is not a PAW-PBE dataset/);
    expect(() => potcarLibrary(join(tmp, 'nope'), noEnv)).toThrow(/--potcar-dir is not a folder/);
    // a structure with an element without a default POTCAR: nothing written
    const po = new Structure(Lattice.cubic(3.35), [{ frac: [0, 0, 0], species: 'Po' }]);
    const dir = join(tmp, 'po');
    expect(() => writeDeck(dir, planStructureDeck(po, { base: BASES.mp, task: 'relax', presetName: 'relax', job, env: noEnv }))).toThrow(/no default POTCAR for Po/);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('job scripts', () => {
  it('Slurm and PBS directives, modules, launcher', () => {
    const s = jobScript({ scheduler: 'slurm', jobName: 'LiMn2O4 neb', nodes: 2, ntasksPerNode: 40, time: '1-12:00:00', partition: 'cpu', account: 'abc', modules: ['vasp/6.4.2-vtst'], images: 5, requireVtst: true, inputs: ['00/POSCAR'] });
    for (const l of ['#SBATCH --job-name=LiMn2O4_neb', '#SBATCH --nodes=2', '#SBATCH --ntasks-per-node=40', '#SBATCH --time=1-12:00:00', '#SBATCH --partition=cpu', '#SBATCH --account=abc', 'module load vasp/6.4.2-vtst', 'IMAGES=5', 'grep -qa LCLIMB "$VASP_PATH"', 'srun "$VASP_BIN"']) {
      expect(s).toContain(l);
    }
    const p = jobScript({ scheduler: 'pbs', jobName: 'a-very-long-job-name-indeed', nodes: 1, ntasksPerNode: 24, time: '1-12:00:00', partition: 'q' });
    for (const l of ['#PBS -N a-very-long-job', '#PBS -l select=1:ncpus=24:mpiprocs=24', '#PBS -l walltime=36:00:00', '#PBS -q q', 'cd "${PBS_O_WORKDIR:-.}"', 'mpirun -np "$NRANKS" "$VASP_BIN"']) {
      expect(p).toContain(l);
    }
    expect(p).not.toContain('IMAGES=');
  });

  it('NEB ranks must be a multiple of IMAGES; times are validated', () => {
    expect(totalRanks({ nodes: 2, ntasksPerNode: 35, images: 7 })).toBe(70);
    expect(() => totalRanks({ nodes: 1, ntasksPerNode: 32, images: 5 })).toThrow(/32 MPI ranks \(1 node\(s\) × 32\) is not a multiple of IMAGES = 5/);
    expect(() => jobScript({ scheduler: 'slurm', jobName: 'x', nodes: 1, ntasksPerNode: 4, time: '24h' })).toThrow(/--time "24h": expected HH:MM:SS/);
  });

  it('the generated script is valid bash and refuses to run without a POTCAR', () => {
    const dir = join(tmp, 'bash');
    mkdirSync(dir);
    const s = jobScript({ scheduler: 'slurm', jobName: 'x', nodes: 1, ntasksPerNode: 4, time: '00:10:00', images: 2, requireVtst: true });
    writeFileSync(join(dir, 'job.sh'), s);
    expect(spawnSync('bash', ['-n', join(dir, 'job.sh')]).status).toBe(0);
    const r = spawnSync('bash', [join(dir, 'job.sh')], { cwd: dir, env: { PATH: process.env.PATH ?? '', SLURM_SUBMIT_DIR: dir } });
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toContain('POTCAR missing');
    // with inputs but a non-VTST "VASP": the VTST check stops it
    for (const f of ['POTCAR', 'INCAR', 'KPOINTS', 'POSCAR']) writeFileSync(join(dir, f), 'x\n');
    writeFileSync(join(dir, 'fakevasp'), '#!/bin/sh\necho plain vasp\n', { mode: 0o755 });
    const r2 = spawnSync('bash', [join(dir, 'job.sh')], { cwd: dir, env: { PATH: `${dir}:${process.env.PATH ?? ''}`, SLURM_SUBMIT_DIR: dir, SLURM_NTASKS: '4', VASP_BIN: 'fakevasp' } });
    expect(r2.status).toBe(1);
    expect(r2.stderr.toString()).toContain('is not a VTST build');
    const r3 = spawnSync('bash', [join(dir, 'job.sh')], { cwd: dir, env: { PATH: `${dir}:${process.env.PATH ?? ''}`, SLURM_SUBMIT_DIR: dir, SLURM_NTASKS: '3', VASP_BIN: 'fakevasp' } });
    expect(r3.stderr.toString()).toContain('3 MPI ranks is not a multiple of IMAGES=2');
  });
});

describe('never overwrite a run', () => {
  const c = pmg.cases[0];
  const plan = () => planStructureDeck(pmgStructure(c), { base: BASES.mp, task: 'relax', presetName: 'relax', job, env: noEnv });

  it('a folder with OUTCAR/CONTCAR/vasprun.xml is refused; with --force only inputs change', () => {
    const dir = join(tmp, 'run');
    mkdirSync(dir);
    writeFileSync(join(dir, 'OUTCAR'), 'outcar bytes\n');
    writeFileSync(join(dir, 'CONTCAR'), 'contcar bytes\n');
    writeFileSync(join(dir, 'vasprun.xml'), '<modeling/>\n');
    writeFileSync(join(dir, 'INCAR'), 'OLD = 1\n');
    let err: unknown;
    try {
      writeDeck(dir, plan());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).formatted()).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: folder holds an existing VASP run \\(CONTCAR, OUTCAR, vasprun.xml\\); nothing was written\\n  hint: .*--force`));
    expect(read(join(dir, 'INCAR'))).toBe('OLD = 1\n');
    expect(readdirSync(dir).sort()).toEqual(['CONTCAR', 'INCAR', 'OUTCAR', 'vasprun.xml']);
    const w = writeDeck(dir, plan(), true);
    expect(w.keptOutputs.sort()).toEqual(['CONTCAR', 'OUTCAR', 'vasprun.xml']);
    expect(w.replaced).toEqual(['INCAR']);
    expect(read(join(dir, 'OUTCAR'))).toBe('outcar bytes\n');
    expect(read(join(dir, 'CONTCAR'))).toBe('contcar bytes\n');
    expect(read(join(dir, 'vasprun.xml'))).toBe('<modeling/>\n');
    expect(read(join(dir, 'INCAR'))).toContain('ENCUT');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('an earlier deck is not replaced without --force; run outputs in sub-folders count', () => {
    const dir = join(tmp, 'again');
    writeDeck(dir, plan());
    const before = read(join(dir, 'ionpath.json'));
    expect(() => writeDeck(dir, plan())).toThrow(/folder already holds job inputs \(INCAR, KPOINTS, POSCAR, POTCAR.spec, job.sh, … \(7 in all\)\); nothing was written/);
    expect(read(join(dir, 'ionpath.json'))).toBe(before);
    const neb = join(tmp, 'nebrun');
    mkdirSync(join(neb, 'neb', '03'), { recursive: true });
    writeFileSync(join(neb, 'neb', '03', 'OUTCAR'), 'x');
    expect(() => assertNotExistingRun(neb, false)).toThrow(/existing VASP run \(neb\/03\/OUTCAR\)/);
    expect(assertNotExistingRun(neb, true)).toEqual(['neb/03/OUTCAR']);
  });

  it('writeFileAtomic refuses run outputs and leaves no temporary files', () => {
    expect(isRunOutput('a/b/OUTCAR')).toBe(true);
    expect(isRunOutput('vasprun.xml.gz')).toBe(true);
    expect(isRunOutput('INCAR')).toBe(false);
    expect(() => writeFileAtomic(join(tmp, 'x', 'CONTCAR'), 'x')).toThrow(/refusing to write the VASP output file/);
    writeFileAtomic(join(tmp, 'atomic', 'a.txt'), 'one');
    writeFileAtomic(join(tmp, 'atomic', 'a.txt'), 'two');
    expect(readdirSync(join(tmp, 'atomic'))).toEqual(['a.txt']);
    expect(read(join(tmp, 'atomic', 'a.txt'))).toBe('two');
  });
});

describe('ionpath deck (CLI)', () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [join(projectRoot, 'node_modules/tsx/dist/cli.mjs'), join(projectRoot, 'test/data/neb/cli.ts'), ...args], {
      cwd: tmp,
      env: { ...process.env, VASP_PSP_DIR: '' },
      encoding: 'utf8',
    });

  it('writes a deck for a builtin, prints JSON, and refuses to overwrite it (exit 2)', () => {
    const dir = join(tmp, 'cli-deck');
    const r = cli(['deck', 'builtin:limn2o4', '--preset', 'relax', '-o', dir, '--json', '--incar', 'ENCUT=600', '--kmesh', '2x2x2']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.kind).toBe('single');
    expect(j.written.length).toBe(7);
    expect(j.settings.incar.ENCUT).toBe(600);
    expect(j.settings.kpoints.mesh).toEqual([2, 2, 2]);
    expect(parseIncar(read(join(dir, 'INCAR'))).incar.get('ENCUT')).toBe(600);
    writeFileSync(join(dir, 'OUTCAR'), 'run');
    const again = cli(['deck', 'builtin:limn2o4', '-o', dir]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/^ionpath: .*cli-deck: folder holds an existing VASP run \(OUTCAR\); nothing was written/);
    expect(read(join(dir, 'OUTCAR'))).toBe('run');
  }, 60_000);
});

describe('deck --preset neb', () => {
  it('is the fixed-cell endpoint relaxation of the NEB decks (same INCAR as endpoints/initial)', async () => {
    const { DECK_PRESETS, buildIncar } = await import('../../src/vasp/presets.js');
    expect(DECK_PRESETS.neb).toMatchObject({ base: 'mp', task: 'neb-endpoint' });
    const c = pmg.cases[0];
    const dir = join(tmp, 'deck-neb');
    writeDeck(dir, planStructureDeck(pmgStructure(c), { base: BASES.mp, task: 'neb-endpoint', presetName: 'neb', job, env: noEnv }));
    const i = parseIncar(read(join(dir, 'INCAR'))).incar;
    const s = pmgStructure(c).sortedByElement();
    const ref = buildIncar({ structure: s, speciesOrder: ['Li', 'Mn', 'O'], base: BASES.mp, task: 'neb-endpoint' }).incar;
    i.delete('SYSTEM');
    ref.delete('SYSTEM');
    expect([...i.entries()]).toEqual([...ref.entries()]);
    expect([i.get('ISIF'), i.get('EDIFFG'), i.get('LDAUU')]).toEqual([2, -0.05, [0, 3.9, 0]]);
  });
});
