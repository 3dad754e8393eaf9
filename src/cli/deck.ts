/**
 * `ionpath deck FILE --preset relax|static|kvo-paper -o DIR`: a complete VASP job folder for
 * one structure (INCAR, KPOINTS, POSCAR, POTCAR or POTCAR.spec, job.sh, ionpath.json,
 * README.md). Also the VASP options shared with `ionpath neb` (k-points, --incar, POTCAR,
 * scheduler) and their parsing.
 */
import type { Argv, CommandModule } from 'yargs';
import '../build/builtins.js'; // registers built-in names with readStructure
import { InputError } from '../core/errors.js';
import { readStructure } from '../io/read-structure.js';
import { parseIncarOverrides, type IncarValue } from '../vasp/incar.js';
import type { KpointSetting } from '../vasp/kpoints.js';
import { BASES, DECK_PRESETS } from '../vasp/presets.js';
import { parsePotcarOverrides } from '../vasp/potcar-assemble.js';
import { type JobSettings, type WriteResult, planStructureDeck, writeDeck } from '../vasp/deck.js';
import type { Scheduler } from '../vasp/jobs.js';
import { handler, printJson, println, warn } from './common.js';

/** Options every deck-writing command takes. */
export interface VaspArgs {
  output?: string;
  force?: boolean;
  json?: boolean;
  incar?: string[];
  'kpoints-density'?: number;
  'reciprocal-density'?: number;
  kspacing?: number;
  kmesh?: string;
  'potcar-dir'?: string;
  potcar?: string[];
  scheduler: string;
  nodes: number;
  'ntasks-per-node'?: number;
  time: string;
  partition?: string;
  account?: string;
  module?: string[];
  'vasp-command'?: string;
  'job-name'?: string;
}

/** Add the shared VASP options to a yargs builder. */
export function vaspOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('output', { alias: 'o', type: 'string', describe: 'deck folder to write (required)' })
    .option('force', { type: 'boolean', describe: 'replace the inputs of an existing deck (OUTCAR, CONTCAR, vasprun.xml are never touched)' })
    .option('json', { type: 'boolean', describe: 'print one JSON document' })
    .option('incar', { type: 'string', array: true, describe: 'INCAR override KEY=VALUE (repeatable; wins over everything; KEY= removes a tag)' })
    .option('kpoints-density', { type: 'number', describe: 'k-points per reciprocal atom (pymatgen automatic_density)' })
    .option('reciprocal-density', { type: 'number', describe: 'k-points per Å⁻³ of reciprocal volume (MP: 64 relax, 100 static; default)' })
    .option('kspacing', { type: 'number', describe: 'k-point spacing in 1/Å (VASP KSPACING rule, 2π included)' })
    .option('kmesh', { type: 'string', describe: 'explicit mesh, e.g. 2x2x2' })
    .option('potcar-dir', { type: 'string', describe: 'POTCAR library (<symbol>/POTCAR, optionally under PAW_PBE/); default $VASP_PSP_DIR' })
    .option('potcar', { type: 'string', array: true, describe: 'POTCAR variant per element, e.g. Mn=Mn (default Li_sv, Mn_pv, Fe_pv, V_pv, O, … as MP)' })
    .option('scheduler', { type: 'string', choices: ['slurm', 'pbs'], default: 'slurm', describe: 'job script flavour' })
    .option('nodes', { type: 'number', default: 1, describe: 'nodes per job' })
    .option('ntasks-per-node', { type: 'number', describe: 'MPI ranks per node (default 32; NEB: a multiple of IMAGES)' })
    .option('time', { type: 'string', default: '24:00:00', describe: 'wall time HH:MM:SS or D-HH:MM:SS' })
    .option('partition', { type: 'string', describe: 'Slurm partition / PBS queue' })
    .option('account', { type: 'string', describe: 'account to charge' })
    .option('module', { type: 'string', array: true, describe: 'module to load in the job (repeatable)' })
    .option('vasp-command', { type: 'string', describe: 'VASP executable (default vasp_std; $VASP_BIN wins at run time)' })
    .option('job-name', { type: 'string', describe: 'job name (default from the formula)' });
}

export interface VaspSettings {
  kpoints?: KpointSetting;
  incarOverrides: Map<string, IncarValue | null>;
  potcarDir?: string;
  potcarOverrides: Record<string, string>;
  job: JobSettings;
  output: string;
  force: boolean;
}

/** Parse the shared options (InputError on bad values). `defaultTasks` is the default ranks per node. */
export function vaspSettings(a: VaspArgs, defaultTasks = 32): VaspSettings {
  if (!a.output) throw new InputError('say where to write the deck: -o DIR');
  const kinds = (['kpoints-density', 'reciprocal-density', 'kspacing', 'kmesh'] as const).filter((k) => a[k] !== undefined);
  if (kinds.length > 1) throw new InputError(`give one k-point rule, not ${kinds.map((k) => `--${k}`).join(' and ')}`);
  let kpoints: KpointSetting | undefined;
  if (a['kpoints-density'] !== undefined) kpoints = { kind: 'kppa', value: a['kpoints-density'] };
  else if (a['reciprocal-density'] !== undefined) kpoints = { kind: 'reciprocalDensity', value: a['reciprocal-density'] };
  else if (a.kspacing !== undefined) kpoints = { kind: 'spacing', value: a.kspacing };
  else if (a.kmesh !== undefined) {
    const m = /^\s*(\d+)\s*[x×, ]\s*(\d+)\s*[x×, ]\s*(\d+)\s*$/i.exec(a.kmesh);
    if (!m) throw new InputError(`--kmesh "${a.kmesh}": expected three integers, e.g. 2x2x2`);
    kpoints = { kind: 'mesh', value: [Number(m[1]), Number(m[2]), Number(m[3])] };
  }
  for (const [k, v] of [['--kpoints-density', a['kpoints-density']], ['--reciprocal-density', a['reciprocal-density']], ['--kspacing', a.kspacing]] as const) {
    if (v !== undefined && !(v > 0)) throw new InputError(`${k} must be a positive number, got ${v}`);
  }
  return {
    kpoints,
    incarOverrides: parseIncarOverrides(a.incar ?? []),
    potcarDir: a['potcar-dir'],
    potcarOverrides: parsePotcarOverrides(a.potcar ?? []),
    job: {
      scheduler: a.scheduler as Scheduler,
      nodes: a.nodes,
      ntasksPerNode: a['ntasks-per-node'] ?? defaultTasks,
      time: a.time,
      ...(a.partition ? { partition: a.partition } : {}),
      ...(a.account ? { account: a.account } : {}),
      ...(a.module?.length ? { modules: a.module } : {}),
      ...(a['vasp-command'] ? { vaspCommand: a['vasp-command'] } : {}),
      ...(a['job-name'] ? { jobName: a['job-name'] } : {}),
    },
    output: a.output,
    force: Boolean(a.force),
  };
}

/** Human summary of a written deck. */
export function printWritten(dir: string, w: WriteResult, notes: readonly string[]): void {
  println(`wrote ${w.written.length} files to ${dir}${w.replaced.length ? ` (replaced ${w.replaced.length} existing inputs)` : ''}`);
  if (w.keptOutputs.length) println(`left alone: ${w.keptOutputs.join(', ')}`);
  for (const n of notes) println(`  ${n}`);
}

interface DeckArgs extends VaspArgs {
  file: string;
  preset: string;
}

export const deckCommand: CommandModule<object, DeckArgs> = {
  command: 'deck <file>',
  describe: 'write a VASP job folder for one structure (relax, static, kvo-paper, neb = NEB-endpoint relaxation)',
  builder: (y) =>
    vaspOptions(
      y
        .positional('file', { type: 'string', demandOption: true, describe: 'structure (CIF, POSCAR/CONTCAR, pymatgen JSON, builtin:NAME)' })
        .example('ionpath deck CONTCAR --preset relax -o relax', 'MPRelaxSet-style relaxation (GGA+U for oxides, MAGMOM, KPOINTS, job.sh)')
        .example('ionpath deck host.cif --preset kvo-paper -o kvo --potcar-dir ~/PAW_PBE', 'ENCUT 400, EDIFF 1E-6, EDIFFG -0.005, POTCAR assembled')
        .example('ionpath deck s.vasp --preset static --incar NSW=0 --kmesh 4x4x4 -o static', 'overrides always win')
        .option('preset', { type: 'string', choices: Object.keys(DECK_PRESETS), default: 'relax', describe: 'input preset' }),
    ) as unknown as Argv<DeckArgs>,
  handler: handler(async (args: DeckArgs) => {
    const v = vaspSettings(args);
    const p = DECK_PRESETS[args.preset];
    if (!p) throw new InputError(`--preset ${args.preset}: expected ${Object.keys(DECK_PRESETS).join(', ')}`);
    const r = readStructure(args.file);
    for (const w of r.warnings) warn(`${w.file ?? args.file}${w.line ? `:${w.line}` : ''}: ${w.message}`);
    const plan = planStructureDeck(r.structure, {
      base: BASES[p.base],
      task: p.task,
      presetName: args.preset,
      kpoints: v.kpoints,
      incarOverrides: v.incarOverrides,
      potcarDir: v.potcarDir,
      potcarOverrides: v.potcarOverrides,
      job: v.job,
      inputs: args.file.startsWith('builtin:') ? [] : [{ path: args.file, role: 'structure' }],
      command: `ionpath ${process.argv.slice(2).join(' ')}`,
    });
    const w = writeDeck(v.output, plan, v.force);
    for (const x of plan.warnings) warn(x.message);
    if (args.json) {
      printJson({ dir: v.output, kind: 'single', preset: args.preset, ...w, notes: plan.notes, warnings: plan.warnings.map((x) => x.message), settings: plan.manifest.settings });
    } else printWritten(v.output, w, plan.notes);
  }),
};
