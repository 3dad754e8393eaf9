/**
 * `ionpath polyhedra FILE [--compare FILE2] [--center V,K] [--cutoff V-O=2.3] [--json] [--csv]`:
 * coordination polyhedra (volume, distortion, ECoN, bond-valence sum, shape) grouped by type,
 * anion environments, and with --compare the % changes between two structures of the same
 * framework (per polyhedron, per type, lattice).
 */
import type { CommandModule } from 'yargs';
import { InputError } from '../core/errors.js';
import type { Structure } from '../core/structure.js';
import { readStructure } from '../io/read-structure.js';
import { parseCutoffs, type CoordinationOptions } from '../analysis/coordination.js';
import { anionEnvironments, type EnvironmentCount } from '../analysis/environments.js';
import { polyhedra, type Polyhedron, type PolyhedronTypeSummary } from '../analysis/polyhedra.js';
import { comparePolyhedra, type LatticeChange, type MatchMode, type PolyhedraComparison, type PolyhedronChange, type TypeChange } from '../analysis/polyhedra-compare.js';
import { handler, printJson, println, warn } from './common.js';

export interface PolyhedraArgs {
  file: string;
  compare?: string;
  center?: string;
  cutoff?: string;
  oxidation?: string;
  match?: MatchMode;
  tolerance?: number;
  bvFraction?: number;
  ion?: string;
  block?: string;
  json?: boolean;
  csv?: boolean;
}

export interface PolyhedronJson {
  center: number;
  label: string;
  element: string;
  type: string;
  cn: number;
  ligands: { index: number; label: string; element: string; distance: number; image: [number, number, number]; bondValence: number | null }[];
  volume: number;
  meanBondLength: number;
  distortionIndex: number;
  quadraticElongation: number | null;
  bondAngleVariance: number | null;
  effectiveCoordination: number;
  bondValenceSum: number | null;
  shape: string | null;
  shapeDeviation: number | null;
  /** With --compare: the matched polyhedron of the second structure and the changes. */
  match?: { center: number; label: string; type: string; distance: number };
  volumeChangePercent?: number | null;
  meanBondLengthChangePercent?: number | null;
  distortionIndexChange?: number;
  distortionIndexChangePercent?: number | null;
  quadraticElongationChange?: number | null;
  bondAngleVarianceChange?: number | null;
}

export interface PolyhedraJson {
  file: string;
  formula: string;
  polyhedra: PolyhedronJson[];
  types: (PolyhedronTypeSummary & { change?: TypeChange })[];
  environments: EnvironmentCount[];
  lattice: { a: number; b: number; c: number; alpha: number; beta: number; gamma: number; volume: number; volumeChangePercent?: number | null; change?: LatticeChange };
  compare?: {
    file: string;
    formula: string;
    match: string;
    unmatchedBefore: { center: number; label: string; element: string }[];
    unmatchedAfter: { center: number; label: string; element: string }[];
    polyhedra: PolyhedronJson[];
    types: PolyhedronTypeSummary[];
  };
  warnings: string[];
}

/** Parse "Mn=4,O=-2". */
export function parseOxidation(spec: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Z][a-z]?)\s*=\s*([-+]?\d*\.?\d+)$/.exec(item);
    if (!m) throw new InputError(`cannot read --oxidation item "${item}": expected ELEMENT=STATE such as Mn=4`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

function coordinationOptions(args: PolyhedraArgs): CoordinationOptions {
  const opts: CoordinationOptions = {};
  if (args.center) opts.centers = args.center.split(',').map((s) => s.trim()).filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  if (args.cutoff) {
    try {
      opts.cutoffs = parseCutoffs(args.cutoff);
    } catch (e) {
      throw new InputError(`--cutoff: ${(e as Error).message}`, { hint: 'e.g. --cutoff V-O=2.3,K-O=3.2 (Å)' });
    }
  }
  if (args.oxidation) opts.oxidationStates = parseOxidation(args.oxidation);
  if (args.bvFraction !== undefined) {
    if (!(args.bvFraction > 0 && args.bvFraction < 1)) throw new InputError(`--bv-fraction must lie between 0 and 1, got ${args.bvFraction}`);
    opts.minBondValenceFraction = args.bvFraction;
  }
  return opts;
}

function polyJson(p: Polyhedron): PolyhedronJson {
  return {
    center: p.center,
    label: p.label,
    element: p.element,
    type: p.type,
    cn: p.cn,
    ligands: p.ligands.map((l) => ({ index: l.index, label: l.label, element: l.element, distance: l.distance, image: l.image, bondValence: l.bondValence })),
    volume: p.volume,
    meanBondLength: p.meanBondLength,
    distortionIndex: p.distortionIndex,
    quadraticElongation: p.quadraticElongation,
    bondAngleVariance: p.bondAngleVariance,
    effectiveCoordination: p.effectiveCoordination,
    bondValenceSum: p.bondValenceSum,
    shape: p.shape,
    shapeDeviation: p.shapeDeviation,
  };
}

function withChange(j: PolyhedronJson, c: PolyhedronChange): PolyhedronJson {
  return {
    ...j,
    match: { center: c.afterCenter, label: c.afterLabel, type: c.afterType, distance: c.matchDistance },
    volumeChangePercent: c.volume.changePercent,
    meanBondLengthChangePercent: c.meanBondLength.changePercent,
    distortionIndexChange: c.distortionIndex.change,
    distortionIndexChangePercent: c.distortionIndex.changePercent,
    quadraticElongationChange: c.quadraticElongation?.change ?? null,
    bondAngleVarianceChange: c.bondAngleVariance?.change ?? null,
  };
}

function latticeJson(s: Structure): PolyhedraJson['lattice'] {
  const p = s.lattice.parameters;
  return { a: p.a, b: p.b, c: p.c, alpha: p.alpha, beta: p.beta, gamma: p.gamma, volume: s.lattice.volume };
}

function read(path: string, block: string | undefined, warnings: string[]): Structure {
  const r = readStructure(path, { block });
  for (const w of r.warnings) warnings.push(`${path}${w.line ? `:${w.line}` : ''}: ${w.message}`);
  return r.structure;
}

/** The JSON document of `ionpath polyhedra` (also the data behind the text and CSV output). */
export function polyhedraDocument(args: PolyhedraArgs): PolyhedraJson {
  const warnings: string[] = [];
  const opts = coordinationOptions(args);
  const a = read(args.file, args.block, warnings);
  const envOpts = { ...opts, ion: args.ion ?? 'Li' };
  const wrap = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof RangeError) throw new InputError(`--center: ${e.message}`);
      throw e;
    }
  };
  const doc: PolyhedraJson = {
    file: args.file,
    formula: a.formula,
    polyhedra: [],
    types: [],
    environments: wrap(() => anionEnvironments(a, envOpts)).environments,
    lattice: latticeJson(a),
    warnings,
  };
  if (!args.compare) {
    const r = wrap(() => polyhedra(a, opts));
    warnings.push(...r.warnings);
    doc.polyhedra = r.polyhedra.map(polyJson);
    doc.types = r.types;
    return doc;
  }
  const b = read(args.compare, undefined, warnings);
  if (args.tolerance !== undefined && !(args.tolerance > 0)) throw new InputError(`--tolerance must be a positive number of Å, got ${args.tolerance}`);
  let cmp: PolyhedraComparison;
  try {
    cmp = comparePolyhedra(a, b, { ...opts, match: args.match ?? 'auto', toleranceÅ: args.tolerance });
  } catch (e) {
    if (e instanceof RangeError) throw new InputError(e.message);
    throw e;
  }
  warnings.push(...cmp.warnings);
  const byCenter = new Map(cmp.pairs.map((p) => [p.center, p]));
  doc.polyhedra = cmp.before.polyhedra.map((p) => {
    const c = byCenter.get(p.center);
    return c ? withChange(polyJson(p), c) : polyJson(p);
  });
  const typeChange = new Map(cmp.types.map((t) => [t.type, t]));
  doc.types = cmp.before.types.map((t) => (typeChange.has(t.type) ? { ...t, change: typeChange.get(t.type)! } : t));
  doc.lattice = { ...doc.lattice, volumeChangePercent: cmp.lattice.volume.changePercent, change: cmp.lattice };
  const site = (s: Structure, i: number) => ({ center: i, label: s.sites[i].label, element: s.majorityElement(i) });
  doc.compare = {
    file: args.compare,
    formula: b.formula,
    match: cmp.match,
    unmatchedBefore: cmp.unmatchedBefore.map((i) => site(a, i)),
    unmatchedAfter: cmp.unmatchedAfter.map((i) => site(b, i)),
    polyhedra: cmp.after.polyhedra.map(polyJson),
    types: cmp.after.types,
  };
  return doc;
}

const num = (x: number | null | undefined, d: number): string => (x === null || x === undefined || !Number.isFinite(x) ? '' : x.toFixed(d));

/** CSV with one row per polyhedron (of the first structure). */
export function polyhedraCsv(doc: PolyhedraJson): string {
  const cmp = doc.compare !== undefined;
  const head = ['center', 'label', 'element', 'type', 'cn', 'shape', 'volume_A3', 'mean_bond_length_A', 'distortion_index', 'quadratic_elongation', 'bond_angle_variance_deg2', 'econ', 'bvs', 'ligands'];
  if (cmp) head.push('match_center', 'match_label', 'volume_change_pct', 'mean_bond_length_change_pct', 'distortion_index_change', 'distortion_index_change_pct');
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const rows = doc.polyhedra.map((p) => {
    const r = [
      String(p.center), q(p.label), p.element, p.type, String(p.cn), q(p.shape ?? ''),
      num(p.volume, 6), num(p.meanBondLength, 6), num(p.distortionIndex, 6), num(p.quadraticElongation, 6), num(p.bondAngleVariance, 4), num(p.effectiveCoordination, 4), num(p.bondValenceSum, 4),
      q(p.ligands.map((l) => `${l.element}${l.index}:${l.distance.toFixed(4)}`).join(' ')),
    ];
    if (cmp) r.push(p.match ? String(p.match.center) : '', p.match ? q(p.match.label) : '', num(p.volumeChangePercent, 4), num(p.meanBondLengthChangePercent, 4), num(p.distortionIndexChange, 6), num(p.distortionIndexChangePercent, 4));
    return r.join(',');
  });
  return [head.join(','), ...rows].join('\n');
}

function pm(x: { mean: number; std: number } | null, d: number): string {
  return x ? `${x.mean.toFixed(d)} ± ${x.std.toFixed(d)}` : '—';
}

function signed(x: number | null | undefined, d = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return `${x >= 0 ? '+' : ''}${x.toFixed(d)} %`;
}

/** Human-readable report. */
export function formatPolyhedra(doc: PolyhedraJson): string {
  const L: string[] = [];
  L.push(`${doc.file}: ${doc.formula}`);
  L.push('  types (mean ± sample std)');
  L.push(`    ${'type'.padEnd(9)} ${'n'.padStart(4)}  ${'shape'.padEnd(22)} ${'V (Å³)'.padEnd(18)} ${'<l> (Å)'.padEnd(16)} ${'D'.padEnd(16)} ${'<λ>'.padEnd(16)} ${'σ² (deg²)'.padEnd(14)} ${'ECoN'.padEnd(13)} BVS`);
  for (const t of doc.types) {
    L.push(
      `    ${t.type.padEnd(9)} ${String(t.count).padStart(4)}  ${(t.shape ?? '—').padEnd(22)} ${pm(t.volume, 4).padEnd(18)} ${pm(t.meanBondLength, 4).padEnd(16)} ${pm(t.distortionIndex, 4).padEnd(16)} ${pm(t.quadraticElongation, 4).padEnd(16)} ${pm(t.bondAngleVariance, 2).padEnd(14)} ${pm(t.effectiveCoordination, 3).padEnd(13)} ${pm(t.bondValenceSum, 3)}`,
    );
  }
  if (doc.polyhedra.length <= 60) {
    L.push('  polyhedra');
    for (const p of doc.polyhedra) {
      const ch = p.match ? `  ΔV ${signed(p.volumeChangePercent)}  Δ<l> ${signed(p.meanBondLengthChangePercent)}  ΔD ${p.distortionIndexChange !== undefined ? p.distortionIndexChange.toFixed(5) : '—'}` : '';
      L.push(
        `    ${String(p.center).padStart(4)} ${p.label.padEnd(8)} ${p.type.padEnd(8)} ${(p.shape ?? '—').padEnd(22)} V ${p.volume.toFixed(4).padStart(9)}  <l> ${p.meanBondLength.toFixed(4)}  D ${p.distortionIndex.toFixed(4)}${p.quadraticElongation !== null ? `  <λ> ${p.quadraticElongation.toFixed(4)}  σ² ${p.bondAngleVariance!.toFixed(2)}` : ''}  ECoN ${p.effectiveCoordination.toFixed(3)}${p.bondValenceSum !== null ? `  BVS ${p.bondValenceSum.toFixed(3)}` : ''}${ch}`,
      );
    }
  } else L.push(`  (${doc.polyhedra.length} polyhedra: use --csv or --json for the list)`);
  if (doc.environments.length) {
    L.push('  anion environments');
    for (const e of doc.environments) {
      L.push(`    ${e.grouped.padEnd(14)} ${(e.shortName ?? '').padEnd(5)} ${String(e.count).padStart(5)}  (${(e.fraction * 100).toFixed(1)} %)  ${Object.entries(e.formulas).map(([f, n]) => `${f} ×${n}`).join(', ')}`);
    }
  }
  if (doc.compare && doc.lattice.change) {
    const c = doc.lattice.change;
    L.push(`  compared with ${doc.compare.file} (${doc.compare.formula}), matched by ${doc.compare.match}`);
    L.push(`    lattice  a ${signed(c.a.changePercent)}  b ${signed(c.b.changePercent)}  c ${signed(c.c.changePercent)}  α ${signed(c.alpha.changePercent)}  β ${signed(c.beta.changePercent)}  γ ${signed(c.gamma.changePercent)}  V ${signed(c.volume.changePercent)}`);
    for (const t of doc.types) {
      if (!t.change) continue;
      const after = Object.entries(t.change.afterTypes).map(([k, n]) => `${k} ×${n}`).join(', ');
      L.push(`    ${t.type.padEnd(9)} ΔV ${signed(t.change.volume.changePercent)}  Δ<l> ${signed(t.change.meanBondLength.changePercent)}  ΔD ${signed(t.change.distortionIndex.changePercent)}  (${t.change.count} matched → ${after})`);
    }
    if (doc.compare.unmatchedBefore.length) L.push(`    unmatched in ${doc.file}: ${summarizeSites(doc.compare.unmatchedBefore)}`);
    if (doc.compare.unmatchedAfter.length) L.push(`    unmatched in ${doc.compare.file}: ${summarizeSites(doc.compare.unmatchedAfter)}`);
  }
  return L.join('\n');
}

function summarizeSites(list: { element: string }[]): string {
  const m = new Map<string, number>();
  for (const s of list) m.set(s.element, (m.get(s.element) ?? 0) + 1);
  return [...m.entries()].map(([e, n]) => `${n} ${e}`).join(', ');
}

export const polyhedraCommand: CommandModule<object, PolyhedraArgs> = {
  command: 'polyhedra <file>',
  describe: 'Coordination polyhedra: volume, distortion, ECoN, bond-valence sum, shape; anion environments; changes between two structures',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'structure file (CIF, POSCAR/CONTCAR, pymatgen JSON) or builtin:NAME' })
      .option('compare', { type: 'string', describe: 'second structure of the same framework (lithiated, relaxed): % changes' })
      .option('center', { type: 'string', describe: 'centres: elements, labels or site indices, e.g. V,K (default: all cations)' })
      .option('cutoff', { type: 'string', describe: 'per-pair bond cutoffs in Å overriding the bond-valence rule, e.g. V-O=2.3,K-O=3.2' })
      .option('oxidation', { type: 'string', describe: 'oxidation states overriding the file/guess, e.g. Mn=4,O=-2' })
      .option('match', { choices: ['auto', 'index', 'label', 'position'] as const, default: 'auto' as MatchMode, describe: 'how --compare pairs polyhedra' })
      .option('tolerance', { type: 'number', describe: 'largest centre displacement for --match position (Å, default 1)' })
      .option('bv-fraction', { type: 'number', describe: 'bond-valence rule: smallest share of the centre\'s BVS a ligand carries (default 0.04)' })
      .option('ion', { type: 'string', default: 'Li', describe: 'mobile ion counted in anion-environment short names (O4, O5)' })
      .option('block', { type: 'string', describe: 'CIF data block of FILE' })
      .option('json', { type: 'boolean', describe: 'print one JSON document' })
      .option('csv', { type: 'boolean', describe: 'print one CSV row per polyhedron' })
      .conflicts('json', 'csv')
      .example('ionpath polyhedra K3V5O14.cif --center V,K', 'VO4, VO5 and KO10 polyhedra')
      .example('ionpath polyhedra POSCAR --compare CONTCAR --json', 'what a relaxation or lithiation changed')
      .example('ionpath polyhedra LiMn2O4.cif --cutoff Mn-O=2.3 --csv > poly.csv', 'per-pair cutoff, CSV table'),
  handler: handler(async (args: PolyhedraArgs) => {
    const doc = polyhedraDocument(args);
    if (args.json) {
      printJson(doc);
      return;
    }
    if (args.csv) {
      println(polyhedraCsv(doc));
      for (const w of doc.warnings) warn(w);
      return;
    }
    println(formatPolyhedra(doc));
    for (const w of doc.warnings) warn(w);
  }),
};
