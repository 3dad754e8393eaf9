#!/usr/bin/env node
/**
 * Read + expand time of the fixture CIFs: ionpath vs pymatgen CifParser vs gemmi.
 *
 *   node bench/cif-read.mjs [--files 1000] [--fixtures DIR]
 *
 * Takes every *.cif in the fixture folder ($IONPATH_FIXTURES/cif, default ../shared/fixtures/cif)
 * and repeats the list to about --files paths. ionpath reads each path with readCif (file read,
 * parse, symmetry, expansion of every structure block) after one warm-up pass over the unique
 * files (moyo's tables and the symbol index are built then). pymatgen
 * (CifParser(path).get_structures(primitive=False)) and gemmi (cif.read +
 * make_small_structure_from_block + get_all_unit_cell_sites) read the same path list through
 * bench/cif_read_pymatgen.py and bench/cif_read_gemmi.py with /usr/bin/python3 (import time
 * excluded). Prints per-file site counts and times, totals, and ratios; failures are timed
 * (time to fail) and counted. Runs the TypeScript sources through tsx.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const target = Number(arg('files', 1000));
const fixtureDir = resolve(arg('fixtures', join(process.env.IONPATH_FIXTURES ?? join(root, '..', 'shared', 'fixtures'), 'cif')));

async function loadCif() {
  // The sources through tsx (a dist/ build may be older than the sources).
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(root, 'src', 'io', 'cif', 'index.ts')).href);
}

const unique = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.cif'))
  .sort()
  .map((f) => join(fixtureDir, f));
if (unique.length === 0) {
  console.error(`no .cif files in ${fixtureDir}`);
  process.exitCode = 2;
} else {
  const reps = Math.max(1, Math.round(target / unique.length));
  const paths = [];
  for (let r = 0; r < reps; r++) paths.push(...unique);

  // ionpath
  const { readCif } = await loadCif();
  const ion = new Map(unique.map((p) => [p, { seconds: 0, calls: 0, ok: 0, sites: null, error: null }]));
  for (const p of unique) {
    try {
      readCif(p);
    } catch {
      /* counted below */
    }
  }
  const t0 = performance.now();
  for (const p of paths) {
    const rec = ion.get(p);
    const a = performance.now();
    try {
      const r = readCif(p);
      rec.ok++;
      rec.sites = r.blocks.map((b) => b.structure.nsites);
    } catch (e) {
      rec.error = String(e.message ?? e).slice(0, 120);
    }
    rec.seconds += (performance.now() - a) / 1000;
    rec.calls++;
  }
  const ionTotal = (performance.now() - t0) / 1000;

  // Python tools
  const dir = mkdtempSync(join(tmpdir(), 'ionpath-cif-bench-'));
  const list = join(dir, 'paths.txt');
  writeFileSync(list, paths.join('\n') + '\n');
  const runPy = (script) => {
    const r = spawnSync('/usr/bin/python3', [join(here, script), list], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) {
      console.error(`${script} failed: ${r.stderr.slice(-500)}`);
      return null;
    }
    return JSON.parse(r.stdout);
  };
  const pmg = runPy('cif_read_pymatgen.py');
  const gem = runPy('cif_read_gemmi.py');

  const ms = (rec) => (rec && rec.calls ? ((rec.seconds / rec.calls) * 1000).toFixed(3) : '-');
  const sites = (rec) => (rec ? (rec.sites ? rec.sites.join('+') : 'FAIL') : '-');
  console.log(`CIF read + expand: ${unique.length} fixture files × ${reps} = ${paths.length} reads (${fixtureDir})`);
  console.log(`${'file'.padEnd(44)} ${'ionpath'.padStart(18)} ${'pymatgen'.padStart(18)} ${'gemmi'.padStart(18)}   (sites, ms per read)`);
  for (const p of unique) {
    const cells = [ion.get(p), pmg?.per_file[p], gem?.per_file[p]].map((r) => `${sites(r)} ${ms(r)}`.padStart(18));
    console.log(`${basename(p).slice(0, 44).padEnd(44)} ${cells.join(' ')}`);
  }
  const okBoth = unique.filter((p) => ion.get(p).ok && pmg?.per_file[p]?.ok);
  const sum = (recs) => recs.reduce((t, r) => t + r.seconds, 0);
  console.log('');
  console.log(`total wall time, all ${paths.length} reads: ionpath ${ionTotal.toFixed(3)} s` +
    (pmg ? `, pymatgen ${pmg.version} ${pmg.total_s.toFixed(3)} s` : '') + (gem ? `, gemmi ${gem.version} ${gem.total_s.toFixed(3)} s` : ''));
  if (pmg) {
    console.log(`pymatgen / ionpath: ${(pmg.total_s / ionTotal).toFixed(1)}x on all reads (pymatgen fails on ${unique.length - okBoth.length} of ${unique.length} files);` +
      ` ${(sum(okBoth.map((p) => pmg.per_file[p])) / sum(okBoth.map((p) => ion.get(p)))).toFixed(1)}x on the ${okBoth.length} files both read`);
  }
  if (gem) console.log(`gemmi / ionpath: ${(gem.total_s / ionTotal).toFixed(2)}x (gemmi 0.5's small-structure reader ignores operator loops and unknown H-M spellings, so several of its site counts are not the crystal's)`);
}
