/**
 * The Slurm job-array script for a screen: N array tasks (0 … N−1), task ID screening shard
 * ID+1 of N (`--shard $((SLURM_ARRAY_TASK_ID+1))/N`) with as many worker threads as CPUs
 * Slurm gives it, writing `shard-ID.json` through a temporary name (a killed task leaves no
 * half-written shard that looks complete). Merge afterwards with `ionpath screen merge`.
 * The cluster's scheduler does the scheduling; ionpath only splits the input deterministically.
 */
import { InputError } from '../core/errors.js';

export interface SlurmArrayOptions {
  /** Number of array tasks (= shards). */
  tasks: number;
  /** Files and folders to screen, as given (relative to `workdir`). */
  inputs: readonly string[];
  /** Further `ionpath screen` arguments, one word each (e.g. ['--ion', 'Li', '--resolution', '0.3']). */
  screenArgs: readonly string[];
  /** Absolute folder the tasks run in (#SBATCH --chdir). */
  workdir: string;
  /** Folder for shard-ID.json and the logs, relative to `workdir` (default "."). */
  shardDir?: string;
  partition?: string;
  /** Wall time per task: minutes, mm:ss, hh:mm:ss, d-hh, d-hh:mm or d-hh:mm:ss. */
  time?: string;
  cpusPerTask?: number;
  /** Memory per node, Slurm style (e.g. 4G). */
  mem?: string;
  account?: string;
  jobName?: string;
  /** Run at most this many array tasks at once (the %K of --array). */
  maxConcurrent?: number;
}

const SLURM_TIME = /^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d{1,2}|\d+-\d{1,2}:\d{1,2}|\d+-\d{1,2}:\d{1,2}:\d{1,2})$/;
const SLURM_WORD = /^[A-Za-z0-9_.,+-]+$/;

/** Quote a word for bash (single quotes; embedded quotes closed and escaped). */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function slurmArrayScript(o: SlurmArrayOptions): string {
  if (!Number.isInteger(o.tasks) || o.tasks < 1) throw new InputError(`--slurm-array: expected a whole number of tasks ≥ 1, got ${o.tasks}`);
  if (o.inputs.length === 0) throw new InputError('--slurm-array: say which files or folders to screen');
  if (o.time !== undefined && !SLURM_TIME.test(o.time)) {
    throw new InputError(`--time: expected Slurm wall time like 01:30:00 or 2-00:00:00, got "${o.time}"`);
  }
  for (const [name, v] of [['--partition', o.partition], ['--mem', o.mem], ['--account', o.account], ['--job-name', o.jobName]] as const) {
    if (v !== undefined && !SLURM_WORD.test(v)) throw new InputError(`${name}: "${v}" is not a plain Slurm name (letters, digits, _ . , + -)`);
  }
  if (o.cpusPerTask !== undefined && !(Number.isInteger(o.cpusPerTask) && o.cpusPerTask >= 1)) {
    throw new InputError(`--cpus-per-task: expected a whole number ≥ 1, got ${o.cpusPerTask}`);
  }
  if (o.maxConcurrent !== undefined && !(Number.isInteger(o.maxConcurrent) && o.maxConcurrent >= 1)) {
    throw new InputError(`--max-concurrent: expected a whole number ≥ 1, got ${o.maxConcurrent}`);
  }
  if (/[\n\r]/.test(o.workdir)) throw new InputError('the working folder name holds a line break; Slurm cannot use it');
  const dir = (o.shardDir ?? '.').replace(/\/+$/, '') || '.';
  if (/[\n\r%]/.test(dir)) throw new InputError(`--shard-dir "${dir}": line breaks and % are not allowed in Slurm file names`);
  const inDir = (name: string) => (dir === '.' ? name : `${dir}/${name}`);
  const N = o.tasks;
  const screen = ['$IONPATH', 'screen', ...o.inputs.map(shellQuote), ...o.screenArgs.map(shellQuote)].join(' ');
  const merge = ['ionpath', 'screen', 'merge', `${inDir('shard-*.json')}`, '--inputs', ...o.inputs.map(shellQuote), '-o', 'ranked.json'].join(' ');
  const L: string[] = [];
  L.push('#!/bin/bash');
  L.push(`# ionpath screen as a Slurm job array: ${N} task${N > 1 ? 's' : ''}, task ID screens shard ID+1 of ${N}`);
  L.push(`# (the files whose index k in the sorted input list has k mod ${N} = ID) and writes ${inDir('shard-ID.json')}.`);
  L.push('#   submit:  sbatch THIS_SCRIPT');
  L.push(`#   merge:   ${merge}`);
  L.push('#            (after every task has finished; the report names missing shards and files)');
  L.push('#   chain:   sbatch --dependency=afterok:JOBID --wrap "ionpath screen merge ..."');
  L.push(`#SBATCH --job-name=${o.jobName ?? 'ionpath-screen'}`);
  L.push(`#SBATCH --array=0-${N - 1}${o.maxConcurrent ? `%${o.maxConcurrent}` : ''}`);
  L.push('#SBATCH --ntasks=1');
  if (o.cpusPerTask !== undefined) L.push(`#SBATCH --cpus-per-task=${o.cpusPerTask}`);
  if (o.time !== undefined) L.push(`#SBATCH --time=${o.time}`);
  if (o.partition !== undefined) L.push(`#SBATCH --partition=${o.partition}`);
  if (o.mem !== undefined) L.push(`#SBATCH --mem=${o.mem}`);
  if (o.account !== undefined) L.push(`#SBATCH --account=${o.account}`);
  L.push(`#SBATCH --chdir=${o.workdir}`);
  L.push(`#SBATCH --output=${inDir('screen-%A_%a.log')}`);
  L.push('set -euo pipefail');
  L.push('');
  L.push('IONPATH=${IONPATH:-ionpath}   # or: IONPATH="node /path/to/ionpath/bin/ionpath.js" sbatch ...');
  L.push('ID=${SLURM_ARRAY_TASK_ID:?submit this script with sbatch: it is a job array}');
  L.push(`OUT=${shellQuote(inDir('shard-'))}$ID.json`);
  if (dir !== '.') L.push(`mkdir -p ${shellQuote(dir)}`);
  L.push(`${screen} \\`);
  L.push(`  --shard $((ID + 1))/${N} --workers "\${SLURM_CPUS_PER_TASK:-1}" --json > "$OUT.tmp"`);
  L.push('mv "$OUT.tmp" "$OUT"');
  return L.join('\n') + '\n';
}
