#!/usr/bin/env node
/**
 * BVSE landscape on a grid (src/analysis/bvse.ts, bvse-parallel.ts) on 1,000- and
 * 10,000-atom supercells of the spinel LiMn2O4 and the layered LiNiO2 (fixtures), with 1 and
 * 2 worker threads, and the 1D/2D/3D percolation sweep (grid-percolation.ts) on the result.
 * Next to it, a prototype kernel (this file, not in src/) that computes the same landscape:
 *
 *   - per-block neighbour lists: grid nodes are taken in blocks of B×B×B; one cell-list query
 *     per block (radius = pair cutoff + block half-diagonal) gathers the framework images,
 *     then each node of the block loops over that short list only — instead of one
 *     27-bin query per node with bins as wide as the 7.5 Å cutoff (~1,300 candidate atoms
 *     per node for ~150 within range in the 10k spinel);
 *   - per-pair cutoffs at gather time: anions only within the Morse Rcutoff (6 Å), cations
 *     within the Coulomb cutoff;
 *   - tabulated pair energies: one table per distinct framework parameter set (element /
 *     mixed site), V(r) = Morse + Coulomb·erfc on 0.5 Å ≤ r ≤ cutoff, cubic Hermite pieces
 *     with exact values and derivatives at the knots (h ≈ 0.004 Å, Morse cutoff on a knot),
 *     so no exp/erfc in the inner loop; below 0.5 Å the exact formula.
 *
 * The prototype's energies are checked against bvseGrid node by node (max |Δ|), and the
 * percolation energies of both grids against each other.
 *
 *   node bench/bvse.bench.mjs [--structures lmo,lno] [--sizes 1000,10000] [--workers 1,2]
 *        [--impl current,prototype] [--res 0.2] [--repeat 1] [--block 4] [--json out.json]
 *
 * Runs the TypeScript sources through tsx. The machine may be shared: each line reports the
 * 1-minute load average before the run, wall time and CPU time (all threads).
 */
import { availableParallelism, loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { register } = await import('tsx/esm/api');
register();
const imp = (p) => import(pathToFileURL(join(root, 'src', p)).href);
const { erfc } = await imp('math/erfc.ts');
const { NeighborGrid } = await imp('geometry/neighbors.ts');
const { Lattice } = await imp('core/lattice.ts');

// ---- the prototype kernel -----------------------------------------------------------------

const TABLE_R0 = 0.5; // Å; below it the exact formula
const TABLE_H = 0.004; // Å, target knot spacing

/** Group framework atoms by parameter set; one table per group. Plain data (crosses threads). */
export function buildKernelData(model) {
  const n = model.frameworkSites.length;
  const keyOf = (j) => [model.morseWeight[j], model.d0[j], model.rMin[j], model.alpha[j], model.rCut[j], model.coulombK[j], model.screenLen[j]].join(',');
  const types = new Map();
  const typeOf = new Int32Array(n);
  const params = [];
  for (let j = 0; j < n; j++) {
    const k = keyOf(j);
    if (!types.has(k)) {
      types.set(k, params.length);
      params.push({ mw: model.morseWeight[j], d0: model.d0[j], rMin: model.rMin[j], alpha: model.alpha[j], rCut: model.rCut[j], K: model.coulombK[j], S: model.screenLen[j] });
    }
    typeOf[j] = types.get(k);
  }
  // pair cutoff per type, with bvse.ts's semantics: Morse for r ≤ rCut, Coulomb for every
  // cation image the grid query returns (r ≤ model.cutoff)
  const tables = params.map((p) => {
    const morse = p.mw !== 0;
    const cut = Math.max(morse ? p.rCut : 0, p.K !== 0 ? model.cutoff : 0);
    // knot spacing: put the Morse cutoff on a knot when there is a Coulomb part beyond it
    let h = TABLE_H;
    if (morse && p.K !== 0 && p.rCut < cut) h = (p.rCut - TABLE_R0) / Math.round((p.rCut - TABLE_R0) / TABLE_H);
    const nInt = Math.ceil((cut - TABLE_R0) / h) + 1;
    const coef = new Float64Array(4 * nInt);
    const f = (r, withMorse) => {
      let v = 0, d = 0;
      if (withMorse) {
        const e = Math.exp(p.alpha * (p.rMin - r));
        v += p.mw * 0.5 * p.d0 * ((e - 1) * (e - 1) - 1);
        d += -p.mw * p.d0 * p.alpha * e * (e - 1);
      }
      if (p.K !== 0) {
        const x = r / p.S;
        const ec = erfc(x);
        v += (p.K / r) * ec;
        d += -(p.K / (r * r)) * ec - (p.K / r) * (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) / p.S;
      }
      return [v, d];
    };
    for (let k = 0; k < nInt; k++) {
      const r0 = TABLE_R0 + k * h, r1 = r0 + h;
      const withMorse = morse && r1 <= p.rCut * (1 + 1e-12);
      const [f0, d0] = f(r0, withMorse);
      const [f1, d1] = f(r1, withMorse);
      coef[4 * k] = f0;
      coef[4 * k + 1] = h * d0;
      coef[4 * k + 2] = 3 * (f1 - f0) - h * (2 * d0 + d1);
      coef[4 * k + 3] = 2 * (f0 - f1) + h * (d0 + d1);
    }
    return { cut, h, coef };
  });
  return {
    lattice: model.structure.lattice.matrix.map((r) => [...r]),
    cart: Float64Array.from(model.cart),
    typeOf,
    params,
    tables,
    cutoff: model.cutoff,
  };
}

/** Exact pair energy (bvse.ts semantics) for the rare r < TABLE_R0. */
function exactPair(p, r, cutoff) {
  if (r < 1e-6) return 1e6;
  let e = 0;
  if (p.mw !== 0 && r <= p.rCut) {
    const x = Math.exp(p.alpha * (p.rMin - r)) - 1;
    e += p.mw * 0.5 * p.d0 * (x * x - 1);
  }
  if (p.K !== 0 && r <= cutoff) e += (p.K / r) * erfc(r / p.S);
  return e;
}

/** Energies of grid rows [i0Start, i0End) (i0Start a multiple of B), layout as bvseGridRows. */
export function prototypeGridRows(data, shape, i0Start, i0End, B = 4) {
  const [n0, n1, n2] = shape;
  const M = data.lattice;
  const lattice = new Lattice(M);
  const nTypes = data.tables.length;
  let maxCut = 0;
  for (const t of data.tables) maxCut = Math.max(maxCut, t.cut);
  // block half-diagonal (Å): largest distance from the block centre to a corner node
  const sp = [0, 1, 2].map((k) => [M[k][0] / shape[k], M[k][1] / shape[k], M[k][2] / shape[k]]);
  let Rb = 0;
  for (const s0 of [-1, 1]) for (const s1 of [-1, 1]) for (const s2 of [-1, 1]) {
    const h = (B - 1) / 2;
    const v = [0, 1, 2].map((c) => s0 * h * sp[0][c] + s1 * h * sp[1][c] + s2 * h * sp[2][c]);
    Rb = Math.max(Rb, Math.hypot(v[0], v[1], v[2]));
  }
  const grid = new NeighborGrid(lattice, data.cart, maxCut + Rb);
  const typeOf = data.typeOf;
  const gatherCut = data.tables.map((t) => t.cut + Rb);
  const cut2 = Float64Array.from(data.tables.map((t) => t.cut * t.cut));
  const invH = Float64Array.from(data.tables.map((t) => 1 / t.h));
  const coefs = data.tables.map((t) => t.coef);
  const nIntervals = Int32Array.from(data.tables.map((t) => t.coef.length / 4));
  // per-type entry lists for the current block (grow as needed)
  let cap = 4096;
  const ex = [], ey = [], ez = [], cnt = new Int32Array(nTypes);
  for (let t = 0; t < nTypes; t++) { ex.push(new Float64Array(cap)); ey.push(new Float64Array(cap)); ez.push(new Float64Array(cap)); }
  const grow = (t) => {
    const m = ex[t].length * 2;
    for (const arr of [ex, ey, ez]) { const a = new Float64Array(m); a.set(arr[t]); arr[t] = a; }
  };
  const out = new Float64Array((i0End - i0Start) * n1 * n2);
  const c = new Float64Array(3);
  for (let b0 = i0Start; b0 < i0End; b0 += B) {
    const e0 = Math.min(i0End, b0 + B);
    for (let b1 = 0; b1 < n1; b1 += B) {
      const e1 = Math.min(n1, b1 + B);
      for (let b2 = 0; b2 < n2; b2 += B) {
        const e2 = Math.min(n2, b2 + B);
        const f0 = (b0 + e0 - 1) / 2 / n0, f1 = (b1 + e1 - 1) / 2 / n1, f2 = (b2 + e2 - 1) / 2 / n2;
        c[0] = f0 * M[0][0] + f1 * M[1][0] + f2 * M[2][0];
        c[1] = f0 * M[0][1] + f1 * M[1][1] + f2 * M[2][1];
        c[2] = f0 * M[0][2] + f1 * M[1][2] + f2 * M[2][2];
        cnt.fill(0);
        grid.query(c, (j, d, vx, vy, vz) => {
          const t = typeOf[j];
          if (d > gatherCut[t]) return;
          if (cnt[t] === ex[t].length) grow(t);
          const k = cnt[t]++;
          ex[t][k] = vx; ey[t][k] = vy; ez[t][k] = vz;
        });
        for (let i = b0; i < e0; i++) {
          for (let j = b1; j < e1; j++) {
            for (let k = b2; k < e2; k++) {
              // node offset from the block centre
              const g0 = i / n0 - f0, g1 = j / n1 - f1, g2 = k / n2 - f2;
              const ox = g0 * M[0][0] + g1 * M[1][0] + g2 * M[2][0];
              const oy = g0 * M[0][1] + g1 * M[1][1] + g2 * M[2][1];
              const oz = g0 * M[0][2] + g1 * M[1][2] + g2 * M[2][2];
              let e = 0;
              for (let t = 0; t < nTypes; t++) {
                const X = ex[t], Y = ey[t], Z = ez[t], n = cnt[t], c2 = cut2[t], ih = invH[t], cf = coefs[t], nI = nIntervals[t];
                for (let s = 0; s < n; s++) {
                  const dx = X[s] - ox, dy = Y[s] - oy, dz = Z[s] - oz;
                  const r2 = dx * dx + dy * dy + dz * dz;
                  if (r2 > c2) continue;
                  const r = Math.sqrt(r2);
                  const x = (r - TABLE_R0) * ih;
                  if (x < 0) {
                    e += exactPair(data.params[t], r, data.cutoff);
                    continue;
                  }
                  let q = x | 0;
                  if (q >= nI) q = nI - 1;
                  const u = x - q;
                  const b = 4 * q;
                  e += cf[b] + u * (cf[b + 1] + u * (cf[b + 2] + u * cf[b + 3]));
                }
              }
              out[((i - i0Start) * n1 + j) * n2 + k] = e;
            }
          }
        }
      }
    }
  }
  return out;
}

if (!isMainThread) {
  const { data, shape, start, end, block } = workerData;
  const rows = prototypeGridRows(data, shape, start, end, block);
  parentPort.postMessage({ energies: rows }, [rows.buffer]);
} else {
  await main();
}

/** The prototype landscape on `workers` threads (rows split in block-aligned chunks). */
async function prototypeGrid(data, shape, workers, block) {
  const [n0, n1, n2] = shape;
  if (workers <= 1) return prototypeGridRows(data, shape, 0, n0, block);
  const energies = new Float64Array(n0 * n1 * n2);
  const blocksPerWorker = Math.ceil(Math.ceil(n0 / block) / workers);
  const jobs = [];
  for (let w = 0; w < workers; w++) {
    const start = w * blocksPerWorker * block;
    const end = Math.min(n0, start + blocksPerWorker * block);
    if (start >= end) continue;
    jobs.push(new Promise((resolve, reject) => {
      const wk = new Worker(fileURLToPath(import.meta.url), { workerData: { data, shape, start, end, block } });
      wk.on('message', (m) => { energies.set(m.energies, start * n1 * n2); resolve(); });
      wk.on('error', reject);
      wk.on('exit', (code) => code !== 0 && reject(new Error(`worker exit ${code}`)));
    }));
  }
  await Promise.all(jobs);
  return energies;
}

async function main() {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : dflt;
  };
  const structures = arg('structures', 'lmo,lno').split(',');
  const sizes = arg('sizes', '1000,10000').split(',').map(Number);
  const workersList = arg('workers', '1,2').split(',').map(Number);
  const impls = arg('impl', 'current,prototype').split(',');
  const res = Number(arg('res', '0.2'));
  const repeat = Number(arg('repeat', '1'));
  const block = Number(arg('block', '4'));
  const jsonOut = arg('json', null);

  const { readStructure } = await imp('io/read-structure.ts');
  const { buildBvseModel, bvseGrid, gridShape } = await imp('analysis/bvse.ts');
  const { bvseGridParallel } = await imp('analysis/bvse-parallel.ts');
  const { gridPercolation } = await imp('analysis/grid-percolation.ts');

  const FIX = process.env.IONPATH_FIXTURES ?? join(root, '..', 'shared', 'fixtures');
  const files = {
    lmo: { file: 'cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif', cells: { 1000: [3, 3, 2], 10000: [6, 6, 5] } },
    lno: { file: 'cif/LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif', cells: { 1000: [7, 6, 2], 10000: [14, 15, 4] } },
  };
  const results = [];
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
  console.log(`# BVSE landscape at ${res} Å; ${availableParallelism()} cores; node ${process.version}`);

  // correctness of the prototype on the unit cells first
  for (const key of structures) {
    const s = readStructure(join(FIX, files[key].file)).structure;
    const m = buildBvseModel(s, 'Li');
    const g = bvseGrid(m, res);
    const data = buildKernelData(m);
    const e = prototypeGridRows(data, g.shape, 0, g.shape[0], block);
    let worst = 0;
    for (let i = 0; i < e.length; i++) if (g.energies[i] < 1e5) worst = Math.max(worst, Math.abs(e[i] - g.energies[i]));
    const p1 = gridPercolation(g.energies, g.shape), p2 = gridPercolation(e, g.shape);
    console.log(`check ${key} unit cell: ${data.tables.length} pair tables, max |E_proto − E_bvseGrid| = ${worst.toExponential(2)} eV over ${e.length} nodes; percolation current ${[p1.e1D, p1.e2D, p1.e3D].map((x) => x?.toFixed(5))} prototype ${[p2.e1D, p2.e2D, p2.e3D].map((x) => x?.toFixed(5))}`);
    results.push({ check: key, nodes: e.length, maxAbsDiff: worst, current: p1, prototype: p2 });
  }

  for (const key of structures) {
    const s0 = readStructure(join(FIX, files[key].file)).structure;
    for (const size of sizes) {
      const s = s0.supercell(files[key].cells[size]);
      let t = performance.now();
      const m = buildBvseModel(s, 'Li');
      const tModel = (performance.now() - t) / 1000;
      const shape = gridShape(s, res);
      const nodes = shape[0] * shape[1] * shape[2];
      let data = null;
      let reference = null;
      for (const impl of impls) {
        for (const workers of workersList) {
          for (let rep = 0; rep < repeat; rep++) {
            const load = loadavg()[0];
            const c0 = cpu();
            t = performance.now();
            let energies;
            let tSetup = 0;
            if (impl === 'current') {
              energies = (await bvseGridParallel(m, { resolutionÅ: res, workers })).energies;
            } else {
              if (!data) {
                const ts = performance.now();
                data = buildKernelData(m);
                tSetup = (performance.now() - ts) / 1000;
              }
              energies = await prototypeGrid(data, shape, workers, block);
            }
            const wall = (performance.now() - t) / 1000;
            const cpuS = cpu() - c0;
            t = performance.now();
            const perc = gridPercolation(energies, shape);
            const tPerc = (performance.now() - t) / 1000;
            let diff = null;
            if (!reference) reference = energies;
            else if (reference !== energies) {
              diff = 0;
              for (let i = 0; i < nodes; i++) if (reference[i] < 1e5) diff = Math.max(diff, Math.abs(reference[i] - energies[i]));
            }
            const r = {
              structure: key, atoms: s.nsites, framework: m.frameworkSites.length, cells: files[key].cells[size], grid: shape, nodes, impl, workers,
              wallSeconds: +wall.toFixed(2), cpuSeconds: +cpuS.toFixed(2), usPerNode: +((wall * 1e6) / nodes).toFixed(3), modelSeconds: +tModel.toFixed(3),
              tableSeconds: +tSetup.toFixed(3), percolationSeconds: +tPerc.toFixed(2), loadBefore: +load.toFixed(2), loadAfter: +loadavg()[0].toFixed(2),
              percolation: [perc.e1D, perc.e2D, perc.e3D].map((x) => (x === null ? null : +x.toFixed(5))), maxAbsDiffVsFirst: diff,
            };
            results.push(r);
            console.log(
              `${key} ${r.atoms} atoms (${r.cells.join('×')}), grid ${shape.join('×')} = ${nodes} nodes, ${impl}, ${workers} worker(s): ` +
                `${r.wallSeconds} s wall, ${r.cpuSeconds} s CPU, ${r.usPerNode} µs/node; percolation sweep ${r.percolationSeconds} s → ${r.percolation.join(' / ')} eV; ` +
                `load ${r.loadBefore}→${r.loadAfter}${diff !== null ? `; max |ΔE| vs first run ${diff.toExponential(2)} eV` : ''}`,
            );
            energies = null;
          }
        }
      }
      reference = null;
    }
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 1));
}
