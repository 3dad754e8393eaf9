/**
 * `ionpath screen DIR|FILES... --ion Li`: rank many structures as electrode hosts, on all
 * cores, in shards for a Slurm array, and `ionpath screen merge` to combine the shards.
 *
 * Ranking (`--sort bvse`, the default): the BVSE landscape percolation energy in 3D, then 2D,
 * then 1D (lowest first; a structure that never percolates in that dimension comes after
 * those that do), then gravimetric capacity (highest first), then input order. Error rows
 * (files that could not be read or analysed) come last with their reason.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { SingleBar } from 'cli-progress';
import { writeFileAtomic } from '../io/atomic-write.js';
import { InputError } from '../core/errors.js';
import { DEFAULT_SCREEN_OPTIONS, isScreenError, runScreen, SORT_DESCRIPTIONS, SORT_KEYS, type RankedRow, type ScreenOptions, type SortKey } from '../screen/screen.js';
import { collectInputs, mergeShards, parseShard, readScreenDocument, screenDocument, shardTasks, type ScreenDocument } from '../screen/shard.js';
import { slurmArrayScript } from '../screen/slurm.js';
import { handler, parseNumberMap, printJson, showProgress, warn } from './common.js';

interface OutputArgs {
  json?: boolean;
  csv?: boolean;
  output?: string;
  force?: boolean;
  /** One of SORT_KEYS (yargs checks the choice). */
  sort?: string;
}

interface ScreenArgs extends OutputArgs {
  paths?: string[];
  ion: string;
  workers?: number;
  timeout?: number;
  shard?: string;
  resolution: number;
  grid: boolean;
  'max-hop': number;
  'max-peak': number;
  symprec: number;
  oxidation?: string;
  electrons?: number;
  to?: string;
  'slurm-array'?: number;
  partition?: string;
  time?: string;
  'cpus-per-task'?: number;
  mem?: string;
  account?: string;
  'job-name'?: string;
  'max-concurrent'?: number;
  'shard-dir'?: string;
}

interface MergeArgs extends OutputArgs {
  shards: string[];
  inputs?: string[];
}

function outputOptions<T>(y: Argv<T>) {
  return y
    .option('json', { global: false, type: 'boolean', describe: 'one JSON document (rows ranked, with the run\'s inputs and options)' })
    .option('csv', { global: false, type: 'boolean', describe: 'one CSV table (a row per structure, errors included)' })
    .conflicts('json', 'csv')
    .option('output', { global: false, alias: 'o', type: 'string', describe: 'write to this file instead of stdout (atomic; refuses to overwrite without --force)' })
    .option('force', { global: false, type: 'boolean', default: false, describe: 'overwrite --output' })
    .option('sort', { global: false, choices: SORT_KEYS as unknown as string[], describe: 'ranking key (default bvse; see below)' })
    .epilog(['Ranking (--sort):', ...SORT_KEYS.map((k) => `  ${k.padEnd(10)} ${SORT_DESCRIPTIONS[k]}`), 'Error rows (files that could not be read or analysed) come last, with the reason.'].join('\n'));
}

/** Screening options from the command line (also what the shard documents record). */
export function screenOptions(a: ScreenArgs): ScreenOptions {
  if (!(a.resolution > 0)) throw new InputError(`--resolution must be a positive number of Å, got ${a.resolution}`);
  const o: ScreenOptions = {
    ...DEFAULT_SCREEN_OPTIONS,
    ion: a.ion,
    resolution: a.resolution,
    grid: a.grid,
    maxHop: a['max-hop'],
    maxPeak: a['max-peak'],
    symprec: a.symprec,
    oxidation: parseNumberMap(a.oxidation, '--oxidation'),
  };
  if (a.electrons !== undefined) o.electrons = a.electrons;
  const to = parseNumberMap(a.to, '--to');
  if (Object.keys(to).length) o.reduceTo = to;
  return o;
}

/** The screen arguments an array task repeats (everything that changes the rows). */
function passThroughArgs(a: ScreenArgs): string[] {
  const w: string[] = ['--ion', a.ion, '--resolution', String(a.resolution), '--max-hop', String(a['max-hop']), '--max-peak', String(a['max-peak']), '--symprec', String(a.symprec)];
  if (!a.grid) w.push('--no-grid');
  if (a.oxidation) w.push('--oxidation', a.oxidation);
  if (a.electrons !== undefined) w.push('--electrons', String(a.electrons));
  if (a.to) w.push('--to', a.to);
  if (a.timeout !== undefined) w.push('--timeout', String(a.timeout));
  if (a.sort) w.push('--sort', a.sort);
  return w;
}

const mergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge <shards..>',
  describe: 'Combine the --json shard documents of a screen into one ranked table; report missing and duplicate files',
  builder: (y) =>
    outputOptions(y)
      .positional('shards', { global: false, type: 'string', array: true, demandOption: true, describe: 'shard documents (ionpath screen --shard i/n --json)' })
      .option('inputs', { global: false, type: 'string', array: true, describe: 'the files/folders that were screened, to name missing files (must give the same list)' })
      .example('ionpath screen merge shard-*.json --csv -o ranked.csv', 'one table from all shards')
      .example('ionpath screen merge shard-*.json --inputs cifs/ --json', 'name the files of missing shards'),
  handler: handler(async (a: MergeArgs) => {
    const docs = a.shards.map((path) => ({ path, doc: readScreenDocument(path) }));
    const merged = mergeShards(docs, { sort: a.sort as SortKey | undefined, inputs: a.inputs });
    const r = merged.merge!;
    if (r.missingShards.length) warn(`missing shard${r.missingShards.length > 1 ? 's' : ''} ${r.missingShards.map((s) => `${s}/${r.shardCount}`).join(', ')}`);
    if (r.missingFiles.length) warn(`${r.missingFiles.length} of ${merged.inputs.count} input files have no row${a.inputs ? '' : ' (give --inputs to name them)'}`);
    if (r.duplicateShards.length) warn(`shard${r.duplicateShards.length > 1 ? 's' : ''} ${r.duplicateShards.join(', ')} given more than once`);
    if (r.duplicateFiles.length) warn(`${r.duplicateFiles.length} files appear in more than one document (first copy kept${r.duplicateFiles.some((d) => d.differ) ? '; some copies differ' : ''})`);
    emit(a, merged);
    if (!r.complete) process.exitCode = 2;
  }),
};

export const screenCommand: CommandModule<object, ScreenArgs> = {
  command: 'screen [paths..]',
  describe: 'Rank many structures as hosts for the mobile ion (sites, percolation, BVSE energies, bottleneck, capacity) on all cores; shards for Slurm arrays',
  builder: (y) =>
    outputOptions(y.command(mergeCommand as unknown as CommandModule<object, ScreenArgs>))
      .positional('paths', { global: false, type: 'string', array: true, describe: 'structure files and folders (walked for *.cif, POSCAR/CONTCAR/*.vasp, *.json)' })
      .option('ion', { global: false, type: 'string', default: 'Li', describe: 'mobile ion' })
      .option('workers', { global: false, type: 'number', describe: 'worker threads (default: all cores; 0 = in this thread)' })
      .option('timeout', { global: false, type: 'number', describe: 'seconds per file before it is skipped as timed out' })
      .option('shard', { global: false, type: 'string', describe: 'screen shard i of n (files whose index k in the sorted list has k mod n = i-1)' })
      .option('resolution', { global: false, type: 'number', default: DEFAULT_SCREEN_OPTIONS.resolution, describe: 'BVSE grid spacing (Å) for the percolation energies' })
      .option('grid', { global: false, type: 'boolean', default: true, describe: 'compute BVSE percolation energies (--no-grid to skip)' })
      .option('max-hop', { global: false, type: 'number', default: DEFAULT_SCREEN_OPTIONS.maxHop, describe: 'longest hop (Å)' })
      .option('max-peak', { global: false, type: 'number', default: DEFAULT_SCREEN_OPTIONS.maxPeak, describe: 'leave out hops whose BVSE peak is higher (eV)' })
      .option('symprec', { global: false, type: 'number', default: DEFAULT_SCREEN_OPTIONS.symprec })
      .option('oxidation', { global: false, type: 'string', describe: 'oxidation states, e.g. V=5,O=-2' })
      .option('electrons', { global: false, type: 'number', describe: 'electrons per formula unit for hosts without the ion (insertion capacity)' })
      .option('to', { global: false, type: 'string', describe: 'target oxidation states for hosts without the ion, e.g. V=3' })
      .option('slurm-array', { global: false, type: 'number', describe: 'write a Slurm job-array script with N shards (needs -o)' })
      .option('partition', { global: false, type: 'string', describe: 'Slurm partition (with --slurm-array)' })
      .option('time', { global: false, type: 'string', describe: 'Slurm wall time per task, e.g. 02:00:00 (with --slurm-array)' })
      .option('cpus-per-task', { global: false, type: 'number', describe: 'CPUs (= worker threads) per array task (with --slurm-array)' })
      .option('mem', { global: false, type: 'string', describe: 'Slurm memory per task, e.g. 8G (with --slurm-array)' })
      .option('account', { global: false, type: 'string', describe: 'Slurm account (with --slurm-array)' })
      .option('job-name', { global: false, type: 'string', describe: 'Slurm job name (with --slurm-array)' })
      .option('max-concurrent', { global: false, type: 'number', describe: 'at most this many array tasks at once (with --slurm-array)' })
      .option('shard-dir', { global: false, type: 'string', describe: 'folder for shard-ID.json and logs (with --slurm-array; default .)' })
      .example('ionpath screen cifs/ --ion Li', 'rank every structure in cifs/ (all cores)')
      .example('ionpath screen cifs/ --csv -o ranked.csv --sort capacity', 'a CSV table, by capacity')
      .example('ionpath screen hosts/ --to V=3 --json', 'insertion capacity of Li-free vanadates (V reduced to 3+)')
      .example('ionpath screen cifs/ --shard 2/8 --json > shard-1.json', 'one eighth of the files')
      .example('ionpath screen cifs/ --slurm-array 8 --cpus-per-task 4 --time 02:00:00 -o screen.sh', 'a Slurm array script')
      .example('ionpath screen merge shard-*.json --csv', 'combine the shards'),
  handler: handler(async (a: ScreenArgs) => {
    const inputs = a.paths ?? [];
    if (inputs.length === 0) throw new InputError('say which structure files or folders to screen', { hint: 'e.g. ionpath screen cifs/ --ion Li' });
    const options = screenOptions(a);
    if (a['slurm-array'] !== undefined) {
      writeSlurm(a, inputs);
      return;
    }
    if (a.workers !== undefined && !(Number.isInteger(a.workers) && a.workers >= 0)) throw new InputError(`--workers: expected a whole number ≥ 0, got ${a.workers}`);
    if (a.timeout !== undefined && !(a.timeout > 0)) throw new InputError(`--timeout: expected seconds > 0, got ${a.timeout}`);
    if (a.timeout !== undefined && a.workers === 0) throw new InputError('--timeout needs worker threads (a file in this thread cannot be stopped)', { hint: 'use --workers 1 or more' });
    if (a.output && existsSync(a.output) && !a.force) throw new InputError('exists; not overwriting it', { file: a.output, hint: 'pass --force to replace it' });
    const shard = a.shard !== undefined ? parseShard(a.shard) : null;
    const files = collectInputs(inputs);
    if (files.length === 0) throw new InputError(`no structure files in ${inputs.join(', ')}`, { hint: 'folders are searched for *.cif, POSCAR/CONTCAR, *.vasp and *.json files' });
    const tasks = shardTasks(files, shard ?? undefined);
    const bar = showProgress() && tasks.length > 0 ? new SingleBar({ format: 'screen |{bar}| {value}/{total} files  {eta}s  {file}', stream: process.stderr, hideCursor: true }) : null;
    bar?.start(tasks.length, 0, { file: '' });
    const t0 = performance.now();
    let rows;
    try {
      rows = await runScreen(tasks, options, {
        workers: a.workers,
        timeoutS: a.timeout,
        onProgress: (done, _total, t) => bar?.update(done, { file: t.file.length > 40 ? '…' + t.file.slice(-39) : t.file }),
      });
    } finally {
      bar?.stop();
    }
    const seconds = (performance.now() - t0) / 1000;
    const doc = screenDocument(rows, { files, shard, options, sort: (a.sort as SortKey | undefined) ?? 'bvse', filesCovered: tasks.length });
    if (!a.json && !a.csv && !a.output) process.stderr.write(`ionpath: screened ${tasks.length} file${tasks.length === 1 ? '' : 's'} in ${seconds.toFixed(1)} s\n`);
    emit(a, doc);
  }),
};

function writeSlurm(a: ScreenArgs, inputs: string[]): void {
  if (!a.output) throw new InputError('--slurm-array writes a job script: say where with -o FILE', { hint: 'e.g. ionpath screen cifs/ --slurm-array 8 -o screen.sh' });
  if (a.shard !== undefined) throw new InputError('--slurm-array picks the shards itself; drop --shard');
  if (a.json || a.csv) throw new InputError('--slurm-array writes a shell script; --json/--csv apply to the screen itself');
  if (existsSync(a.output) && !a.force) throw new InputError('exists; not overwriting it', { file: a.output, hint: 'pass --force to replace it' });
  const workdir = process.cwd();
  const script = slurmArrayScript({
    tasks: a['slurm-array']!,
    inputs,
    screenArgs: passThroughArgs(a),
    workdir,
    shardDir: a['shard-dir'],
    partition: a.partition,
    time: a.time,
    cpusPerTask: a['cpus-per-task'],
    mem: a.mem,
    account: a.account,
    jobName: a['job-name'],
    maxConcurrent: a['max-concurrent'],
  });
  // Slurm opens the log file in the shard folder before the script runs: it must exist
  if (a['shard-dir']) mkdirSync(resolve(workdir, a['shard-dir']), { recursive: true });
  writeFileAtomic(a.output, script, 0o755);
  const missing = inputs.filter((p) => !existsSync(p));
  if (missing.length) warn(`not found here (the array tasks will report them): ${missing.join(', ')}`);
  process.stderr.write(`ionpath: wrote ${a.output} (${a['slurm-array']} array tasks); submit with: sbatch ${a.output}\n`);
}

/** Print or write the document as JSON, CSV or a readable table. */
function emit(a: OutputArgs, doc: ScreenDocument): void {
  const text = a.json ? JSON.stringify(doc, null, 2) + '\n' : a.csv ? screenCsv(doc.rows) : formatScreen(doc);
  if (a.output) {
    if (existsSync(a.output) && !a.force) throw new InputError('exists; not overwriting it', { file: a.output, hint: 'pass --force to replace it' });
    mkdirSync(dirname(resolve(a.output)), { recursive: true });
    writeFileAtomic(a.output, text);
    const s = doc.summary;
    process.stderr.write(`ionpath: wrote ${a.output}: ${s.structures} structure${s.structures === 1 ? '' : 's'} ranked, ${s.errors} skipped\n`);
    return;
  }
  if (a.json) printJson(doc);
  else process.stdout.write(text);
}

// ---------------------------------------------------------------------------------------
// Tables

const CSV_COLUMNS: [string, (r: RankedRow) => unknown][] = [
  ['rank', (r) => r.rank],
  ['index', (r) => r.index],
  ['file', (r) => r.file],
  ['block', (r) => r.block],
  ['reducedFormula', (r) => (isScreenError(r) ? r.formula : r.reducedFormula)],
  ['spacegroupNumber', (r) => ok(r)?.spacegroup.number],
  ['spacegroupSymbol', (r) => ok(r)?.spacegroup.symbol],
  ['nsites', (r) => ok(r)?.nsites],
  ['density', (r) => ok(r)?.density],
  ['ion', (r) => ok(r)?.ion],
  ['sitesOccupied', (r) => ok(r)?.sites.occupied],
  ['sitesInterstitial', (r) => ok(r)?.sites.interstitial],
  ['siteLabels', (r) => ok(r)?.sites.labels.join(' ')],
  ['hopClasses', (r) => ok(r)?.hopNetwork.hops],
  ['hopDimensionality', (r) => ok(r)?.hopNetwork.dimensionality],
  ['hopE1D', (r) => ok(r)?.hopNetwork.e1D],
  ['hopE2D', (r) => ok(r)?.hopNetwork.e2D],
  ['hopE3D', (r) => ok(r)?.hopNetwork.e3D],
  ['bvseE1D', (r) => ok(r)?.bvsePercolation?.e1D],
  ['bvseE2D', (r) => ok(r)?.bvsePercolation?.e2D],
  ['bvseE3D', (r) => ok(r)?.bvsePercolation?.e3D],
  ['bottleneckRadius', (r) => ok(r)?.bottleneck?.radius],
  ['bottleneckDimensionality', (r) => ok(r)?.bottleneck?.dimensionality],
  ['limitingHop', (r) => ok(r)?.bottleneck?.limitingHop],
  ['capacityMode', (r) => ok(r)?.capacity?.mode],
  ['electrons', (r) => ok(r)?.capacity?.electrons],
  ['gravimetric_mAh_g', (r) => ok(r)?.capacity?.gravimetric],
  ['volumetric_mAh_cm3', (r) => ok(r)?.capacity?.volumetric],
  ['capacityNote', (r) => ok(r)?.capacityNote],
  ['error', (r) => (isScreenError(r) ? r.error : undefined)],
];

function ok(r: RankedRow) {
  return isScreenError(r) ? null : r;
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function screenCsv(rows: readonly RankedRow[]): string {
  const lines = [CSV_COLUMNS.map(([h]) => h).join(',')];
  for (const r of rows) lines.push(CSV_COLUMNS.map(([, f]) => csvField(f(r))).join(','));
  return lines.join('\n') + '\n';
}

export function formatScreen(doc: ScreenDocument): string {
  const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? '-' : x.toFixed(d));
  const L: string[] = [];
  const shard = doc.shard ? ` (shard ${doc.shard.index}/${doc.shard.count})` : '';
  L.push(`${doc.summary.structures} structures ranked from ${doc.summary.files} of ${doc.inputs.count} files${shard}; ion ${doc.options.ion}, sorted by ${doc.sort}`);
  const head = ['rank', 'formula', 'space group', `${doc.options.ion} sites`, 'hops', 'BVSE 1D/2D/3D', 'window', 'mAh/g', 'mAh/cm³', 'ρ', 'file'];
  const table: string[][] = [];
  const bad: RankedRow[] = [];
  for (const r of doc.rows) {
    if (isScreenError(r)) {
      bad.push(r);
      continue;
    }
    const b = r.bvsePercolation;
    table.push([
      String(r.rank),
      r.reducedFormula,
      `${r.spacegroup.symbol} (${r.spacegroup.number})`,
      `${r.sites.occupied}+${r.sites.interstitial}*`,
      r.hopNetwork.dimensionality ? `${r.hopNetwork.dimensionality}D ≤${f(r.hopNetwork[`e${r.hopNetwork.dimensionality}D` as 'e1D'])}` : '0D',
      b ? `${f(b.e1D)}/${f(b.e2D)}/${f(b.e3D)}` : 'skipped',
      f(r.bottleneck?.radius),
      f(r.capacity?.gravimetric, 1),
      f(r.capacity?.volumetric, 0),
      f(r.density),
      r.file + (r.block !== undefined ? ` [${r.block}]` : ''),
    ]);
  }
  const widths = head.map((h, k) => Math.max(h.length, ...table.map((row) => row[k].length)));
  const right = new Set([0, 6, 7, 8, 9]);
  const fmtRow = (row: string[]) => '  ' + row.map((c, k) => (k === row.length - 1 ? c : right.has(k) ? c.padStart(widths[k]) : c.padEnd(widths[k]))).join('  ');
  if (table.length) {
    L.push(fmtRow(head));
    for (const row of table) L.push(fmtRow(row));
    L.push(`  sites: occupied+interstitial* orbits; hops: dimensionality of the hop network and the peak BVSE (eV) where it first gets there;`);
    L.push(`  BVSE 1D/2D/3D: landscape percolation energies (eV, grid ${doc.options.resolution} Å); window: narrowest bottleneck radius (Å) of the best network;`);
    L.push(`  capacity: extraction of all ${doc.options.ion}, or insertion with --electrons/--to for hosts without it; ρ in g/cm³`);
    L.push(`  order: ${SORT_DESCRIPTIONS[doc.sort]}`);
    const notes = doc.rows.filter((r) => !isScreenError(r) && r.capacity === null && r.capacityNote);
    if (notes.length) L.push(`  no capacity for ${notes.length} structure${notes.length > 1 ? 's' : ''}: ${(notes[0] as { capacityNote: string }).capacityNote}`);
  }
  if (bad.length) {
    L.push(`skipped ${bad.length}:`);
    for (const r of bad) if (isScreenError(r)) L.push(`  ${r.file}${r.block !== undefined ? ` [${r.block}]` : ''}: ${r.error}`);
  }
  if (doc.merge) {
    const m = doc.merge;
    L.push(`merged ${m.documents.length} document${m.documents.length > 1 ? 's' : ''}: shards ${m.shards.join(', ')} of ${m.shardCount}${m.complete ? ', complete' : ''}`);
    if (m.missingShards.length) L.push(`  missing shards: ${m.missingShards.join(', ')}`);
    if (m.missingFiles.length) L.push(`  missing files (${m.missingFiles.length}): ${m.missingFiles.slice(0, 10).map((x) => x.file ?? `#${x.index}`).join(', ')}${m.missingFiles.length > 10 ? ', …' : ''}`);
    if (m.duplicateFiles.length) L.push(`  in more than one document (${m.duplicateFiles.length}): ${m.duplicateFiles.slice(0, 10).map((x) => x.file).join(', ')}`);
  }
  return L.join('\n') + '\n';
}
