#!/usr/bin/env node
/**
 * vasprun.xml throughput and peak memory: ionpath's streaming reader against pymatgen's
 * Vasprun and ASE's read_vasp_xml (bench/vasprun_throughput.py), on
 *   1. the largest vasprun fixture (atomate2 Si_NEB image 01, 12.4 MB, 12 ionic steps,
 *      eigenvalues, projected eigenvalues and DOS in the last step), and
 *   2. a big file made from it in a fresh /tmp/ionpath-vasprun-bench-* folder: its first 11 ionic steps repeated until the file
 *      reaches --mb megabytes, then the last step (with eigenvalues/DOS) and the final
 *      structure. Never commit it.
 *
 *   node --import tsx bench/vasprun-throughput.mjs [--mb 100] [--repeat 3] [--skip-python] [--keep]
 *
 * Every run is a fresh process, so peak RSS (getrusage maxrss) is that reader's alone; the
 * interpreter's RSS before reading is shown as "base". Each reader runs --repeat times; the
 * fastest time is shown (the machine is shared, so slower runs measure the neighbours). Each reader also reports the step
 * count and the final energy, and they must agree.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const fixtures = resolve(process.env.IONPATH_FIXTURES ?? join(root, '..', 'shared', 'fixtures'));
const SOURCE = join(fixtures, 'vasp/atomate2/tests/test_data/vasp/Si_NEB/NEB/outputs/01/vasprun.xml.gz');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const REPEAT = Math.max(1, Number(opt('--repeat', '3')));

/** Child mode: read one file with ionpath's reader and print one JSON line. */
async function child(file, full) {
  const { readVasprun } = await import('../src/io/vasprun.ts');
  const base = process.resourceUsage().maxRSS;
  const t0 = process.hrtime.bigint();
  let n = 0;
  const r = await readVasprun(file, full ? { eigenvalues: true, dos: true } : { keepSteps: false, onStep: () => n++ });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(
    JSON.stringify({ seconds, maxrss_kb: process.resourceUsage().maxRSS, base_kb: base, n_steps: r.nSteps, final_energy: r.finalEnergy }) + '\n',
  );
}

/** Header + first 11 ionic steps × k + last step + tail, streamed to `out`. */
async function makeBig(text, out, targetBytes) {
  const first = text.indexOf('<calculation>');
  const lastEnd = text.lastIndexOf('</calculation>') + '</calculation>'.length;
  const lastStart = text.lastIndexOf('<calculation>');
  // back up to the start of the line so indentation is kept
  const lineStart = (i) => text.lastIndexOf('\n', i) + 1;
  const header = text.slice(0, lineStart(first));
  const steps = text.slice(lineStart(first), lineStart(lastStart));
  const last = text.slice(lineStart(lastStart), lastEnd);
  const tail = text.slice(lastEnd);
  const reps = Math.max(1, Math.round((targetBytes - header.length - last.length - tail.length) / steps.length));
  const ws = createWriteStream(out);
  const write = (s) => (ws.write(s, 'latin1') ? Promise.resolve() : new Promise((res) => ws.once('drain', res)));
  await write(header);
  for (let i = 0; i < reps; i++) await write(steps);
  await write(last);
  await write(tail);
  await new Promise((res) => ws.end(res));
  return reps * 11 + 1;
}

/** Run a reader `repeat` times (fresh process each); keep the fastest time and the largest peak RSS. */
function run(cmd, argv) {
  let best = null;
  for (let i = 0; i < REPEAT; i++) {
    const p = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 20, cwd: root });
    if (p.status !== 0) return { error: (p.stderr || p.stdout || '').trim().split('\n').slice(-3).join(' | ') };
    const r = JSON.parse(p.stdout.trim().split('\n').pop());
    if (!best) best = r;
    else best = { ...r, seconds: Math.min(best.seconds, r.seconds), maxrss_kb: Math.max(best.maxrss_kb, r.maxrss_kb) };
  }
  return best;
}

function table(file, expectSteps, skipPython) {
  const mb = statSync(file).size / 1e6;
  const node = process.execPath;
  const rows = [
    ['ionpath readVasprun (keepSteps=false)', run(node, ['--import', 'tsx', join(here, 'vasprun-throughput.mjs'), '--child', file])],
    ['ionpath readVasprun (all steps, eigen, DOS)', run(node, ['--import', 'tsx', join(here, 'vasprun-throughput.mjs'), '--child', file, '--full'])],
  ];
  if (!skipPython) {
    const py = ['/usr/bin/python3', join(here, 'vasprun_throughput.py'), file];
    rows.push(['pymatgen Vasprun (no DOS/eigen)', run(py[0], [...py.slice(1), 'pymatgen-lite'])]);
    rows.push(['pymatgen Vasprun (defaults: DOS+eigen)', run(py[0], [...py.slice(1), 'pymatgen'])]);
    rows.push(["ASE read_vasp_xml(index=':')", run(py[0], [...py.slice(1), 'ase'])]);
  }
  console.log(`\n${file}  (${mb.toFixed(1)} MB, ${expectSteps} ionic steps)`);
  console.log('reader                                        s      MB/s   peak RSS MB  (base)  steps  final energy eV');
  let ref = null;
  for (const [name, r] of rows) {
    if (r.error) {
      console.log(`${name.padEnd(42)}  ERROR ${r.error}`);
      continue;
    }
    ref ??= r;
    const ok = r.n_steps === ref.n_steps && Math.abs(r.final_energy - ref.final_energy) < 1e-6 ? '' : '  <-- disagrees';
    console.log(
      `${name.padEnd(42)} ${r.seconds.toFixed(2).padStart(6)} ${(mb / r.seconds).toFixed(1).padStart(8)} ${(r.maxrss_kb / 1024).toFixed(0).padStart(10)}  (${(r.base_kb / 1024).toFixed(0).padStart(4)})  ${String(r.n_steps).padStart(5)}  ${r.final_energy}${ok}`,
    );
  }
}

async function main() {
  if (args[0] === '--child') return child(args[1], args.includes('--full'));
  if (!existsSync(SOURCE)) {
    console.error(`fixture not found: ${SOURCE} (set IONPATH_FIXTURES)`);
    process.exitCode = 2;
    return;
  }
  const mbTarget = Number(opt('--mb', '100'));
  const skipPython = args.includes('--skip-python');
  // a folder of our own: other benches clean up /tmp/ionpath-bench
  const TMP = mkdtempSync(join(tmpdir(), 'ionpath-vasprun-bench-'));
  const text = gunzipSync(readFileSync(SOURCE)).toString('latin1');
  const small = join(TMP, 'vasprun-si-neb-01.xml');
  await makeBig(text, small, 0).then(() => undefined); // the fixture itself (11 steps × 1 + last)
  table(small, 12, skipPython);
  const big = join(TMP, `vasprun-big-${mbTarget}MB.xml`);
  const steps = await makeBig(text, big, mbTarget * 1e6);
  table(big, steps, skipPython);
  if (args.includes('--keep')) console.log(`\nkept ${TMP}`);
  else rmSync(TMP, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
