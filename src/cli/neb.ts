/**
 * `ionpath neb`: a complete NEB deck (DESIGN.md layout) from
 *   - a hop in a structure: `ionpath neb FILE --hop ID | --path "8a>16c>8a"` (hops from
 *     `ionpath paths`, resolved by a registered HopResolver) or explicit positions
 *     `--frac-path "x,y,z>x,y,z[>x,y,z]"` (fractional, FILE's cell; middle points are
 *     waypoints), with --mechanism vacancy|interstitial; the supercell is searched;
 *   - two endpoint structures: `ionpath neb --from A --to B` (any formats, same cell).
 * Images by IDPP (default) or linear interpolation; per-image closest distances, collisions
 * refused unless --allow-close.
 */
import type { Argv, CommandModule } from 'yargs';
import '../build/builtins.js'; // registers built-in names with readStructure
import { InputError } from '../core/errors.js';
import type { Structure } from '../core/structure.js';
import type { Vec3 } from '../core/vec3.js';
import { readStructure } from '../io/read-structure.js';
import { type Hop, type Mechanism, type NebEndpoints, endpointsFromHop, matchEndpoints } from '../neb/endpoints.js';
import { type ImageReport, idppImages, imageReports, linearImages } from '../neb/interpolate.js';
import { BASES, NEB_PRESETS } from '../vasp/presets.js';
import { planNebDeck, writeDeck } from '../vasp/deck.js';
import { handler, printJson, println, warn } from './common.js';
import { type VaspArgs, printWritten, vaspOptions, vaspSettings } from './deck.js';

/** What the user asked for, for a resolver to turn into positions. */
export interface HopSpec {
  /** Hop id from `ionpath paths` (e.g. "h1"). */
  hop?: string;
  /** Chain of site labels, e.g. "8a>16c>8a". */
  path?: string;
  ion: string;
  mechanism: Mechanism;
  file: string;
}

/** Turns --hop / --path into a Hop (positions in the structure's cell). Registered by the paths module. */
export type HopResolver = (structure: Structure, spec: HopSpec) => Hop;

let hopResolver: HopResolver | null = null;

/** Register the resolver of hop ids and named paths (the lead wires `ionpath paths` here). */
export function registerHopResolver(fn: HopResolver): void {
  hopResolver = fn;
}

/** "0.125,0.125,0.125>0,0,0>-0.125,-0.125,-0.125" → a Hop (first → last, middle points waypoints). */
export function hopFromFracPath(text: string, ion: string, mechanism: Mechanism): Hop {
  const pts = text.split('>').map((p) => p.trim());
  const parsed = pts.map((p) => p.split(/[\s,]+/).filter(Boolean).map(Number));
  if (pts.length < 2 || parsed.some((p) => p.length !== 3 || !p.every(Number.isFinite))) {
    throw new InputError(`--frac-path "${text}": expected fractional points "x,y,z>x,y,z" (middle points are waypoints)`);
  }
  const v = parsed as unknown as Vec3[];
  return { from: v[0], to: v[v.length - 1], via: v.slice(1, -1), ion, mechanism, label: `${pts.length - 1}-segment path` };
}

export interface NebArgs extends VaspArgs {
  file?: string;
  hop?: string;
  path?: string;
  'frac-path'?: string;
  from?: string;
  to?: string;
  ion: string;
  mechanism: string;
  images: number;
  method: string;
  preset: string;
  vtst: boolean;
  iopt: number;
  'min-image-distance': number;
  'max-atoms': number;
  'no-supercell'?: boolean;
  supercell?: boolean;
  'match-tolerance': number;
  'allow-close'?: boolean;
  fmax: number;
}

/** Everything the command computes before writing (exported for tests and the viewer). */
export interface NebBuild {
  endpoints: NebEndpoints;
  images: Structure[];
  reports: ImageReport[];
  idpp?: { converged: boolean; steps: number; fmax: number; stagnated: boolean };
  hopRecord: Record<string, unknown>;
  inputs: { path: string; role: string }[];
}

/** Endpoints and images for the arguments (no files written). */
export function buildNeb(a: NebArgs): NebBuild {
  const nImages = a.images;
  if (!Number.isInteger(nImages) || nImages < 1) throw new InputError(`--images must be a positive integer, got ${nImages}`);
  const mechanism = a.mechanism as Mechanism;
  let endpoints: NebEndpoints;
  let hopRecord: Record<string, unknown>;
  const inputs: { path: string; role: string }[] = [];
  if (a.from !== undefined || a.to !== undefined) {
    if (a.from === undefined || a.to === undefined) throw new InputError('explicit endpoints need both --from A and --to B');
    if (a.hop || a.path || a['frac-path']) throw new InputError('give either --from/--to or a hop (--hop, --path, --frac-path), not both');
    const A = readStructure(a.from);
    const B = readStructure(a.to);
    for (const w of [...A.warnings, ...B.warnings]) warn(`${w.file ?? ''}${w.line ? `:${w.line}` : ''}: ${w.message}`);
    endpoints = matchEndpoints(A.structure, B.structure, { tolerance: a['match-tolerance'], fileA: a.from, fileB: a.to });
    hopRecord = { kind: 'endpoints', from: a.from, to: a.to, label: `${a.from} → ${a.to}` };
    inputs.push({ path: a.from, role: 'initial endpoint' }, { path: a.to, role: 'final endpoint' });
  } else {
    if (!a.file) throw new InputError('give a structure FILE with --hop, --path or --frac-path, or two endpoints with --from A --to B');
    const given = [a.hop, a.path, a['frac-path']].filter((x) => x !== undefined).length;
    if (given !== 1) throw new InputError('give exactly one of --hop ID, --path "8a>16c>8a" or --frac-path "x,y,z>x,y,z"');
    const r = readStructure(a.file);
    for (const w of r.warnings) warn(`${w.file ?? a.file}${w.line ? `:${w.line}` : ''}: ${w.message}`);
    let hop: Hop;
    if (a['frac-path'] !== undefined) hop = hopFromFracPath(a['frac-path'], a.ion, mechanism);
    else {
      if (!hopResolver) {
        throw new InputError(`--${a.hop !== undefined ? 'hop' : 'path'} needs the hops of \`ionpath paths\`, which this build cannot resolve yet`, {
          hint: 'give the positions instead: --frac-path "x,y,z>x,y,z" (fractional, this file\'s cell)',
        });
      }
      hop = hopResolver(r.structure, { hop: a.hop, path: a.path, ion: a.ion, mechanism, file: a.file });
    }
    endpoints = endpointsFromHop(r.structure, hop, {
      minImageDistance: a['min-image-distance'],
      maxAtoms: a['max-atoms'],
      noSupercell: a.supercell === false || Boolean(a['no-supercell']),
      file: a.file,
    });
    hopRecord = { kind: 'hop', id: a.hop ?? null, path: a.path ?? null, fracPath: a['frac-path'] ?? null, label: a.path ?? a.hop ?? hop.label ?? null, ion: hop.ion, mechanism: hop.mechanism, from: hop.from, to: hop.to, via: hop.via ?? [] };
    if (!a.file.startsWith('builtin:')) inputs.push({ path: a.file, role: 'structure' });
  }
  for (const w of endpoints.warnings) warn(w.message);
  const band = { movingIndex: endpoints.movingIndex, via: endpoints.via, hopVector: endpoints.hopVector };
  let images: Structure[];
  let idpp: NebBuild['idpp'];
  if (a.method === 'linear') images = linearImages(endpoints.initial, endpoints.final, nImages, band);
  else if (a.method === 'idpp') {
    const r = idppImages(endpoints.initial, endpoints.final, nImages, { ...band, fmax: a.fmax });
    images = r.images;
    idpp = { converged: r.result.converged, steps: r.result.steps, fmax: r.result.fmax, stagnated: r.result.stagnated };
    if (!r.result.converged) {
      warn(
        `IDPP stopped at fmax ${r.result.fmax.toExponential(2)} (target ${a.fmax}) after ${r.result.steps} steps${r.result.stagnated ? ': the minimum-image IDPP objective is kinked here; the images are usable' : ''}`,
      );
    }
  } else throw new InputError(`--method ${a.method}: expected idpp or linear`);
  const reports = imageReports(images, endpoints.movingIndex);
  const bad = reports.filter((r) => r.collisions.length > 0);
  if (bad.length && !a['allow-close']) {
    const r = bad[0];
    const c = r.collisions[0];
    throw new InputError(
      `image ${String(r.index).padStart(2, '0')}: atoms ${c.i + 1} (${c.elements[0]}) and ${c.j + 1} (${c.elements[1]}) are ${c.distance.toFixed(3)} Å apart — too close (${bad.length} image(s) affected); nothing was written`,
      { hint: a.method === 'linear' ? 'use --method idpp, more --images, or waypoints; --allow-close writes it anyway' : 'add waypoints around the obstacle or more --images; --allow-close writes it anyway' },
    );
  }
  return { endpoints, images, reports, idpp, hopRecord, inputs };
}

/** Summary of a written NEB deck, for callers such as `ionpath demo`. */
export interface NebResultSummary {
  dir: string;
  natoms: number;
  imageDistance: number | null;
  /** Closest interatomic distance per image (Å), endpoints included. */
  closest: number[];
  /** How the POTCARs were handled, in words. */
  potcarNote: string;
}

/** Build the band and write the deck for parsed `ionpath neb` arguments. */
export function writeNebDeck(args: NebArgs) {
  const defaultTasks = args.images * Math.max(1, Math.floor(32 / args.images));
  const v = vaspSettings(args, defaultTasks);
  const baseName = NEB_PRESETS[args.preset];
  if (!baseName) throw new InputError(`--preset ${args.preset}: expected ${Object.keys(NEB_PRESETS).join(', ')}`);
  const b = buildNeb(args);
  const plan = planNebDeck(b.endpoints, b.images, b.reports, {
    base: BASES[baseName],
    presetName: args.preset,
    vtst: args.vtst,
    iopt: args.iopt === 1 ? 1 : 3,
    method: args.method as 'idpp' | 'linear',
    hop: b.hopRecord,
    idpp: b.idpp,
    kpoints: v.kpoints,
    incarOverrides: v.incarOverrides,
    potcarDir: v.potcarDir,
    potcarOverrides: v.potcarOverrides,
    job: v.job,
    endpointJob: { ...v.job, ntasksPerNode: args['ntasks-per-node'] ?? 32 },
    inputs: b.inputs,
    command: `ionpath ${process.argv.slice(2).join(' ')}`,
  });
  const w = writeDeck(v.output, plan, v.force);
  for (const x of plan.warnings.filter((x) => !b.endpoints.warnings.includes(x))) warn(x.message);
  return { v, b, plan, w };
}

/** Write the deck and summarise it (no printing). */
export function runNeb(args: NebArgs): NebResultSummary {
  const { v, b, plan } = writeNebDeck(args);
  const potcar = plan.notes.find((n) => /POTCAR/.test(n)) ?? 'POTCARs assembled';
  return {
    dir: v.output,
    natoms: b.endpoints.initial.nsites,
    imageDistance: b.endpoints.supercell?.imageDistance ?? null,
    closest: b.reports.map((r) => r.closest.distance),
    potcarNote: potcar,
  };
}

export const nebCommand: CommandModule<object, NebArgs> = {
  command: 'neb [file]',
  describe: 'write a complete NEB deck: supercell, endpoints, IDPP/linear images, VASP inputs and jobs',
  builder: (y) =>
    vaspOptions(
      y
        .positional('file', { type: 'string', describe: 'structure holding the hop (CIF, POSCAR, pymatgen JSON, builtin:NAME)' })
        .example('ionpath neb LiMn2O4.cif --path "8a>16c>8a" -o neb', 'vacancy hop through the 16c site, with endpoint relaxations')
        .example('ionpath neb host.cif --hop H2 --mechanism interstitial --preset kvo-paper -o neb', 'a hop class from `ionpath paths`, Li inserted')
        .example('ionpath neb --from initial/CONTCAR --to final/CONTCAR --images 7 -o neb', 'explicit endpoints, matched atom by atom')
        .option('hop', { type: 'string', describe: 'hop id from `ionpath paths`' })
        .option('path', { type: 'string', describe: 'chain of sites, e.g. "8a>16c>8a"' })
        .option('frac-path', { type: 'string', describe: 'explicit positions "x,y,z>x,y,z[>…]" (fractional; middle points are waypoints)' })
        .option('from', { type: 'string', describe: 'initial endpoint structure (with --to)' })
        .option('to', { type: 'string', describe: 'final endpoint structure (with --from)' })
        .option('ion', { type: 'string', default: 'Li', describe: 'moving ion' })
        .option('mechanism', { type: 'string', choices: ['vacancy', 'interstitial'], default: 'vacancy', describe: 'vacancy: remove the ion at the destination; interstitial: insert the ion' })
        .option('images', { type: 'number', default: 5, describe: 'intermediate images' })
        .option('method', { type: 'string', choices: ['idpp', 'linear'], default: 'idpp', describe: 'interpolation' })
        .option('preset', { type: 'string', choices: Object.keys(NEB_PRESETS), default: 'neb', describe: 'electronic settings: neb/mp (Materials Project) or kvo-paper' })
        .option('vtst', { type: 'boolean', default: true, describe: 'VTST climbing image (--no-vtst: plain VASP NEB, IBRION = 1)' })
        .option('iopt', { type: 'number', choices: [1, 3], default: 3, describe: 'VTST optimiser: 3 FIRE, 1 LBFGS' })
        .option('min-image-distance', { type: 'number', default: 9, describe: 'Å between the moving ion and its periodic images / the vacancy images' })
        .option('max-atoms', { type: 'number', default: 400, describe: 'largest supercell' })
        .option('supercell', { type: 'boolean', default: true, describe: '--no-supercell: use the cell as given' })
        .option('match-tolerance', { type: 'number', default: 1.0, describe: 'Å other atoms may move between --from and --to' })
        .option('allow-close', { type: 'boolean', describe: 'write images even when atoms collide' })
        .option('fmax', { type: 'number', default: 0.005, describe: 'IDPP convergence (largest NEB force)' }),
    ) as unknown as Argv<NebArgs>,
  handler: handler(async (args: NebArgs) => {
    const { v, b, plan, w } = writeNebDeck(args);
    if (args.json) {
      const sc = b.endpoints.supercell;
      printJson({
        dir: v.output,
        kind: 'neb',
        ...w,
        movingIndex: b.endpoints.movingIndex,
        natoms: b.endpoints.initial.nsites,
        supercell: sc
          ? { natoms: sc.natoms, imageDistance: sc.imageDistance, defectDistance: Number.isFinite(sc.defectDistance) ? sc.defectDistance : null, lengths: sc.lengths, angles: sc.angles, matrix: sc.matrixInput }
          : null,
        idpp: b.idpp ?? null,
        images: b.reports.map((r) => ({ index: r.index, closestDistance: r.closest.distance, closestPair: r.closest.elements, collisions: r.collisions.length })),
        notes: plan.notes,
        warnings: plan.warnings.map((x) => x.message),
      });
    } else printWritten(v.output, w, plan.notes);
  }),
};
