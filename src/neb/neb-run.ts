/**
 * Read a VTST-style NEB run from disk: image folders 00 … NN, an OUTCAR in each
 * intermediate image, and endpoint energies from (in this order) `--endpoints A B`, the
 * OUTCARs in 00 and NN, or relaxation folders beside the run (start/end, initial/final,
 * relax_endpoint_1/2, ../endpoints/initial|final as `ionpath neb` writes them, …).
 *
 * Energies: energy(sigma→0) of each OUTCAR's last complete ionic step (what VTST's
 * nebbarrier.pl, pymatgen's NEBAnalysis and ASE use). Geometries: CONTCAR, else the
 * OUTCAR's last positions, else POSCAR for the images; CONTCAR, else POSCAR, else the
 * OUTCAR for the endpoints (the structures the NEB actually held fixed). The reaction
 * coordinate is the cumulative distance between consecutive images, √Σ|Δr_atom|² with
 * each atom's minimum-image displacement (VTST dist.pl, pymatgen).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { Lattice } from '../core/lattice.js';
import type { Vec3 } from '../core/vec3.js';
import { readOutcar, type OutcarResult } from '../io/outcar.js';
import { readPoscar } from '../io/poscar.js';
import { analyzeBarrier, type BarrierAnalysis, type BarrierImageInput, type BarrierOptions } from './barrier.js';

export interface NebRunOptions extends BarrierOptions {
  /** Folders (or OUTCAR files) of the relaxed initial and final states. */
  endpoints?: [string, string];
  /** Which energy to use: energy(sigma→0) (default, as VTST/pymatgen/ASE) or free energy TOTEN. */
  energy?: 'sigma0' | 'free';
}

/** Geometry of one image: lattice rows (Å) and Cartesian positions (Å). */
export interface ImageGeometry {
  lattice: number[][];
  cart: number[][];
  source: string;
}

export interface NebImageRecord {
  index: number;
  /** Image folder (endpoints supplied by --endpoints may have none). */
  dir: string | null;
  /** OUTCAR the energy came from. */
  outcar: string;
  geometry: ImageGeometry;
  energy: number;
  tangentForce: number | null;
  /** Force the image is converged on (VTST "FORCES: max atom", else max |F|), eV/Å. */
  maxForce: number | null;
  /** |EDIFFG| when it is a force criterion (EDIFFG < 0), eV/Å. */
  forceCriterion: number | null;
  converged: boolean | null;
  complete: boolean;
  steps: number;
}

export interface NebRun {
  dir: string;
  images: NebImageRecord[];
  /** Where the endpoint energies came from. */
  endpointSource: 'option' | 'image-folders' | 'relaxation-folders';
  warnings: string[];
}

const OUTCAR_NAMES = ['OUTCAR', 'OUTCAR.gz', 'OUTCAR.xz', 'OUTCAR.bz2', 'OUTCAR.z'];
const CONTCAR_NAMES = ['CONTCAR', 'CONTCAR.gz'];
const POSCAR_NAMES = ['POSCAR', 'POSCAR.gz'];

/** Pairs of endpoint-relaxation folder names looked for beside a run (and one and two levels up). */
const ENDPOINT_PAIRS: [string, string][] = [
  ['start', 'end'],
  ['initial', 'final'],
  ['ini', 'fin'],
  ['is', 'fs'],
  ['IS', 'FS'],
  ['endpoints/initial', 'endpoints/final'],
  ['relax_endpoint_1', 'relax_endpoint_2'],
  ['endpoint_1', 'endpoint_2'],
  ['ep0', 'ep1'],
  ['1st-img-single-point', 'last-img-single-point'],
];

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function firstExisting(dir: string, names: readonly string[], nonEmpty = false): string | null {
  for (const n of names) {
    const p = join(dir, n);
    if (isFile(p) && (!nonEmpty || statSync(p).size > 0)) return p;
  }
  return null;
}

/** OUTCAR in a folder (or its outputs/ or out/ subfolder), or the path itself when it is a file. */
export function findOutcar(pathOrDir: string): string | null {
  if (isFile(pathOrDir)) return pathOrDir;
  if (!isDir(pathOrDir)) return null;
  for (const sub of ['', 'outputs', 'out']) {
    const d = sub ? join(pathOrDir, sub) : pathOrDir;
    if (!isDir(d)) continue;
    const f = firstExisting(d, OUTCAR_NAMES);
    if (f) return f;
  }
  return null;
}

/** Numbered image folders (00, 01, …) of a run, sorted by number. */
export function imageFolders(dir: string): { index: number; dir: string }[] {
  if (!isDir(dir)) throw new InputError(`not a folder: ${dir}`, { file: dir, hint: 'pass the NEB run folder that holds 00, 01, … NN' });
  return readdirSync(dir)
    .filter((n) => /^\d+$/.test(n) && isDir(join(dir, n)))
    .map((n) => ({ index: Number(n), dir: join(dir, n) }))
    .sort((a, b) => a.index - b.index);
}

function geometryFromOutcar(o: OutcarResult, source: string): ImageGeometry | null {
  if (!o.final || !o.final.positions || !o.final.lattice) return null;
  return { lattice: o.final.lattice, cart: o.final.positions, source: `${source} (step ${o.final.step})` };
}

function geometryFromPoscar(path: string, species: string[] | null): ImageGeometry {
  let res;
  try {
    res = readPoscar(path);
  } catch (e) {
    if (!(e instanceof InputError) || !species || species.length === 0) throw e;
    res = readPoscar(path, { species });
  }
  const s = res.structure;
  const cart = s.cartArray();
  const rows: number[][] = [];
  for (let k = 0; k < s.nsites; k++) rows.push([cart[3 * k], cart[3 * k + 1], cart[3 * k + 2]]);
  if (rows.some((r) => r.some((v) => !Number.isFinite(v)))) {
    throw new InputError('positions are not finite numbers', { file: path });
  }
  return { lattice: s.lattice.matrix.map((r) => [...r]), cart: rows, source: path };
}

/** Try a structure file; an empty or unreadable one is skipped with a warning. */
function tryPoscar(path: string | null, species: string[] | null, warnings: string[]): ImageGeometry | null {
  if (!path) return null;
  try {
    return geometryFromPoscar(path, species);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    warnings.push(`${path}: not usable (${e.message}); trying the next geometry source`);
    return null;
  }
}

function uniqueElements(o: OutcarResult | null): string[] | null {
  return o && o.header.elements.length ? o.header.elements : null;
}

/** Per-atom minimum-image distance √Σ|Δr|² between two geometries (Å), in the lattice of `b`. */
export function imageDistance(a: ImageGeometry, b: ImageGeometry): number {
  if (a.cart.length !== b.cart.length) {
    throw new InputError(`${b.source} has ${b.cart.length} atoms but ${a.source} has ${a.cart.length}; NEB images must hold the same atoms in the same order`);
  }
  const lat = new Lattice(b.lattice);
  let sum = 0;
  for (let k = 0; k < a.cart.length; k++) {
    const fa = lat.toFractional(a.cart[k] as unknown as Vec3);
    const fb = lat.toFractional(b.cart[k] as unknown as Vec3);
    const v = lat.minimumImageVector(fa, fb);
    sum += v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
  }
  return Math.sqrt(sum);
}

/** Cumulative reaction coordinate of a band (Å), starting at 0. */
export function reactionCoordinates(geoms: readonly ImageGeometry[]): number[] {
  const r = [0];
  for (let k = 1; k < geoms.length; k++) r.push(r[k - 1] + imageDistance(geoms[k - 1], geoms[k]));
  return r;
}

function imageEnergy(o: OutcarResult, kind: 'sigma0' | 'free', path: string): number {
  const e = kind === 'free' ? o.finalFreeEnergy : o.finalEnergy;
  if (e === null) {
    throw new InputError(`no ionic step finished in this OUTCAR, so it has no energy${o.incompleteReason ? ` (${o.incompleteReason})` : ''}`, {
      file: path,
      hint: 'the image has not run yet, or it crashed: look at its OUTCAR and stdout',
    });
  }
  return e;
}

function convergence(o: OutcarResult): { maxForce: number | null; criterion: number | null; converged: boolean | null } {
  const last = o.steps.length ? o.steps[o.steps.length - 1] : null;
  const maxForce = last ? (last.vtstMaxForce ?? last.maxForce) : null;
  const ediffg = o.header.ediffg;
  const criterion = ediffg !== null && ediffg < 0 ? -ediffg : null;
  let converged: boolean | null = null;
  if (criterion !== null && maxForce !== null && Number.isFinite(maxForce)) converged = maxForce <= criterion;
  else if (o.ionicConverged !== null) converged = o.ionicConverged;
  if (o.ionicConverged === true) converged = true;
  return { maxForce, criterion, converged };
}

/** Endpoint energies: option, 00/NN OUTCARs, or relaxation folders beside the run. */
function locateEndpoints(
  dir: string,
  folders: { index: number; dir: string }[],
  opts: NebRunOptions,
): { first: string; last: string; source: NebRun['endpointSource']; note: string | null } {
  if (opts.endpoints) {
    const [a, b] = opts.endpoints;
    const fa = findOutcar(a);
    const fb = findOutcar(b);
    if (!fa || !fb) {
      const bad = !fa ? a : b;
      throw new InputError(`no OUTCAR in ${bad} (given with --endpoints)`, {
        file: bad,
        hint: 'pass the folders (or OUTCAR files) of the relaxed initial and final structures',
      });
    }
    return { first: fa, last: fb, source: 'option', note: null };
  }
  const f0 = firstExisting(folders[0].dir, OUTCAR_NAMES);
  const fN = firstExisting(folders[folders.length - 1].dir, OUTCAR_NAMES);
  if (f0 && fN) return { first: f0, last: fN, source: 'image-folders', note: null };
  const roots = [dir, dirname(dir), dirname(dirname(dir))].filter((p, k, all) => all.indexOf(p) === k);
  for (const root of roots) {
    for (const [s, e] of ENDPOINT_PAIRS) {
      const a = findOutcar(join(root, s));
      const b = findOutcar(join(root, e));
      if (a && b && isDir(join(root, s)) && isDir(join(root, e))) {
        return {
          first: a,
          last: b,
          source: 'relaxation-folders',
          note: `endpoint energies from the relaxations ${a} and ${b} (no OUTCAR in ${basename(folders[0].dir)}/${basename(folders[folders.length - 1].dir)})`,
        };
      }
    }
  }
  const missing = [!f0 ? basename(folders[0].dir) : null, !fN ? basename(folders[folders.length - 1].dir) : null].filter(Boolean).join(' and ');
  throw new InputError(`no endpoint energies: no OUTCAR in ${missing}, and no relaxation folders beside the run (start/end, initial/final, relax_endpoint_1/2, …)`, {
    file: dir,
    hint: 'pass the relaxed endpoints with --endpoints DIR_A DIR_B (folders or OUTCAR files)',
  });
}

/** Read every image of the run in `dir`. */
export async function readNebRun(dir: string, opts: NebRunOptions = {}): Promise<NebRun> {
  dir = resolve(dir);
  const warnings: string[] = [];
  let folders = imageFolders(dir);
  if (folders.length === 0) {
    throw new InputError('no image folders (00, 01, …) here', { file: dir, hint: 'pass the NEB run folder that holds 00, 01, … NN' });
  }
  // folders must run 0..N without gaps; with --endpoints, a run holding only the images is accepted
  const gaps = folders.some((f, k) => f.index !== folders[0].index + k);
  if (gaps) throw new InputError(`image folders are not consecutive: ${folders.map((f) => basename(f.dir)).join(', ')}`, { file: dir });
  const endpointsGiven = opts.endpoints !== undefined;
  const imagesOnly = folders[0].index !== 0;
  if (imagesOnly && !endpointsGiven) {
    throw new InputError(
      `the image folders start at ${basename(folders[0].dir)}, not 00: the endpoint folders are missing`,
      { file: dir, hint: 'pass the relaxed endpoints with --endpoints DIR_A DIR_B' },
    );
  }
  if (!imagesOnly && folders.length < 3) {
    throw new InputError(`a NEB run needs 00, at least one image and the final folder; found ${folders.map((f) => basename(f.dir)).join(', ')}`, { file: dir });
  }

  const interior = imagesOnly ? folders : folders.slice(1, -1);
  const ends = locateEndpoints(dir, folders, opts);
  if (ends.note) warnings.push(ends.note);

  // one slot per point of the band: image number, its folder (if any), its OUTCAR
  const endFolder = (k: 0 | 1): string | null => {
    if (!imagesOnly) return k === 0 ? folders[0].dir : folders[folders.length - 1].dir;
    const given = opts.endpoints![k];
    return isDir(given) ? given : dirname(given);
  };
  const slots: { index: number; folder: string | null; outcar: string; end: boolean }[] = [];
  slots.push({ index: imagesOnly ? interior[0].index - 1 : folders[0].index, folder: endFolder(0), outcar: ends.first, end: true });
  for (const f of interior) {
    const o = firstExisting(f.dir, OUTCAR_NAMES);
    if (!o) {
      throw new InputError(`no OUTCAR in image folder ${basename(f.dir)}`, {
        file: f.dir,
        hint: 'the NEB has not run yet, or its OUTCARs were not copied back',
      });
    }
    slots.push({ index: f.index, folder: f.dir, outcar: o, end: false });
  }
  slots.push({
    index: imagesOnly ? interior[interior.length - 1].index + 1 : folders[folders.length - 1].index,
    folder: endFolder(1),
    outcar: ends.last,
    end: true,
  });
  const paths = slots.map((s) => s.outcar);
  const outcars = await Promise.all(paths.map((p) => readOutcar(p)));
  const kind = opts.energy ?? 'sigma0';

  // geometries
  const n = outcars[1].header.nions;
  const geoms: ImageGeometry[] = [];
  const total = slots.length;
  for (let k = 0; k < total; k++) {
    const o = outcars[k];
    const species = uniqueElements(o) ?? uniqueElements(outcars[1]);
    const { folder, end } = slots[k];
    const contcar = folder ? firstExisting(folder, CONTCAR_NAMES, true) : null;
    const poscar = folder ? firstExisting(folder, POSCAR_NAMES, true) : null;
    let g: ImageGeometry | null;
    if (end) {
      g = tryPoscar(contcar, species, warnings) ?? tryPoscar(poscar, species, warnings) ?? geometryFromOutcar(o, paths[k]);
    } else {
      g = tryPoscar(contcar, species, warnings) ?? geometryFromOutcar(o, paths[k]) ?? tryPoscar(poscar, species, warnings);
    }
    if (!g) {
      throw new InputError('no geometry for this image: no CONTCAR or POSCAR, and its OUTCAR prints no positions', {
        file: folder ?? paths[k],
      });
    }
    geoms.push(g);
  }
  for (let k = 0; k < total; k++) {
    const nk = outcars[k].header.nions;
    if (n !== null && nk !== null && nk !== n) {
      throw new InputError(`this OUTCAR has NIONS = ${nk} but the images have ${n}: it is not an endpoint of this band`, { file: paths[k] });
    }
    if (n !== null && geoms[k].cart.length !== n) {
      throw new InputError(`${geoms[k].cart.length} atoms here but the image OUTCARs have NIONS = ${n}`, { file: geoms[k].source });
    }
  }
  if (ends.source !== 'image-folders') {
    // energies come from another calculation: say if its final geometry does not match
    for (const k of [0, total - 1]) {
      const og = geometryFromOutcar(outcars[k], paths[k]);
      if (og && og.cart.length === geoms[k].cart.length && og.source !== geoms[k].source) {
        let maxd = 0;
        const lat = new Lattice(geoms[k].lattice);
        for (let a = 0; a < og.cart.length; a++) {
          const v = lat.minimumImageVector(lat.toFractional(og.cart[a] as unknown as Vec3), lat.toFractional(geoms[k].cart[a] as unknown as Vec3));
          maxd = Math.max(maxd, Math.hypot(v[0], v[1], v[2]));
        }
        if (maxd > 0.05) {
          warnings.push(
            `${paths[k]}: its final structure differs from ${geoms[k].source} (an atom moves ${maxd.toFixed(2)} Å; atom order may differ); its energy is used anyway`,
          );
        }
      }
    }
  }

  const images: NebImageRecord[] = [];
  for (let k = 0; k < total; k++) {
    const o = outcars[k];
    const c = convergence(o);
    const { index, folder, end } = slots[k];
    const tf = end ? 0 : o.steps.length ? o.steps[o.steps.length - 1].tangentForce : null;
    if (!end && tf === null) warnings.push(`${paths[k]}: no tangential force (not a VTST/VASP NEB image OUTCAR?); the profile falls back to a natural cubic spline`);
    if (!o.complete) warnings.push(`${paths[k]}: the run is not finished (${o.incompleteReason})`);
    images.push({
      index,
      dir: folder,
      outcar: paths[k],
      geometry: geoms[k],
      energy: imageEnergy(o, kind, paths[k]),
      tangentForce: tf,
      maxForce: c.maxForce,
      forceCriterion: c.criterion,
      converged: c.converged,
      complete: o.complete,
      steps: o.steps.length,
    });
  }
  return { dir, images, endpointSource: ends.source, warnings };
}

export interface NebResult {
  run: NebRun;
  analysis: BarrierAnalysis;
}

/** Read a run and analyse its barrier. */
export async function analyzeNebRun(dir: string, opts: NebRunOptions = {}): Promise<NebResult> {
  const run = await readNebRun(dir, opts);
  const r = reactionCoordinates(run.images.map((im) => im.geometry));
  const input: BarrierImageInput[] = run.images.map((im, k) => ({
    index: im.index,
    energy: im.energy,
    coordinate: r[k],
    tangentForce: im.tangentForce,
    maxForce: im.maxForce,
    converged: im.converged,
    complete: im.complete,
    source: { outcar: im.outcar, geometry: im.geometry.source },
  }));
  return { run, analysis: analyzeBarrier(input, opts) };
}

