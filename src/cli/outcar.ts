/**
 * `ionpath outcar FILE [--json] [--steps]`: read a VASP OUTCAR (plain, .gz, .xz, .bz2;
 * streaming) and print the run's summary and its ionic steps, or one JSON document.
 */
import type { Argv, CommandModule } from 'yargs';
import { readOutcar, type OutcarResult, type OutcarStep } from '../io/outcar.js';
import { handler, printJson, println, warn } from './common.js';

export interface OutcarArgs {
  file: string;
  json?: boolean;
  steps?: boolean;
}

const f = (x: number | null | undefined, d: number): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));

/** The JSON document: the DESIGN.md keys first, then everything else the reader found. */
export function outcarJson(r: OutcarResult): Record<string, unknown> {
  return {
    file: r.file,
    complete: r.complete,
    incompleteReason: r.incompleteReason,
    vaspVersion: r.header.vaspVersion,
    nions: r.header.nions,
    finalEnergy: r.finalEnergy,
    finalFreeEnergy: r.finalFreeEnergy,
    finalEnergyWithoutEntropy: r.finalEnergyWithoutEntropy,
    finalStep: r.finalStep,
    magnetization: r.magnetization,
    ionicConverged: r.ionicConverged,
    electronicConverged: r.electronicConverged,
    nSteps: r.steps.length,
    nDftSteps: r.nDftSteps,
    nMlSteps: r.nMlSteps,
    lastDftStep: r.lastDftStep,
    efermi: r.efermi,
    steps: r.steps,
    final: r.final,
    neb: r.neb,
    timing: r.timing,
    header: r.header,
    warnings: r.warnings,
    warningsDropped: r.warningsDropped,
    vaspErrors: r.vaspErrors,
    stopped: r.stopped,
  };
}

function stepRow(s: OutcarStep): string {
  return [
    String(s.index).padStart(5),
    (s.mlff ? 'ML' : 'DFT').padStart(4),
    f(s.energy, 8).padStart(16),
    f(s.energySigma0, 8).padStart(16),
    f(s.maxForce, 4).padStart(9),
    (s.tangentForce === null ? '' : f(s.tangentForce, 4)).padStart(9),
    (s.magnetization === null ? '' : f(s.magnetization, 4)).padStart(9),
    String(s.electronicSteps).padStart(5),
  ].join(' ');
}

/** Human-readable summary and step table. */
export function summarizeOutcar(r: OutcarResult, allSteps = false): string[] {
  const h = r.header;
  const out: string[] = [];
  out.push(`file           ${r.file}`);
  out.push(`VASP           ${h.vaspVersion ?? '-'}${r.neb?.vtstVersion ? `  (VTST ${r.neb.vtstVersion})` : ''}`);
  out.push(`complete       ${r.complete ? 'yes' : `no: ${r.incompleteReason}`}`);
  const comp = h.elements.length ? h.elements.map((e, k) => `${e}${h.ionsPerType?.[k] ?? ''}`).join(' ') : '-';
  out.push(`atoms          ${h.nions ?? '-'}  (${comp})`);
  const tags: string[] = [];
  for (const [k, v] of [
    ['IBRION', h.ibrion],
    ['ISIF', h.isif],
    ['NSW', h.nsw],
    ['ISPIN', h.ispin],
    ['ENCUT', h.encut],
    ['EDIFF', h.ediff],
    ['EDIFFG', h.ediffg],
  ] as [string, number | null][]) {
    if (v !== null) tags.push(`${k}=${v}`);
  }
  if (h.ldau) tags.push(`LDAU (U = ${h.ldauU?.join(' ') ?? '?'})`);
  if (h.mlff) tags.push('ML force field');
  if (tags.length) out.push(`parameters     ${tags.join(' ')}`);
  if (h.potcars.length) out.push(`POTCARs        ${h.potcars.join(', ')}`);
  out.push(`ionic steps    ${r.steps.length}${r.nMlSteps ? ` (${r.nDftSteps} DFT, ${r.nMlSteps} ML only)` : ''}`);
  out.push(`final energy   ${f(r.finalEnergy, 8)} eV (σ→0)   free energy ${f(r.finalFreeEnergy, 8)} eV${r.finalStep ? `   (step ${r.finalStep})` : ''}`);
  if (r.magnetization) {
    out.push(`magnetisation  total ${f(r.magnetization.total, 4)} μB${r.magnetization.sites ? `; sites ${r.magnetization.sites.map((m) => m.toFixed(3)).join(' ')}` : ''}`);
  }
  if (r.efermi !== null) out.push(`Fermi energy   ${f(r.efermi, 4)} eV`);
  const conv = (b: boolean | null) => (b === null ? 'n/a' : b ? 'yes' : 'no');
  out.push(`converged      ionic ${conv(r.ionicConverged)}, electronic ${conv(r.electronicConverged)}`);
  if (r.neb) out.push(`NEB            ${r.neb.method ?? 'image'}${r.neb.climbing ? ' (climbing image)' : ''}, tangential force ${f(r.neb.tangentForce, 6)} eV/Å`);
  if (r.timing?.elapsedSeconds !== null && r.timing?.elapsedSeconds !== undefined) out.push(`elapsed        ${r.timing.elapsedSeconds.toFixed(1)} s`);
  if (r.steps.length) {
    out.push('');
    out.push(
      ['step'.padStart(5), 'type'.padStart(4), 'TOTEN (eV)'.padStart(16), 'E(σ→0) (eV)'.padStart(16), 'max F'.padStart(9), 'F∥'.padStart(9), 'mag'.padStart(9), 'SCF'.padStart(5)].join(' '),
    );
    const rows = r.steps;
    if (allSteps || rows.length <= 20) for (const s of rows) out.push(stepRow(s));
    else {
      for (const s of rows.slice(0, 5)) out.push(stepRow(s));
      out.push(`  … ${rows.length - 20} steps (--steps shows all) …`);
      for (const s of rows.slice(-15)) out.push(stepRow(s));
    }
  }
  return out;
}

export const outcarCommand: CommandModule<object, OutcarArgs> = {
  command: 'outcar <file>',
  describe: 'Read a VASP OUTCAR (gz/xz too): energies, forces, magnetisation, convergence, NEB data',
  builder: (y: Argv<object>) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'OUTCAR, OUTCAR.gz, OUTCAR.xz or OUTCAR.bz2' })
      .example('ionpath outcar OUTCAR', 'energies, forces, convergence; complete or why not')
      .example('ionpath outcar OUTCAR.gz --json --steps', 'every ionic step as JSON')
      .option('json', { type: 'boolean', default: false, describe: 'print the result as one JSON document' })
      .option('steps', {
        type: 'boolean',
        default: false,
        describe: 'include every step: positions, forces, lattice and site moments in JSON; all rows in the table',
      }) as Argv<OutcarArgs>,
  handler: handler(async (args: OutcarArgs) => {
    const r = await readOutcar(args.file, { keepSteps: args.steps });
    if (args.json) {
      printJson(outcarJson(r));
      return;
    }
    for (const l of summarizeOutcar(r, args.steps)) println(l);
    for (const w of r.warnings) warn(`${r.file}:${w.line}: ${w.message}`);
    if (r.warningsDropped) warn(`${r.warningsDropped} more warnings not shown`);
    for (const e of r.vaspErrors) warn(`${r.file}:${e.line}: VASP error: ${e.message}`);
  }),
};
