/**
 * Worker thread of `ionpath screen`: evaluates whole files (screen.ts `evaluateFile`) with
 * the options it was started with. Started by screen.ts through the pool (pool.ts).
 */
import { workerData } from 'node:worker_threads';
import { serveTasks } from './pool.js';
import { evaluateFile, type ScreenOptions, type ScreenRow, type ScreenTask } from './screen.js';

const options = workerData as ScreenOptions;
serveTasks<ScreenTask, ScreenRow[]>((t) => evaluateFile(t.index, t.file, options));
