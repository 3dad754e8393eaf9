/**
 * Deterministic input lists, shards, and merging shard results.
 *
 * Inputs: every path given; folders are walked recursively (hidden entries and node_modules
 * skipped) for files whose name says CIF, POSCAR/CONTCAR/*.vasp or JSON (read-structure.ts
 * `formatFromName`); a file named explicitly is taken whatever its name. The list is sorted
 * by path (plain code-unit order, the same on every machine and locale) and a file reached
 * twice (same real path) is kept once. Its sha256 identifies the input list in every shard.
 *
 * Shards: `--shard i/n` (1 ≤ i ≤ n) takes the files whose 0-based index k in the sorted list
 * has k mod n = i − 1. Every file is in exactly one shard, shards differ in size by at most
 * one file, and a folder's expensive files spread over all shards.
 *
 * Merge: shard documents (the `--json` output of `ionpath screen --shard i/n`) are checked to
 * come from the same input list and options, then their rows are combined and ranked again.
 * The report names missing shards, missing files (indices, and paths when the inputs are
 * given again), and files present in more than one shard (the first copy is kept).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { formatFromName } from '../io/read-structure.js';
import { rankRows, SORT_KEYS, type RankedRow, type ScreenOptions, type ScreenRow, type ScreenTask, type SortKey } from './screen.js';

/** Sorted, de-duplicated structure files from files and folders. */
export function collectInputs(paths: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (p: string) => {
    let key: string;
    try {
      key = realpathSync(p);
    } catch {
      key = resolve(p);
    }
    if (seen.has(key)) return;
    seen.add(key);
    out.push(p);
  };
  const visitedDirs = new Set<string>();
  const walk = (dir: string) => {
    const real = realpathSync(dir);
    if (visitedDirs.has(real)) return; // symlink loops
    visitedDirs.add(real);
    const entries = readdirSync(dir).sort(byCodeUnit);
    for (const name of entries) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const p = join(dir, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue; // dangling symlink
      }
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && formatFromName(p) !== null) add(p);
    }
  };
  for (const p of paths) {
    if (existsSync(p) && statSync(p).isDirectory()) walk(p);
    else add(p); // a missing file becomes an error row, not a stop
  }
  return out.sort(byCodeUnit);
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** sha256 of the sorted input list (one path per line). */
export function inputDigest(files: readonly string[]): string {
  return createHash('sha256').update(files.join('\n')).digest('hex');
}

export interface Shard {
  /** 1-based shard number. */
  index: number;
  count: number;
}

/** Parse "i/n" (1 ≤ i ≤ n). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new InputError(`--shard: expected i/n (e.g. 2/8), got "${text}"`, { hint: 'shards are numbered from 1: --shard 1/8 … --shard 8/8' });
  const index = Number(m[1]), count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) {
    throw new InputError(`--shard ${text}: need 1 ≤ i ≤ n`, { hint: 'in a Slurm array with --array=0-(n-1), use --shard $((SLURM_ARRAY_TASK_ID+1))/n' });
  }
  return { index, count };
}

/** The files of one shard (index k with k mod n = i − 1), as tasks with their global index. */
export function shardTasks(files: readonly string[], shard?: Shard): ScreenTask[] {
  const tasks: ScreenTask[] = [];
  files.forEach((file, index) => {
    if (!shard || index % shard.count === shard.index - 1) tasks.push({ index, file });
  });
  return tasks;
}

/** The JSON document `ionpath screen --json` prints (one shard or the whole run). */
export interface ScreenDocument {
  kind: 'ionpath-screen';
  version: string;
  /** The whole sorted input list (not only this shard's part). */
  inputs: { count: number; sha256: string };
  /** null for an unsharded run. */
  shard: Shard | null;
  options: ScreenOptions;
  sort: SortKey;
  /** Files this document covers, results and errors. */
  summary: { files: number; structures: number; errors: number };
  rows: RankedRow[];
  /** Present on merged documents. */
  merge?: MergeReport;
}

export function ionpathVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function screenDocument(rows: readonly ScreenRow[], meta: { files: readonly string[]; shard: Shard | null; options: ScreenOptions; sort: SortKey; filesCovered: number }): ScreenDocument {
  const ranked = rankRows(rows, meta.sort);
  return {
    kind: 'ionpath-screen',
    version: ionpathVersion(),
    inputs: { count: meta.files.length, sha256: inputDigest(meta.files) },
    shard: meta.shard,
    options: meta.options,
    sort: meta.sort,
    summary: summarize(ranked, meta.filesCovered),
    rows: ranked,
  };
}

function summarize(rows: readonly ScreenRow[], files: number) {
  const errors = rows.filter((r) => 'error' in r).length;
  return { files, structures: rows.length - errors, errors };
}

export interface MergeReport {
  /** Shard documents read, as given. */
  documents: string[];
  shardCount: number;
  /** Shard numbers (1-based) found, missing, and found more than once. */
  shards: number[];
  missingShards: number[];
  duplicateShards: number[];
  /** Input files with no row: 0-based indices in the sorted list, and paths when known. */
  missingFiles: { index: number; file?: string }[];
  /** Files with rows in more than one document (the first document's rows are kept). */
  duplicateFiles: { index: number; file: string; documents: string[]; differ: boolean }[];
  complete: boolean;
}

/** Read one shard document, with a clear error for anything else. */
export function readScreenDocument(path: string): ScreenDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : `cannot read it (${code})`, { file: path });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const hint = text.trim() === '' ? 'the file is empty: did that array task fail or is it still running?' : 'a shard cut off mid-write (job killed?) is incomplete: run that shard again';
    throw new InputError(`not valid JSON (${(e as Error).message})`, { file: path, hint });
  }
  const d = doc as Partial<ScreenDocument>;
  if (!d || typeof d !== 'object' || d.kind !== 'ionpath-screen' || !Array.isArray(d.rows) || !d.inputs) {
    throw new InputError('not an `ionpath screen --json` document (expected kind "ionpath-screen" with rows)', { file: path });
  }
  return d as ScreenDocument;
}

/**
 * Merge shard documents into one ranked document. `inputs` (the files and folders screened,
 * given again) lets the report name missing files; they must give the same input list.
 */
export function mergeShards(docs: readonly { path: string; doc: ScreenDocument }[], opts: { sort?: SortKey; inputs?: readonly string[] } = {}): ScreenDocument {
  if (docs.length === 0) throw new InputError('no shard documents to merge');
  const first = docs[0];
  for (const { path, doc } of docs.slice(1)) {
    if (doc.inputs.sha256 !== first.doc.inputs.sha256 || doc.inputs.count !== first.doc.inputs.count) {
      throw new InputError(`screens a different input list than ${first.path} (${doc.inputs.count} vs ${first.doc.inputs.count} files, or other paths)`, {
        file: path,
        hint: 'merge only the shards of one run: the same paths in every array task',
      });
    }
    const diff = optionDifferences(first.doc.options, doc.options);
    if (diff.length) throw new InputError(`was screened with other options than ${first.path}: ${diff.join(', ')}`, { file: path });
    const n = doc.shard?.count ?? 1, n0 = first.doc.shard?.count ?? 1;
    if (n !== n0) throw new InputError(`is shard ${doc.shard?.index ?? 1}/${n}, but ${first.path} is one of ${n0} shards`, { file: path });
  }
  const shardCount = first.doc.shard?.count ?? 1;
  const count = first.doc.inputs.count;
  const sort = opts.sort ?? first.doc.sort;
  if (!SORT_KEYS.includes(sort)) throw new InputError(`unknown sort key "${sort}"`, { hint: `one of ${SORT_KEYS.join(', ')}` });

  let names: readonly string[] | null = null;
  if (opts.inputs) {
    names = collectInputs(opts.inputs);
    if (inputDigest(names) !== first.doc.inputs.sha256) {
      throw new InputError(`--inputs give ${names.length} files that are not the list the shards screened (${count} files)`, {
        hint: 'give the same paths, from the same folder, as the screen command',
      });
    }
  }

  // shards in shard order, then path order, so "the first copy" is deterministic
  const ordered = [...docs].sort((a, b) => (a.doc.shard?.index ?? 1) - (b.doc.shard?.index ?? 1) || byCodeUnit(a.path, b.path));
  const seenShards = new Map<number, number>();
  const byIndex = new Map<number, { path: string; rows: ScreenRow[] }>();
  const dup = new Map<number, { file: string; documents: string[]; differ: boolean }>();
  for (const { path, doc } of ordered) {
    const s = doc.shard?.index ?? 1;
    seenShards.set(s, (seenShards.get(s) ?? 0) + 1);
    const rowsHere = new Map<number, ScreenRow[]>();
    for (const row of doc.rows) {
      const { rank: _rank, ...r } = row as RankedRow;
      if (!Number.isInteger(r.index) || r.index < 0 || r.index >= count) {
        throw new InputError(`row for ${r.file} has index ${r.index}, outside the ${count} input files`, { file: path });
      }
      if (!rowsHere.has(r.index)) rowsHere.set(r.index, []);
      rowsHere.get(r.index)!.push(r as ScreenRow);
    }
    for (const [index, rows] of rowsHere) {
      const have = byIndex.get(index);
      if (!have) {
        byIndex.set(index, { path, rows });
        continue;
      }
      const d = dup.get(index) ?? { file: rows[0].file, documents: [have.path], differ: false };
      d.documents.push(path);
      d.differ ||= JSON.stringify(have.rows) !== JSON.stringify(rows);
      dup.set(index, d);
    }
  }
  const shards = [...seenShards.keys()].sort((a, b) => a - b);
  const missingShards: number[] = [];
  for (let s = 1; s <= shardCount; s++) if (!seenShards.has(s)) missingShards.push(s);
  const duplicateShards = shards.filter((s) => seenShards.get(s)! > 1);
  const missingFiles: MergeReport['missingFiles'] = [];
  for (let k = 0; k < count; k++) if (!byIndex.has(k)) missingFiles.push(names ? { index: k, file: names[k] } : { index: k });
  const rows = [...byIndex.keys()].sort((a, b) => a - b).flatMap((k) => byIndex.get(k)!.rows);
  const ranked = rankRows(rows, sort);
  const report: MergeReport = {
    documents: docs.map((d) => d.path),
    shardCount,
    shards,
    missingShards,
    duplicateShards,
    missingFiles,
    duplicateFiles: [...dup.entries()].sort((a, b) => a[0] - b[0]).map(([index, d]) => ({ index, ...d })),
    complete: missingShards.length === 0 && missingFiles.length === 0,
  };
  return {
    kind: 'ionpath-screen',
    version: first.doc.version,
    inputs: first.doc.inputs,
    shard: null,
    options: first.doc.options,
    sort,
    summary: summarize(ranked, byIndex.size),
    rows: ranked,
    merge: report,
  };
}

function optionDifferences(a: ScreenOptions, b: ScreenOptions): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort() as (keyof ScreenOptions)[];
  return keys.filter((k) => stable(a[k]) !== stable(b[k])).map((k) => `${k} ${stable(a[k])} vs ${stable(b[k])}`);
}

/** JSON with object keys sorted (so {V:5,O:-2} equals {O:-2,V:5}). */
function stable(v: unknown): string {
  if (v === undefined) return 'unset';
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
