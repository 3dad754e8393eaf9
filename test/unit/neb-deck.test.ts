/**
 * Complete NEB decks, inspected file by file:
 *  - the Li 8a > 16c > 8a vacancy hop in LiMn2O4 (built in test code from Fd-3m origin 2),
 *    MP settings, VTST, fake POTCAR library;
 *  - a Li interstitial hop along the c channel of a synthetic P31m host, kvo-paper
 *    settings, plain-VASP NEB, PBS, POTCAR.spec;
 *  - the CLI on the builtin limn2o4 and on explicit endpoints (--from/--to);
 *  - bad input: colliding images, unmatched endpoints, an existing run — clear messages,
 *    nothing written or overwritten.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lattice } from '../../src/core/lattice.js';
import type { Structure } from '../../src/core/structure.js';
import { parsePoscar, writePoscar } from '../../src/io/poscar.js';
import { parsePotcarEntries } from '../../src/io/potcar.js';
import { endpointsFromHop, type Hop, type NebEndpoints } from '../../src/neb/endpoints.js';
import { idppImages, imageReports, linearImages } from '../../src/neb/interpolate.js';
import { parseIncar } from '../../src/vasp/incar.js';
import { parseKpointMesh } from '../../src/vasp/kpoints.js';
import { BASES } from '../../src/vasp/presets.js';
import { planNebDeck, sha256, writeDeck, type JobSettings } from '../../src/vasp/deck.js';
import { limn2o4, p31mHost } from '../data/neb/build.js';
import { makeFakePotcarLibrary } from '../data/neb/fake-potcar.js';
import { pmg } from '../data/neb/pymatgen.js';
import { projectRoot } from '../helpers/fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'ionpath-neb-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const read = (p: string) => readFileSync(p, 'utf8');
const noEnv = {} as NodeJS.ProcessEnv;

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      if (n.isDirectory()) walk(join(d, n.name));
      else out.push(relative(dir, join(d, n.name)));
    }
  };
  walk(dir);
  return out.sort();
}

function poscarOf(path: string): Structure {
  return parsePoscar(read(path), { file: path }).structure;
}

const spinelHop: Hop = { from: [0.125, 0.125, 0.125], via: [[0, 0, 0]], to: [-0.125, -0.125, -0.125], ion: 'Li', mechanism: 'vacancy', label: '8a>16c>8a' };

describe('LiMn2O4 Li 8a>16c>8a vacancy hop: full deck', () => {
  const dir = join(tmp, 'limn2o4');
  const lib = makeFakePotcarLibrary(join(tmp, 'lib'), ['Li_sv', 'Mn_pv', 'O']);
  let ep: NebEndpoints;
  let images: Structure[];
  const job: JobSettings = { scheduler: 'slurm', nodes: 1, ntasksPerNode: 30, time: '48:00:00', partition: 'compute', modules: ['vasp/6.4.2-vtst'] };

  beforeAll(() => {
    ep = endpointsFromHop(limn2o4(), spinelHop);
    const r = idppImages(ep.initial, ep.final, 5, { movingIndex: ep.movingIndex, via: ep.via, hopVector: ep.hopVector });
    expect(r.result.converged).toBe(true);
    images = r.images;
    const plan = planNebDeck(ep, images, imageReports(images, ep.movingIndex), {
      base: BASES.mp,
      presetName: 'neb',
      vtst: true,
      method: 'idpp',
      hop: { kind: 'hop', label: '8a>16c>8a' },
      idpp: r.result,
      potcarDir: lib,
      env: noEnv,
      job,
      endpointJob: { ...job, ntasksPerNode: 32 },
    });
    writeDeck(dir, plan);
  });

  it('has exactly the DESIGN.md layout', () => {
    expect(listFiles(dir)).toEqual([
      'README.md',
      'endpoints/final/INCAR',
      'endpoints/final/KPOINTS',
      'endpoints/final/POSCAR',
      'endpoints/final/POTCAR',
      'endpoints/final/job.sh',
      'endpoints/initial/INCAR',
      'endpoints/initial/KPOINTS',
      'endpoints/initial/POSCAR',
      'endpoints/initial/POTCAR',
      'endpoints/initial/job.sh',
      'ionpath.json',
      'neb/00/POSCAR',
      'neb/01/POSCAR',
      'neb/02/POSCAR',
      'neb/03/POSCAR',
      'neb/04/POSCAR',
      'neb/05/POSCAR',
      'neb/06/POSCAR',
      'neb/INCAR',
      'neb/KPOINTS',
      'neb/POTCAR',
      'neb/job.sh',
    ]);
  });

  it('POSCARs: 167 atoms in Li/Mn/O blocks, one Li moving 3.573 Å through 16c, endpoints = neb/00 and neb/06', () => {
    const ini = poscarOf(join(dir, 'endpoints/initial/POSCAR'));
    const fin = poscarOf(join(dir, 'endpoints/final/POSCAR'));
    expect(read(join(dir, 'endpoints/initial/POSCAR')).split('\n').slice(5, 7).map((l) => l.trim().split(/\s+/))).toEqual([
      ['Li', 'Mn', 'O'],
      ['23', '48', '96'],
    ]);
    const m = ep.movingIndex;
    for (let i = 0; i < ini.nsites; i++) {
      const d = ini.lattice.minimumImageDistance(ini.sites[i].frac, fin.sites[i].frac);
      if (i === m) expect(d).toBeCloseTo((8.251 * Math.sqrt(3)) / 4, 9);
      else expect(d).toBeLessThan(1e-12);
    }
    const band = [0, 1, 2, 3, 4, 5, 6].map((k) => poscarOf(join(dir, `neb/0${k}/POSCAR`)));
    for (const s of band) {
      expect(s.nsites).toBe(167);
      expect(s.lattice.equals(ini.lattice, 1e-12)).toBe(true);
    }
    for (let i = 0; i < ini.nsites; i++) {
      expect(ini.lattice.minimumImageDistance(band[0].sites[i].frac, ini.sites[i].frac)).toBeLessThan(1e-12);
      expect(ini.lattice.minimumImageDistance(band[6].sites[i].frac, fin.sites[i].frac)).toBeLessThan(1e-12);
    }
    // image k written exactly as computed; the middle one holds Li on the 16c site (the hop midpoint)
    band.forEach((s, k) => s.sites.forEach((site, i) => expect(ini.lattice.minimumImageDistance(site.frac, images[k].sites[i].frac)).toBeLessThan(1e-12)));
    const mid = ini.lattice.toFractional(ini.lattice.toCartesian(ini.sites[m].frac).map((x, c) => x + ep.hopVector[c] / 2) as [number, number, number]);
    expect(ini.lattice.minimumImageDistance(band[3].sites[m].frac, mid)).toBeLessThan(0.01);
    // the moving Li advances monotonically along the hop
    const along = band.map((s) => {
      const v = ini.lattice.minimumImageVector(ini.sites[m].frac, s.sites[m].frac);
      return (v[0] * ep.hopVector[0] + v[1] * ep.hopVector[1] + v[2] * ep.hopVector[2]) / Math.hypot(...ep.hopVector);
    });
    for (let k = 1; k < 7; k++) expect(along[k]).toBeGreaterThan(along[k - 1]);
  });

  it('INCARs: endpoints and NEB share functional, +U (= MPRelaxSet), MAGMOM, ENCUT; NEB has the VTST tags', () => {
    const ei = parseIncar(read(join(dir, 'endpoints/initial/INCAR'))).incar;
    const ef = parseIncar(read(join(dir, 'endpoints/final/INCAR'))).incar;
    const nb = parseIncar(read(join(dir, 'neb/INCAR'))).incar;
    expect([...ei.entries()]).toEqual([...ef.entries()]);
    const mp = pmg.cases.find((c) => c.name === 'limn2o4')!.mprelax.incar;
    for (const tag of ['LDAU', 'LDAUTYPE', 'LDAUL', 'LDAUU', 'LDAUJ', 'LDAUPRINT', 'LMAXMIX', 'LASPH', 'ENCUT', 'ISPIN', 'PREC', 'ALGO', 'LREAL']) {
      expect(nb.get(tag), tag).toEqual(mp[tag]);
      expect(ei.get(tag), tag).toEqual(nb.get(tag));
    }
    expect(nb.get('LDAUU')).toEqual([0, 3.9, 0]);
    expect(nb.get('MAGMOM')).toEqual([...Array(23).fill(0.6), ...Array(48).fill(5), ...Array(96).fill(0.6)]);
    expect(ei.get('MAGMOM')).toEqual(nb.get('MAGMOM'));
    for (const tag of ['EDIFF', 'ISMEAR', 'SIGMA']) expect(ei.get(tag)).toEqual(nb.get(tag));
    expect([nb.get('IMAGES'), nb.get('SPRING'), nb.get('LCLIMB'), nb.get('IBRION'), nb.get('POTIM'), nb.get('IOPT'), nb.get('ISYM')]).toEqual([5, -5, true, 3, 0, 3, 0]);
    expect(nb.get('EDIFFG') as number).toBeLessThan(0);
    expect([ei.get('IBRION'), ei.get('ISIF'), ei.has('IMAGES')]).toEqual([2, 2, false]);
  });

  it('one k-mesh and one POTCAR for all parts; POTCAR TITELs in POSCAR order', () => {
    const k = ['endpoints/initial', 'endpoints/final', 'neb'].map((d) => read(join(dir, d, 'KPOINTS')));
    expect(new Set(k).size).toBe(1);
    expect(parseKpointMesh(k[0]).mesh).toEqual([2, 2, 2]);
    const p = ['endpoints/initial', 'endpoints/final', 'neb'].map((d) => read(join(dir, d, 'POTCAR')));
    expect(new Set(p).size).toBe(1);
    expect(parsePotcarEntries(p[0]).map((e) => e.titel)).toEqual(['PAW_PBE Li_sv 01Jan2000', 'PAW_PBE Mn_pv 01Jan2000', 'PAW_PBE O 01Jan2000']);
  });

  it('job scripts: endpoints 32 ranks, NEB 30 = 6 per image with the IMAGES and VTST checks', () => {
    const e = read(join(dir, 'endpoints/initial/job.sh'));
    expect(e).toContain('#SBATCH --ntasks-per-node=32');
    expect(e).toContain('#SBATCH --partition=compute');
    expect(e).toContain('module load vasp/6.4.2-vtst');
    expect(e).not.toContain('IMAGES=');
    const n = read(join(dir, 'neb/job.sh'));
    expect(n).toContain('#SBATCH --ntasks-per-node=30');
    expect(n).toContain('# Written by ionpath. 30 MPI rank(s) for IMAGES = 5 (6 per image).');
    expect(n).toContain('IMAGES=5');
    expect(n).toContain('grep -qa LCLIMB');
    expect(n).toContain('for f in INCAR KPOINTS 00/POSCAR 01/POSCAR 02/POSCAR 03/POSCAR 04/POSCAR 05/POSCAR 06/POSCAR; do');
    expect(spawnSync('bash', ['-n', join(dir, 'neb/job.sh')]).status).toBe(0);
  });

  it('ionpath.json: checksums of every file, supercell, images, settings; README says what to run', () => {
    const j = JSON.parse(read(join(dir, 'ionpath.json')));
    expect(j.kind).toBe('neb');
    expect(j.files.length).toBe(22);
    for (const f of j.files) expect(sha256(readFileSync(join(dir, f.path))), f.path).toBe(f.sha256);
    expect(j.supercell.natoms).toBe(167);
    expect(j.supercell.imageDistance).toBeGreaterThanOrEqual(9);
    expect(j.supercell.defectDistance).toBeGreaterThanOrEqual(9);
    expect(j.settings).toMatchObject({ preset: 'neb', base: 'mp', images: 5, method: 'idpp', vtst: true, tasks: { endpoints: 'neb-endpoint', neb: 'neb' } });
    expect(j.settings.potcar.symbols).toEqual(['Li_sv', 'Mn_pv', 'O']);
    expect(j.settings.job.ranksPerImage).toBe(6);
    expect(j.images.length).toBe(7);
    expect(j.images.every((r: { collisions: unknown[] }) => r.collisions.length === 0)).toBe(true);
    expect(j.movingIndex).toBe(ep.movingIndex);
    const readme = read(join(dir, 'README.md'));
    expect(readme).toContain('# NEB: Li23Mn48O96, 8a>16c>8a');
    expect(readme).toContain('hop length 3.573 Å');
    expect(readme).toContain('(cd endpoints/initial && sbatch job.sh)');
    expect(readme).toContain('cp endpoints/initial/OUTCAR neb/00/ && cp endpoints/final/OUTCAR neb/06/');
    expect(readme).toContain('| 03 |');
    expect(readme.indexOf('Relax the endpoints')).toBeLessThan(readme.indexOf('Run the NEB'));
  });

  it('an existing NEB run is never touched: refused, and with --force only inputs are replaced', () => {
    writeFileSync(join(dir, 'neb', '03', 'OUTCAR'), 'image 3 outcar');
    writeFileSync(join(dir, 'neb', '03', 'CONTCAR'), 'image 3 contcar');
    const before = read(join(dir, 'neb/INCAR'));
    const plan = planNebDeck(ep, images, imageReports(images, ep.movingIndex), {
      base: BASES.mp, presetName: 'neb', vtst: true, method: 'idpp', potcarDir: lib, env: noEnv, job, incarOverrides: new Map([['ENCUT', 600]]),
    });
    expect(() => writeDeck(dir, plan)).toThrow(/existing VASP run \(neb\/03\/CONTCAR, neb\/03\/OUTCAR\); nothing was written/);
    expect(read(join(dir, 'neb/INCAR'))).toBe(before);
    const w = writeDeck(dir, plan, true);
    expect(w.keptOutputs).toEqual(['neb/03/CONTCAR', 'neb/03/OUTCAR']);
    expect(read(join(dir, 'neb/03/OUTCAR'))).toBe('image 3 outcar');
    expect(read(join(dir, 'neb/03/CONTCAR'))).toBe('image 3 contcar');
    expect(parseIncar(read(join(dir, 'neb/INCAR'))).incar.get('ENCUT')).toBe(600);
    expect(parseIncar(read(join(dir, 'endpoints/initial/INCAR'))).incar.get('ENCUT')).toBe(600);
  });
});

describe('synthetic P31m host, Li interstitial: kvo-paper, plain VASP, PBS, POTCAR.spec', () => {
  const dir = join(tmp, 'p31m');
  const hop: Hop = { from: [0, 0, 0.05], via: [[0, 0, 0.4], [0, 0, 0.7]], to: [0, 0, 1.05], ion: 'Li', mechanism: 'interstitial', label: 'c channel' };
  let ep: NebEndpoints;

  beforeAll(() => {
    ep = endpointsFromHop(p31mHost(), hop);
    const r = idppImages(ep.initial, ep.final, 6, { movingIndex: ep.movingIndex, via: ep.via, hopVector: ep.hopVector });
    const plan = planNebDeck(ep, r.images, imageReports(r.images, ep.movingIndex), {
      base: BASES['kvo-paper'],
      presetName: 'kvo-paper',
      vtst: false,
      method: 'idpp',
      hop: { kind: 'hop', label: 'c channel' },
      idpp: r.result,
      env: noEnv,
      job: { scheduler: 'pbs', nodes: 2, ntasksPerNode: 24, time: '2-00:00:00', partition: 'workq' },
    });
    writeDeck(dir, plan);
  });

  it('files, atoms and the inserted Li', () => {
    const files = listFiles(dir);
    expect(files.filter((f) => f.startsWith('neb/') && f.endsWith('POSCAR')).length).toBe(8);
    expect(files.filter((f) => f.endsWith('POTCAR.spec')).length).toBe(3);
    expect(files.some((f) => f.endsWith('/POTCAR'))).toBe(false);
    const ini = poscarOf(join(dir, 'endpoints/initial/POSCAR'));
    expect(ini.formula).toBe('K24 Li1 V40 O88');
    expect(read(join(dir, 'endpoints/initial/POSCAR')).split('\n')[5].trim().split(/\s+/)).toEqual(['K', 'Li', 'V', 'O']);
    expect(read(join(dir, 'neb/POTCAR.spec'))).toBe('K_sv\nLi_sv\nV_pv\nO\n');
    const fin = poscarOf(join(dir, 'endpoints/final/POSCAR'));
    expect(ini.lattice.minimumImageDistance(ini.sites[ep.movingIndex].frac, fin.sites[ep.movingIndex].frac)).toBeCloseTo(5, 9);
  });

  it('kvo-paper settings with V +U in every part; plain-VASP NEB (IBRION 1, no LCLIMB/IOPT)', () => {
    for (const d of ['endpoints/initial', 'endpoints/final', 'neb']) {
      const i = parseIncar(read(join(dir, d, 'INCAR'))).incar;
      expect([i.get('ENCUT'), i.get('EDIFF'), i.get('EDIFFG'), i.get('LDAUU'), i.get('LDAUL')], d).toEqual([400, 1e-6, -0.005, [0, 0, 3.25, 0], [0, 0, 2, 0]]);
    }
    const n = parseIncar(read(join(dir, 'neb/INCAR'))).incar;
    expect([n.get('IMAGES'), n.get('IBRION'), n.get('SPRING'), n.has('LCLIMB'), n.has('IOPT')]).toEqual([6, 1, -5, false, false]);
  });

  it('PBS job: 48 ranks = 8 per image, no VTST check', () => {
    const j = read(join(dir, 'neb/job.sh'));
    expect(j).toContain('#PBS -l select=2:ncpus=24:mpiprocs=24');
    expect(j).toContain('#PBS -l walltime=48:00:00');
    expect(j).toContain('IMAGES=6');
    expect(j).not.toContain('LCLIMB');
    expect(read(join(dir, 'README.md'))).toContain('(cd neb && qsub job.sh)');
  });
});

describe('bad input', () => {
  it('colliding linear images are reported per image (K–Li in the P31m channel)', () => {
    const ep = endpointsFromHop(p31mHost(), { from: [0, 0, 0.05], via: [[0, 0, 0.4], [0, 0, 0.7]], to: [0, 0, 1.05], ion: 'Li', mechanism: 'interstitial' });
    const lin = linearImages(ep.initial, ep.final, 5, { movingIndex: ep.movingIndex, via: ep.via, hopVector: ep.hopVector });
    const rep = imageReports(lin, ep.movingIndex);
    expect(rep.filter((r) => r.collisions.length).map((r) => r.index)).toEqual([2, 3]);
    expect(rep[3].closest.elements.sort()).toEqual(['K', 'Li']);
  });
});

describe('ionpath neb (CLI)', () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(projectRoot, 'node_modules/tsx/dist/cli.mjs'), join(projectRoot, 'test/data/neb/cli.ts'), ...args], {
      cwd: tmp,
      env: { ...process.env, VASP_PSP_DIR: '', ...env },
      encoding: 'utf8',
    });

  it('builtin limn2o4 with --frac-path: JSON summary, $VASP_PSP_DIR POTCARs', () => {
    const lib = makeFakePotcarLibrary(join(tmp, 'envlib'), ['Li_sv', 'Mn_pv', 'O'], { layout: 'flat' });
    const dir = join(tmp, 'cli-neb');
    const r = cli(['neb', 'builtin:limn2o4', '--frac-path', '0.125,0.125,0.125>0,0,0>-0.125,-0.125,-0.125', '--images', '3', '-o', dir, '--json', '--min-image-distance', '8'], { VASP_PSP_DIR: lib });
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.natoms).toBe(111);
    expect(j.supercell.natoms).toBe(111);
    expect(j.images.length).toBe(5);
    expect(j.idpp.converged).toBe(true);
    expect(j.written.length).toBe(21); // 2 × 5 endpoint files, neb: 4 + 5 POSCARs, README, ionpath.json
    expect(existsSync(join(dir, 'neb/POTCAR'))).toBe(true);
    // default ranks for 3 images: 30 (a multiple of 3)
    expect(read(join(dir, 'neb/job.sh'))).toContain('#SBATCH --ntasks-per-node=30');
  }, 60_000);

  it('explicit endpoints: matched, and unmatched ones refused with exit 2 and nothing written', () => {
    const ep = endpointsFromHop(limn2o4(), spinelHop, { minImageDistance: 8 });
    const a = join(tmp, 'A.vasp');
    const b = join(tmp, 'B.vasp');
    writeFileSync(a, writePoscar(ep.initial));
    // the final endpoint with its atoms in reverse order (a user's file)
    const rev = ep.final.withSites([...ep.final.sites].reverse());
    writeFileSync(b, writePoscar(rev, { order: 'first-appearance' }));
    const dir = join(tmp, 'cli-ends');
    const r = cli(['neb', '--from', a, '--to', b, '--images', '3', '-o', dir, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.natoms).toBe(111);
    expect(j.supercell).toBeNull();
    const m = j.movingIndex as number;
    const s0 = poscarOf(join(dir, 'neb/00/POSCAR'));
    const s4 = poscarOf(join(dir, 'neb/04/POSCAR'));
    expect(s0.majorityElement(m)).toBe('Li');
    expect(s0.lattice.minimumImageDistance(s0.sites[m].frac, s4.sites[m].frac)).toBeCloseTo((8.251 * Math.sqrt(3)) / 4, 6);
    const manifest = JSON.parse(read(join(dir, 'ionpath.json')));
    expect(manifest.inputs.map((x: { role: string }) => x.role)).toEqual(['initial endpoint', 'final endpoint']);
    expect(manifest.inputs[0].sha256).toBe(sha256(readFileSync(a)));

    // a final endpoint with a different cell
    const c = join(tmp, 'C.vasp');
    writeFileSync(c, writePoscar(ep.final.withLattice(new Lattice(ep.final.lattice.matrix.map((row) => row.map((x) => x * 1.05))))));
    const bad = cli(['neb', '--from', a, '--to', c, '-o', join(tmp, 'cli-bad')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^ionpath: .*C\.vasp: cannot match endpoints: the cells differ/);
    expect(existsSync(join(tmp, 'cli-bad'))).toBe(false);
  }, 60_000);

  it('colliding images (linear through the K bottleneck) are refused with exit 2, --allow-close writes them', () => {
    const host = join(tmp, 'host.vasp');
    writeFileSync(host, writePoscar(p31mHost()));
    const args = ['neb', host, '--frac-path', '0,0,0.05>0,0,0.4>0,0,0.7>0,0,1.05', '--mechanism', 'interstitial', '--method', 'linear', '--images', '5'];
    const r = cli([...args, '-o', join(tmp, 'cli-close')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^ionpath: image 02: atoms \d+ \((K|Li)\) and \d+ \((K|Li)\) are 1\.9\d\d Å apart — too close \(2 image\(s\) affected\); nothing was written\n  hint: use --method idpp/);
    expect(existsSync(join(tmp, 'cli-close'))).toBe(false);
    const ok = cli([...args, '--allow-close', '-o', join(tmp, 'cli-close2'), '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).images.map((x: { collisions: number }) => x.collisions > 0)).toEqual([false, false, true, true, false, false, false]);
  }, 60_000);

  it('--hop without a resolver and missing -o give clear messages', () => {
    const r = cli(['neb', 'builtin:limn2o4', '--hop', 'h1', '-o', join(tmp, 'x')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--hop needs the hops of `ionpath paths`, which this build cannot resolve yet");
    const r2 = cli(['neb', 'builtin:limn2o4', '--frac-path', '0.125,0.125,0.125>0.375,0.375,-0.125']);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toContain('say where to write the deck: -o DIR');
  }, 60_000);
});
