/**
 * `ionpath screen`: a folder of real fixture CIFs (spinels, layered oxides, a file BVSE has no
 * parameters for, a broken file) screened on worker threads; ranks, dimensionalities,
 * capacities/densities against pymatgen (screen-expected.py → screen-expected.json), error
 * rows, determinism across worker counts, shards 1/3 + 2/3 + 3/3 merged = one run, the merge
 * report, the Slurm array script, and the worker pool's crash and time-limit handling.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import yargs from 'yargs';
import type { CommandModule } from 'yargs';
import { bvseGrid } from '../../src/analysis/bvse.js';
import { gridPercolation } from '../../src/analysis/grid-percolation.js';
import { findHops } from '../../src/analysis/paths.js';
import { findSites } from '../../src/analysis/sites.js';
import { screenCommand } from '../../src/cli/screen.js';
import { readStructure } from '../../src/io/read-structure.js';
import { runPool } from '../../src/screen/pool.js';
import { DEFAULT_SCREEN_OPTIONS, isScreenError, rankRows, runScreen, type ScreenResult, type ScreenRow } from '../../src/screen/screen.js';
import { collectInputs, mergeShards, parseShard, shardTasks, type ScreenDocument } from '../../src/screen/shard.js';
import { shellQuote, slurmArrayScript } from '../../src/screen/slurm.js';
import { describeWithFixtures, fixture } from '../helpers/fixtures.js';

const LMO = 'cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif';
const LTO = 'cif/LiTi2O4_AMCSD0014220_Fd3m_origin1.cif';
const LNO = 'cif/LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif';
const NCM = 'cif/LiCo1-3Ni1-3Mn1-3O2_NCM111_Yin2006_ICSD171750_R-3m-H_transcribed.cif';
const LPB = 'cif/Li2Pt3B_COD1511225_P4332_omdb-findsym.cif';

const expected = JSON.parse(readFileSync(new URL('./screen-expected.json', import.meta.url), 'utf8')) as {
  structures: Record<string, { reducedFormula: string; spacegroupNumber: number; density: number; gravimetric: number; volumetric: number }>;
};

/** Run `ionpath screen …` through yargs in this process; stdout, stderr and exit code. */
async function cli(argv: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  process.exitCode = 0;
  try {
    await yargs(argv)
      .scriptName('ionpath')
      .strict()
      .command(screenCommand as unknown as CommandModule)
      .fail((msg, error) => {
        throw error ?? new Error(msg);
      })
      .parseAsync();
    return { stdout: out.join(''), stderr: err.join(''), code: Number(process.exitCode ?? 0) };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = 0;
  }
}

const ok = (rows: readonly ScreenRow[]) => rows.filter((r): r is ScreenResult & { rank: number } => !isScreenError(r));
const byName = (rows: readonly ScreenRow[], name: string) => rows.find((r) => r.file.endsWith(name))!;

describe('shards, inputs and the Slurm script (no fixtures)', () => {
  it('parses i/n and refuses nonsense', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    expect(() => parseShard('0/8')).toThrow(/1 ≤ i ≤ n/);
    expect(() => parseShard('9/8')).toThrow(/1 ≤ i ≤ n/);
    expect(() => parseShard('2-8')).toThrow(/expected i\/n/);
  });
  it('shard i/n takes the indices k with k mod n = i-1; the shards partition the list', () => {
    const files = Array.from({ length: 10 }, (_, k) => `f${k}`);
    expect(shardTasks(files, { index: 1, count: 3 }).map((t) => t.index)).toEqual([0, 3, 6, 9]);
    expect(shardTasks(files, { index: 2, count: 3 }).map((t) => t.index)).toEqual([1, 4, 7]);
    expect(shardTasks(files, { index: 3, count: 3 }).map((t) => t.file)).toEqual(['f2', 'f5', 'f8']);
    expect(shardTasks(files).length).toBe(10);
    for (const n of [1, 2, 3, 7, 10, 13]) {
      const all = Array.from({ length: n }, (_, i) => shardTasks(files, { index: i + 1, count: n }).map((t) => t.index)).flat();
      expect(all.sort((a, b) => a - b)).toEqual(files.map((_, k) => k));
    }
  });
  it('writes the sbatch array script', () => {
    const s = slurmArrayScript({
      tasks: 8,
      inputs: ['cifs', "my hosts/K3V5O14's.cif"],
      screenArgs: ['--ion', 'Li', '--resolution', '0.3'],
      workdir: '/scratch/me/run1',
      partition: 'short',
      time: '02:00:00',
      cpusPerTask: 4,
    });
    const lines = s.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    expect(lines).toContain('#SBATCH --array=0-7');
    expect(lines).toContain('#SBATCH --cpus-per-task=4');
    expect(lines).toContain('#SBATCH --time=02:00:00');
    expect(lines).toContain('#SBATCH --partition=short');
    expect(lines).toContain('#SBATCH --chdir=/scratch/me/run1');
    expect(lines).toContain('#SBATCH --output=screen-%A_%a.log');
    expect(lines).toContain('set -euo pipefail');
    expect(lines).toContain(`$IONPATH screen cifs 'my hosts/K3V5O14'\\''s.cif' --ion Li --resolution 0.3 \\`);
    expect(lines).toContain('  --shard $((ID + 1))/8 --workers "${SLURM_CPUS_PER_TASK:-1}" --json > "$OUT.tmp"');
    expect(lines).toContain('OUT=shard-$ID.json');
    expect(lines).toContain('mv "$OUT.tmp" "$OUT"');
    expect(s).toContain('ionpath screen merge shard-*.json --inputs cifs');
    expect(s).not.toContain('--mem');
    const d = slurmArrayScript({ tasks: 3, inputs: ['a'], screenArgs: [], workdir: '/w', shardDir: 'out/', maxConcurrent: 2 });
    expect(d).toContain('#SBATCH --array=0-2%2\n');
    expect(d).toContain('#SBATCH --output=out/screen-%A_%a.log\n');
    expect(d).toContain('OUT=out/shard-$ID.json\n');
    expect(() => slurmArrayScript({ tasks: 2, inputs: ['a'], screenArgs: [], workdir: '/w', time: '2 hours' })).toThrow(/wall time/);
    expect(() => slurmArrayScript({ tasks: 2, inputs: ['a'], screenArgs: [], workdir: '/w', partition: 'a;rm -rf' })).toThrow(/plain Slurm name/);
    expect(() => slurmArrayScript({ tasks: 0, inputs: ['a'], screenArgs: [], workdir: '/w' })).toThrow(/≥ 1/);
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('plain/path.cif')).toBe('plain/path.cif');
  });
});

describe('worker pool', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ionpath-pool-'));
    const pool = new URL('../../src/screen/pool.ts', import.meta.url).pathname;
    writeFileSync(
      join(dir, 'w.mts'),
      `import { serveTasks } from ${JSON.stringify(pool)};\n` +
        `serveTasks((t: number) => { if (t === 3) process.exit(3); if (t === 7) { const e = Date.now(); while (Date.now() - e < 5000); } return t * t; });\n`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('returns results in task order; a crashed or timed-out task gets its failure, the rest go on', async () => {
    const done: number[] = [];
    const r = await runPool([1, 2, 3, 4, 5, 6, 7, 8], {
      workerFile: join(dir, 'w.mts'),
      workers: 2,
      timeoutMs: 1500,
      onFailure: (t, reason) => `task ${t}: ${reason}`,
      onResult: (_t, _r, n) => done.push(n),
    });
    expect(r).toEqual([1, 4, 'task 3: worker stopped (exit code 3)', 16, 25, 36, 'task 7: timed out after 1.5 s (worker stopped)', 64]);
    expect(done).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
  it('rejects when workers cannot start', async () => {
    writeFileSync(join(dir, 'bad.mts'), 'throw new Error("no start");\n');
    await expect(runPool([1, 2], { workerFile: join(dir, 'bad.mts'), workers: 1, onFailure: () => 0 })).rejects.toThrow(/fail to start.*no start/);
  });
});

describeWithFixtures('ionpath screen on fixture CIFs', [LMO, LTO, LNO, NCM, LPB], () => {
  let dir: string;
  let full: ScreenDocument;
  const args = ['--ion', 'Li', '--resolution', '0.4'];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ionpath-screen-'));
    const hosts = join(dir, 'hosts');
    mkdirSync(join(hosts, 'layered'), { recursive: true });
    mkdirSync(join(hosts, '.hidden'));
    symlinkSync(fixture(LMO), join(hosts, 'LiMn2O4.cif'));
    symlinkSync(fixture(LTO), join(hosts, 'LiTi2O4.cif'));
    symlinkSync(fixture(LNO), join(hosts, 'layered', 'LiNiO2.cif'));
    symlinkSync(fixture(NCM), join(hosts, 'layered', 'NCM111.cif'));
    symlinkSync(fixture(LPB), join(hosts, 'Li2Pt3B.cif'));
    symlinkSync(fixture(LMO), join(hosts, '.hidden', 'copy.cif'));
    writeFileSync(
      join(hosts, 'broken.cif'),
      'data_broken\n_cell_length_a 5\n_cell_length_b 5\n_cell_length_c 5\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nLi1 0 0 zero\n',
    );
    writeFileSync(join(hosts, 'notes.txt'), 'not a structure\n');
    const r = await cli(['screen', hosts, ...args, '--workers', '2', '--json']);
    expect(r.stderr).toBe('');
    full = JSON.parse(r.stdout) as ScreenDocument;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('walks folders for structure files, sorted, hidden entries and other files left out, each file once', () => {
    const hosts = join(dir, 'hosts');
    const names = ['Li2Pt3B.cif', 'LiMn2O4.cif', 'LiTi2O4.cif', 'broken.cif', 'layered/LiNiO2.cif', 'layered/NCM111.cif'];
    expect(collectInputs([hosts])).toEqual(names.map((n) => join(hosts, n)));
    // a file named twice (directly and through its folder) is screened once
    expect(collectInputs([join(hosts, 'LiMn2O4.cif'), hosts]).length).toBe(6);
    expect(full.inputs.count).toBe(6);
    expect(full.summary).toEqual({ files: 6, structures: 4, errors: 2 });
  });

  it('ranks spinels (3D) first, then layered oxides (2D); bad files last with their reason', () => {
    const names = full.rows.map((r) => r.file.split('/').pop());
    expect(names).toEqual(['LiMn2O4.cif', 'LiTi2O4.cif', 'LiNiO2.cif', 'NCM111.cif', 'Li2Pt3B.cif', 'broken.cif']);
    expect(full.rows.map((r) => r.rank)).toEqual([1, 2, 3, 4, null, null]);
    const bad = full.rows.filter(isScreenError);
    expect(bad[0].error).toBe('no softBV parameters for Li–Pt pairs');
    expect(bad[0].formula).toBe('Li2BPt3');
    expect(bad[1].error).toBe("line 10: expected a number for _atom_site_fract_z of atom Li1, found 'zero'");
    expect(bad.every((b) => !b.internal)).toBe(true);
  });

  it('spinels: Li on 8a, empty 16c, 3D hop network and 3D BVSE percolation; layered: 2D only', () => {
    for (const name of ['LiMn2O4.cif', 'LiTi2O4.cif']) {
      const r = byName(full.rows, name) as ScreenResult;
      expect(r.sites).toEqual({ occupied: 1, interstitial: 1, labels: ['8a', '16c*'] });
      expect(r.hopNetwork.dimensionality).toBe(3);
      expect(r.hopNetwork.e3D).not.toBeNull();
      expect(r.bvsePercolation!.e3D).not.toBeNull();
      // in a spinel the 8a–16c–8a channels connect in 3D at once
      expect(r.bvsePercolation!.e1D).toBe(r.bvsePercolation!.e3D);
      expect(r.bottleneck!.dimensionality).toBe(3);
    }
    for (const name of ['LiNiO2.cif', 'NCM111.cif']) {
      const r = byName(full.rows, name) as ScreenResult;
      expect(r.hopNetwork.dimensionality).toBe(2);
      expect(r.hopNetwork.e3D).toBeNull();
      expect(r.bvsePercolation!.e2D).not.toBeNull();
      expect(r.bvsePercolation!.e3D).toBeNull();
      expect(r.bottleneck!.dimensionality).toBe(2);
    }
  });

  it('density, space group and capacity match pymatgen', () => {
    const map: [string, string][] = [['LiMn2O4.cif', LMO], ['LiTi2O4.cif', LTO], ['LiNiO2.cif', LNO], ['NCM111.cif', NCM]];
    for (const [name, rel] of map) {
      const r = byName(full.rows, name) as ScreenResult;
      const x = expected.structures[rel.slice(4)];
      expect(r.spacegroup.number).toBe(x.spacegroupNumber);
      expect(r.density).toBeCloseTo(x.density, 4);
      expect(r.capacity!.mode).toBe('extraction');
      expect(r.capacity!.gravimetric).toBeCloseTo(x.gravimetric, 3);
      expect(r.capacity!.volumetric!).toBeCloseTo(x.volumetric, 2);
    }
    expect((byName(full.rows, 'LiMn2O4.cif') as ScreenResult).reducedFormula).toBe('LiMn2O4');
    expect(Math.round((byName(full.rows, 'LiMn2O4.cif') as ScreenResult).capacity!.gravimetric)).toBe(148);
  });

  it('the numbers are those of sites/paths/BVSE called directly', () => {
    const s = readStructure(fixture(LMO)).structure;
    const sites = findSites(s, { ion: 'Li' });
    const p = findHops(s, sites, {});
    const g = bvseGrid(sites.model, 0.4);
    const pe = gridPercolation(g.energies, g.shape);
    const r = byName(full.rows, 'LiMn2O4.cif') as ScreenResult;
    const r6 = (x: number | null) => (x === null ? null : Math.round(x * 1e6) / 1e6);
    expect(r.bvsePercolation).toEqual({ e1D: r6(pe.e1D), e2D: r6(pe.e2D), e3D: r6(pe.e3D), resolution: 0.4 });
    const first3D = p.percolation.find((x) => x.dimensionality === 3)!;
    expect(r.hopNetwork.e3D).toBe(first3D.threshold);
    // the network is the 8a–16c hop: its window is the bottleneck
    const h = p.hops.find((x) => x.id === r.bottleneck!.limitingHop)!;
    expect([h.from, h.to].sort()).toEqual(['16c', '8a']);
    expect(r.bottleneck!.hops).toEqual([h.id]);
    expect(r.bottleneck!.radius).toBe(h.bottleneckRadius);
  });

  it('is deterministic: in-thread and 1 worker give the same document as 2 workers', async () => {
    const files = collectInputs([join(dir, 'hosts')]);
    const rows = await runScreen(shardTasks(files), { ...DEFAULT_SCREEN_OPTIONS, resolution: 0.4 }, { workers: 0 });
    expect(rankRows(rows)).toEqual(full.rows);
  });

  it('shards 1/3 + 2/3 + 3/3 merged equal the unsharded run; the merge names what is missing', async () => {
    const hosts = join(dir, 'hosts');
    const paths: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const r = await cli(['screen', hosts, ...args, '--workers', '1', '--shard', `${i}/3`, '--json', '-o', join(dir, `shard-${i - 1}.json`)]);
      expect(r.stderr).toMatch(/^ionpath: wrote .*shard-\d\.json: \d structures? ranked, \d skipped\n$/);
      expect(r.code).toBe(0);
      paths.push(join(dir, `shard-${i - 1}.json`));
    }
    const shard2 = JSON.parse(readFileSync(paths[1], 'utf8')) as ScreenDocument;
    expect(shard2.shard).toEqual({ index: 2, count: 3 });
    expect(shard2.rows.map((r) => r.index).sort()).toEqual([1, 4]);
    // merged through the CLI, shards given out of order
    const m = await cli(['screen', 'merge', paths[2], paths[0], paths[1], '--json']);
    expect(m.stderr).toBe('');
    expect(m.code).toBe(0);
    const merged = JSON.parse(m.stdout) as ScreenDocument;
    expect(merged.rows).toEqual(full.rows);
    expect(merged.summary).toEqual(full.summary);
    expect(merged.merge).toMatchObject({ shardCount: 3, shards: [1, 2, 3], missingShards: [], missingFiles: [], duplicateFiles: [], complete: true });
    // shard 3 missing, shard 1 twice: reported, exit code 2, files named with --inputs
    const bad = await cli(['screen', 'merge', paths[0], paths[0], paths[1], '--inputs', hosts, '--json']);
    expect(bad.code).toBe(2);
    const rep = (JSON.parse(bad.stdout) as ScreenDocument).merge!;
    const files = collectInputs([hosts]);
    expect(rep.missingShards).toEqual([3]);
    expect(rep.missingFiles).toEqual([{ index: 2, file: files[2] }, { index: 5, file: files[5] }]);
    expect(rep.duplicateShards).toEqual([1]);
    expect(rep.duplicateFiles.map((d) => [d.index, d.differ])).toEqual([[0, false], [3, false]]);
    expect(bad.stderr).toMatch(/missing shard 3\/3/);
    // shards of another run (other options) are refused
    const other = { ...shard2, options: { ...shard2.options, resolution: 0.3 } };
    expect(() => mergeShards([{ path: 'a', doc: JSON.parse(readFileSync(paths[0], 'utf8')) }, { path: 'b', doc: other }])).toThrow(/other options.*resolution 0.4 vs 0.3/);
    // never overwrite without --force
    const again = await cli(['screen', hosts, ...args, '--shard', '1/3', '--json', '-o', paths[0]]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists; not overwriting it/);
  }, 120_000);

  it('--csv: one line per row with the ranked columns; --sort capacity reorders', async () => {
    const files = collectInputs([join(dir, 'hosts')]);
    const doc: ScreenDocument = { ...full, rows: rankRows(full.rows.map(({ rank: _r, ...x }) => x as ScreenRow), 'capacity') };
    expect(ok(doc.rows).map((r) => r.reducedFormula.slice(0, 6))).toEqual(['Li2.99', 'LiNiO2', 'LiTi2O', 'LiMn2O']);
    const { screenCsv } = await import('../../src/cli/screen.js');
    const csv = screenCsv(full.rows).trimEnd().split('\n');
    expect(csv.length).toBe(1 + files.length);
    expect(csv[0].split(',').slice(0, 5)).toEqual(['rank', 'index', 'file', 'block', 'reducedFormula']);
    expect(csv[1].startsWith(`1,1,${files[1]},,LiMn2O4,227,F d -3 m,56,`)).toBe(true);
    expect(csv[5]).toMatch(/^,0,.*Li2Pt3B\.cif,,Li2BPt3,.*,no softBV parameters for Li–Pt pairs$/);
  });

  it('--slurm-array writes the job script (never over an existing file without --force)', async () => {
    const out = join(dir, 'job.sh');
    const r = await cli(['screen', 'hosts', ...args, '--slurm-array', '4', '--partition', 'short', '--time', '00:30:00', '--cpus-per-task', '2', '-o', out]);
    expect(r.code).toBe(0);
    const s = readFileSync(out, 'utf8');
    expect(s).toContain('#SBATCH --array=0-3\n');
    expect(s).toContain(`#SBATCH --chdir=${process.cwd()}\n`);
    expect(s).toContain('$IONPATH screen hosts --ion Li --resolution 0.4 --max-hop 4.5 --max-peak 5 --symprec 0.01 \\\n  --shard $((ID + 1))/4 ');
    const again = await cli(['screen', 'hosts', '--slurm-array', '4', '-o', out]);
    expect(again.code).toBe(2);
    const noOut = await cli(['screen', 'hosts', '--slurm-array', '4']);
    expect(noOut.stderr).toMatch(/say where with -o/);
  });
});
