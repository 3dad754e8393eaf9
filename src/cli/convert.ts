/** `ionpath convert IN OUT`: between CIF, POSCAR/CONTCAR and pymatgen JSON, by extension. */
import type { CommandModule } from 'yargs';
import { readStructure, writeStructure, type StructureFormat } from '../io/read-structure.js';
import { handler, printJson, println, warn } from './common.js';

interface ConvertArgs {
  input: string;
  output: string;
  block?: string;
  format?: StructureFormat;
  symmetrized?: boolean;
  symprec: number;
  force?: boolean;
  json?: boolean;
  species?: string;
}

export const convertCommand: CommandModule<object, ConvertArgs> = {
  command: 'convert <input> <output>',
  describe: 'Convert a structure between CIF, POSCAR/CONTCAR (.vasp) and pymatgen JSON (.json)',
  builder: (y) =>
    y
      .positional('input', { type: 'string', demandOption: true })
      .positional('output', { type: 'string', demandOption: true })
      .option('block', { type: 'string', describe: 'CIF data block to read' })
      .option('format', { choices: ['cif', 'poscar', 'json'] as const, describe: 'output format (default: from the name)' })
      .option('symmetrized', { type: 'boolean', describe: 'CIF: asymmetric unit + symmetry operations instead of P1' })
      .option('symprec', { type: 'number', default: 0.01, describe: 'symmetry tolerance (Å) for --symmetrized' })
      .option('species', { type: 'string', describe: 'species for VASP 4 POSCARs, e.g. Li,Mn,O' })
      .option('force', { type: 'boolean', describe: 'overwrite OUTPUT if it exists' })
      .option('json', { type: 'boolean', describe: 'print a JSON summary' })
      .example('ionpath convert LiMn2O4.cif POSCAR', 'expand the CIF into a VASP POSCAR')
      .example('ionpath convert CONTCAR relaxed.cif --symmetrized', 'a symmetrized CIF of a relaxed cell')
      .example('ionpath convert POSCAR s.json', 'pymatgen Structure.from_dict reads s.json'),
  handler: handler(async (args: ConvertArgs) => {
    const r = readStructure(args.input, { block: args.block, species: args.species?.split(',') });
    for (const w of r.warnings) warn(`${args.input}: ${w.line ? `line ${w.line}: ` : ''}${w.message}`);
    const format = writeStructure(r.structure, args.output, { format: args.format, force: args.force, symmetrized: args.symmetrized, symprec: args.symprec });
    if (args.json) printJson({ input: args.input, output: args.output, format, formula: r.structure.formula, nsites: r.structure.nsites });
    else println(`wrote ${args.output} (${format}, ${r.structure.formula}, ${r.structure.nsites} sites)`);
  }),
};
