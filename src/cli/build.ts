/**
 * `ionpath build`: a structure from a space group, lattice parameters and Wyckoff sites
 * (a refinement table), from a YAML/JSON spec file, or one of the built-in structures.
 *
 *   ionpath build --spacegroup 157 --lattice a=8.7,c=5.0 --site "K 3c x=0.59 z=0.5" … -o KVO.cif
 *   ionpath build --spec table.yaml -o POSCAR
 *   ionpath build lnmo-fd3m -o lnmo.cif
 *   ionpath build --list
 */
import type { CommandModule } from 'yargs';
import { buildStructure, type BuildResult } from '../build/builder.js';
import { builtinSpec, isBuiltinName, listBuiltins } from '../build/builtins.js';
import { readSpecFile, specFromArgs, type BuildSpec } from '../build/spec.js';
import { InputError } from '../core/errors.js';
import { formatAmount } from '../core/structure.js';
import { writeStructure } from '../io/read-structure.js';
import { analyzeStructure } from '../symmetry/analyze.js';
import { formatParams } from '../symmetry/wyckoff.js';
import { handler, printJson, println, warn } from './common.js';

interface BuildArgs {
  name?: string;
  list?: boolean;
  spacegroup?: string;
  lattice?: string;
  site?: string[];
  spec?: string;
  title?: string;
  output?: string;
  force?: boolean;
  json?: boolean;
  symprec: number;
  'min-distance': number;
  symmetrized?: boolean;
}

export interface BuildJson {
  name?: string;
  title: string;
  formula: string;
  reducedFormula: string;
  nsites: number;
  spacegroup: { number: number; symbol: string; setting: string; hallNumber: number; description: string };
  /** What symmetry analysis of the built structure finds (should be the same group). */
  analysis: { number: number; symbol: string };
  lattice: { a: number; b: number; c: number; alpha: number; beta: number; gamma: number; volume: number };
  orbits: {
    label: string;
    species: { element: string; occupancy: number; oxidationState?: number }[];
    wyckoff: string;
    siteSymmetry: string;
    params: Record<string, number>;
    representative: number[];
    count: number;
    analysedWyckoff: string;
  }[];
  source?: Record<string, string>;
  output?: string;
  warnings: string[];
}

function toJson(r: BuildResult, spec: BuildSpec, output: string | undefined, symprec: number): { json: BuildJson; warnings: string[] } {
  const a = analyzeStructure(r.structure, symprec);
  const warnings = [...r.warnings];
  if (a.number !== r.number) {
    warnings.push(
      `symmetry analysis finds ${a.shortSymbol} (No. ${a.number}), not the requested ${r.symbol.replace(/\s+/g, '')} (No. ${r.number}): ` +
        'the atoms as given have a different symmetry (often higher, e.g. when only a few orbits are placed); check the sites',
    );
  }
  const p = r.structure.lattice.parameters;
  const json: BuildJson = {
    ...(spec.name ? { name: spec.name } : {}),
    title: r.structure.title,
    formula: r.structure.formula,
    reducedFormula: r.structure.reducedFormula,
    nsites: r.structure.nsites,
    spacegroup: { number: r.number, symbol: r.symbol, setting: r.setting, hallNumber: r.hallNumber, description: r.settingDescription },
    analysis: { number: a.number, symbol: a.shortSymbol },
    lattice: { a: p.a, b: p.b, c: p.c, alpha: p.alpha, beta: p.beta, gamma: p.gamma, volume: r.structure.lattice.volume },
    orbits: r.orbits.map((o) => ({
      label: o.label,
      species: o.species.map((s) => ({ ...s })),
      wyckoff: o.wyckoff,
      siteSymmetry: o.siteSymmetry,
      params: { ...o.params } as Record<string, number>,
      representative: [...o.representative],
      count: o.sites.length,
      analysedWyckoff: a.sites[o.sites[0]].wyckoffLabel,
    })),
    ...(spec.source ? { source: spec.source } : {}),
    ...(output ? { output } : {}),
    warnings,
  };
  return { json, warnings };
}

function printSummary(j: BuildJson): void {
  println(`${j.title}`);
  println(`  ${j.formula} (${j.reducedFormula}), ${j.nsites} sites, ${j.spacegroup.description}`);
  const L = j.lattice;
  println(`  a=${fmt(L.a)} b=${fmt(L.b)} c=${fmt(L.c)} Å  α=${fmt(L.alpha)} β=${fmt(L.beta)} γ=${fmt(L.gamma)}°  V=${L.volume.toFixed(3)} Å³`);
  println('  label     species                 Wyckoff  site sym.  parameters');
  for (const o of j.orbits) {
    const sp = o.species.map((s) => `${s.element}${s.occupancy === 1 ? '' : formatAmount(s.occupancy)}`).join(' ');
    println(`  ${o.label.padEnd(9)} ${sp.padEnd(23)} ${o.wyckoff.padEnd(8)} ${o.siteSymmetry.padEnd(10)} ${formatParams(o.params)}`);
  }
  println(`  check: symmetry analysis gives ${j.analysis.symbol} (No. ${j.analysis.number})`);
  if (j.source) for (const [k, v] of Object.entries(j.source)) println(`  ${k}: ${v}`);
}

function fmt(x: number): string {
  return String(Number(x.toFixed(6)));
}

export const buildCommand: CommandModule<object, BuildArgs> = {
  command: 'build [name]',
  describe: 'Build a structure from a space group + Wyckoff sites, a spec file, or a built-in name',
  builder: (y) =>
    y
      .positional('name', { type: 'string', describe: 'a built-in structure (see --list)' })
      .option('list', { type: 'boolean', describe: 'list the built-in structures' })
      .option('spacegroup', { alias: 's', type: 'string', describe: "space group number or symbol with setting: 157, 227:2, 166:H, 'P4_332'" })
      .option('lattice', { alias: 'l', type: 'string', describe: 'lattice parameters (Å, degrees): a=8.7,c=5.0' })
      .option('site', { type: 'string', array: true, describe: 'a site: "K 3c x=0.59 z=0.5", "Ni0.25Mn0.75 16d", "O 0.26 0.26 0.26" (repeat)' })
      .option('spec', { type: 'string', describe: 'YAML or JSON spec file (spacegroup, lattice, sites)' })
      .option('title', { type: 'string', describe: 'title written to the output' })
      .option('output', { alias: 'o', type: 'string', describe: 'write the structure (.cif, POSCAR/.vasp, .json)' })
      .option('force', { type: 'boolean', describe: 'overwrite the output file' })
      .option('symmetrized', { type: 'boolean', describe: 'CIF output: asymmetric unit and operations instead of P1' })
      .option('symprec', { type: 'number', default: 0.01, describe: 'tolerance (Å) for merging symmetry copies and for the check' })
      .option('min-distance', { type: 'number', default: 0.5, describe: 'smallest allowed distance (Å) between sites that can both be occupied' })
      .option('json', { type: 'boolean', describe: 'print one JSON document' })
      .example('ionpath build --list', 'the built-in structures and their sources')
      .example('ionpath build lnmo-fd3m -o LNMO.cif', 'a built-in structure')
      .example('ionpath build -s 227:2 -l a=8.251 --site "Li 8a" --site "Mn 16d" --site "O 32e x=0.2628" -o LiMn2O4.cif', 'spinel from its Wyckoff table')
      .example('ionpath build --spec K3V5O14.yaml -o KVO.vasp', 'from a refinement table in a file'),
  handler: handler(async (args: BuildArgs) => {
    if (args.list) {
      const list = listBuiltins();
      if (args.json) {
        printJson({ builtins: list.map((b) => ({ name: b.name, title: b.title, formula: b.formula, spacegroup: b.spacegroup, nsites: b.nsites, source: b.sourceFields })) });
        return;
      }
      const w = Math.max(...list.map((b) => b.name.length));
      const f = Math.max(...list.map((b) => b.formula.length));
      const g = Math.max(...list.map((b) => b.spacegroup.length));
      for (const b of list) println(`${b.name.padEnd(w)}  ${b.formula.padEnd(f)}  ${b.spacegroup.padEnd(g)}  ${b.source}`);
      return;
    }
    const fromArgs = args.spacegroup !== undefined || args.lattice !== undefined || (args.site?.length ?? 0) > 0;
    const ways = [args.name !== undefined, args.spec !== undefined, fromArgs].filter((x) => x).length;
    if (ways !== 1) {
      throw new InputError(
        ways === 0 ? 'say what to build: a built-in NAME, --spec FILE, or --spacegroup/--lattice/--site' : 'give only one of: a built-in NAME, --spec FILE, or --spacegroup/--lattice/--site',
        { hint: 'ionpath build --list shows the built-in structures; ionpath build --help shows examples' },
      );
    }
    let spec: BuildSpec;
    if (args.name !== undefined) {
      if (!isBuiltinName(args.name)) builtinSpec(args.name); // throws with the list and a suggestion
      spec = builtinSpec(args.name);
    } else if (args.spec !== undefined) {
      spec = readSpecFile(args.spec);
    } else {
      if (!args.spacegroup) throw new InputError('--spacegroup is needed with --site', { hint: 'e.g. --spacegroup 157 or 227:2' });
      if (!args.lattice) throw new InputError('--lattice is needed with --site', { hint: 'e.g. --lattice a=8.7,c=5.0' });
      spec = specFromArgs({ spacegroup: args.spacegroup, lattice: args.lattice, sites: args.site ?? [], title: args.title });
    }
    if (args.title) spec = { ...spec, title: args.title };
    const r = buildStructure(spec, { symprec: args.symprec, minDistance: args['min-distance'] });
    const { json, warnings } = toJson(r, spec, args.output, args.symprec);
    if (args.output) writeStructure(r.structure, args.output, { force: args.force, symmetrized: args.symmetrized, symprec: args.symprec });
    if (args.json) {
      printJson(json);
      return;
    }
    for (const w of warnings) warn(w);
    printSummary(json);
    if (args.output) println(`wrote ${args.output}`);
    else println('  (not written: give -o FILE, e.g. -o structure.cif or -o POSCAR)');
  }),
};
