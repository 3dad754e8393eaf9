/**
 * Worker thread for the BVSE grid: rebuilds the model from the structure's plain data and
 * computes a range of grid rows. Started by bvse-parallel.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Lattice } from '../core/lattice.js';
import { Structure } from '../core/structure.js';
import { buildBvseModel, bvseGridRows } from './bvse.js';

interface Job {
  structure: ReturnType<Structure['toJSON']>;
  ion: string;
  oxidation: Record<string, number>;
  shape: [number, number, number];
  start: number;
  end: number;
}

const job = workerData as Job;
const s = new Structure(new Lattice(job.structure.lattice), job.structure.sites, job.structure.title);
const model = buildBvseModel(s, job.ion, { oxidation: job.oxidation });
const rows = bvseGridRows(model, job.shape, job.start, job.end, (i) => parentPort!.postMessage({ row: i }));
parentPort!.postMessage({ done: true, energies: rows }, [rows.buffer as ArrayBuffer]);
