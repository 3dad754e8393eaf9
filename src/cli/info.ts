/** `ionpath info FILE... [--json] [--block NAME] [--symprec X]`: what a structure file holds. */
import type { CommandModule } from 'yargs';
import type { Structure } from '../core/structure.js';
import { InputError, isInputError } from '../core/errors.js';
import { analyzeStructure, type SymmetryInfo } from '../symmetry/analyze.js';
import { readStructures, type ReadResult } from '../io/read-structure.js';
import { handler, printJson, println, warn } from './common.js';
import { formatAmount } from '../core/structure.js';

interface InfoArgs {
  files: string[];
  json?: boolean;
  block?: string;
  symprec: number;
  species?: string;
}

export interface InfoSite {
  label: string;
  species: { element: string; occupancy: number; oxidationState?: number }[];
  frac: [number, number, number];
  wyckoff: string;
  multiplicity: number;
  siteSymmetry: string;
  statedWyckoff?: string;
  wyckoffAgrees?: boolean;
}

export interface InfoJson {
  file?: string;
  block?: string;
  title: string;
  formula: string;
  reducedFormula: string;
  nsites: number;
  ordered: boolean;
  lattice: { a: number; b: number; c: number; alpha: number; beta: number; gamma: number; volume: number };
  spacegroup: { number: number; symbol: string; hallNumber: number; setting: string; pearson: string; symprec: number };
  statedSpacegroup?: number;
  density: number;
  composition: Record<string, number>;
  sites: InfoSite[];
  warnings: string[];
}

/** The info document of one structure. */
export function structureInfo(structure: Structure, symprec: number, extra: Partial<InfoJson> = {}, sym?: SymmetryInfo): InfoJson {
  const s = sym ?? analyzeStructure(structure, symprec);
  const p = structure.lattice.parameters;
  const comp: Record<string, number> = {};
  for (const e of structure.elements()) comp[e] = Number(structure.composition().get(e)!.toFixed(8));
  return {
    ...extra,
    title: structure.title,
    formula: structure.formula,
    reducedFormula: structure.reducedFormula,
    nsites: structure.nsites,
    ordered: structure.isOrdered,
    lattice: { a: p.a, b: p.b, c: p.c, alpha: p.alpha, beta: p.beta, gamma: p.gamma, volume: structure.lattice.volume },
    spacegroup: { number: s.number, symbol: s.symbol, hallNumber: s.hallNumber, setting: s.setting, pearson: s.pearson, symprec },
    density: structure.density,
    composition: comp,
    sites: structure.sites.map((site, i) => {
      const w = s.sites[i];
      const stated = site.properties?.wyckoff;
      const out: InfoSite = {
        label: site.label,
        species: site.species.map((x) => ({ element: x.element, occupancy: x.occupancy, ...(x.oxidationState !== undefined ? { oxidationState: x.oxidationState } : {}) })),
        frac: [site.frac[0], site.frac[1], site.frac[2]],
        wyckoff: w.wyckoffLabel,
        multiplicity: w.multiplicity,
        siteSymmetry: w.siteSymmetry,
      };
      if (stated) {
        out.statedWyckoff = stated;
        out.wyckoffAgrees = stated.replace(/^\d+/, '') === w.wyckoff;
      }
      return out;
    }),
    warnings: extra.warnings ?? [],
  };
}

function docsFor(file: string, args: InfoArgs): InfoJson[] {
  const results: ReadResult[] = readStructures(file, { block: args.block, species: args.species ? args.species.split(',') : undefined });
  return results.map((r) =>
    structureInfo(r.structure, args.symprec, {
      file,
      ...(r.block !== undefined ? { block: r.block } : {}),
      ...(r.statedSpacegroup !== undefined ? { statedSpacegroup: r.statedSpacegroup } : {}),
      warnings: r.warnings.map((w) => (w.line ? `line ${w.line}: ${w.message}` : w.message)),
    }),
  );
}

function fmt(x: number, d = 4): string {
  return x.toFixed(d);
}

/** A readable table of one structure. */
export function formatInfo(d: InfoJson): string {
  const L = d.lattice;
  const lines: string[] = [];
  lines.push(`${d.file ?? ''}${d.block ? ` [data_${d.block}]` : ''}`.trim());
  lines.push(`  formula      ${d.formula}  (${d.reducedFormula}), ${d.nsites} sites${d.ordered ? '' : ', disordered'}`);
  lines.push(`  space group  ${d.spacegroup.symbol} (${d.spacegroup.number})${d.spacegroup.setting ? `, setting ${d.spacegroup.setting}` : ''}, ${d.spacegroup.pearson}, symprec ${d.spacegroup.symprec} Å`);
  if (d.statedSpacegroup !== undefined && d.statedSpacegroup !== 1 && d.statedSpacegroup !== d.spacegroup.number) {
    lines.push(`               (the file states ${d.statedSpacegroup}; the atoms have higher or different symmetry)`);
  }
  lines.push(`  lattice      a ${fmt(L.a)}  b ${fmt(L.b)}  c ${fmt(L.c)} Å   α ${fmt(L.alpha, 3)}  β ${fmt(L.beta, 3)}  γ ${fmt(L.gamma, 3)}°   V ${fmt(L.volume, 3)} Å³`);
  lines.push(`  density      ${fmt(d.density)} g/cm³`);
  lines.push('  sites');
  // one row per orbit (Wyckoff position), sites of the same label and orbit folded
  const rows = new Map<string, { site: InfoSite; count: number }>();
  for (const s of d.sites) {
    const key = `${s.species.map((x) => x.element + x.occupancy).join(',')}|${s.wyckoff}|${s.label.replace(/_\d+$/, '')}`;
    const r = rows.get(key);
    if (r) r.count++;
    else rows.set(key, { site: s, count: 1 });
  }
  lines.push(`    ${'label'.padEnd(8)} ${'species'.padEnd(22)} ${'Wyckoff'.padEnd(8)} ${'sym'.padEnd(7)} ${'x'.padStart(8)} ${'y'.padStart(8)} ${'z'.padStart(8)}  n`);
  for (const { site, count } of rows.values()) {
    const sp = site.species.map((x) => (x.occupancy === 1 ? x.element : `${x.element}${formatAmount(x.occupancy)}`)).join(' ');
    const stated = site.statedWyckoff !== undefined ? (site.wyckoffAgrees ? '' : `  (file says ${site.statedWyckoff})`) : '';
    lines.push(
      `    ${site.label.padEnd(8)} ${sp.padEnd(22)} ${site.wyckoff.padEnd(8)} ${site.siteSymmetry.padEnd(7)} ${fmt(site.frac[0]).padStart(8)} ${fmt(site.frac[1]).padStart(8)} ${fmt(site.frac[2]).padStart(8)}  ${count}${stated}`,
    );
  }
  for (const w of d.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

export const infoCommand: CommandModule<object, InfoArgs> = {
  command: 'info <files..>',
  describe: 'Formula, lattice, space group and Wyckoff sites of structure files (CIF, POSCAR/CONTCAR, pymatgen JSON)',
  builder: (y) =>
    y
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'structure files, or builtin:NAME' })
      .option('json', { type: 'boolean', describe: 'print one JSON document' })
      .option('block', { type: 'string', describe: 'CIF data block to read (default: all)' })
      .option('symprec', { type: 'number', default: 0.01, describe: 'symmetry tolerance (Å)' })
      .option('species', { type: 'string', describe: 'species for VASP 4 POSCARs without a species line, e.g. Li,Mn,O' })
      .example('ionpath info LiMn2O4.cif', 'space group, lattice and Wyckoff sites')
      .example('ionpath info CONTCAR --json', 'the same as JSON')
      .example('ionpath info *.cif --json > all.json', 'many files: a JSON array, failures as {file, error}'),
  handler: handler(async (args: InfoArgs) => {
    if (!(args.symprec > 0)) throw new InputError(`--symprec must be a positive number of Å, got ${args.symprec}`);
    const many = args.files.length > 1;
    const out: unknown[] = [];
    let failed = 0;
    for (const file of args.files) {
      try {
        const docs = docsFor(file, args);
        const doc = docs.length > 1 ? { file, blocks: docs.map(({ file: _f, ...rest }) => rest) } : docs[0];
        if (args.json) out.push(doc);
        else {
          for (const d of docs) println(formatInfo(d) + '\n');
          for (const d of docs) for (const w of d.warnings) warn(`${file}: ${w}`);
        }
      } catch (e) {
        if (!many) throw e;
        failed++;
        const msg = isInputError(e) ? e.inFile(file).formatted() : e instanceof Error ? e.message : String(e);
        if (args.json) out.push({ file, error: msg });
        else process.stderr.write(`ionpath: ${msg}\n`);
      }
    }
    if (args.json) printJson(many ? out : out[0]);
    if (failed) process.exitCode = 2;
  }),
};
