#!/usr/bin/env node
/**
 * `ionpath sites` and `ionpath paths` work (findSites + findHops, src/analysis/sites.ts and
 * paths.ts) on supercells of the spinel LiMn2O4 and the layered LiNiO2 (fixtures) of about
 * 1,000 and 10,000 atoms, and on their unit cells. Each case runs in its own worker thread with a
 * wall-clock limit (a case over the limit is stopped and reported as such, the next one
 * goes on). Besides the times it checks that a supercell gives the unit cell's answer
 * repeated: every site label keeps its positions × (number of cells), the hop classes keep
 * their lengths.
 *
 *   node bench/sites-paths.bench.mjs [--structures lmo,lno] [--sizes 1,1000,10000]
 *        [--timeout 600] [--json out.json]
 *
 * Sizes name the supercells below (1 = the unit cell: the 14-atom primitive cell of the
 * spinel, the 12-atom hexagonal cell of LiNiO2; 1000 → 896 / 972 atoms; 10000 → 10,206 /
 * 10,404 atoms). Runs the TypeScript sources through tsx;
 * reports the 1-minute load average with every line (the machine may be shared).
 */
import { loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { register } = await import('tsx/esm/api');
register();
const imp = (p) => import(pathToFileURL(join(root, 'src', p)).href);
const FIX = process.env.IONPATH_FIXTURES ?? join(root, '..', 'shared', 'fixtures');

/**
 * Supercells whose lattice keeps the full point group (n×n×n of the fcc primitive cell of the
 * spinel, n×n×m of the hexagonal cell of R-3m). Supercells that break it (a 3×3×2 cubic cell,
 * 7×6×2 hexagonal) currently get invalid symmetry operations from moyo-wasm 0.15
 * (spglib/moyo#445, fixed upstream by #446), which wrecks the site orbits; `--sizes` with
 * `bad1000` runs such a case to show it.
 */
const CASES = {
  lmo: {
    file: 'cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif',
    // fcc primitive vectors in units of the cubic cell (14 atoms)
    primitive: [[0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]],
    cells: { 1: [1, 1, 1], 1000: [4, 4, 4], 10000: [9, 9, 9], bad1000: 'conv:3,3,2' },
  },
  lno: {
    file: 'cif/LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif',
    primitive: null,
    cells: { 1: [1, 1, 1], 1000: [9, 9, 1], 10000: [17, 17, 3], bad1000: 'conv:7,6,2' },
  },
};

/** The structure of a case: the unit (primitive when given) cell, repeated. */
async function build(key, size) {
  const { readStructure } = await imp('io/read-structure.ts');
  const { Lattice } = await imp('core/lattice.ts');
  const { Structure } = await imp('core/structure.ts');
  const conv = readStructure(join(FIX, CASES[key].file)).structure;
  const spec = CASES[key].cells[size];
  if (typeof spec === 'string') return conv.supercell(spec.slice(5).split(',').map(Number));
  const P = CASES[key].primitive;
  if (!P) return conv.supercell(spec);
  // primitive cell: lattice P·L, sites f_p = f_c·P⁻¹ wrapped and deduplicated
  const L = conv.lattice.matrix;
  const lat = new Lattice(P.map((r) => [0, 1, 2].map((c) => r[0] * L[0][c] + r[1] * L[1][c] + r[2] * L[2][c])));
  const Pi = new Lattice(P).inverse;
  const sites = [];
  for (const s of conv.sites) {
    const f = [0, 1, 2].map((c) => s.frac[0] * Pi[0][c] + s.frac[1] * Pi[1][c] + s.frac[2] * Pi[2][c]).map((x) => {
      const y = x - Math.floor(x + 1e-9);
      return Math.abs(y) < 1e-9 ? 0 : y;
    });
    if (!sites.some((t) => lat.minimumImageDistance(t.frac, f) < 1e-3)) sites.push({ ...s, frac: f });
  }
  const prim = new Structure(lat, sites, conv.title);
  if (prim.nsites * 4 !== conv.nsites) throw new Error(`primitive cell has ${prim.nsites} sites, expected ${conv.nsites / 4}`);
  return prim.supercell(spec);
}

if (!isMainThread) {
  const { key, size } = workerData;
  const { findSites } = await imp('analysis/sites.ts');
  const { findHops } = await imp('analysis/paths.ts');
  const s = await build(key, size);
  const post = (m) => parentPort.postMessage(m);
  let t = performance.now();
  const r = findSites(s, { ion: 'Li' });
  const tSites = (performance.now() - t) / 1000;
  post({
    step: 'sites', atoms: s.nsites, seconds: tSites, voids: r.candidates.voids, spacegroup: r.spacegroup.symbol,
    sites: r.sites.map((x) => ({ label: x.label, kind: x.kind, positions: x.positions.length, energy: +x.siteEnergy.toFixed(4) })),
  });
  t = performance.now();
  const p = findHops(s, r);
  const tHops = (performance.now() - t) / 1000;
  post({
    step: 'paths', seconds: tHops,
    hops: p.hops.map((h) => ({ id: h.id, from: h.from, to: h.to, length: h.length, multiplicity: h.multiplicity, barrier: h.barrierEstimate })),
    dimensionality: Math.max(0, ...p.percolation.map((x) => x.dimensionality)),
  });
} else {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : dflt;
  };
  const structures = arg('structures', 'lmo,lno').split(',');
  const sizes = arg('sizes', '1,1000,10000').split(',');
  const timeout = Number(arg('timeout', '600'));
  const jsonOut = arg('json', null);
  const results = [];
  for (const key of structures) {
    let unit = null;
    for (const size of sizes) {
      const spec = CASES[key].cells[size];
      const cells = typeof spec === 'string' ? spec.slice(5).split(',').map(Number) : spec;
      const ncell = typeof spec === 'string' ? cells[0] * cells[1] * cells[2] * (CASES[key].primitive ? 4 : 1) : cells[0] * cells[1] * cells[2];
      const load = loadavg()[0];
      const t0 = performance.now();
      const got = await new Promise((resolve) => {
        const out = {};
        const w = new Worker(fileURLToPath(import.meta.url), { workerData: { key, size } });
        const timer = setTimeout(() => {
          out.stopped = true;
          w.terminate();
        }, timeout * 1000);
        w.on('message', (m) => (out[m.step] = m));
        w.on('error', (e) => (out.error = String(e)));
        w.on('exit', () => {
          clearTimeout(timer);
          resolve(out);
        });
      });
      const wall = (performance.now() - t0) / 1000;
      const row = { structure: key, cells, loadBefore: +load.toFixed(2), loadAfter: +loadavg()[0].toFixed(2), wallSeconds: +wall.toFixed(1), ...got };
      if (size === '1' && got.paths) unit = got;
      // the supercell must repeat the unit cell's answer
      if (unit && size !== '1') {
        const issues = [];
        if (got.sites) {
          const want = unit.sites.sites.map((x) => `${x.label}:${x.positions * ncell}`).sort().join(',');
          const have = got.sites.sites.map((x) => `${x.label}:${x.positions}`).sort().join(',');
          if (want !== have) issues.push(`sites ${have} (unit cell ×${ncell}: ${want})`);
        }
        if (got.paths) {
          const want = [...new Set(unit.paths.hops.map((h) => h.length.toFixed(3)))].sort().join(',');
          const have = [...new Set(got.paths.hops.map((h) => h.length.toFixed(3)))].sort().join(',');
          if (want !== have) issues.push(`hop lengths ${have} (unit cell: ${want})`);
        }
        row.consistentWithUnitCell = issues.length === 0;
        row.issues = issues;
      }
      results.push(row);
      const s = got.sites, p = got.paths;
      console.log(
        `${key} ${s?.atoms ?? '?'} atoms (${cells.join('×')}): ` +
          (s ? `findSites ${s.seconds.toFixed(2)} s (${s.voids} voids → ${s.sites.map((x) => `${x.label}×${x.positions}`).join(', ')}; ${s.spacegroup})` : 'findSites did not finish') +
          (p ? `; findHops ${p.seconds.toFixed(2)} s (${p.hops.length} classes, ${p.dimensionality}D)` : s ? '; findHops did not finish' : '') +
          (got.stopped ? `; stopped at the ${timeout} s limit` : '') +
          (got.error ? `; error ${got.error}` : '') +
          (row.consistentWithUnitCell === false ? `; NOT the unit cell's answer: ${row.issues.join('; ')}` : row.consistentWithUnitCell ? '; same sites/hops as the unit cell' : '') +
          `; load ${row.loadBefore}→${row.loadAfter}`,
      );
    }
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 1));
}
