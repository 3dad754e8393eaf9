/**
 * `ionpath vasprun FILE [--json] [--eigenvalues] [--dos]`: read a vasprun.xml(.gz) and print
 * a summary (version, formula, ionic steps, final energy, convergence, completeness), or the
 * whole result as one JSON document.
 */
import type { Argv, CommandModule } from 'yargs';
import { handler, printJson, println, warn } from './common.js';
import { readVasprun, type VasprunResult } from '../io/vasprun.js';

export interface VasprunArgs {
  file: string;
  json?: boolean;
  eigenvalues?: boolean;
  dos?: boolean;
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');
const fmt = (x: number | null, digits = 8): string => (x === null ? '-' : x.toFixed(digits));

/** The human-readable summary, one line per item. */
export function summarizeVasprun(r: VasprunResult): string[] {
  const lines: string[] = [];
  const s = r.finalStructure ?? r.initialStructure;
  const p = r.parameters;
  lines.push(`file           ${r.file}`);
  lines.push(`VASP           ${r.vaspVersion ?? '-'}${r.generator.date ? `  (run ${r.generator.date} ${r.generator.time ?? ''})`.trimEnd() : ''}`);
  lines.push(`complete       ${r.complete ? 'yes' : `no: ${r.incompleteReason}`}`);
  if (s) lines.push(`formula        ${s.reducedFormula}  (${s.formula}, ${s.nsites} atoms, V = ${s.lattice.volume.toFixed(3)} Å³)`);
  else if (r.nions !== null) lines.push(`atoms          ${r.nions}`);
  const tag = (k: string) => p[k] ?? r.incar[k];
  const tags = ['IBRION', 'ISIF', 'NSW', 'ISPIN', 'ENCUT', 'EDIFF', 'EDIFFG', 'NELM']
    .filter((k) => tag(k) !== undefined)
    .map((k) => `${k}=${Array.isArray(tag(k)) ? (tag(k) as unknown[]).join(' ') : String(tag(k))}`);
  if (tags.length) lines.push(`parameters     ${tags.join(' ')}`);
  if (r.kpoints) {
    const k = r.kpoints;
    lines.push(`k-points       ${k.points.length}${k.scheme ? ` (${k.scheme}${k.divisions ? ' ' + k.divisions.join('×') : ''})` : ''}`);
  }
  lines.push(`ionic steps    ${r.nSteps}`);
  const last = r.steps[r.steps.length - 1];
  lines.push(`final energy   ${fmt(r.finalEnergy)} eV (σ→0)   free energy ${fmt(r.finalFreeEnergy)} eV`);
  if (last) {
    lines.push(`last step      ${last.electronicSteps} electronic steps, max force ${fmt(last.maxForce, 4)} eV/Å`);
  }
  if (r.efermi !== null) lines.push(`Fermi energy   ${fmt(r.efermi, 4)} eV`);
  lines.push(
    `converged      ${yesNo(r.converged)} (electronic ${yesNo(r.convergedElectronic)}, ionic ${yesNo(r.convergedIonic)})`,
  );
  const extra: string[] = [];
  if (r.isSpin) extra.push('spin-polarised');
  if (r.hasEigenvalues) extra.push('eigenvalues');
  if (r.hasTotalDos) extra.push('total DOS');
  if (r.hasPartialDos) extra.push('projected DOS');
  if (extra.length) lines.push(`contains       ${extra.join(', ')}`);
  if (r.eigenvalues) {
    const e = r.eigenvalues.energies;
    lines.push(`eigenvalues    ${e.length} spin(s) × ${e[0]?.length ?? 0} k-points × ${e[0]?.[0]?.length ?? 0} bands`);
  }
  if (r.dos) lines.push(`DOS            ${r.dos.energies.length} points${r.dos.partial ? `, projected on ${r.dos.partial.values.length} ions (${r.dos.partial.orbitals.join(' ')})` : ''}`);
  return lines;
}

export const vasprunCommand: CommandModule<object, VasprunArgs> = {
  command: 'vasprun <file>',
  describe: 'Read a vasprun.xml(.gz): energies, structures, forces, convergence; eigenvalues/DOS on request',
  builder: (y: Argv<object>) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'vasprun.xml, or vasprun.xml.gz' })
      .example('ionpath vasprun vasprun.xml', 'final energy, steps, convergence')
      .example('ionpath vasprun vasprun.xml.gz --json --dos', 'with the density of states')
      .option('json', { type: 'boolean', default: false, describe: 'print the full result as one JSON document' })
      .option('eigenvalues', { type: 'boolean', default: false, describe: 'also read eigenvalues and occupations' })
      .option('dos', { type: 'boolean', default: false, describe: 'also read the total and projected DOS' }) as Argv<VasprunArgs>,
  handler: handler(async (args: VasprunArgs) => {
    const r = await readVasprun(args.file, { eigenvalues: args.eigenvalues, dos: args.dos });
    if (args.json) {
      printJson(r);
      return;
    }
    for (const l of summarizeVasprun(r)) println(l);
    for (const w of r.warnings) warn(`${w.file ?? ''}${w.line !== undefined ? ':' + w.line : ''}: ${w.message}`);
  }),
};
