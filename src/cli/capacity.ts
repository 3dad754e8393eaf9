/**
 * `ionpath capacity FORMULA|FILE --ion Li [--electrons N | --to V=3]`: theoretical capacity.
 * A formula gives the gravimetric capacity (mAh/g); a structure file (CIF, POSCAR, JSON, or
 * builtin:NAME) also the volumetric one (mAh/cm³) from its crystal density, with the formula
 * taken from the structure's reduced formula.
 */
import { existsSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { capacity, type CapacityResult } from '../analysis/capacity.js';
import { InputError } from '../core/errors.js';
import { parseFormula } from '../core/formula.js';
import { reduceComposition } from '../core/structure.js';
import { formatFromName, readStructure } from '../io/read-structure.js';
import { handler, parseNumberMap, printJson, println, roundDeep, warn } from './common.js';

interface CapacityArgs {
  input: string;
  ion: string;
  electrons?: number;
  to?: string;
  oxidation?: string;
  json?: boolean;
  block?: string;
}

/** True when the argument names a structure (an existing file, a structure file name, or builtin:NAME). */
export function isStructureArgument(arg: string): boolean {
  return existsSync(arg) || arg.startsWith('builtin:') || formatFromName(arg) !== null || /[/\\]/.test(arg);
}

export interface CapacityReport extends CapacityResult {
  /** The structure file, when one was given. */
  file?: string;
  /** Crystal density (g/cm³), with a structure. */
  density?: number;
}

export function capacityReport(a: Pick<CapacityArgs, 'input' | 'ion' | 'electrons' | 'to' | 'oxidation' | 'block'>): { report: CapacityReport; warnings: string[] } {
  const opts = {
    ion: a.ion,
    electrons: a.electrons,
    reduceTo: parseNumberMap(a.to, '--to'),
    oxidation: parseNumberMap(a.oxidation, '--oxidation'),
  };
  if (!isStructureArgument(a.input)) {
    return { report: capacity(parseFormula(a.input), a.input.trim(), opts), warnings: [] };
  }
  const r = readStructure(a.input, { block: a.block });
  const s = r.structure;
  const density = s.density;
  const report: CapacityReport = { file: a.input, ...capacity(reduceComposition(s.composition()), s.reducedFormula, { ...opts, density }), density };
  return { report, warnings: r.warnings.map((w) => w.message) };
}

/** Elements in the order the formula names them (others after). */
function formulaOrder(formula: string, elements: string[]): string[] {
  let order: string[] = [];
  try {
    order = [...parseFormula(formula).keys()];
  } catch {
    /* keep the given order */
  }
  const rank = (e: string) => (order.includes(e) ? order.indexOf(e) : order.length + elements.indexOf(e));
  return [...elements].sort((a, b) => rank(a) - rank(b));
}

export function formatCapacity(r: CapacityReport): string {
  const L: string[] = [];
  L.push(`${r.formula}${r.file ? ` (${r.file})` : ''}: ${r.mode} of ${r.ion}, ${r.basis}`);
  L.push(`  molar mass        ${r.molarMass.toFixed(3)} g/mol`);
  L.push(`  gravimetric       ${r.gravimetric.toFixed(1)} mAh/g${r.mode === 'insertion' ? ' (per gram of the host)' : ''}`);
  if (r.gravimetricLithiated !== undefined) L.push(`                    ${r.gravimetricLithiated.toFixed(1)} mAh/g per gram of the ${r.ion}-inserted compound`);
  if (r.volumetric !== undefined) L.push(`  volumetric        ${r.volumetric.toFixed(0)} mAh/cm³ (density ${r.density?.toFixed(3)} g/cm³)`);
  else L.push('  volumetric        give a structure file instead of a formula for mAh/cm³');
  if (r.oxidationStates) {
    const ox = r.oxidationStates;
    L.push(`  oxidation states  ${formulaOrder(r.formula, Object.keys(ox)).map((e) => `${e} ${Number(ox[e].toFixed(4))}`).join(', ')}`);
  }
  return L.join('\n');
}

export const capacityCommand: CommandModule<object, CapacityArgs> = {
  command: 'capacity <input>',
  describe: 'Theoretical capacity (mAh/g; mAh/cm³ with a structure) for extracting or inserting the mobile ion',
  builder: (y) =>
    y
      .positional('input', { type: 'string', demandOption: true, describe: 'a formula (K3V5O14) or a structure file (CIF, POSCAR, JSON, builtin:NAME)' })
      .option('ion', { type: 'string', default: 'Li', describe: 'mobile ion' })
      .option('electrons', { type: 'number', describe: 'electrons per formula unit (overrides the rest)' })
      .option('to', { type: 'string', describe: 'reduce elements to these oxidation states for insertion, e.g. V=3' })
      .option('oxidation', { type: 'string', describe: 'oxidation states the charge balance cannot find, e.g. Mn=4,Ni=2' })
      .option('block', { type: 'string', describe: 'CIF data block' })
      .option('json', { type: 'boolean' })
      .example('ionpath capacity K3V5O14 --electrons 10', '450 mAh/g (V5+ → V3+)')
      .example('ionpath capacity K3V5O14 --to V=3', 'the same from a charge balance')
      .example('ionpath capacity LiMn2O4.cif', 'extraction, with mAh/cm³ from the crystal density'),
  handler: handler((a: CapacityArgs) => {
    if (a.electrons !== undefined && a.to) throw new InputError('give --electrons or --to, not both');
    const { report, warnings } = capacityReport(a);
    for (const w of warnings) warn(`${a.input}: ${w}`);
    if (a.json) {
      printJson(roundDeep(report));
      return;
    }
    println(formatCapacity(report));
  }),
};
