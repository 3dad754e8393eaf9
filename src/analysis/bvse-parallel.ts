/**
 * The BVSE grid on all cores: rows of the grid are split between worker threads (each
 * rebuilds the model; the structure crosses as plain data). Falls back to the calling thread
 * for small grids, where starting workers costs more than it saves.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type BvseGrid, type BvseModel, bvseGridRows, gridShape } from './bvse.js';

export interface ParallelGridOptions {
  resolutionÅ?: number;
  workers?: number;
  /** Called with the number of rows finished so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** Below this many grid points the grid is computed in the calling thread. */
const MIN_POINTS_FOR_WORKERS = 200_000;

export async function bvseGridParallel(model: BvseModel, opts: ParallelGridOptions = {}): Promise<BvseGrid> {
  const shape = gridShape(model.structure, opts.resolutionÅ ?? 0.2);
  const [n0, n1, n2] = shape;
  const total = n0 * n1 * n2;
  const nWorkers = Math.max(1, Math.min(opts.workers ?? availableParallelism(), n0));
  let energies: Float64Array;
  if (nWorkers === 1 || total < MIN_POINTS_FOR_WORKERS) {
    let done = 0;
    energies = bvseGridRows(model, shape, 0, n0, () => opts.onProgress?.(++done, n0));
  } else {
    energies = new Float64Array(total);
    const here = fileURLToPath(import.meta.url);
    const isTs = here.endsWith('.ts');
    const workerFile = here.replace(/bvse-parallel\.(ts|js)$/, `bvse-worker.${isTs ? 'ts' : 'js'}`);
    let done = 0;
    const chunk = Math.ceil(n0 / nWorkers);
    const jobs: Promise<void>[] = [];
    for (let w = 0; w < nWorkers; w++) {
      const start = w * chunk;
      const end = Math.min(n0, start + chunk);
      if (start >= end) continue;
      jobs.push(
        new Promise<void>((resolve, reject) => {
          const workerData = { structure: model.structure.toJSON(), ion: model.ion, oxidation: model.oxidation, shape, start, end };
          // Under the test runner the sources are TypeScript: load the worker through tsx.
          const worker = isTs
            ? new Worker(
                `import(${JSON.stringify(tsxApiUrl())}).then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(workerFile).href)}); });`,
                { eval: true, workerData },
              )
            : new Worker(workerFile, { workerData });
          worker.on('message', (m: { row?: number; done?: boolean; energies?: Float64Array }) => {
            if (m.row !== undefined) opts.onProgress?.(++done, n0);
            if (m.done && m.energies) {
              energies.set(m.energies, start * n1 * n2);
              resolve();
            }
          });
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (code !== 0) reject(new Error(`BVSE worker stopped with code ${code}`));
          });
        }),
      );
    }
    await Promise.all(jobs);
  }
  let min = Infinity;
  for (let i = 0; i < energies.length; i++) if (energies[i] < min) min = energies[i];
  const L = model.structure.lattice.lengths;
  return { shape, energies, spacing: [L[0] / n0, L[1] / n1, L[2] / n2], min };
}

/** tsx's register API, resolved from this module (not from the current folder), for TypeScript-source runs. */
function tsxApiUrl(): string {
  return import.meta.resolve('tsx/esm/api');
}
