#!/usr/bin/env node
/**
 * Powder XRD pattern time: ionpath computeXrd vs pymatgen XRDCalculator.get_pattern on the
 * same structures, with the largest peak differences (the two must agree to rounding).
 *
 *   node bench/xrd.bench.mjs [--repeats 5] [--supercell 2] [--json]
 *
 * Structures: LiMn2O4 (Berg 1998 fixture, 56 atoms) and its N×N×N supercell; NCM111
 * (mixed 3b site, 12 sites). Patterns: Cu Kα 0–90° and Mo Kα 0–90° (many more reflections).
 * Each structure is handed to pymatgen as the pymatgen Structure JSON ionpath writes (so
 * both see the same atoms). Median of the repeats after one warm-up; pymatgen import time
 * excluded. Uses dist/ when built, else the TypeScript sources through tsx.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const repeats = arg('repeats', 5);
const nSuper = arg('supercell', 2);
const asJson = process.argv.includes('--json');
const fixtures = process.env.IONPATH_FIXTURES ?? join(root, '..', 'shared', 'fixtures');

async function load(rel) {
  const dist = join(root, 'dist', rel.replace(/\.ts$/, '.js'));
  if (existsSync(dist)) return import(pathToFileURL(dist).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(root, 'src', rel)).href);
}

const { computeXrd } = await load('analysis/xrd.ts');
const { readStructure } = await load('io/read-structure.ts');
const { writePymatgenJson } = await load('io/pymatgen-json.ts');

const lmo = readStructure(join(fixtures, 'cif', 'LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif')).structure;
const ncm = readStructure(join(fixtures, 'cif', 'LiCo1-3Ni1-3Mn1-3O2_NCM111_Yin2006_ICSD171750_R-3m-H_transcribed.cif')).structure;
function supercell(s, n) {
  const sites = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++)
    for (const site of s.sites) sites.push({ ...site, frac: [(site.frac[0] + i) / n, (site.frac[1] + j) / n, (site.frac[2] + k) / n] });
  return s.withLattice(s.lattice.supercell([[n, 0, 0], [0, n, 0], [0, 0, n]])).withSites(sites);
}
const structures = [
  ['LiMn2O4', lmo],
  [`LiMn2O4 ${nSuper}x${nSuper}x${nSuper}`, supercell(lmo, nSuper)],
  ['NCM111', ncm],
];
const runs = [
  ['CuKa', [0, 90]],
  ['MoKa', [0, 90]],
];

const dir = mkdtempSync(join(tmpdir(), 'ionpath-xrd-bench-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const jobs = [];
for (const [name, s] of structures) {
  const file = join(dir, `${jobs.length}.json`);
  writeFileSync(file, writePymatgenJson(s));
  for (const [wl, range] of runs) jobs.push({ name, s, file, wl, range });
}

for (const j of jobs) {
  computeXrd(j.s, { wavelength: j.wl, twoThetaRange: j.range });
  const t = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    j.pattern = computeXrd(j.s, { wavelength: j.wl, twoThetaRange: j.range });
    t.push(performance.now() - t0);
  }
  j.ionpathMs = median(t);
}

const py = `
import json, sys, time, warnings
warnings.filterwarnings("ignore")
from pymatgen.core import Structure
from pymatgen.analysis.diffraction.xrd import XRDCalculator
jobs = json.load(sys.stdin); out = []
for j in jobs:
    s = Structure.from_dict(json.load(open(j["file"])))
    calc = XRDCalculator(wavelength=j["wl"])
    p = calc.get_pattern(s, two_theta_range=tuple(j["range"]))
    ts = []
    for _ in range(j["repeats"]):
        t0 = time.perf_counter(); p = calc.get_pattern(s, two_theta_range=tuple(j["range"])); ts.append((time.perf_counter() - t0) * 1000)
    ts.sort()
    out.append({"ms": ts[len(ts) // 2], "x": list(map(float, p.x)), "y": list(map(float, p.y))})
print(json.dumps(out))
`;
const res = spawnSync('/usr/bin/python3', ['-c', py], {
  input: JSON.stringify(jobs.map((j) => ({ file: j.file, wl: j.wl, range: j.range, repeats }))),
  encoding: 'utf8',
  maxBuffer: 1 << 28,
});
rmSync(dir, { recursive: true, force: true });
if (res.status !== 0) {
  process.stderr.write(`pymatgen run failed:\n${res.stderr}\n`);
  process.exitCode = 1;
} else {
  const pm = JSON.parse(res.stdout);
  const rows = jobs.map((j, i) => {
    const p = pm[i];
    const same = p.x.length === j.pattern.peaks.length;
    let d2t = 0;
    let dI = 0;
    if (same) {
      j.pattern.peaks.forEach((pk, k) => {
        d2t = Math.max(d2t, Math.abs(pk.twoTheta - p.x[k]));
        dI = Math.max(dI, Math.abs(pk.intensity - p.y[k]));
      });
    }
    return {
      structure: j.name,
      atoms: j.s.nsites,
      wavelength: j.wl,
      peaks: j.pattern.peaks.length,
      ionpathMs: j.ionpathMs,
      pymatgenMs: p.ms,
      speedup: p.ms / j.ionpathMs,
      samePeakCount: same,
      maxDeltaTwoTheta: d2t,
      maxDeltaIntensity: dI,
    };
  });
  if (asJson) process.stdout.write(JSON.stringify({ bench: 'xrd', repeats, rows }, null, 2) + '\n');
  else {
    process.stdout.write(`powder XRD, median of ${repeats} (ms)\n`);
    process.stdout.write(`${'structure'.padEnd(20)} ${'atoms'.padStart(5)} ${'λ'.padEnd(5)} ${'peaks'.padStart(5)} ${'ionpath'.padStart(9)} ${'pymatgen'.padStart(9)} ${'×'.padStart(6)}  max |Δ2θ|, |ΔI|\n`);
    for (const r of rows) {
      process.stdout.write(
        `${r.structure.padEnd(20)} ${String(r.atoms).padStart(5)} ${r.wavelength.padEnd(5)} ${String(r.peaks).padStart(5)} ${r.ionpathMs.toFixed(1).padStart(9)} ${r.pymatgenMs.toFixed(1).padStart(9)} ${r.speedup.toFixed(1).padStart(6)}  ${r.samePeakCount ? `${r.maxDeltaTwoTheta.toExponential(1)}°, ${r.maxDeltaIntensity.toExponential(1)}` : 'DIFFERENT PEAK COUNT'}\n`,
      );
    }
  }
}
