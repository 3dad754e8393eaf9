#!/usr/bin/env node
/**
 * OUTCAR throughput and peak memory: ionpath's streaming reader (src/io/outcar.ts) against
 * pymatgen's Outcar and ASE's vasp-out reader (bench/outcar_throughput.py), on
 *   1. the largest OUTCAR fixtures, and
 *   2. a big OUTCAR made in /tmp/ionpath-bench from a real run (pymatgen's OUTCAR.CL:
 *      P2O5 relaxation, VASP 5.3.3, 79 ionic steps, 3 MB): its header, then its 79 ionic
 *      steps repeated (ionic step numbers renumbered) until the file reaches --mb
 *      megabytes, then its final timing block. Never commit it.
 *
 *   node --import tsx bench/outcar-throughput.mjs [--mb 500] [--repeat 1] [--readers ionpath,pymatgen,ase]
 *                                                 [--skip-fixtures] [--keep]
 *
 * Every run is a fresh process, so peak RSS (getrusage maxrss) is that reader's alone;
 * the interpreter's RSS before reading is shown as "base". Peak − base for ionpath is
 * mostly V8's young generation growing under a high allocation rate (bounded, at most a
 * few tens of MB); the heap still alive after a full GC at the end is printed too — it
 * is what shows memory is flat (it does not grow with the file). Times: wall clock and CPU time (user + system) of the read
 * alone; on a shared machine CPU time is the steadier measure, and MB/s uses it.
 * Each reader reports its step count and final energy; they must agree.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const fixtures = resolve(process.env.IONPATH_FIXTURES ?? join(root, '..', 'shared', 'fixtures'));
const SOURCE = join(fixtures, 'vasp/pymatgen/test_files/OUTCAR.CL');
const LARGEST = [
  'vasp/pymatgen/test_files/OUTCAR.CL',
  'vasp/npjuc-bilayer-graphene-synapse/fig-2d-NEB/NEB/02/OUTCAR.gz',
  'vasp/custodian/tests/files/postprocess/OUTCAR',
  'vasp/atomate2/tests/test_data/vasp/Si_NEB/NEB/outputs/01/OUTCAR.gz',
];
const TMP = join('/tmp', 'ionpath-bench');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const REPEAT = Math.max(1, Number(opt('--repeat', '1')));
const READERS = opt('--readers', 'ionpath,pymatgen,ase').split(',');

/** Child mode: read one file with ionpath and print one JSON line. */
async function child(file) {
  const { readOutcar } = await import('../src/io/outcar.ts');
  const base = process.resourceUsage().maxRSS;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = await readOutcar(file);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  // what stays alive after a full GC: flat memory means this does not grow with the file
  let retainedHeapMB = null;
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
    retainedHeapMB = process.memoryUsage().heapUsed / 1e6;
  }
  process.stdout.write(
    JSON.stringify({
      seconds,
      cpuSeconds: (c.user + c.system) / 1e6,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      baselineRssMB: base / 1024,
      steps: r.nDftSteps,
      finalEnergy: r.finalEnergy,
      retainedHeapMB,
    }) + '\n',
  );
}

/** Header + the run's ionic steps × k (renumbered) + the timing tail, streamed to `out`. */
async function makeBig(text, out, targetBytes) {
  const firstIter = text.search(/^-+ Iteration +1\( +1\)/m);
  const timing = text.indexOf(' General timing and accounting');
  // steps block: from the first iteration to the end of the last LOOP+ line
  const endOfLastLoop = text.indexOf('\n', text.lastIndexOf('LOOP+', timing)) + 1;
  const header = text.slice(0, firstIter);
  const steps = text.slice(firstIter, endOfLastLoop);
  const tail = text.slice(endOfLastLoop);
  const nSteps = (steps.match(/FREE ENERGIE OF THE ION-ELECTRON SYSTEM/g) ?? []).length;
  const reps = Math.max(1, Math.round((targetBytes - header.length - tail.length) / steps.length));
  const ws = createWriteStream(out);
  const write = (s) => (ws.write(s, 'latin1') ? Promise.resolve() : new Promise((res) => ws.once('drain', res)));
  await write(header);
  const iterRe = /(Iteration +)(\d+)(\()/g;
  for (let i = 0; i < reps; i++) {
    const off = i * nSteps;
    await write(off === 0 ? steps : steps.replace(iterRe, (_m, a, n, b) => `${a}${String(Number(n) + off).padStart(n.length)}${b}`));
  }
  await write(tail);
  await new Promise((res) => ws.end(res));
  return reps * nSteps;
}

function run(cmd, argv) {
  let best = null;
  for (let i = 0; i < REPEAT; i++) {
    const p = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 20, cwd: root });
    if (p.status !== 0) return { error: (p.stderr || p.stdout || '').trim().split('\n').slice(-3).join(' | ') };
    const r = JSON.parse(p.stdout.trim().split('\n').pop());
    if (r.error) return r;
    best = best
      ? { ...r, seconds: Math.min(best.seconds, r.seconds), cpuSeconds: Math.min(best.cpuSeconds, r.cpuSeconds), maxRssMB: Math.max(best.maxRssMB, r.maxRssMB) }
      : r;
  }
  return best;
}

function reader(name, file) {
  if (name === 'ionpath') return run(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, 'outcar-throughput.mjs'), '--child', file]);
  return run('/usr/bin/python3', [join(here, 'outcar_throughput.py'), name, file]);
}

function row(cells, widths) {
  return cells.map((c, k) => String(c).padStart(widths[k])).join('  ');
}

async function main() {
  const ci = args.indexOf('--child');
  if (ci >= 0) return child(args[ci + 1]);

  const files = [];
  if (!args.includes('--skip-fixtures')) for (const rel of LARGEST) if (existsSync(join(fixtures, rel))) files.push({ label: rel.replace(/^vasp\//, ''), path: join(fixtures, rel) });
  const mb = Number(opt('--mb', '500'));
  let big = null;
  if (mb > 0) {
    if (!existsSync(SOURCE)) throw new Error(`source OUTCAR missing: ${SOURCE}`);
    mkdirSync(TMP, { recursive: true });
    big = join(TMP, `OUTCAR.${mb}MB`);
    const raw = readFileSync(SOURCE);
    const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('latin1');
    const t0 = Date.now();
    const n = await makeBig(text, big, mb * 1e6);
    process.stderr.write(`made ${big}: ${(statSync(big).size / 1e6).toFixed(1)} MB, ${n} ionic steps (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
    files.push({ label: `OUTCAR.CL × ${Math.round(n / 79)} (${n} steps)`, path: big });
  }

  const widths = [50, 7, 9, 8, 8, 9, 8, 8, 7, 16];
  console.log(row(['file', 'MB', 'reader', 'wall s', 'CPU s', 'MB/CPU s', 'peak MB', 'base MB', 'steps', 'final E (eV)'], widths));
  const summary = [];
  const retained = [];
  for (const f of files) {
    const size = statSync(f.path).size / 1e6;
    const seen = [];
    for (const name of READERS) {
      const r = reader(name, f.path);
      if (r.error) {
        console.log(row([f.label.slice(-50), size.toFixed(1), name, '-', '-', '-', r.maxRssMB ? r.maxRssMB.toFixed(0) : '-', '-', '-', 'ERR'], widths) + `  ${r.error.slice(0, 90)}`);
        continue;
      }
      seen.push({ name, ...r });
      console.log(
        row(
          [
            f.label.slice(-50),
            size.toFixed(1),
            name,
            r.seconds.toFixed(2),
            r.cpuSeconds.toFixed(2),
            (size / r.cpuSeconds).toFixed(1),
            r.maxRssMB.toFixed(0),
            r.baselineRssMB.toFixed(0),
            r.steps,
            r.finalEnergy?.toFixed(8) ?? '-',
          ],
          widths,
        ),
      );
    }
    const ip = seen.find((s) => s.name === 'ionpath');
    if (ip && ip.retainedHeapMB !== null && ip.retainedHeapMB !== undefined) retained.push({ label: f.label, mb: ip.retainedHeapMB });
    for (const s of seen) {
      if (ip && s !== ip && s.steps === ip.steps && Math.abs((s.finalEnergy ?? NaN) - (ip.finalEnergy ?? NaN)) > 1e-6) {
        console.log(`  !! ${s.name} final energy ${s.finalEnergy} differs from ionpath ${ip.finalEnergy}`);
      }
      if (ip && s !== ip) {
        summary.push(`${f.label}: ionpath ${(s.cpuSeconds / ip.cpuSeconds).toFixed(1)}x less CPU time than ${s.name} (wall ${(s.seconds / ip.seconds).toFixed(1)}x)`);
      }
    }
  }
  if (summary.length) console.log('\n' + summary.join('\n'));
  console.log(
    '\nionpath heap still alive after a full GC at the end of each read (MB): ' +
      retained.map((x) => `${x.label.slice(-40)} ${x.mb.toFixed(1)}`).join('; '),
  );
  if (big && !args.includes('--keep')) rmSync(big, { force: true });
}

await main();
