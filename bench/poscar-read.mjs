#!/usr/bin/env node
/**
 * Read time of a large POSCAR: ionpath vs pymatgen Poscar.from_file vs ase.io.read.
 *
 *   node bench/poscar-read.mjs [--atoms 50000] [--repeats 5]
 *
 * Generates a VASP 5 POSCAR with N atoms (4 species, random Direct positions, seeded) in
 * /tmp, times ionpath's readPoscar (after three warm-up reads; median of the repeats), then
 * runs bench/poscar-read.py with /usr/bin/python3 for pymatgen and ASE (import time
 * excluded, median of 3), and prints the ratios. Uses dist/ when built, else the TypeScript
 * sources through tsx.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const nAtoms = arg('atoms', 50000);
const repeats = arg('repeats', 7);

async function loadPoscar() {
  const dist = join(root, 'dist', 'io', 'poscar.js');
  if (existsSync(dist)) return import(pathToFileURL(dist).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(root, 'src', 'io', 'poscar.ts')).href);
}

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makePoscar(n) {
  const r = rng(2024);
  const species = ['Li', 'Mn', 'Ni', 'O'];
  const counts = [Math.floor(n / 8), Math.floor(n / 4), Math.floor(n / 8)];
  counts.push(n - counts.reduce((a, b) => a + b, 0));
  const a = Math.cbrt(n * 10); // ~10 Å³ per atom
  const lines = [
    `benchmark ${n} atoms`,
    '1.0',
    `  ${a.toFixed(10)}  0.0000000000  0.0000000000`,
    `  0.0000000000  ${a.toFixed(10)}  0.0000000000`,
    `  0.0000000000  0.0000000000  ${a.toFixed(10)}`,
    species.map((s) => s.padStart(5)).join(''),
    counts.map((c) => String(c).padStart(8)).join(''),
    'Direct',
  ];
  for (let i = 0; i < n; i++) lines.push(`  ${r().toFixed(16)}  ${r().toFixed(16)}  ${r().toFixed(16)}`);
  return lines.join('\n') + '\n';
}

const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];

const { readPoscar } = await loadPoscar();
const file = join('/tmp', `ionpath-bench-POSCAR-${nAtoms}`);
writeFileSync(file, makePoscar(nAtoms));

for (let k = 0; k < 3; k++) readPoscar(file); // warm-up (JIT)
const runs = [];
let nsites = 0;
for (let k = 0; k < repeats; k++) {
  const t0 = performance.now();
  const res = readPoscar(file);
  runs.push((performance.now() - t0) / 1000);
  nsites = res.structure.nsites;
}
const ours = median(runs);
if (nsites !== nAtoms) throw new Error(`ionpath read ${nsites} sites, expected ${nAtoms}`);

const py = spawnSync('/usr/bin/python3', [join(here, 'poscar-read.py'), file, '3'], { encoding: 'utf8' });
let pyRes = null;
if (py.status === 0) pyRes = JSON.parse(py.stdout);
else console.error(`python side failed (pymatgen/ASE not available?):\n${py.stderr}`);

const fmt = (s) => `${(s * 1000).toFixed(1)} ms`;
console.log(`POSCAR with ${nAtoms} atoms (${file})`);
console.log(`  ${'ionpath readPoscar'.padEnd(26)}${fmt(ours)}   (median of ${repeats}: ${runs.map(fmt).join(', ')})`);
if (pyRes) {
  for (const [name, label] of [['pymatgen', 'pymatgen Poscar.from_file'], ['ase', 'ase.io.read(format=vasp)']]) {
    const r = pyRes[name];
    if (r.nsites !== nAtoms) console.log(`  WARNING: ${name} read ${r.nsites} sites`);
    const ratio = r.median_s / ours;
    const verdict = ratio >= 1 ? `ionpath ${ratio.toFixed(1)}x faster` : `ionpath ${(1 / ratio).toFixed(1)}x slower`;
    console.log(`  ${label.padEnd(26)}${fmt(r.median_s)}   ratio ${ratio.toFixed(2)} (${verdict})  [${name} ${r.version}]`);
  }
}
