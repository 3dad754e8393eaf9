/**
 * Job scripts for Slurm and PBS (PBS Pro `select` syntax).
 *
 * Every script: scheduler directives (nodes, tasks per node, wall time, partition/queue,
 * account), `module load` lines, a check that the inputs are there (a missing POTCAR is
 * named together with POTCAR.spec), then the MPI launch of VASP ($VASP_BIN, default
 * vasp_std). For an NEB the MPI rank count must be a multiple of IMAGES (VASP splits the
 * ranks evenly over the images): checked when the script is written and again at run time
 * from the scheduler's real allocation. When the preset needs the VTST code (LCLIMB,
 * IOPT) the script checks that the VASP binary was built with it (VTST adds the LCLIMB tag
 * to the binary) before spending queue time; IONPATH_SKIP_VTST_CHECK=1 skips the check.
 */
import { InputError } from '../core/errors.js';

export type Scheduler = 'slurm' | 'pbs';

export interface JobOptions {
  scheduler: Scheduler;
  jobName: string;
  nodes: number;
  /** MPI ranks per node. */
  ntasksPerNode: number;
  /** Wall time: HH:MM:SS or D-HH:MM:SS. */
  time: string;
  /** Slurm partition / PBS queue. */
  partition?: string;
  account?: string;
  /** Modules to `module load`, in order. */
  modules?: readonly string[];
  /** VASP executable (default vasp_std; $VASP_BIN at run time wins). */
  vaspCommand?: string;
  /** MPI launcher (default: srun for Slurm, mpirun -np N for PBS). */
  mpiLauncher?: string;
  /** NEB: number of intermediate images (ranks must be a multiple). */
  images?: number;
  /** The run needs a VTST build of VASP. */
  requireVtst?: boolean;
  /** Input files the run needs besides INCAR/KPOINTS/POTCAR (e.g. POSCAR or 00/POSCAR). */
  inputs?: readonly string[];
}

export const DEFAULT_JOB: Readonly<Omit<JobOptions, 'scheduler' | 'jobName'>> = Object.freeze({
  nodes: 1,
  ntasksPerNode: 32,
  time: '24:00:00',
});

/** Validated wall time → [days, hours, minutes, seconds]. */
export function parseWallTime(t: string): [number, number, number, number] {
  const m = /^(?:(\d+)-)?(\d{1,3}):(\d{2}):(\d{2})$/.exec(t.trim());
  if (!m || Number(m[3]) > 59 || Number(m[4]) > 59) {
    throw new InputError(`--time "${t}": expected HH:MM:SS or D-HH:MM:SS (e.g. 24:00:00 or 2-00:00:00)`);
  }
  return [Number(m[1] ?? 0), Number(m[2]), Number(m[3]), Number(m[4])];
}

/** Total MPI ranks, with the NEB rule checked. */
export function totalRanks(o: Pick<JobOptions, 'nodes' | 'ntasksPerNode' | 'images'>): number {
  for (const [k, v] of [['--nodes', o.nodes], ['--ntasks-per-node', o.ntasksPerNode]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new InputError(`${k} must be a positive integer, got ${v}`);
  }
  const n = o.nodes * o.ntasksPerNode;
  if (o.images !== undefined) {
    if (!Number.isInteger(o.images) || o.images < 1) throw new Error(`internal: IMAGES must be ≥ 1, got ${o.images}`);
    if (n % o.images !== 0) {
      const up = Math.ceil(n / o.images) * o.images;
      const down = Math.floor(n / o.images) * o.images;
      throw new InputError(
        `${n} MPI ranks (${o.nodes} node(s) × ${o.ntasksPerNode}) is not a multiple of IMAGES = ${o.images}: VASP splits the ranks evenly over the images`,
        { hint: `use a multiple of ${o.images}: ${down > 0 ? `${down} or ` : ''}${up} ranks, e.g. --ntasks-per-node ${o.images * Math.max(1, Math.floor(o.ntasksPerNode / o.images))}` },
      );
    }
  }
  return n;
}

function sanitizeName(name: string, max: number): string {
  const s = name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[^A-Za-z]+/, '');
  return (s || 'vasp').slice(0, max);
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Job script text. */
export function jobScript(o: JobOptions): string {
  const ranks = totalRanks(o);
  const [d, h, mi, s] = parseWallTime(o.time);
  const vasp = o.vaspCommand ?? 'vasp_std';
  const L: string[] = ['#!/bin/bash'];
  if (o.scheduler === 'slurm') {
    L.push(`#SBATCH --job-name=${sanitizeName(o.jobName, 64)}`);
    L.push(`#SBATCH --nodes=${o.nodes}`);
    L.push(`#SBATCH --ntasks-per-node=${o.ntasksPerNode}`);
    L.push(`#SBATCH --time=${o.time.trim()}`);
    if (o.partition) L.push(`#SBATCH --partition=${o.partition}`);
    if (o.account) L.push(`#SBATCH --account=${o.account}`);
    L.push('#SBATCH --output=vasp.%j.out');
  } else if (o.scheduler === 'pbs') {
    const hours = d * 24 + h;
    L.push(`#PBS -N ${sanitizeName(o.jobName, 15)}`);
    L.push(`#PBS -l select=${o.nodes}:ncpus=${o.ntasksPerNode}:mpiprocs=${o.ntasksPerNode}`);
    L.push(`#PBS -l walltime=${String(hours).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}`);
    if (o.partition) L.push(`#PBS -q ${o.partition}`);
    if (o.account) L.push(`#PBS -A ${o.account}`);
    L.push('#PBS -j oe');
  } else {
    throw new InputError(`--scheduler "${o.scheduler as string}": expected slurm or pbs`);
  }
  L.push('#');
  L.push(`# Written by ionpath. ${ranks} MPI rank(s)${o.images ? ` for IMAGES = ${o.images} (${ranks / o.images} per image)` : ''}.`);
  L.push('set -euo pipefail');
  L.push(o.scheduler === 'slurm' ? 'cd "${SLURM_SUBMIT_DIR:-.}"' : 'cd "${PBS_O_WORKDIR:-.}"');
  L.push('');
  for (const m of o.modules ?? []) L.push(`module load ${shellQuote(m)}`);
  if ((o.modules ?? []).length) L.push('');
  L.push(`VASP_BIN="\${VASP_BIN:-${vasp}}"`);
  L.push('');
  L.push('# inputs present? (a POTCAR is never shipped: build it from POTCAR.spec)');
  L.push('if [ ! -f POTCAR ]; then');
  L.push('  echo "ionpath job: POTCAR missing in $(pwd); build it from POTCAR.spec (see README.md)" >&2');
  L.push('  exit 1');
  L.push('fi');
  const inputs = ['INCAR', 'KPOINTS', ...(o.inputs ?? ['POSCAR'])];
  L.push(`for f in ${inputs.map(shellQuote).join(' ')}; do`);
  L.push('  [ -f "$f" ] || { echo "ionpath job: $f missing in $(pwd)" >&2; exit 1; }');
  L.push('done');
  if (o.scheduler === 'slurm') {
    L.push(`NRANKS="\${SLURM_NTASKS:-${ranks}}"`);
  } else {
    L.push(`NRANKS="$( [ -n "\${PBS_NODEFILE:-}" ] && wc -l < "$PBS_NODEFILE" || echo ${ranks} )"`);
  }
  if (o.images !== undefined) {
    L.push('');
    L.push(`IMAGES=${o.images}`);
    L.push('if [ $((NRANKS % IMAGES)) -ne 0 ]; then');
    L.push('  echo "ionpath job: $NRANKS MPI ranks is not a multiple of IMAGES=$IMAGES" >&2');
    L.push('  exit 1');
    L.push('fi');
  }
  if (o.requireVtst) {
    L.push('');
    L.push('# the preset uses VTST tags (LCLIMB, IOPT): check the binary was built with VTST');
    L.push('if [ "${IONPATH_SKIP_VTST_CHECK:-0}" != 1 ]; then');
    L.push('  VASP_PATH="$(command -v "$VASP_BIN" || true)"');
    L.push('  if [ -z "$VASP_PATH" ]; then echo "ionpath job: cannot find $VASP_BIN" >&2; exit 1; fi');
    L.push('  if ! grep -qa LCLIMB "$VASP_PATH"; then');
    L.push('    echo "ionpath job: $VASP_PATH is not a VTST build (no LCLIMB); build VASP with the VTST code, or write the deck with --no-vtst" >&2');
    L.push('    exit 1');
    L.push('  fi');
    L.push('fi');
  }
  L.push('');
  const launch = o.mpiLauncher ?? (o.scheduler === 'slurm' ? 'srun' : 'mpirun -np "$NRANKS"');
  L.push(`${launch} "$VASP_BIN"`);
  return L.join('\n') + '\n';
}
