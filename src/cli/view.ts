/**
 * `ionpath view FILE|DECK_DIR|NEB_RUN_DIR [--port N] [--open] [--out page.html] [--supercell 2x2x1]`
 *
 * Builds the scene document for the input and either serves the viewer on 127.0.0.1 (a free
 * port unless --port; prints the URL; runs until Ctrl-C) or, with --out, writes one
 * self-contained HTML page (refuses to overwrite without --force; atomic write).
 *
 * Inputs: a structure file (anything readStructure reads). Folders (NEB decks, NEB runs) are
 * recognised and routed to `sceneForDirectory`, the place to plug in NEB images and energies
 * (scene.neb) once the NEB readers exist.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { handler, printJson, println, warn, InputError } from './common.js';
import type { Structure } from '../core/structure.js';
import { readStructure } from '../io/read-structure.js';
import { buildScene, scenePolyhedra, type BuildSceneOptions } from '../scene/build-scene.js';
import type { SceneDocument } from '../scene/scene-document.js';
import { loadViewerAssets, writeSelfContainedPage } from '../scene/html-page.js';
import { closeOnInterrupt, startServer, viewerFiles } from '../server/static-server.js';
import { analyzeStructure } from '../symmetry/analyze.js';
import { polyhedra } from '../analysis/polyhedra.js';
import { ionSceneData, nebSceneData } from '../scene/scene-sources.js';

export interface ViewArgs {
  input: string;
  port?: number;
  open?: boolean;
  out?: string;
  force?: boolean;
  supercell?: string;
  json?: boolean;
  ion?: string;
  sites?: boolean;
}

/** Above this many sites the symmetry and polyhedra analyses are skipped (bond polyhedra only). */
const ANALYSIS_MAX_SITES = 3000;

/** '2x2x1' (or 2×2×1, 2,2,1) → [2, 2, 1]; each 1–50. */
export function parseRepeats(spec: string): [number, number, number] {
  const m = /^\s*(\d+)\s*[x×,]\s*(\d+)\s*[x×,]\s*(\d+)\s*$/i.exec(spec);
  const v = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
  if (v.length !== 3 || v.some((x) => !Number.isInteger(x) || x < 1 || x > 50)) {
    throw new InputError(`--supercell "${spec}": expected three integers 1–50 like 2x2x1`);
  }
  return v as [number, number, number];
}

/**
 * The scene for one structure: Wyckoff labels and space group from the symmetry analysis,
 * polyhedra with VESTA metrics from the polyhedra analysis (bond-based polyhedra when that
 * fails or the cell is large), bonds from covalent radii. `extra` passes sites, hops,
 * percolation or NEB data from the analysis modules.
 */
export function sceneForStructure(structure: Structure, extra: BuildSceneOptions = {}, warnings: string[] = []): SceneDocument {
  const opts: BuildSceneOptions = { ...extra };
  if (structure.nsites <= ANALYSIS_MAX_SITES) {
    try {
      const sym = analyzeStructure(structure);
      opts.spacegroup ??= { number: sym.number, symbol: sym.shortSymbol };
      opts.wyckoff ??= sym.sites.map((s) => s.wyckoffLabel);
    } catch (e) {
      warnings.push(`symmetry analysis failed, no Wyckoff labels: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (opts.polyhedra === undefined) {
      try {
        const res = polyhedra(structure);
        opts.polyhedra = scenePolyhedra(res);
        warnings.push(...res.warnings);
      } catch (e) {
        warnings.push(`polyhedra analysis failed, polyhedra drawn from bonds: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  } else {
    warnings.push(`${structure.nsites} sites: symmetry and polyhedra analyses skipped, polyhedra drawn from bonds`);
  }
  return buildScene(structure, opts);
}

/** True for a folder that looks like a VASP NEB run or deck (numbered image folders 00, 01, …). */
export function isNebFolder(dir: string): boolean {
  const names = readdirSync(dir);
  const images = names.filter((n) => /^\d\d$/.test(n) && statSync(join(dir, n)).isDirectory());
  return images.includes('00') && images.includes('01');
}

/**
 * Folders: where NEB decks (DIR/neb/00…) and NEB runs (DIR/00…/OUTCAR) become scenes with
 * `scene.neb`. Not wired yet: the NEB result readers are separate modules.
 */
export async function sceneForDirectory(dir: string, ion = 'Li'): Promise<{ scene: SceneDocument; warnings: string[] }> {
  // A deck written by `ionpath neb`: its neb/ folder holds the images (POSCARs, and OUTCARs once run).
  const nebDir = existsSync(join(dir, 'neb')) && isNebFolder(join(dir, 'neb')) ? join(dir, 'neb') : dir;
  if (!isNebFolder(nebDir)) {
    throw new InputError('not a NEB run or deck: no image folders 00, 01, …', { file: dir, hint: 'pass a structure file, a NEB run folder, or a deck from `ionpath neb`' });
  }
  const warnings: string[] = [];
  const hasOutcars = readdirSync(nebDir).some((n) => /^\d\d$/.test(n) && readdirSync(join(nebDir, n)).some((f) => f.startsWith('OUTCAR')));
  if (hasOutcars) {
    const { neb, barrier, warnings: w } = await nebSceneData(nebDir);
    warnings.push(...w);
    const first = neb.images[0].structure;
    const scene = sceneForStructure(first, { title: `${first.reducedFormula} NEB (barrier ${barrier.toFixed(3)} eV)`, neb }, warnings);
    return { scene, warnings };
  }
  // An unrun deck: show the images with zero energies, labelled as such.
  const images = readdirSync(nebDir)
    .filter((n) => /^\d\d$/.test(n))
    .sort()
    .map((n) => readStructure(join(nebDir, n, 'POSCAR'), { format: 'poscar' }).structure);
  const neb = { images: images.map((structure) => ({ energy: 0, structure })) };
  const scene = sceneForStructure(images[0], { title: `${images[0].reducedFormula} NEB images (not run yet)`, neb, notes: ['images as written; energies are zero until VASP has run'] }, warnings);
  void ion;
  return { scene, warnings };
}

/** Scene for whatever `view` was given. */
export async function sceneForInput(input: string, repeats?: [number, number, number], ion: string | null = 'Li'): Promise<{ scene: SceneDocument; warnings: string[] }> {
  let result: { scene: SceneDocument; warnings: string[] };
  if (existsSync(input) && statSync(input).isDirectory()) result = await sceneForDirectory(input, ion ?? 'Li');
  else {
    // A file, or a built-in name (builtin:limn2o4); readStructure reports a missing file.
    const read = readStructure(input);
    const warnings = read.warnings.map((w) => `${w.file ?? input}${w.line !== undefined ? ':' + w.line : ''}: ${w.message}`);
    const extra: BuildSceneOptions = { title: read.structure.title || undefined };
    if (ion && read.structure.nsites <= ANALYSIS_MAX_SITES) {
      try {
        Object.assign(extra, ionSceneData(read.structure, ion));
      } catch (e) {
        warnings.push(`no ${ion} sites/hops shown: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    result = { scene: sceneForStructure(read.structure, extra, warnings), warnings };
  }
  if (repeats) result.scene.view = { ...result.scene.view, repeats };
  return result;
}

/** Best-effort: open a URL in the desktop browser. */
function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => warn(`could not start a browser (${cmd}); open ${url} yourself`));
    child.unref();
  } catch {
    warn(`could not start a browser; open ${url} yourself`);
  }
}

export async function runView(args: ViewArgs): Promise<void> {
  const repeats = args.supercell ? parseRepeats(args.supercell) : undefined;
  const port = args.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError(`--port ${args.port}: expected 0–65535`);
  const assets = loadViewerAssets();
  const { scene, warnings } = await sceneForInput(args.input, repeats, args.sites === false ? null : args.ion ?? 'Li');
  for (const w of warnings) warn(w);
  const summary = { atoms: scene.atoms.length, bonds: scene.bonds.length, polyhedra: scene.polyhedra.length, sites: scene.sites.length, hops: scene.hops.length };
  if (args.out) {
    const res = writeSelfContainedPage(args.out, scene, { force: args.force, assets });
    if (args.json) printJson({ out: res.path, bytes: res.bytes, ...summary, warnings });
    else println(`wrote ${res.path} (${(res.bytes / 1024).toFixed(0)} kB): open it in a browser, no server needed`);
    return;
  }
  const srv = await startServer({ port, files: viewerFiles(assets.html, assets.js, JSON.stringify(scene)) });
  if (args.json) printJson({ url: srv.url, port: srv.port, ...summary, warnings });
  else println(srv.url);
  if (process.stderr.isTTY) process.stderr.write(`ionpath: serving ${scene.title} on ${srv.url} — Ctrl-C to stop\n`);
  if (args.open) openBrowser(srv.url);
  await closeOnInterrupt(srv);
  if (process.stderr.isTTY) process.stderr.write('ionpath: viewer stopped\n');
}

export const viewCommand: CommandModule<object, ViewArgs> = {
  command: 'view <input>',
  describe: 'Show a structure in the 3D viewer (served on 127.0.0.1), or write one self-contained HTML page',
  builder: (y: Argv<object>) =>
    y
      .positional('input', { type: 'string', demandOption: true, describe: 'structure file (CIF, POSCAR, CONTCAR, .json), builtin:NAME, a NEB run folder (00…NN) or a deck from ionpath neb' })
      .option('port', { type: 'number', describe: 'port on 127.0.0.1 (default: a free one)' })
      .option('open', { type: 'boolean', default: false, describe: 'open the page in the desktop browser' })
      .option('out', { type: 'string', describe: 'write a self-contained page here instead of serving' })
      .option('force', { type: 'boolean', default: false, describe: 'with --out: overwrite an existing file' })
      .option('supercell', { type: 'string', describe: 'initial repeats along a, b, c, e.g. 2x2x1' })
      .option('json', { type: 'boolean', default: false, describe: 'print {url|out, atoms, bonds, …} as JSON' })
      .option('ion', { type: 'string', default: 'Li', describe: 'mobile ion whose sites and hops are shown' })
      .option('sites', { type: 'boolean', default: true, describe: 'show the ion\'s sites and hops (--no-sites to skip the analysis)' })
      .example('ionpath view LiMn2O4.cif', 'serve the viewer: Li sites (8a, 16c) and hops coloured by BVSE barrier')
      .example('ionpath view LiMn2O4.cif --out spinel.html', 'one self-contained page, opens from disk')
      .example('ionpath view neb-run/', 'a VTST NEB run: images animated with the energy profile') as Argv<ViewArgs>,
  handler: handler(runView),
};
