#!/usr/bin/env node
/**
 * Polyhedra of a ~10,000-atom structure: neighbour search, coordination, hull volumes and
 * distortion metrics, anion environments, and a --compare against a strained copy with
 * extra Li.
 *
 *   node bench/polyhedra.bench.mjs [--cells 6,6,5] [--jitter 0.05]
 *
 * The structure is the spinel LiMn2O4 (a = 8.251 Å, O x = 0.2628, origin 2; 56 atoms per
 * cubic cell) repeated 6×6×5 = 10,080 atoms, every atom displaced at random by up to
 * `jitter` Å (seeded) so no polyhedron is regular. Runs the TypeScript sources through tsx.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const cells = arg('cells', '6,6,5').split(',').map(Number);
const jitter = Number(arg('jitter', '0.05'));

const { register } = await import('tsx/esm/api');
register();
const imp = (p) => import(pathToFileURL(join(root, 'src', p)).href);
const { Lattice } = await imp('core/lattice.ts');
const { Structure } = await imp('core/structure.ts');
const { polyhedra } = await imp('analysis/polyhedra.ts');
const { anionEnvironments } = await imp('analysis/environments.ts');
const { comparePolyhedra } = await imp('analysis/polyhedra-compare.ts');
const { neighborList } = await imp('geometry/neighbors.ts');

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

function spinel() {
  const x = 0.2628;
  const F = [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]];
  const sites = [];
  const put = (list, el) => {
    for (const p of list) for (const t of F) sites.push({ frac: [0, 1, 2].map((k) => (((p[k] + t[k]) % 1) + 1) % 1), species: el });
  };
  put([[0.125, 0.125, 0.125], [0.875, 0.375, 0.375]], 'Li');
  put([[0.5, 0.5, 0.5], [0.25, 0.75, 0], [0.75, 0, 0.25], [0, 0.25, 0.75]], 'Mn');
  put([[x, x, x], [-x + 0.25, -x + 0.75, x + 0.5], [-x + 0.75, x + 0.5, -x + 0.25], [x + 0.5, -x + 0.25, -x + 0.75],
    [-x, -x, -x], [x + 0.75, x + 0.25, -x + 0.5], [x + 0.25, -x + 0.5, x + 0.75], [-x + 0.5, x + 0.75, x + 0.25]], 'O');
  return new Structure(Lattice.cubic(8.251), sites);
}

function time(label, fn) {
  const t0 = performance.now();
  const r = fn();
  const dt = (performance.now() - t0) / 1000;
  console.log(`${label.padEnd(44)} ${dt.toFixed(2).padStart(7)} s`);
  return [r, dt];
}

const r = rng(7);
const big0 = spinel().supercell(cells);
const L = big0.lattice;
const big = big0.withSites(big0.sites.map((s) => {
  const c = L.toCartesian(s.frac).map((v) => v + (r() * 2 - 1) * jitter);
  return { ...s, frac: L.toFractional(c) };
}));
console.log(`structure: ${big.formula} (${big.nsites} atoms, ${cells.join('×')} cells), jitter ${jitter} Å, node ${process.version}`);

const [nl] = time('neighborList, 3.0 Å, all atoms', () => neighborList(big, 3.0));
console.log(`  ${nl.reduce((n, l) => n + l.length, 0)} neighbour entries`);
const [res, tPoly] = time('polyhedra (coordination + metrics)', () => polyhedra(big));
console.log(`  ${res.polyhedra.length} polyhedra: ${res.types.map((t) => `${t.type} ×${t.count} V ${t.volume.mean.toFixed(3)} ± ${t.volume.std.toFixed(3)} Å³`).join(', ')}`);
const [env] = time('anion environments', () => anionEnvironments(big));
console.log(`  ${env.environments.map((e) => `${e.grouped} ×${e.count}`).join(', ')}`);

// strained copy (+1 % a, −0.5 % c) with Li added on 16c of every cell (appended)
const strained = big.withLattice(new Lattice(L.matrix.map((row, i) => row.map((v) => v * (i === 2 ? 0.995 : 1.01)))));
const c16 = [[0, 0, 0], [0.75, 0.25, 0.5], [0.25, 0.5, 0.75], [0.5, 0.75, 0.25]];
const F = [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]];
const extra = [];
for (let i = 0; i < cells[0]; i++) for (let j = 0; j < cells[1]; j++) for (let k = 0; k < cells[2]; k++) {
  for (const p of c16) for (const t of F) extra.push({ frac: [(p[0] + t[0]) % 1, (p[1] + t[1]) % 1, (p[2] + t[2]) % 1].map((v, d) => (v + [i, j, k][d]) / cells[d]), species: 'Li' });
}
const lithiated = strained.addSites(extra.slice(0, Math.floor(extra.length / 4)));
const [cmp, tCmp] = time(`compare with strained + ${lithiated.nsites - big.nsites} Li (auto → index)`, () => comparePolyhedra(big, lithiated));
console.log(`  ${cmp.pairs.length} pairs; lattice ΔV ${cmp.lattice.volume.changePercent.toFixed(3)} %; ${cmp.types.map((t) => `${t.type} ΔV ${t.volume.changePercent.toFixed(3)} %`).join(', ')}`);
const shuffled = lithiated.withSites([...lithiated.sites].reverse());
const [cmp2] = time('compare, reversed site order (position)', () => comparePolyhedra(big, shuffled));
console.log(`  ${cmp2.match}: ${cmp2.pairs.length} pairs, unmatched ${cmp2.unmatchedBefore.length} / ${cmp2.unmatchedAfter.length}`);
console.log(`total for polyhedra of ${big.nsites} atoms: ${tPoly.toFixed(2)} s; compare (two structures): ${tCmp.toFixed(2)} s`);
