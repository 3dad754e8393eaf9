/**
 * Complete VASP job folders ("decks"): planned in memory first (every file's text), checked
 * (existing run? existing inputs? POTCAR library?), then written atomically.
 *
 * Single structure (`ionpath deck`):
 *   DIR/INCAR KPOINTS POSCAR POTCAR|POTCAR.spec job.sh ionpath.json README.md
 * NEB (`ionpath neb`, DESIGN.md, VTST conventions):
 *   DIR/ionpath.json  README.md
 *   DIR/endpoints/initial/  INCAR KPOINTS POSCAR POTCAR(.spec) job.sh
 *   DIR/endpoints/final/    INCAR KPOINTS POSCAR POTCAR(.spec) job.sh
 *   DIR/neb/                INCAR KPOINTS POTCAR(.spec) job.sh 00/POSCAR … NN/POSCAR
 * The NEB and its endpoint relaxations share one functional, +U, MAGMOM, ENCUT and k-mesh
 * (one base preset, one mesh computed on the supercell).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Structure } from '../core/structure.js';
import { InputError, type Warning } from '../core/errors.js';
import { writePoscar } from '../io/poscar.js';
import { assertNoExistingInputs, assertNotExistingRun, isRunOutput, writeFileAtomic } from '../io/atomic-write.js';
import { type IncarValue, formatIncar, incarToJSON } from './incar.js';
import { type KpointMesh, type KpointSetting, formatKpoints, kpointMesh } from './kpoints.js';
import { type BaseSettings, type TaskName, TASKS, buildIncar } from './presets.js';
import { assemblePotcar, choosePotcarSymbols, potcarCatCommand, potcarLibrary, potcarSpec } from './potcar-assemble.js';
import { type JobOptions, jobScript, totalRanks } from './jobs.js';
import type { NebEndpoints } from '../neb/endpoints.js';
import type { ImageReport } from '../neb/interpolate.js';

export interface PlannedFile {
  /** Path relative to the deck folder, '/'-separated. */
  path: string;
  content: string;
  mode?: number;
}

export interface DeckPlan {
  files: PlannedFile[];
  /** The ionpath.json document (files' checksums are added when planned). */
  manifest: Record<string, unknown>;
  warnings: Warning[];
  /** One-line facts for the CLI to print (POTCAR.spec written, supercell, …). */
  notes: string[];
}

/** Job settings without the per-folder parts. */
export type JobSettings = Omit<JobOptions, 'jobName' | 'images' | 'requireVtst' | 'inputs'> & { jobName?: string };

export interface DeckCommon {
  base: BaseSettings;
  /** k-point rule (default: the base's). */
  kpoints?: KpointSetting;
  incarOverrides?: ReadonlyMap<string, IncarValue | null>;
  potcarDir?: string;
  potcarOverrides?: Readonly<Record<string, string>>;
  job: JobSettings;
  /** Input files to record with checksums. */
  inputs?: readonly { path: string; role: string }[];
  /** The command line, for the record. */
  command?: string;
  /** Environment for $VASP_PSP_DIR (tests). */
  env?: NodeJS.ProcessEnv;
}

/** ionpath's version (package.json). */
export function ionpathVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Elements in POSCAR block order (first appearance; the writer's default order). */
export function poscarSpecies(s: Structure): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.nsites; i++) {
    const e = s.majorityElement(i);
    if (!out.includes(e)) out.push(e);
  }
  return out;
}

function assertBlocks(s: Structure): void {
  const seen = new Set<string>();
  let prev = '';
  for (let i = 0; i < s.nsites; i++) {
    const e = s.majorityElement(i);
    if (e !== prev && seen.has(e)) throw new Error(`internal: ${e} sites are not in one POSCAR block`);
    seen.add(e);
    prev = e;
  }
}

interface PotcarPlan {
  file: PlannedFile;
  symbols: string[];
  library: string | null;
  titels: string[];
}

function planPotcar(species: string[], c: DeckCommon): PotcarPlan {
  const symbols = choosePotcarSymbols(species, c.potcarOverrides ?? {});
  const library = potcarLibrary(c.potcarDir, c.env ?? process.env);
  if (library === null) return { file: { path: 'POTCAR.spec', content: potcarSpec(symbols) }, symbols, library, titels: [] };
  const a = assemblePotcar(library, symbols, species);
  return { file: { path: 'POTCAR', content: a.text }, symbols, library, titels: a.titels };
}

function inputRecords(c: DeckCommon): { path: string; role: string; sha256: string }[] {
  return (c.inputs ?? []).map((x) => ({ ...x, sha256: sha256(readFileSync(x.path)) }));
}

function jobFor(c: DeckCommon, name: string, extra: Partial<JobOptions>): string {
  return jobScript({ ...c.job, jobName: name, ...extra } as JobOptions);
}

function kmeshJSON(k: KpointMesh): Record<string, unknown> {
  return { mesh: k.mesh, style: k.style, shift: k.shift };
}

function finishManifest(plan: DeckPlan): DeckPlan {
  plan.manifest.files = plan.files.map((f) => ({ path: f.path, sha256: sha256(f.content) }));
  const json = JSON.stringify(plan.manifest, null, 2) + '\n';
  plan.files.push({ path: 'ionpath.json', content: json });
  return plan;
}

// ---------------------------------------------------------------------------------------
// Single structure
// ---------------------------------------------------------------------------------------

export interface StructureDeckOptions extends DeckCommon {
  task: TaskName;
  presetName: string;
}

/** Plan the deck of one structure (relax, static, kvo-paper). */
export function planStructureDeck(structure: Structure, o: StructureDeckOptions): DeckPlan {
  if (o.task === 'neb' || o.task === 'neb-novtst') throw new Error('internal: NEB decks come from planNebDeck');
  const s = structure.sortedByElement();
  assertBlocks(s);
  const species = poscarSpecies(s);
  const setting = o.kpoints ?? (o.task === 'static' ? o.base.staticKpoints : o.base.kpoints);
  const kp = kpointMesh(s.lattice, s.nsites, setting);
  const built = buildIncar({ structure: s, speciesOrder: species, base: o.base, task: o.task, kpoints: kp, overrides: o.incarOverrides, system: s.reducedFormula });
  const potcar = planPotcar(species, o);
  const name = o.job.jobName ?? `${s.reducedFormula}-${o.presetName}`;
  const files: PlannedFile[] = [
    { path: 'INCAR', content: formatIncar(built.incar, { comments: built.comments, header: [`ionpath ${ionpathVersion()}: preset ${o.presetName} (base ${o.base.name}, task ${o.task})`] }) },
    { path: 'KPOINTS', content: formatKpoints(kp) },
    { path: 'POSCAR', content: writePoscar(s, { comment: `${s.title || s.reducedFormula} (ionpath ${o.presetName})` }) },
    potcar.file,
    { path: 'job.sh', content: jobFor(o, name, { inputs: ['POSCAR'] }), mode: 0o755 },
  ];
  const notes: string[] = [];
  if (!potcar.library) notes.push(`no POTCAR library (--potcar-dir or $VASP_PSP_DIR): wrote POTCAR.spec (${potcar.symbols.join(' ')}); build the POTCAR before submitting`);
  const manifest: Record<string, unknown> = {
    tool: 'ionpath',
    version: ionpathVersion(),
    kind: 'single',
    created: new Date().toISOString(),
    command: o.command ?? null,
    inputs: inputRecords(o),
    settings: {
      preset: o.presetName,
      base: o.base.name,
      task: o.task,
      incarOverrides: Object.fromEntries([...(o.incarOverrides ?? new Map())].map(([k, v]) => [k, v])),
      incar: incarToJSON(built.incar),
      kpoints: { setting, ...kmeshJSON(kp) },
      potcar: { symbols: potcar.symbols, species, library: potcar.library, titels: potcar.titels, file: potcar.file.path },
      job: { ...o.job, ranks: totalRanks(o.job) },
    },
    structure: { formula: s.formula, nsites: s.nsites, lattice: s.lattice.toJSON() },
  };
  files.push({ path: 'README.md', content: singleReadme(s, o, built.incar, kp, potcar) });
  return finishManifest({ files, manifest, warnings: built.warnings, notes });
}

function singleReadme(s: Structure, o: StructureDeckOptions, incar: Map<string, IncarValue>, kp: KpointMesh, potcar: PotcarPlan): string {
  const L: string[] = [];
  L.push(`# ${s.reducedFormula} — ${o.presetName} (ionpath ${ionpathVersion()})`, '');
  L.push(`${TASKS[o.task].description}; base settings: ${o.base.description}.`, '');
  L.push(`- Structure: ${s.formula}, ${s.nsites} atoms, POSCAR species ${poscarSpecies(s).join(' ')}`);
  L.push(`- k-points: ${kp.mesh.join('×')} ${kp.style}`);
  L.push(`- ENCUT ${incar.get('ENCUT')} eV, EDIFF ${incar.get('EDIFF')}${incar.has('LDAU') ? `, GGA+U (LDAUU ${(incar.get('LDAUU') as number[]).join(' ')})` : ', no +U'}`);
  L.push(`- POTCAR: ${potcar.symbols.join(' ')}${potcar.library ? ` (from ${potcar.library})` : ' — **not included**, see below'}`, '');
  L.push('## Run', '');
  if (!potcar.library) {
    L.push('No POTCAR library was given, so this folder holds `POTCAR.spec` (the symbols, in POSCAR order). Build the POTCAR from your own licensed PAW-PBE library first:', '');
    L.push('```sh', potcarCatCommand(potcar.symbols), '```', '');
  }
  L.push('```sh', o.job.scheduler === 'slurm' ? 'sbatch job.sh' : 'qsub job.sh', '```', '');
  L.push('`ionpath.json` records the inputs (with sha256 checksums), the version and every setting.', '');
  return L.join('\n');
}

// ---------------------------------------------------------------------------------------
// NEB
// ---------------------------------------------------------------------------------------

export interface NebDeckOptions extends DeckCommon {
  presetName: string;
  /** VTST climbing image (default) or plain-VASP NEB. */
  vtst: boolean;
  /** VTST optimiser: 3 FIRE (default), 1 LBFGS. */
  iopt?: 1 | 3;
  method: 'idpp' | 'linear';
  /** What the hop was (for the record). */
  hop?: Record<string, unknown>;
  /** IDPP result (for the record). */
  idpp?: { converged: boolean; steps: number; fmax: number };
  /** Job settings for the endpoint relaxations (default: `job`). */
  endpointJob?: JobSettings;
}

/** Plan a complete NEB deck from endpoints and the band (endpoints included). */
export function planNebDeck(ep: NebEndpoints, images: readonly Structure[], reports: readonly ImageReport[], o: NebDeckOptions): DeckPlan {
  const nImages = images.length - 2;
  if (nImages < 1) throw new InputError('an NEB needs at least one intermediate image (--images ≥ 1)');
  if (nImages > 98) throw new InputError(`--images ${nImages}: VASP folders 00 … NN hold at most 98 intermediate images`);
  const ini = ep.initial;
  assertBlocks(ini);
  for (const im of images) if (poscarSpecies(im).join(' ') !== poscarSpecies(ini).join(' ') || im.nsites !== ini.nsites) throw new Error('internal: image site order differs');
  const species = poscarSpecies(ini);
  const setting = o.kpoints ?? o.base.kpoints;
  const kp = kpointMesh(ini.lattice, ini.nsites, setting); // one mesh for all parts
  const nebTask: TaskName = o.vtst ? 'neb' : 'neb-novtst';
  const system = `${ini.reducedFormula} ${ini.majorityElement(ep.movingIndex)} hop${typeof o.hop?.label === 'string' ? ` ${o.hop.label}` : ''}`.replace(/[#!;=\\]/g, ' ').replace(/\s+/g, ' ').trim();
  const epIncar = buildIncar({ structure: ini, speciesOrder: species, base: o.base, task: 'neb-endpoint', kpoints: kp, overrides: o.incarOverrides, system: `${system} endpoint` });
  const nebIncar = buildIncar({
    structure: ini,
    speciesOrder: species,
    base: o.base,
    task: nebTask,
    images: nImages,
    iopt: o.vtst ? (o.iopt ?? 3) : undefined,
    kpoints: kp,
    overrides: o.incarOverrides,
    system: `${system} NEB`,
  });
  // the shared settings really are shared
  for (const tag of ['ENCUT', 'ISPIN', 'MAGMOM', 'LDAU', 'LDAUTYPE', 'LDAUL', 'LDAUU', 'LDAUJ', 'LMAXMIX', 'LASPH', 'GGA', 'PREC', 'ISMEAR', 'SIGMA', 'EDIFF']) {
    if (JSON.stringify(epIncar.incar.get(tag)) !== JSON.stringify(nebIncar.incar.get(tag))) {
      throw new Error(`internal: ${tag} differs between the NEB and its endpoints`);
    }
  }
  const potcar = planPotcar(species, o);
  const ranks = totalRanks({ ...o.job, images: nImages }); // throws when not a multiple of IMAGES
  const epJob = o.endpointJob ?? o.job;
  const base = o.job.jobName ?? `${ini.reducedFormula}-neb`;
  const header = (task: string) => [`ionpath ${ionpathVersion()}: preset ${o.presetName} (base ${o.base.name}, task ${task})`];
  const nn = (k: number) => String(k).padStart(2, '0');
  const files: PlannedFile[] = [];
  for (const [dir, s, tag] of [['endpoints/initial', images[0], 'ini'], ['endpoints/final', images[images.length - 1], 'fin']] as const) {
    files.push({ path: `${dir}/INCAR`, content: formatIncar(epIncar.incar, { comments: epIncar.comments, header: header('neb-endpoint') }) });
    files.push({ path: `${dir}/KPOINTS`, content: formatKpoints(kp) });
    files.push({ path: `${dir}/POSCAR`, content: writePoscar(s.wrapped(), { comment: `${system} ${tag === 'ini' ? 'initial' : 'final'} endpoint` }) });
    files.push({ ...potcar.file, path: `${dir}/${potcar.file.path}` });
    files.push({ path: `${dir}/job.sh`, content: jobScript({ ...epJob, jobName: `${base}-${tag}`, inputs: ['POSCAR'] } as JobOptions), mode: 0o755 });
  }
  files.push({ path: 'neb/INCAR', content: formatIncar(nebIncar.incar, { comments: nebIncar.comments, header: header(nebTask) }) });
  files.push({ path: 'neb/KPOINTS', content: formatKpoints(kp) });
  files.push({ ...potcar.file, path: `neb/${potcar.file.path}` });
  const folders = images.map((_, k) => nn(k));
  files.push({
    path: 'neb/job.sh',
    content: jobScript({ ...o.job, jobName: base, images: nImages, requireVtst: o.vtst, inputs: folders.map((f) => `${f}/POSCAR`) } as JobOptions),
    mode: 0o755,
  });
  images.forEach((im, k) => {
    const comment = `${system} image ${nn(k)}${k === 0 ? ' (initial)' : k === images.length - 1 ? ' (final)' : ''}`;
    // endpoints wrapped; intermediate images continuous with the initial endpoint
    const s = k === 0 || k === images.length - 1 ? im.wrapped() : im;
    files.push({ path: `neb/${nn(k)}/POSCAR`, content: writePoscar(s, { comment }) });
  });

  const warnings = [...ep.warnings, ...epIncar.warnings, ...nebIncar.warnings.filter((w) => !epIncar.warnings.some((x) => x.message === w.message))];
  const notes: string[] = [];
  if (!potcar.library) notes.push(`no POTCAR library (--potcar-dir or $VASP_PSP_DIR): wrote POTCAR.spec (${potcar.symbols.join(' ')}) in each folder; build the POTCARs before submitting`);
  if (ep.supercell) {
    const sc = ep.supercell;
    notes.push(`supercell ${sc.natoms} atoms (${sc.index} primitive cells), ion–image distance ${sc.imageDistance.toFixed(2)} Å${Number.isFinite(sc.defectDistance) ? `, ion–defect-image distance ${sc.defectDistance.toFixed(2)} Å` : ''}`);
  }
  const closest = reports.map((r) => r.closest.distance);
  notes.push(`${nImages} images (${o.method}); closest interatomic distance per image ${closest.map((d) => d.toFixed(2)).join(' ')} Å`);

  const imageTable = reports.map((r) => ({
    index: r.index,
    closestDistance: r.closest.distance,
    closestPair: { i: r.closest.i, j: r.closest.j, elements: r.closest.elements },
    collisions: r.collisions.map((c) => ({ i: c.i, j: c.j, elements: c.elements, distance: c.distance })),
    movingFrac: r.movingFrac ? [...r.movingFrac] : undefined,
  }));
  const manifest: Record<string, unknown> = {
    tool: 'ionpath',
    version: ionpathVersion(),
    kind: 'neb',
    created: new Date().toISOString(),
    command: o.command ?? null,
    inputs: inputRecords(o),
    settings: {
      preset: o.presetName,
      base: o.base.name,
      tasks: { endpoints: 'neb-endpoint', neb: nebTask },
      vtst: o.vtst,
      images: nImages,
      method: o.method,
      incarOverrides: Object.fromEntries([...(o.incarOverrides ?? new Map())].map(([k, v]) => [k, v])),
      incar: { endpoints: incarToJSON(epIncar.incar), neb: incarToJSON(nebIncar.incar) },
      kpoints: { setting, ...kmeshJSON(kp) },
      potcar: { symbols: potcar.symbols, species, library: potcar.library, titels: potcar.titels, file: potcar.file.path },
      job: { ...o.job, ranks, ranksPerImage: ranks / nImages },
      endpointJob: { ...epJob, ranks: totalRanks(epJob) },
    },
    hop: o.hop ?? null,
    movingIndex: ep.movingIndex,
    supercell: ep.supercell
      ? {
          natoms: ep.supercell.natoms,
          primitiveCells: ep.supercell.index,
          matrixPrimitive: ep.supercell.matrixPrimitive,
          matrixInput: ep.supercell.matrixInput,
          lattice: ep.supercell.lattice.toJSON(),
          lengths: ep.supercell.lengths,
          angles: ep.supercell.angles,
          imageDistance: ep.supercell.imageDistance,
          defectDistance: Number.isFinite(ep.supercell.defectDistance) ? ep.supercell.defectDistance : null,
        }
      : null,
    vacancies: ep.vacancies.map((v) => [...v]),
    idpp: o.idpp ?? null,
    images: imageTable,
    warnings: warnings.map((w) => w.message),
  };
  files.push({ path: 'README.md', content: nebReadme(ep, images, reports, o, kp, potcar, nebIncar.incar, nImages, ranks) });
  return finishManifest({ files, manifest, warnings, notes });
}

function nebReadme(
  ep: NebEndpoints,
  images: readonly Structure[],
  reports: readonly ImageReport[],
  o: NebDeckOptions,
  kp: KpointMesh,
  potcar: PotcarPlan,
  incar: Map<string, IncarValue>,
  nImages: number,
  ranks: number,
): string {
  const ini = ep.initial;
  const sub = o.job.scheduler === 'slurm' ? 'sbatch' : 'qsub';
  const last = String(nImages + 1).padStart(2, '0');
  const L: string[] = [];
  L.push(`# NEB: ${ini.reducedFormula}, ${o.hop?.label ?? 'hop'} (ionpath ${ionpathVersion()})`, '');
  L.push(`- Moving ion: ${ini.majorityElement(ep.movingIndex)} (site ${ep.movingIndex + 1} of ${ini.nsites} in every POSCAR), hop length ${Math.hypot(...ep.hopVector).toFixed(3)} Å`);
  if (ep.supercell) {
    const sc = ep.supercell;
    L.push(`- Supercell: ${sc.natoms} atoms, a b c = ${sc.lengths.map((x) => x.toFixed(3)).join(' ')} Å, α β γ = ${sc.angles.map((x) => x.toFixed(2)).join(' ')}°`);
    L.push(`  ion to its periodic images ${sc.imageDistance.toFixed(2)} Å${Number.isFinite(sc.defectDistance) ? `, to the vacancy's images ${sc.defectDistance.toFixed(2)} Å` : ''}`);
  }
  L.push(`- Images: ${nImages} (${o.method}${o.idpp ? `, IDPP ${o.idpp.converged ? 'converged' : 'NOT converged'} in ${o.idpp.steps} steps, fmax ${o.idpp.fmax.toExponential(2)}` : ''})`);
  L.push(`- Settings (${o.presetName}): ${o.base.description}`);
  L.push(`- ENCUT ${incar.get('ENCUT')} eV, ${incar.has('LDAU') ? `GGA+U LDAUU ${(incar.get('LDAUU') as number[]).join(' ')} (species ${poscarSpecies(ini).join(' ')})` : 'no +U'}, k-mesh ${kp.mesh.join('×')} ${kp.style} — the same in the endpoints and the NEB`);
  L.push(`- NEB: ${o.vtst ? `VTST climbing image, IOPT ${incar.get('IOPT')}` : 'plain VASP (IBRION = 1, no climbing image)'}, ${ranks} MPI ranks = ${ranks / nImages} per image`);
  L.push(`- POTCAR: ${potcar.symbols.join(' ')}${potcar.library ? ` (from ${potcar.library})` : ' — **not included** (POTCAR.spec)'}`, '');
  L.push('## Closest interatomic distance per image', '');
  L.push('| image | closest (Å) | pair | flags |', '|---|---|---|---|');
  for (const r of reports) {
    L.push(`| ${String(r.index).padStart(2, '0')} | ${r.closest.distance.toFixed(3)} | ${r.closest.elements.join('–')} (${r.closest.i + 1}, ${r.closest.j + 1}) | ${r.collisions.length ? `**${r.collisions.length} too close**` : ''} |`);
  }
  L.push('', '## What to run, in order', '');
  let step = 1;
  if (!potcar.library) {
    L.push(`${step++}. Build the POTCARs (licensed; never shipped) from your own PAW-PBE library, in POSCAR order:`, '');
    L.push('   ```sh', `   for d in endpoints/initial endpoints/final neb; do (cd "$d" && ${potcarCatCommand(potcar.symbols)}); done`, '   ```', '');
  }
  L.push(`${step++}. Relax the endpoints (fixed cell, ISIF = 2):`, '');
  L.push('   ```sh', `   (cd endpoints/initial && ${sub} job.sh)`, `   (cd endpoints/final && ${sub} job.sh)`, '   ```', '');
  L.push(`${step++}. Rebuild the band between the relaxed endpoints (recommended), in a new folder:`, '');
  L.push('   ```sh', `   ionpath neb --from endpoints/initial/CONTCAR --to endpoints/final/CONTCAR --images ${nImages} --method ${o.method} -o relaxed-band`, '   ```', '');
  L.push(`   and run its \`neb/\`; or run \`neb/\` here directly from the unrelaxed endpoints.`, '');
  L.push(`${step++}. Copy the endpoint results into the band for the energy profile (VTST nebbarrier.pl / \`ionpath barrier\`):`, '');
  L.push('   ```sh', `   cp endpoints/initial/OUTCAR neb/00/ && cp endpoints/final/OUTCAR neb/${last}/`, '   ```', '');
  L.push(`${step++}. Run the NEB:`, '');
  L.push('   ```sh', `   (cd neb && ${sub} job.sh)`, '   ```', '');
  if (o.vtst) L.push('   The job checks that the VASP binary is a VTST build (IONPATH_SKIP_VTST_CHECK=1 skips the check).', '');
  L.push('`ionpath.json` records the inputs (sha256), the version, the supercell, every INCAR setting and the image report.', '');
  return L.join('\n');
}

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

export interface WriteResult {
  written: string[];
  /** VASP outputs found in the folder and left alone (with --force). */
  keptOutputs: string[];
  /** Inputs that existed and were replaced (with --force). */
  replaced: string[];
}

/**
 * Write a planned deck into `dir`. Refuses (InputError, nothing written) when the folder
 * holds a VASP run or earlier inputs, unless `force`; with `force` only inputs are
 * replaced and OUTCAR / CONTCAR / vasprun.xml are never touched.
 */
export function writeDeck(dir: string, plan: DeckPlan, force = false): WriteResult {
  for (const f of plan.files) if (isRunOutput(f.path)) throw new Error(`internal: a deck must not contain ${f.path}`);
  const keptOutputs = assertNotExistingRun(dir, force);
  const replaced = assertNoExistingInputs(dir, plan.files.map((f) => f.path), force);
  const written: string[] = [];
  for (const f of plan.files) {
    writeFileAtomic(join(dir, ...f.path.split('/')), f.content, f.mode);
    written.push(f.path);
  }
  return { written, keptOutputs, replaced };
}
