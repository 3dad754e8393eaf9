/**
 * `ionpath xrd FILE [--wavelength CuKa|1.5406] [--two-theta 10,90] [--json|--csv] [--svg out.svg]`:
 * the powder X-ray pattern of a structure (peak 2θ, d, hkl families, relative intensities, as
 * pymatgen's XRDCalculator computes them), and I(311)/I(400) or I(003)/I(104) where the
 * structure type makes them meaningful.
 */
import { existsSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { InputError } from '../core/errors.js';
import type { Structure } from '../core/structure.js';
import { readStructure } from '../io/read-structure.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { analyzeStructure } from '../symmetry/analyze.js';
import {
  computeXrd,
  intensityRatios,
  parseDebyeWaller,
  parseTwoThetaRange,
  resolveWavelength,
  type HklFamily,
  type RatioStructureType,
  type XrdPattern,
  type XrdPeak,
} from '../analysis/xrd.js';
import { XRD_WAVELENGTHS } from '../analysis/xrd-scattering-factors.js';
import { xrdSvg } from '../analysis/xrd-svg.js';
import { handler, printJson, println, warn } from './common.js';

interface XrdArgs {
  file: string;
  wavelength: string;
  'two-theta': string;
  json?: boolean;
  csv?: boolean;
  svg?: string;
  force?: boolean;
  block?: string;
  symprec: number;
  'debye-waller'?: string;
  species?: string;
}

/** The `--json` document. */
export interface XrdJson {
  file: string;
  block?: string;
  formula: string;
  spacegroup: { number: number; symbol: string } | null;
  wavelength: { angstrom: number; name?: string };
  twoThetaRange: [number, number];
  /** True when hkl families are grouped as Miller–Bravais h k i l (hexagonal lattice), as pymatgen does. */
  hexagonal: boolean;
  peaks: XrdPeak[];
  /** 'spinel', 'layered-R-3m' or null: which intensity ratio applies (see intensityRatios). */
  structureType: RatioStructureType | null;
  ratios: Record<string, number>;
  notes: string[];
  svg?: string;
  warnings: string[];
}

/** Everything the command computes for one structure. */
export function xrdDocument(
  structure: Structure,
  pattern: XrdPattern,
  opts: { file: string; block?: string; symprec?: number; warnings?: string[] },
): XrdJson {
  const warnings = [...(opts.warnings ?? [])];
  let spacegroup: XrdJson['spacegroup'] = null;
  try {
    const sym = analyzeStructure(structure, opts.symprec ?? 0.01);
    spacegroup = { number: sym.number, symbol: sym.shortSymbol };
  } catch (e) {
    warnings.push(`symmetry analysis failed (${e instanceof Error ? e.message : String(e)}); no intensity ratios`);
  }
  const r = spacegroup ? intensityRatios(structure, spacegroup.number, pattern) : { structureType: null, ratios: {}, notes: [] };
  if (pattern.peaks.length === 0) warnings.push(`no reflections between ${pattern.twoThetaRange[0]}° and ${pattern.twoThetaRange[1]}° 2θ`);
  return {
    file: opts.file,
    ...(opts.block !== undefined ? { block: opts.block } : {}),
    formula: structure.formula,
    spacegroup,
    wavelength: { angstrom: pattern.wavelength, ...(pattern.wavelengthName ? { name: pattern.wavelengthName } : {}) },
    twoThetaRange: pattern.twoThetaRange,
    hexagonal: pattern.hexagonal,
    peaks: pattern.peaks,
    structureType: r.structureType,
    ratios: r.ratios,
    notes: r.notes,
    warnings,
  };
}

const hklStr = (f: { hkl: readonly number[]; hkil?: readonly number[] }) => (f.hkil ?? f.hkl).join(' ');

/** CSV: one row per peak; families as "h k l:multiplicity" separated by "; ". */
export function formatXrdCsv(doc: XrdJson): string {
  const rows = ['two_theta_deg,d_angstrom,h,k,l,intensity,multiplicity,families'];
  for (const p of doc.peaks) {
    const fams = p.families.map((f: HklFamily) => `${hklStr(f)}:${f.multiplicity}`).join('; ');
    rows.push([p.twoTheta.toFixed(5), p.d.toFixed(6), p.hkl[0], p.hkl[1], p.hkl[2], p.intensity.toFixed(4), p.multiplicity, `"${fams}"`].join(','));
  }
  return rows.join('\n');
}

/** The readable table. */
export function formatXrd(doc: XrdJson): string {
  const wl = `${doc.wavelength.name ? `${doc.wavelength.name} ` : ''}λ = ${doc.wavelength.angstrom} Å`;
  const sg = doc.spacegroup ? `, ${doc.spacegroup.symbol} (${doc.spacegroup.number})` : '';
  const lines = [
    `${doc.file}${doc.block ? ` [data_${doc.block}]` : ''}  ${doc.formula}${sg}`,
    `  ${wl}, 2θ ${doc.twoThetaRange[0]}–${doc.twoThetaRange[1]}°, ${doc.peaks.length} peaks${doc.hexagonal ? ' (families as h k i l)' : ''}`,
    `  ${'2θ (°)'.padStart(9)} ${'d (Å)'.padStart(9)} ${'I'.padStart(7)}  ${'hkl'.padEnd(12)} ${'mult'.padStart(4)}  other families`,
  ];
  for (const p of doc.peaks) {
    const rest = p.families.slice(1).map((f) => `(${hklStr(f)})×${f.multiplicity}`).join(' ');
    lines.push(
      `  ${p.twoTheta.toFixed(3).padStart(9)} ${p.d.toFixed(4).padStart(9)} ${p.intensity.toFixed(2).padStart(7)}  ${`(${hklStr(p)})`.padEnd(12)} ${String(p.multiplicity).padStart(4)}  ${rest}`,
    );
  }
  for (const [name, v] of Object.entries(doc.ratios)) lines.push(`  ${name} = ${v.toFixed(3)}  (${doc.structureType})`);
  for (const n of doc.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

/** Run a parser of an option value; its InputError is reported as about that option. */
function option<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InputError && !e.message.startsWith(name)) throw new InputError(`${name}: ${e.message}`, { hint: e.hint });
    throw e;
  }
}

export const xrdCommand: CommandModule<object, XrdArgs> = {
  command: 'xrd <file>',
  describe: 'Powder X-ray diffraction pattern: peak 2θ, d-spacings, hkl families, relative intensities (as pymatgen XRDCalculator)',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'structure file (CIF, POSCAR/CONTCAR, pymatgen JSON) or builtin:NAME' })
      .option('wavelength', {
        type: 'string',
        default: 'CuKa',
        describe: `X-ray wavelength: a number of Å or one of ${Object.keys(XRD_WAVELENGTHS).join(', ')}`,
      })
      .option('two-theta', { type: 'string', default: '0,90', describe: '2θ range in degrees, min,max (0 ≤ min < max ≤ 180)' })
      .option('json', { type: 'boolean', describe: 'print one JSON document' })
      .option('csv', { type: 'boolean', describe: 'print the peak table as CSV' })
      .option('svg', { type: 'string', describe: 'also write a stick-pattern SVG with hkl labels to this file' })
      .option('force', { type: 'boolean', describe: 'overwrite the --svg file if it exists' })
      .option('debye-waller', { type: 'string', describe: 'Debye–Waller B factors in Å² by element, e.g. Li=1.0,O=0.5 (default: none)' })
      .option('block', { type: 'string', describe: 'CIF data block to read' })
      .option('symprec', { type: 'number', default: 0.01, describe: 'symmetry tolerance (Å) for recognising spinel/layered structures' })
      .option('species', { type: 'string', describe: 'species for VASP 4 POSCARs without a species line, e.g. Li,Mn,O' })
      .example('ionpath xrd LiMn2O4.cif', 'Cu Kα peaks from 0 to 90° 2θ, with I(311)/I(400)')
      .example('ionpath xrd LiNiO2.cif --wavelength MoKa --two-theta 5,60 --json', 'Mo Kα, as JSON, with I(003)/I(104)')
      .example('ionpath xrd POSCAR --wavelength 1.5406 --svg pattern.svg', 'a stick pattern as SVG')
      .example('ionpath xrd builtin:limn2o4 --csv > peaks.csv', 'the peak table as CSV'),
  handler: handler(async (args: XrdArgs) => {
    if (args.json && args.csv) throw new InputError('--json and --csv both print to stdout; choose one');
    if (!(args.symprec > 0)) throw new InputError(`--symprec must be a positive number of Å, got ${args.symprec}`);
    const wl = option('--wavelength', () => resolveWavelength(String(args.wavelength)));
    const range = option('--two-theta', () => parseTwoThetaRange(String(args['two-theta'])));
    const dwText = args['debye-waller'];
    const debyeWaller = dwText ? option('--debye-waller', () => parseDebyeWaller(dwText)) : undefined;
    if (args.svg && existsSync(args.svg) && !args.force) {
      throw new InputError('exists; not overwriting it', { file: args.svg, hint: 'pass --force to replace it' });
    }
    const r = readStructure(args.file, { block: args.block, species: args.species?.split(',') });
    const pattern = computeXrd(r.structure, { wavelength: wl.name ?? wl.angstrom, twoThetaRange: range, debyeWaller });
    const doc = xrdDocument(r.structure, pattern, {
      file: args.file,
      block: r.block,
      symprec: args.symprec,
      warnings: r.warnings.map((w) => (w.line ? `line ${w.line}: ${w.message}` : w.message)),
    });
    if (args.svg) {
      const title = `${r.structure.reducedFormula}${doc.spacegroup ? `  ${doc.spacegroup.symbol} (${doc.spacegroup.number})` : ''}`;
      writeFileAtomic(args.svg, xrdSvg(pattern, { title }));
      doc.svg = args.svg;
    }
    if (args.json) printJson(doc);
    else {
      println(args.csv ? formatXrdCsv(doc) : formatXrd(doc));
      if (args.svg && !args.csv) println(`wrote ${args.svg}`);
      for (const w of doc.warnings) warn(`${args.file}: ${w}`);
    }
  }),
};
