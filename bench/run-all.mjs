#!/usr/bin/env node
/**
 * Run every benchmark in bench/ and write bench/README.md: one table of ionpath's times
 * against pymatgen / ASE / gemmi (and the numpy/scipy BVSE reference), with the machine,
 * the load average at run time and the command that reproduces each row.
 *
 *   node bench/run-all.mjs [--quick] [--only cif-read,outcar,...] [--out FILE]
 *
 * --quick   small sizes (the whole run takes about 6-8 minutes on 2 loaded cores);
 *           without it the full sizes (500 MB OUTCAR, 100 MB vasprun.xml, 50,000-atom POSCAR,
 *           10,000-atom BVSE and sites/paths; an hour or more).
 * --only    run some benches only (ids below); the README then holds those rows only.
 * --out     write the README somewhere else (default bench/README.md).
 *
 * The bench scripts are run unchanged, each as its own process group from the repository
 * root (the TypeScript sources load through tsx, which resolves from there), with TMPDIR set
 * to a fresh temporary folder that is removed afterwards; files a bench writes to a fixed
 * /tmp path are removed too when this run made them. Their printed summaries (or --json
 * output where they have it) are parsed into rows. A bench that is missing, fails or times
 * out is listed as "not run" with the reason; the others still run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0].replace(/^#!.*\n\/\*\*\n/, '').replace(/^ \* ?/gm, '') + '\n');
  process.exit(0);
}
const QUICK = argv.includes('--quick');
const ONLY = opt('--only', null)?.split(',');
const OUT = resolve(opt('--out', join(here, 'README.md')));
const PY = '/usr/bin/python3';
const FIXTURES = resolve(process.env.IONPATH_FIXTURES ?? join(root, '..', 'shared', 'fixtures'));

// ---- running one command ---------------------------------------------------------------------

/**
 * Run `cmd args` from the repository root in its own process group with TMPDIR = a fresh
 * folder; kill the group at the time limit. Resolves to {code, signal, stdout, stderr,
 * seconds, loadBefore, loadAfter, timedOut, files}: `files` holds the contents of the files
 * named in `collect` (relative to the temporary folder) before it is removed.
 */
function runCommand(cmd, args, { timeoutS, collect = [] } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'ionpath-run-all-'));
  const subst = args.map((a) => a.replaceAll('$TMP', tmp));
  const loadBefore = loadavg()[0];
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(cmd, subst, { cwd: root, env: { ...process.env, TMPDIR: tmp }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = timeoutS
      ? setTimeout(() => {
          timedOut = true;
          try {
            process.kill(-child.pid, 'SIGKILL'); // the group this run started (bench + its python/chromium children)
          } catch {
            /* already gone */
          }
        }, timeoutS * 1000)
      : null;
    const finish = (code, signal, spawnError) => {
      if (timer) clearTimeout(timer);
      const files = {};
      for (const f of collect) {
        const p = join(tmp, f);
        files[f] = existsSync(p) ? readFileSync(p, 'utf8') : null;
      }
      rmSync(tmp, { recursive: true, force: true });
      done({
        code, signal, stdout, stderr: spawnError ? String(spawnError) : stderr, timedOut, files,
        seconds: (performance.now() - t0) / 1000, loadBefore, loadAfter: loadavg()[0],
      });
    };
    child.on('error', (e) => finish(null, null, e));
    child.on('close', (code, signal) => finish(code, signal));
  });
}

// ---- formatting ------------------------------------------------------------------------------

/** Seconds to text, 3 significant digits at most (the benches print 0.01 s or 0.1 ms; no digits are added). */
const fmtS = (s) => (s === null || s === undefined || !Number.isFinite(s) ? '–' : s < 1 ? `${Number((s * 1000).toPrecision(3))} ms` : `${Number(s.toPrecision(3))} s`);
const fmtRatio = (r) => (r === null || !Number.isFinite(r) ? '–' : r >= 100 ? `${r.toFixed(0)}×` : r >= 1 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`);
const esc = (s) => String(s ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ');
const lastLines = (s, n = 3) => s.trim().split('\n').slice(-n).join(' | ').slice(0, 400);
const num = (m, i = 1) => (m ? Number(m[i]) : null);

/** One table row. ionS/refS in seconds (null when not measured); ratio = refS / ionS. */
function row(r) {
  const ratio = r.ionS && r.refS ? r.refS / r.ionS : null;
  return { ref: 'none (no equivalent tool benchmarked)', refText: undefined, peak: '–', note: '', ...r, ratio };
}

// ---- the benches -----------------------------------------------------------------------------

const OUTCAR_NAMES = [
  ['pymatgen/test_files/OUTCAR.CL', 'OUTCAR.CL (pymatgen test file, P2O5 relaxation)'],
  ['NEB/02/OUTCAR.gz', 'bilayer-graphene NEB image 02 OUTCAR.gz'],
  ['postprocess/OUTCAR', 'custodian postprocess OUTCAR'],
  ['outputs/01/OUTCAR.gz', 'atomate2 Si_NEB image 01 OUTCAR.gz'],
];

/**
 * id, script, tsx (needs `node --import tsx`), about (README text), runs: {quick, full} lists
 * of argument lists (one invocation each), json (the bench writes --json FILE), parse(result,
 * ctx) → rows (may be async and run reference commands through ctx.run).
 */
const BENCHES = [
  {
    id: 'cif-read',
    script: 'cif-read.mjs',
    title: 'CIF read + expand',
    about:
      'Every fixture CIF (`../shared/fixtures/cif`, 13 files: ICSD/AMCSD/COD transcriptions, multi-block, Hall-only, CIF 2.0) read from disk, parsed, ' +
      'symmetry-expanded to the conventional cell, the list repeated to ~N reads, after one warm-up pass. pymatgen: `CifParser(path).get_structures(primitive=False)`; ' +
      'gemmi: `cif.read` + `make_small_structure_from_block` + `get_all_unit_cell_sites`. Whole-list wall time, import time excluded. pymatgen fails on some files ' +
      '(its time to fail is counted); gemmi 0.5 skips operator loops and unknown H-M spellings, so it does less work on some files and its site counts there are not the crystal\'s.',
    runs: { quick: [['--files', '150']], full: [['--files', '1000']] },
    parse(res, ctx) {
      const o = res.stdout;
      const head = o.match(/CIF read \+ expand: (\d+) fixture files × (\d+) = (\d+) reads/);
      const tot = o.match(/all \d+ reads: ionpath ([\d.]+) s(?:, pymatgen (\S+) ([\d.]+) s)?(?:, gemmi (\S+) ([\d.]+) s)?/);
      const pm = o.match(/pymatgen \/ ionpath: [\d.]+x on all reads \(pymatgen fails on (\d+) of (\d+) files\); ([\d.]+)x on the (\d+) files both read/);
      if (!tot) throw new Error('no totals line');
      const input = head ? `${head[1]} fixture CIFs × ${head[2]} = ${head[3]} reads` : '?';
      const ionS = num(tot, 1);
      const rows = [];
      if (tot[2]) {
        rows.push(row({
          task: 'CIF read + symmetry expansion', input, ionS, ref: `pymatgen ${tot[2]} CifParser`, refS: num(tot, 3),
          note: pm ? `pymatgen fails on ${pm[1]} of ${pm[2]} files (time to fail counted); on the ${pm[4]} files both read: ${pm[3]}×` : '',
        }));
      }
      if (tot[4]) {
        rows.push(row({
          task: 'CIF read + symmetry expansion', input, ionS, ref: `gemmi ${tot[4]}`, refS: num(tot, 5),
          note: 'gemmi (C++) ignores symop loops / unknown H-M names in several files (less work, wrong site counts there)',
        }));
      }
      return rows;
    },
  },
  {
    id: 'poscar-read',
    script: 'poscar-read.mjs',
    title: 'POSCAR read',
    about:
      'One generated VASP 5 POSCAR (4 species, random Direct coordinates, seeded) read from disk. ionpath: `readPoscar` (dist/ build when present, else the sources), ' +
      'median of the repeats after 3 warm-up reads; pymatgen `Poscar.from_file` and ASE `ase.io.read(format="vasp")`: median of 3, import time excluded.',
    runs: { quick: [['--atoms', '20000', '--repeats', '5']], full: [['--atoms', '50000', '--repeats', '7']] },
    before(args) {
      const n = args[args.indexOf('--atoms') + 1];
      const file = `/tmp/ionpath-bench-POSCAR-${n}`; // the bench writes here (fixed path, not TMPDIR)
      return existsSync(file) ? null : file; // remove afterwards only if this run made it
    },
    parse(res) {
      const o = res.stdout;
      const n = num(o.match(/POSCAR with (\d+) atoms/));
      const ion = o.match(/ionpath readPoscar\s+([\d.]+) ms\s+\(median of (\d+)/);
      if (!ion) throw new Error('no ionpath line');
      const build = existsSync(join(root, 'dist', 'io', 'poscar.js')) ? 'dist/ build' : 'sources via tsx';
      const input = `POSCAR, ${n.toLocaleString('en')} atoms`;
      const rows = [];
      for (const [re, tool] of [[/pymatgen Poscar\.from_file\s+([\d.]+) ms.*\[pymatgen (\S+)\]/, 'pymatgen {v} Poscar.from_file'], [/ase\.io\.read\(format=vasp\)\s+([\d.]+) ms.*\[ase (\S+)\]/, 'ASE {v} ase.io.read']]) {
        const m = o.match(re);
        if (m) rows.push(row({ task: 'POSCAR read', input, ionS: Number(ion[1]) / 1000, ref: tool.replace('{v}', m[2]), refS: Number(m[1]) / 1000, note: `median of ${ion[2]} (ionpath, ${build}) / 3 (Python)` }));
      }
      return rows;
    },
  },
  {
    id: 'outcar',
    script: 'outcar-throughput.mjs',
    tsx: true,
    title: 'OUTCAR throughput',
    about:
      'The four largest OUTCAR fixtures and one big OUTCAR made from a real run (pymatgen\'s OUTCAR.CL, 79 ionic steps, repeated to --mb MB, renumbered). ' +
      'Every reader runs in a fresh process; the time is the **CPU time** (user + system) of the read alone (steadier than wall time on a shared machine; wall time is in the note); ' +
      'peak memory is the process\'s peak RSS, with the interpreter\'s RSS before reading as "base". pymatgen: `Outcar(path)` + a `read_pattern` for the step count; ' +
      'ASE: `read(path, index=":", format="vasp-out")`. All readers must agree on step count and final energy. The bench prints times to 0.01 s, ' +
      'so the ratios on the ~1 MB fixtures are coarse; the big synthetic file is the throughput figure.',
    runs: { quick: [['--mb', '20']], full: [['--mb', '500']] },
    parse(res) {
      const rowRe = /^\s*(.*?)\s+(\d+\.\d)\s+(ionpath|pymatgen|ase)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*(.*)$/;
      const files = new Map();
      for (const line of res.stdout.split('\n')) {
        const m = line.match(rowRe);
        if (!m) continue;
        const [, label, mb, reader, wall, cpu, , peak, base, steps, energy, rest] = m;
        if (!files.has(label)) files.set(label, { label, mb: Number(mb), readers: {} });
        files.get(label).readers[reader] = energy === 'ERR'
          ? { error: rest.trim() || 'error', peak }
          : { wall: Number(wall), cpu: Number(cpu), peak: Number(peak), base: Number(base), steps: Number(steps), energy: Number(energy) };
      }
      if (files.size === 0) throw new Error('no result rows');
      const rows = [];
      for (const f of files.values()) {
        const ip = f.readers.ionpath;
        const name = OUTCAR_NAMES.find(([suffix]) => f.label.endsWith(suffix))?.[1] ?? (f.label.startsWith('OUTCAR.CL ×') ? `synthetic: ${f.label}` : f.label);
        const input = `${name}, ${f.mb} MB${ip && !f.label.includes('steps') ? `, ${ip.steps} steps` : ''}`;
        for (const tool of ['pymatgen', 'ase']) {
          const r = f.readers[tool];
          if (!r || !ip) continue;
          const label = tool === 'pymatgen' ? 'pymatgen Outcar' : 'ASE read(vasp-out)';
          if (r.error) {
            rows.push(row({ task: 'OUTCAR parse (CPU time)', input, ionS: ip.cpu, ref: `${label}: error`, refS: null, peak: `${ip.peak} (base ${ip.base}) / –`, note: `${tool} fails: ${r.error.slice(0, 80)}` }));
            continue;
          }
          const agree = r.steps === ip.steps && Math.abs(r.energy - ip.energy) < 1e-6;
          rows.push(row({
            task: 'OUTCAR parse (CPU time)', input, ionS: ip.cpu, ref: label, refS: r.cpu,
            peak: `${ip.peak} (base ${ip.base}) / ${r.peak} (base ${r.base})`,
            note: `wall ${fmtS(ip.wall)} / ${fmtS(r.wall)}; ${agree ? `same ${r.steps} steps and final energy` : `DISAGREE: ${r.steps} steps, E ${r.energy} vs ${ip.steps}, ${ip.energy}`}`,
          }));
        }
      }
      return rows;
    },
  },
  {
    id: 'vasprun',
    script: 'vasprun-throughput.mjs',
    tsx: true,
    title: 'vasprun.xml throughput',
    about:
      'The largest vasprun.xml fixture (atomate2 Si_NEB image 01: 12 ionic steps, eigenvalues, projected eigenvalues and DOS in the last step) and a big file made from it ' +
      '(its first 11 steps repeated to --mb MB). Each reader runs in a fresh process (fastest of --repeat runs; peak RSS, base = interpreter before reading). ' +
      'Pairs compared: ionpath default (`keepSteps: false`, energies/forces streamed) vs pymatgen `Vasprun(parse_dos=False, parse_eigen=False, parse_projected_eigen=False)` ' +
      '(the same work); ionpath with every step, eigenvalues and DOS kept vs pymatgen defaults (DOS + eigenvalues) and vs ASE `read(index=":", format="vasp-xml")` ' +
      '(ASE keeps every step but reads no eigenvalues/DOS, so ionpath does more work in that pair).',
    runs: { quick: [['--mb', '20', '--repeat', '1']], full: [['--mb', '100', '--repeat', '3']] },
    parse(res) {
      const blocks = [];
      let cur = null;
      for (const line of res.stdout.split('\n')) {
        const h = line.match(/^(\S+)\s+\((\d+\.\d) MB, (\d+) ionic steps\)/);
        if (h) {
          cur = { file: h[1], mb: Number(h[2]), steps: Number(h[3]), readers: {} };
          blocks.push(cur);
          continue;
        }
        if (!cur) continue;
        const m = line.match(/^(.+?)\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+)\s+\(\s*(\d+)\)\s+(\d+)\s+(\S+)(.*)$/);
        if (m) cur.readers[m[1].trim()] = { s: Number(m[2]), peak: Number(m[4]), base: Number(m[5]), steps: Number(m[6]), energy: Number(m[7]), disagree: m[8].includes('disagrees') };
        const e = line.match(/^(.+?)\s+ERROR (.*)$/);
        if (e) cur.readers[e[1].trim()] = { error: e[2] };
      }
      if (blocks.length === 0) throw new Error('no result tables');
      const rows = [];
      const IP = 'ionpath readVasprun (keepSteps=false)';
      const IPF = 'ionpath readVasprun (all steps, eigen, DOS)';
      const pairs = [
        [IP, 'pymatgen Vasprun (no DOS/eigen)', 'vasprun parse: energies + forces', 'pymatgen Vasprun (no DOS/eigen)'],
        [IPF, 'pymatgen Vasprun (defaults: DOS+eigen)', 'vasprun parse: all steps + eigenvalues + DOS', 'pymatgen Vasprun (defaults)'],
        [IPF, "ASE read_vasp_xml(index=':')", 'vasprun parse: all steps (ionpath also eigen + DOS)', "ASE read(vasp-xml, ':')"],
      ];
      for (const b of blocks) {
        const input = b.file.includes('vasprun-si-neb-01') ? `atomate2 Si_NEB 01 vasprun.xml, ${b.mb} MB, ${b.steps} steps` : `synthetic (Si_NEB steps repeated), ${b.mb} MB, ${b.steps} steps`;
        for (const [ionName, refName, task, refLabel] of pairs) {
          const a = b.readers[ionName];
          const r = b.readers[refName];
          if (!a || !r) continue;
          if (a.error || r.error) {
            rows.push(row({ task, input, ionS: a.s ?? null, ref: `${refLabel}: error`, refS: null, note: (a.error ?? r.error).slice(0, 100) }));
            continue;
          }
          const agree = !a.disagree && !r.disagree && a.steps === r.steps && Math.abs(a.energy - r.energy) < 1e-6;
          rows.push(row({
            task, input, ionS: a.s, ref: refLabel, refS: r.s, peak: `${a.peak} (base ${a.base}) / ${r.peak} (base ${r.base})`,
            note: `wall time, fastest of the repeats; ${agree ? 'same steps and final energy' : 'DISAGREE on steps/final energy'}`,
          }));
        }
      }
      return rows;
    },
  },
  {
    id: 'order',
    script: 'order.bench.mjs',
    tsx: true,
    title: 'Orderings of a partially occupied site',
    about:
      'LiNi0.5Mn1.5O4 (builtin `lnmo-fd3m`, 56-atom cell, 4 Ni + 12 Mn on the 16 sites of 16d: 1,820 configurations), Ewald-ranked. ' +
      'ionpath `enumerateOrderings` vs pymatgen `OrderDisorderedStructureTransformation` (Ewald minimizer): (1) the 5 lowest with their space groups ' +
      '(ionpath returns 5 distinct orderings; pymatgen\'s 5 lowest are symmetry-equivalent copies of fewer); (2) all distinct orderings ' +
      '(ionpath enumerates the 22 classes; pymatgen ranks all 1,820 and needs `StructureMatcher.group_structures` to find the 22). In-process times after imports, ' +
      'plus the whole process (interpreter start and imports). The size is fixed, so --quick runs the same case (the pymatgen side takes ~3 minutes).',
    runs: { quick: [['--keep', '5']], full: [['--keep', '5']] },
    parse(res) {
      const o = res.stdout;
      const head = o.match(/(\d+)-atom cell, (\d+) configurations; ionpath finds (\d+) distinct orderings, pymatgen\+StructureMatcher (\d+)/);
      const keep = o.match(/(\d+) lowest \+ space groups\s+([\d.]+)\s+([\d.]+)/);
      const all = o.match(/all distinct \(pymatgen: all \+ dedupe\)\s+([\d.]+)\s+([\d.]+)/);
      const split = o.match(/rank all (\d+)\s+([\d.]+) s, StructureMatcher grouping\s+([\d.]+) s/);
      const whole = o.match(/whole process \(wall\)\s+([\d.]+)\s+([\d.]+)/);
      const eIon = o.match(/lowest energies \(eV\): ionpath (\S+)/);
      const ePmg = o.match(/pymatgen (-?\d+\.\d+)/);
      if (!keep || !all) throw new Error('no timing lines');
      const input = head ? `LiNi0.5Mn1.5O4, ${head[1]} atoms, ${Number(head[2]).toLocaleString('en')} configurations` : 'LiNi0.5Mn1.5O4';
      const v = versions.pymatgen;
      const rows = [
        row({ task: `ordering: ${keep[1]} lowest + space groups`, input, ionS: num(keep, 2), ref: `pymatgen ${v} OrderDisordered…`, refS: num(keep, 3),
          note: `lowest energy ${eIon?.[1] ?? '?'} / ${ePmg?.[1] ?? '?'} eV; pymatgen's ${keep[1]} include symmetry-equivalent repeats` }),
        row({ task: 'ordering: all distinct', input, ionS: num(all, 1), ref: `pymatgen ${v} rank all + StructureMatcher`, refS: num(all, 2),
          note: `${head ? `${head[3]} / ${head[4]} distinct` : ''}${split ? `; pymatgen: ranking ${fmtS(Number(split[2]))}, grouping ${fmtS(Number(split[3]))}` : ''}` }),
      ];
      if (whole) rows.push(row({ task: 'ordering: whole process (both comparisons)', input, ionS: num(whole, 1), ref: `pymatgen ${v} (same script)`, refS: num(whole, 2), note: 'wall time incl. interpreter start and imports' }));
      return rows;
    },
  },
  {
    id: 'idpp',
    script: 'idpp.bench.mjs',
    tsx: true,
    title: 'IDPP band relaxation',
    about:
      'A 200-atom MgO band (5×5×4 fcc primitive cells, one Mg octahedral → tetrahedral, 7 images): linear interpolation with the minimum image, then the IDPP band ' +
      'relaxed as an \'aseneb\' NEB with FIRE to the same fmax on both sides (ASE 3.22: `ase.neb.interpolate(mic=True)`, `IDPP` calculators, `FIRE`). ' +
      'In-process times after imports; the two final bands are compared atom by atom. The size is fixed; --quick runs the same case.',
    runs: { quick: [['--fmax', '0.01']], full: [['--fmax', '0.01']] },
    parse(res) {
      const o = res.stdout;
      const head = o.match(/IDPP, (\d+) atoms, (\d+) images .*fmax ([\d.]+)/);
      const ion = o.match(/ionpath \(FIRE\)\s+([\d.]+) s\s+(\d+) steps/);
      const ase = o.match(/ASE (\S+) \(FIRE, same fmax\)\s+([\d.]+) s\s+(\d+) steps/);
      const dev = o.match(/largest per-atom difference between the two FIRE bands: ([\d.]+) Å/);
      const dflt = o.match(/ASE \S+ defaults \(MDMin, 0\.1\)\s+([\d.]+) s/);
      if (!ion || !ase) throw new Error('no timing lines');
      return [row({
        task: 'IDPP interpolation (FIRE, same fmax)', input: head ? `MgO band, ${head[1]} atoms × ${head[2]} images, fmax ${head[3]} eV/Å` : 'MgO band',
        ionS: num(ion, 1), ref: `ASE ${ase[1]} IDPP + FIRE`, refS: num(ase, 2),
        note: `${ion[2]} / ${ase[3]} steps; bands differ by ≤ ${dev?.[1] ?? '?'} Å${dflt ? `; ASE's own defaults (MDMin, fmax 0.1): ${fmtS(Number(dflt[1]))}` : ''}`,
      })];
    },
  },
  {
    id: 'polyhedra',
    script: 'polyhedra.bench.mjs',
    title: 'Polyhedra, environments, compare',
    about:
      'A LiMn2O4 spinel supercell with every atom jittered by up to 0.05 Å (seeded): neighbour list, coordination polyhedra with hull volumes and distortion metrics ' +
      '(VESTA\'s), anion environments, and `comparePolyhedra` against a strained copy with extra Li (site-index and position matching). ionpath only: no reference tool is ' +
      'benchmarked (pymatgen\'s `LocalStructOrderParams`/`VoronoiNN` do different work).',
    runs: { quick: [['--cells', '3,3,2']], full: [['--cells', '6,6,5']] },
    parse(res) {
      const o = res.stdout;
      const head = o.match(/\((\d+) atoms, (\S+) cells\)/);
      const input = head ? `LiMn2O4 ${head[2]} supercell, ${Number(head[1]).toLocaleString('en')} atoms` : 'spinel supercell';
      const rows = [];
      for (const line of o.split('\n')) {
        const m = line.match(/^(\S.*?)\s+(\d+\.\d+) s$/);
        if (m && !m[1].startsWith('total')) rows.push(row({ task: m[1].replace(/\s+/g, ' '), input, ionS: Number(m[2]) }));
      }
      if (rows.length === 0) throw new Error('no timing lines');
      return rows;
    },
  },
  {
    id: 'viewer',
    script: 'viewer-frames.mjs',
    tsx: true,
    title: 'Viewer frames (software rendering)',
    about:
      'Headless Chromium with `--disable-gpu` (SwiftShader software WebGL, no GPU): self-contained viewer pages of LiMn2O4 supercells opened from disk; ' +
      'load = navigation start → first full frame; frame = one orbit step rendered and read back, mean over the frames, at full quality and as drawn while dragging. ' +
      'Needs the bundled viewer (`node scripts/build-viewer.mjs`). Only good for comparing versions on the same machine; no reference tool.',
    runs: { quick: [['--frames', '3', '--json']], full: [['--frames', '10', '--json']] },
    needs: () => (existsSync(join(root, 'viewer', 'dist', 'viewer.js')) ? null : 'viewer bundle missing (run node scripts/build-viewer.mjs)'),
    parse(res, ctx) {
      const j = JSON.parse(res.stdout);
      ctx.facts.renderer = j.renderer;
      return j.results.map((r) => row({
        task: 'viewer: full-quality frame', input: `${r.case.replace(/^\S+ atoms \((.*)\)$/, '$1')}, ${r.atoms.toLocaleString('en')} atoms`, ionS: r.full.meanMs / 1000,
        note: `load ${fmtS(r.loadMs / 1000)}${r.setupMs ? ` + repeat ${fmtS(r.setupMs / 1000)}` : ''}; dragging ${fmtS(r.drag.meanMs / 1000)}; ${r.full.drawCalls} draw calls, ${Math.round(r.full.triangles / 1e3)}k triangles${r.errors?.length ? `; ERRORS ${r.errors.join('; ')}` : ''}`,
      }));
    },
  },
  {
    id: 'bvse',
    script: 'bvse.bench.mjs',
    title: 'BVSE landscape + percolation',
    json: true,
    about:
      'The Li+ softBV bond-valence site-energy landscape on a 0.2 Å grid (`buildBvseModel` + `bvseGridParallel`, 1 or 2 worker threads) and the 1D/2D/3D ' +
      'percolation-energy sweep of the grid, on LiMn2O4 and LiNiO2 supercells, against `bench/bvse_reference.py time` — an independent numpy/scipy/gemmi ' +
      'implementation of the same model (cKDTree neighbours, vectorised Morse + screened Coulomb; scipy.ndimage labelling + bisection for percolation). ' +
      'Times: model + grid (ionpath) vs setup + grid (reference), and the percolation sweep on each side. The percolation energies of both are compared. ' +
      'pymatgen/ASE have no BVSE; the reference is this repository\'s own cross-check script, not a published tool.',
    runs: {
      quick: [['--structures', 'lmo,lno', '--sizes', '1000', '--workers', '1', '--impl', 'current']],
      full: [['--structures', 'lmo,lno', '--sizes', '1000,10000', '--workers', '1,2', '--impl', 'current']],
    },
    async parse(res, ctx) {
      const all = JSON.parse(res.files['out.json']);
      const runs = all.filter((r) => r.impl === 'current');
      if (runs.length === 0) throw new Error('no landscape runs in the JSON');
      const KEY = { lmo: 'LiMn2O4', lno: 'LiNiO2' };
      const refs = new Map();
      const rows = [];
      for (const r of runs) {
        const spec = `${KEY[r.structure]}:${r.cells.join('x')}`;
        if (!refs.has(spec)) {
          const args = [join(here, 'bvse_reference.py'), 'time', '--supercell', spec, '--res', '0.2'];
          const out = await ctx.run(PY, args, `${PY} bench/bvse_reference.py time --supercell ${spec} --res 0.2`);
          let ref = null;
          try {
            ref = out.code === 0 ? JSON.parse(out.stdout.trim().split('\n').pop()) : null;
          } catch {
            /* below */
          }
          refs.set(spec, { ref, out, error: ref ? null : lastLines(out.stderr || out.stdout) || `exit ${out.code}` });
        }
        const { ref, out, error } = refs.get(spec);
        const input = `${KEY[r.structure]} ${r.cells.join('×')}, ${r.atoms.toLocaleString('en')} atoms, grid ${r.grid.join('×')}`;
        const load = `${r.loadBefore}→${r.loadAfter}`;
        const refLoad = out ? `${out.loadBefore.toFixed(2)}→${out.loadAfter.toFixed(2)}` : '';
        const refCmd = `\`${PY} bench/bvse_reference.py time --supercell ${spec}\``;
        const tool = `numpy/scipy reference${versions.numpy ? ` (numpy ${versions.numpy})` : ''}`;
        if (!ref) {
          rows.push(row({ task: `BVSE landscape, ${r.workers} worker(s)`, input, ionS: r.modelSeconds + r.wallSeconds, ref: `${tool}: failed`, note: error, load }));
          continue;
        }
        const pI = r.percolation;
        const pR = [ref.percolation['1'], ref.percolation['2'], ref.percolation['3']];
        const dE = pI.map((x, i) => (x === null && pR[i] === null ? 0 : x === null || pR[i] === null ? Infinity : Math.abs(x - pR[i])));
        const worst = Math.max(...dE);
        const percText = `percolation 1D/2D/3D ${pI.map((x) => (x === null ? '–' : x.toFixed(3))).join('/')} eV (reference ${pR.map((x) => (x === null ? '–' : x.toFixed(3))).join('/')}${worst === Infinity ? ', DIFFERENT dimensionality' : `, max |Δ| ${worst.toExponential(1)} eV`})`;
        rows.push(row({
          task: `BVSE landscape (model + grid), ${r.workers} worker${r.workers > 1 ? 's' : ''}`, input, ionS: r.modelSeconds + r.wallSeconds, ref: tool, refS: ref.setupSeconds + ref.gridSeconds,
          note: `ionpath CPU ${fmtS(r.cpuSeconds)}; ${percText}; reference load ${refLoad}; reference: ${refCmd}`, load,
        }));
        if (r.workers === Math.min(...runs.filter((x) => x.structure === r.structure && x.atoms === r.atoms).map((x) => x.workers))) {
          rows.push(row({
            task: 'BVSE percolation sweep (1D/2D/3D)', input, ionS: r.percolationSeconds, ref: tool, refS: ref.percolationSeconds,
            note: `ionpath: one sorted sweep with union-find; reference: bisection with scipy.ndimage.label; reference: ${refCmd}`, load,
          }));
        }
      }
      return rows;
    },
  },
  {
    id: 'sites-paths',
    script: 'sites-paths.bench.mjs',
    title: 'Li sites and hops',
    json: true,
    about:
      '`findSites` (occupied + interstitial Li sites, Wyckoff-labelled) and `findHops` (symmetry-unique hops, bottlenecks, percolation) — the work of ' +
      '`ionpath sites` / `ionpath paths` — on the unit cells and supercells of LiMn2O4 (fcc primitive cell repeated) and LiNiO2 (hexagonal cell repeated), each case in ' +
      'a worker thread with a time limit. The bench checks that a supercell gives the unit cell\'s sites and hop lengths repeated. No reference tool ' +
      '(pymatgen has no equivalent of this analysis).',
    runs: {
      quick: [['--structures', 'lmo,lno', '--sizes', '1'], ['--structures', 'lmo', '--sizes', '1000']],
      full: [['--structures', 'lmo,lno', '--sizes', '1,1000,10000', '--timeout', '3600']],
    },
    parse(res) {
      const all = JSON.parse(res.files['out.json']);
      const KEY = { lmo: 'LiMn2O4', lno: 'LiNiO2' };
      return all.map((r) => {
        const s = r.sites;
        const p = r.paths;
        const total = s && p ? s.seconds + p.seconds : null;
        const bits = [];
        if (s) bits.push(`findSites ${fmtS(s.seconds)} (${s.sites.map((x) => `${x.label}×${x.positions}`).join(', ')})`);
        if (p) bits.push(`findHops ${fmtS(p.seconds)} (${p.hops.length} hop classes, ${p.dimensionality}D)`);
        if (r.stopped) bits.push('stopped at the time limit');
        if (r.error) bits.push(`error: ${String(r.error).slice(0, 100)}`);
        if (r.consistentWithUnitCell === true) bits.push("same sites/hops as the unit cell");
        if (r.consistentWithUnitCell === false) bits.push(`NOT the unit cell's answer: ${(r.issues ?? []).join('; ').slice(0, 120)}`);
        return row({
          task: 'Li sites + hops (findSites + findHops)', input: `${KEY[r.structure] ?? r.structure} ${r.cells.join('×')}${r.structure === 'lmo' ? ' primitive cells' : ' cells'}${s ? `, ${s.atoms.toLocaleString('en')} atoms` : ''}`,
          ionS: total, note: bits.join('; '), load: r.loadBefore !== undefined ? `${r.loadBefore}→${r.loadAfter}` : undefined,
        });
      });
    },
  },
];

// ---- machine facts ---------------------------------------------------------------------------

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: root });
  return r.status === 0 ? r.stdout.trim() : null;
}
const pyVersions = sh(PY, ['-c', [
  'import json, platform',
  'out = {"python": platform.python_version()}',
  'for name, mod in [("pymatgen", "pymatgen.core"), ("ase", "ase"), ("gemmi", "gemmi"), ("numpy", "numpy"), ("scipy", "scipy")]:',
  '    try:',
  '        m = __import__(mod, fromlist=["__version__"]); out[name] = m.__version__',
  '    except Exception as e:',
  '        out[name] = None',
  'print(json.dumps(out))',
].join('\n')]);
const versions = pyVersions ? JSON.parse(pyVersions) : {};
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
const facts = {
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  commit: sh('git', ['rev-parse', '--short', 'HEAD']),
  dirty: Boolean(sh('git', ['status', '--porcelain'])),
  nproc: sh('nproc', []) ?? String(cpus().length),
  cpu: cpus()[0]?.model ?? '?',
  memGB: (totalmem() / 2 ** 30).toFixed(0),
  loadStart: loadavg().map((x) => x.toFixed(2)).join(' '),
  node: process.version,
  tsx: readJson(join(root, 'node_modules', 'tsx', 'package.json')).version,
  chromium: sh(process.env.IONPATH_CHROMIUM ?? '/usr/bin/chromium', ['--version']),
  renderer: null,
};

// ---- run -------------------------------------------------------------------------------------

const mode = QUICK ? 'quick' : 'full';
const timeoutS = QUICK ? 20 * 60 : 6 * 3600;
const selected = BENCHES.filter((b) => !ONLY || ONLY.includes(b.id));
const results = [];
const notRun = [];
const raw = [];
const t0All = performance.now();
const cmdText = (b, args) => `node ${b.tsx ? '--import tsx ' : ''}bench/${b.script} ${args.join(' ')}${b.json ? ' --json out.json' : ''}`.trim();

for (const [k, b] of selected.entries()) {
  const scriptPath = join(here, b.script);
  const why = !existsSync(scriptPath) ? `bench/${b.script} does not exist yet` : b.needs?.();
  if (why) {
    notRun.push({ bench: b, reason: why });
    process.stderr.write(`[${k + 1}/${selected.length}] ${b.id}: not run (${why})\n`);
    continue;
  }
  for (const args of b.runs[mode]) {
    const cmd = cmdText(b, args);
    process.stderr.write(`[${k + 1}/${selected.length}] ${cmd} … `);
    const made = b.before?.(args);
    const nodeArgs = [...(b.tsx ? ['--import', 'tsx'] : []), scriptPath, ...args, ...(b.json ? ['--json', '$TMP/out.json'] : [])];
    const res = await runCommand(process.execPath, nodeArgs, { timeoutS, collect: b.json ? ['out.json'] : [] });
    if (made) rmSync(made, { force: true });
    raw.push({ cmd, res });
    process.stderr.write(`${res.seconds.toFixed(0)} s, load ${res.loadBefore.toFixed(2)}→${res.loadAfter.toFixed(2)}\n`);
    if (res.code !== 0) {
      const reason = res.timedOut ? `stopped at the ${timeoutS} s limit` : `exit ${res.code ?? res.signal}: ${lastLines(res.stderr || res.stdout)}`;
      notRun.push({ bench: b, reason: `\`${cmd}\` failed (${reason})` });
      continue;
    }
    const ctx = {
      facts,
      run: async (c, a, text) => {
        process.stderr.write(`      reference: ${text} … `);
        const r = await runCommand(c, a, { timeoutS });
        raw.push({ cmd: text, res: r });
        process.stderr.write(`${r.seconds.toFixed(0)} s\n`);
        return r;
      },
    };
    try {
      const rows = await b.parse(res, ctx);
      for (const r of rows) results.push({ ...r, bench: b, cmd, load: r.load ?? `${res.loadBefore.toFixed(2)}→${res.loadAfter.toFixed(2)}` });
    } catch (e) {
      notRun.push({ bench: b, reason: `\`${cmd}\` ran, but its output could not be read (${e.message}); raw output below` });
    }
  }
}
const totalS = (performance.now() - t0All) / 1000;
facts.loadEnd = loadavg().map((x) => x.toFixed(2)).join(' ');

// ---- README ----------------------------------------------------------------------------------

const v = (x) => x ?? 'not installed';
const withRatio = results.filter((r) => r.ratio !== null);
const md = [];
md.push(`# ionpath benchmarks

<!-- Generated by bench/run-all.mjs — do not edit by hand; change the text in bench/run-all.mjs and run it again. -->

Regenerate this file with one command (from the repository root):

\`\`\`
node bench/run-all.mjs --quick     # small sizes, about 6-8 minutes on 2 cores
node bench/run-all.mjs             # full sizes (500 MB OUTCAR, 10,000-atom BVSE and sites/paths): an hour or more
\`\`\`

Each row is one measurement: the same input handled by ionpath and by a reference tool
(pymatgen, ASE, gemmi, or for BVSE this repository's independent numpy/scipy script), each
timed in its own process with import time excluded unless the row says otherwise.
**Ratio = reference time / ionpath time: above 1 means ionpath is faster, below 1 slower.**
Rows without a reference tool are ionpath's own timings, kept here so changes show up.
Peak memory is the process's peak RSS in MB (ionpath / reference), with the interpreter's
RSS before the read as "base", where the bench measures it. Every bench runs unchanged
from the repository root with its temporary files in a fresh folder that is removed
afterwards; the command column reproduces the row (\`--json out.json\` is where run-all
collects the bench's JSON).

**The numbers are noisy.** The machine is a shared ${facts.nproc}-core virtual machine with other jobs
running (the 1-minute load average is recorded with every row; a load above the core
count means each process got less than a core). Ratios move by tens of percent between
runs; differences smaller than about 1.5× should not be read as real. Software only: no
GPU anywhere; the viewer rows use Chromium's software WebGL (SwiftShader).

## This run

| | |
|---|---|
| mode | \`${QUICK ? 'node bench/run-all.mjs --quick' : 'node bench/run-all.mjs'}\` (${mode} sizes), ${(totalS / 60).toFixed(1)} minutes |
| date, commit | ${facts.date}, ${facts.commit ?? '?'}${facts.dirty ? ' (plus uncommitted work in the tree)' : ''} |
| machine | \`nproc\` = ${facts.nproc}, ${facts.cpu}, ${facts.memGB} GB RAM |
| load average (1/5/15 min) | at start ${facts.loadStart}; at end ${facts.loadEnd} |
| Node / tsx | ${facts.node} / ${facts.tsx} |
| Python (${PY}) | ${v(versions.python)}: pymatgen ${v(versions.pymatgen)}, ASE ${v(versions.ase)}, gemmi ${v(versions.gemmi)}, numpy ${v(versions.numpy)}, scipy ${v(versions.scipy)} (Debian packages) |
| browser | ${facts.chromium ?? 'no Chromium'}${facts.renderer ? `; WebGL renderer: ${facts.renderer}` : ''} |
| fixtures | ${relative(root, FIXTURES) || FIXTURES} |

## Results

${withRatio.length} of ${results.length} rows compare against a reference tool.

| # | task | input | ionpath | reference | reference time | ratio | peak MB (ionpath / ref) | load | notes | command |
|---|---|---|---|---|---|---|---|---|---|---|`);
results.forEach((r, i) => {
  md.push(`| ${i + 1} | ${esc(r.task)} | ${esc(r.input)} | ${fmtS(r.ionS)} | ${esc(r.ref)} | ${r.refS ? fmtS(r.refS) : '–'} | ${r.ratio !== null ? `**${fmtRatio(r.ratio)}**` : '–'} | ${esc(r.peak)} | ${esc(r.load)} | ${esc(r.note)} | \`${esc(r.cmd)}\` |`);
});
if (notRun.length) {
  md.push(`\n## Not run\n`);
  for (const n of notRun) md.push(`- **${n.bench.id}** (${n.bench.title}): ${esc(n.reason)}`);
}
md.push(`\n## What each bench measures\n`);
for (const b of BENCHES) {
  md.push(`### ${b.title} — \`bench/${b.script}\`\n\n${b.about}\n`);
  md.push(`- quick: ${b.runs.quick.map((a) => `\`${cmdText(b, a)}\``).join(', ')}`);
  md.push(`- full: ${b.runs.full.map((a) => `\`${cmdText(b, a)}\``).join(', ')}\n`);
}
md.push(`## Raw output of this run\n`);
for (const { cmd, res } of raw) {
  const out = res.stdout.length > 12000 ? `${res.stdout.slice(0, 12000)}\n… (${res.stdout.length} characters)` : res.stdout;
  md.push(`<details><summary><code>${cmd.replaceAll('<', '&lt;')}</code> — exit ${res.code ?? res.signal}, ${res.seconds.toFixed(1)} s, load ${res.loadBefore.toFixed(2)}→${res.loadAfter.toFixed(2)}</summary>\n\n\`\`\`\n${out.trimEnd()}${res.code !== 0 && res.stderr ? `\n--- stderr (last lines) ---\n${res.stderr.trim().split('\n').slice(-15).join('\n')}` : ''}\n\`\`\`\n\n</details>\n`);
}
writeFileSync(OUT, md.join('\n') + '\n');
process.stderr.write(`wrote ${relative(process.cwd(), OUT) || OUT}: ${results.length} rows, ${notRun.length} not run, ${(totalS / 60).toFixed(1)} min\n`);
