#!/usr/bin/env node
/**
 * IDPP on a 200-atom, 7-image band: ionpath against ASE (bench/idpp_ase.py), as a ratio.
 *
 * The band: rocksalt MgO (a = 4.212 Å), 5×5×4 fcc primitive cells = 200 atoms (a skewed
 * 14.9 × 14.9 × 11.9 Å cell, 60° angles — what NEB supercell searches produce); one Mg
 * moves from its octahedral site to the neighbouring tetrahedral interstitial (1.82 Å).
 * Both sides start from the same endpoints (written to a temporary JSON file), interpolate
 * linearly with the minimum image and relax the IDPP band with FIRE to the same fmax; times
 * are in-process, after imports. ASE's own defaults (MDMin, fmax 0.1, ≤ 100 steps) are timed
 * too, for reference. The two FIRE bands are compared atom by atom.
 *
 *   node --import tsx bench/idpp.bench.mjs [--fmax 0.01] [--images 7]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const FMAX = Number(opt('--fmax', '0.01'));
const IMAGES = Number(opt('--images', '7'));

const { Lattice } = await import('../src/core/lattice.ts');
const { Structure } = await import('../src/core/structure.ts');
const { linearBandCart, idppRelax, MicHelper } = await import('../src/neb/interpolate.ts');

const a = 4.212;
const prim = new Structure(
  new Lattice([
    [0, a / 2, a / 2],
    [a / 2, 0, a / 2],
    [a / 2, a / 2, 0],
  ]),
  [
    { frac: [0, 0, 0], species: 'Mg' },
    { frac: [0.5, 0.5, 0.5], species: 'O' },
  ],
);
const sc = prim.supercell([5, 5, 4]);
const ini = sc;
const moved = sc.cart(0).map((x) => x + a / 4);
const fin = sc.withSites(sc.sites.map((s, i) => (i === 0 ? { ...s, frac: sc.lattice.toFractional(moved) } : s)));
const n = ini.nsites;

// ionpath
const t0 = performance.now();
const start = linearBandCart(ini, fin, IMAGES);
const r = idppRelax(ini.lattice, start, n, { fmax: FMAX });
const tIonpath = (performance.now() - t0) / 1000;

// ASE
const tmp = mkdtempSync(join(tmpdir(), 'idpp-bench-'));
const specPath = join(tmp, 'band.json');
const cart = (s) => s.sites.map((_, i) => [...s.cart(i)]);
writeFileSync(
  specPath,
  JSON.stringify({ lattice: ini.lattice.toJSON(), symbols: ini.sites.map((s) => s.species[0].element), initial: cart(ini), final: cart(fin), nimages: IMAGES, fmax: FMAX }),
);
const py = spawnSync('/usr/bin/python3', [join(here, 'idpp_ase.py'), specPath], { encoding: 'utf8', maxBuffer: 1 << 28 });
rmSync(tmp, { recursive: true, force: true });
if (py.status !== 0) {
  process.stderr.write(py.stderr);
  process.exit(1);
}
const ase = JSON.parse(py.stdout);

// compare the FIRE bands
const mic = new MicHelper(ini.lattice);
const v = new Float64Array(3);
let dev = 0;
r.band.forEach((p, k) =>
  ase.fire.band[k].forEach((q, i) => {
    mic.mic(p[3 * i] - q[0], p[3 * i + 1] - q[1], p[3 * i + 2] - q[2], v, 0);
    dev = Math.max(dev, Math.hypot(v[0], v[1], v[2]));
  }),
);

const row = (name, s, steps, f) => `${name.padEnd(34)} ${s.toFixed(3).padStart(9)} s ${String(steps).padStart(6)} steps   fmax ${f.toExponential(2)}`;
console.log(`IDPP, ${n} atoms, ${IMAGES} images (MgO 5x5x4 primitive cells, Mg oct -> tet), fmax ${FMAX}`);
console.log(row('ionpath (FIRE)', tIonpath, r.steps, r.fmax));
console.log(row(`ASE ${ase.ase} (FIRE, same fmax)`, ase.fire.seconds, ase.fire.steps, ase.fire.fmax));
console.log(row(`ASE ${ase.ase} defaults (MDMin, 0.1)`, ase.default.seconds, ase.default.steps, ase.default.fmax));
console.log(`ratio ASE/ionpath, same fmax: ${(ase.fire.seconds / tIonpath).toFixed(1)}x; per step: ${(ase.fire.seconds / ase.fire.steps / (tIonpath / r.steps)).toFixed(1)}x`);
console.log(`largest per-atom difference between the two FIRE bands: ${dev.toFixed(4)} Å`);
