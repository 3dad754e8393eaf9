/**
 * `ionpath barrier DIR... [--endpoints A B] [--json] [--svg plot.svg] [--dat] [--dat-dir DIR] [--labels I,II]`:
 * barriers of VTST-style NEB runs (folders 00 … NN), with the force-based spline, the
 * saddle, per-image convergence, VTST's neb.dat/spline.dat/exts.dat and an SVG profile
 * that can hold several paths.
 */
import { existsSync, mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../core/errors.js';
import type { BarrierAnalysis } from '../neb/barrier.js';
import { analyzeNebRun, type NebResult } from '../neb/neb-run.js';
import { profileSvg } from '../neb/profile-svg.js';
import { extsDat, nebDat, splineDat } from '../neb/vtst-files.js';
import { handler, printJson, println, warn } from './common.js';

export interface BarrierArgs {
  dirs: string[];
  endpoints?: string[];
  json?: boolean;
  svg?: string;
  dat?: boolean;
  datDir?: string;
  force?: boolean;
  labels?: string;
  energy?: 'sigma0' | 'free';
  interpolation?: 'auto' | 'hermite' | 'natural';
  normalize?: boolean;
  unit?: 'eV' | 'meV';
}

const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];

const f = (x: number | null | undefined, d: number): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));
const pad2 = (i: number) => String(i).padStart(2, '0');

/** The JSON document of one path (DESIGN.md keys first). */
export function barrierJson(res: NebResult, label?: string): Record<string, unknown> {
  const a = res.analysis;
  return {
    ...(label !== undefined ? { label } : {}),
    dir: res.run.dir,
    images: a.images.map((im, k) => ({
      index: im.index,
      energy: im.energy,
      relativeEnergy: im.relativeEnergy,
      coordinate: im.coordinate,
      tangentForce: im.tangentForce,
      maxForce: im.maxForce,
      forceCriterion: res.run.images[k].forceCriterion,
      converged: im.converged,
      complete: im.complete,
      steps: res.run.images[k].steps,
      outcar: res.run.images[k].outcar,
      geometry: res.run.images[k].geometry.source,
    })),
    barrier: a.barrier,
    reverseBarrier: a.reverseBarrier,
    reactionEnergy: a.reactionEnergy,
    saddle: a.saddle,
    highestImage: a.highestImage,
    splineAgreesWithImages: a.splineAgreesWithImages,
    disagreement: a.disagreement,
    interpolation: a.interpolation,
    extrema: a.extrema,
    complete: a.complete,
    converged: a.converged,
    endpointSource: res.run.endpointSource,
    warnings: res.run.warnings,
  };
}

/** Human-readable table and barrier lines of one path. */
export function summarizeBarrier(res: NebResult, label?: string): string[] {
  const a: BarrierAnalysis = res.analysis;
  const out: string[] = [];
  out.push(`${label ? `path ${label}: ` : ''}${res.run.dir}`);
  out.push(['  image', 'R (Å)'.padStart(9), 'E (eV)'.padStart(14), 'ΔE (eV)'.padStart(10), 'F∥ (eV/Å)'.padStart(11), 'max F'.padStart(8), 'conv'.padStart(6)].join(' '));
  a.images.forEach((im, k) => {
    const crit = res.run.images[k].forceCriterion;
    const conv = im.converged === null ? '?' : im.converged ? 'yes' : 'NO';
    out.push(
      [
        `     ${pad2(im.index)}`.padStart(7),
        f(im.coordinate, 4).padStart(9),
        f(im.energy, 6).padStart(14),
        f(im.relativeEnergy, 4).padStart(10),
        f(im.tangentForce, 4).padStart(11),
        f(im.maxForce, 3).padStart(8),
        `${conv}${crit !== null && im.converged === false ? ` (>${crit})` : ''}${im.complete ? '' : ' unfinished'}`.padStart(6),
      ].join(' '),
    );
  });
  out.push(`  forward barrier  ${f(a.barrier, 4)} eV   (saddle at ${f(a.saddle.coordinate, 3)} Å, image ${f(a.saddle.image, 2)}; ${a.interpolation === 'hermite' ? 'VTST force-based spline' : 'natural cubic spline: tangential forces missing'})`);
  out.push(`  reverse barrier  ${f(a.reverseBarrier, 4)} eV`);
  out.push(`  reaction energy  ${f(a.reactionEnergy, 4)} eV`);
  out.push(
    `  highest image    ${pad2(a.highestImage.index)}: ${f(a.highestImage.energy, 4)} eV (reverse ${f(a.highestImage.reverseBarrier, 4)} eV) — ${a.splineAgreesWithImages ? 'agrees with the spline' : `DISAGREES: ${a.disagreement}`}`,
  );
  const conv = a.converged === null ? 'unknown for some images' : a.converged ? 'yes' : 'NO';
  out.push(`  complete ${a.complete ? 'yes' : 'NO (some runs unfinished)'}; converged ${conv}; endpoints from ${res.run.endpointSource}`);
  return out;
}

/**
 * Write a file through a temporary name (never half a file); a folder we may not write to
 * is an InputError, and so is an existing file without --force (a run's neb.dat may be the
 * authors' own record).
 */
function refuseExisting(paths: string[], force: boolean): void {
  if (force) return;
  const there = paths.find((p) => existsSync(p));
  if (there) throw new InputError('exists already; not overwriting it', { file: there, hint: 'pass --force to replace it, or --dat-dir DIR to write elsewhere' });
}

function writeAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* the original error matters */
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || code === 'ENOENT') {
      throw new InputError(`cannot write ${path} (${code})`, { file: path, hint: 'write somewhere else: --dat-dir DIR for the .dat files, or another --svg path' });
    }
    throw e;
  }
}

export const barrierCommand: CommandModule<object, BarrierArgs> = {
  command: 'barrier <dirs..>',
  describe: 'NEB barriers from VTST-style runs (00 … NN): spline, saddle, convergence, neb.dat, SVG profile',
  builder: (y: Argv<object>) =>
    y
      .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'NEB run folder(s) holding 00, 01, … NN' })
      .example('ionpath barrier neb/', 'barrier, saddle, per-image convergence')
      .example('ionpath barrier pathI pathII pathIII --svg paths.svg', 'three paths in one energy-profile plot')
      .example('ionpath barrier neb --endpoints relax/ini relax/fin --dat', 'endpoint energies from relaxations; VTST neb.dat, spline.dat, exts.dat')
      .option('endpoints', {
        type: 'string',
        array: true,
        nargs: 2,
        describe: 'folders (or OUTCARs) of the relaxed initial and final states (one run only)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON document' })
      .option('svg', { type: 'string', describe: 'write the energy profile(s) to this SVG file' })
      .option('dat', { type: 'boolean', default: false, describe: "write VTST's neb.dat, spline.dat and exts.dat into each run folder" })
      .option('dat-dir', { type: 'string', describe: 'write the .dat files here instead (one subfolder per label with several runs)' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite existing neb.dat/spline.dat/exts.dat and SVG files' })
      .option('labels', { type: 'string', describe: 'comma-separated path labels for the plot (default I, II, III …)' })
      .option('energy', { choices: ['sigma0', 'free'] as const, default: 'sigma0' as const, describe: 'energy(sigma→0) (VTST, pymatgen, ASE) or free energy TOTEN' })
      .option('interpolation', { choices: ['auto', 'hermite', 'natural'] as const, default: 'auto' as const, describe: 'profile spline' })
      .option('normalize', { type: 'boolean', describe: 'plot the reaction coordinate normalised to 0…1 (default with several paths)' })
      .option('unit', { choices: ['eV', 'meV'] as const, default: 'eV' as const, describe: 'energy unit of the plot' }) as Argv<BarrierArgs>,
  handler: handler(async (args: BarrierArgs) => {
    const dirs = args.dirs;
    if (args.endpoints && args.endpoints.length !== 2) {
      throw new InputError(`--endpoints takes two folders (initial and final), got ${args.endpoints.length}`);
    }
    if (args.endpoints && dirs.length > 1) {
      throw new InputError('--endpoints applies to one run; give one DIR, or put each run’s endpoints in its 00/NN folders');
    }
    const labels = args.labels ? args.labels.split(',').map((s) => s.trim()) : dirs.length > 1 ? dirs.map((_, k) => ROMAN[k] ?? String(k + 1)) : [basename(resolve(dirs[0]))];
    if (labels.length !== dirs.length) throw new InputError(`--labels gives ${labels.length} labels for ${dirs.length} runs`);

    const results: NebResult[] = [];
    for (const d of dirs) {
      results.push(
        await analyzeNebRun(d, {
          endpoints: args.endpoints ? [args.endpoints[0], args.endpoints[1]] : undefined,
          energy: args.energy,
          interpolation: args.interpolation,
        }),
      );
    }

    // everything to write, checked before anything is written
    const plan: { path: string; text: string }[] = [];
    if (args.dat || args.datDir) {
      results.forEach((res, k) => {
        const base = args.datDir ? (results.length > 1 ? join(args.datDir, labels[k]) : args.datDir) : res.run.dir;
        plan.push({ path: join(base, 'neb.dat'), text: nebDat(res.analysis) });
        plan.push({ path: join(base, 'spline.dat'), text: splineDat(res.analysis) });
        plan.push({ path: join(base, 'exts.dat'), text: extsDat(res.analysis) });
      });
    }
    if (args.svg) {
      const svg = profileSvg(
        results.map((res, k) => ({ label: labels[k], analysis: res.analysis })),
        { normalize: args.normalize, unit: args.unit },
      );
      plan.push({ path: args.svg, text: svg });
    }
    refuseExisting(
      plan.map((p) => p.path),
      args.force ?? false,
    );
    const written: string[] = [];
    for (const { path, text } of plan) {
      writeAtomic(path, text);
      written.push(path);
    }

    if (args.json) {
      const docs = results.map((res, k) => barrierJson(res, results.length > 1 ? labels[k] : undefined));
      printJson(results.length === 1 ? { ...docs[0], written } : { paths: docs, written });
      return;
    }
    results.forEach((res, k) => {
      if (k) println();
      for (const l of summarizeBarrier(res, results.length > 1 ? labels[k] : undefined)) println(l);
      for (const w of res.run.warnings) warn(w);
    });
    for (const p of written) println(`wrote ${p}`);
  }),
};
