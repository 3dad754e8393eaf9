/**
 * Screening: one structure file in, one row per structure out (several for a multi-block
 * CIF), with what decides whether a host makes a fast, stable electrode:
 *
 * - sites of the mobile ion (occupied and interstitial orbits, analysis/sites.ts);
 * - the hop network (analysis/paths.ts): its highest dimensionality and the peak-energy
 *   thresholds (eV above the lowest site) at which it first percolates in 1D, 2D and 3D;
 * - the BVSE landscape percolation energies e1D/e2D/e3D (eV above the landscape minimum) on a
 *   grid of `resolution` Å (analysis/grid-percolation.ts);
 * - the bottleneck of the best percolating hop network: among the hops up to the lowest
 *   threshold at which the network reaches its highest dimensionality, the widest window
 *   radius r (Å) such that the hops with windows ≥ r still percolate that way (max–min), and
 *   the hop that sets it (`networkBottleneck`);
 * - theoretical capacity (analysis/capacity.ts): extraction of all the ion when the structure
 *   holds it; otherwise insertion from `electrons` or `reduceTo` when given; otherwise null
 *   with the reason;
 * - density (g/cm³), reduced formula, space group.
 *
 * Every failure is caught and becomes an error row `{file, error}`: a screen never stops on
 * a bad file. Numbers are rounded (6 decimals) when the row is made, so a row sorts the same
 * in memory and after a JSON round trip (shards merged = one run).
 */
import { capacity, type CapacityResult } from '../analysis/capacity.js';
import { bvseGrid } from '../analysis/bvse.js';
import { gridPercolation } from '../analysis/grid-percolation.js';
import { findHops, type PathsResult } from '../analysis/paths.js';
import { PeriodicUnionFind } from '../analysis/periodic-union-find.js';
import { findSites } from '../analysis/sites.js';
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isInputError } from '../core/errors.js';
import { reduceComposition, type Structure } from '../core/structure.js';
import { readStructures } from '../io/read-structure.js';
import { runPool } from './pool.js';

export interface ScreenOptions {
  /** Mobile ion (default Li). */
  ion: string;
  /** BVSE grid spacing (Å); default 0.3. */
  resolution: number;
  /** Compute the BVSE landscape percolation energies (default true). */
  grid: boolean;
  /** Longest hop (Å), default 4.5. */
  maxHop: number;
  /** Leave out hops whose BVSE peak is higher than this above the lowest site (eV), default 5. */
  maxPeak: number;
  /** Symmetry tolerance (Å), default 0.01. */
  symprec: number;
  /** Oxidation states for BVSE and the capacity charge balance. */
  oxidation: Record<string, number>;
  /** Electrons per formula unit for hosts without the ion (insertion). */
  electrons?: number;
  /** Target oxidation states for hosts without the ion, e.g. { V: 3 }. */
  reduceTo?: Record<string, number>;
}

export const DEFAULT_SCREEN_OPTIONS: ScreenOptions = {
  ion: 'Li',
  resolution: 0.3,
  grid: true,
  maxHop: 4.5,
  maxPeak: 5,
  symprec: 0.01,
  oxidation: {},
};

/** Energies (eV) at which a network first percolates in 1, 2, 3 dimensions (null: never). */
export interface PercolationTriple {
  e1D: number | null;
  e2D: number | null;
  e3D: number | null;
}

export interface ScreenResult {
  /** Position of the file in the sorted input list (0-based). */
  index: number;
  file: string;
  /** CIF data block (multi-block files give one row per block). */
  block?: string;
  formula: string;
  reducedFormula: string;
  spacegroup: { number: number; symbol: string };
  nsites: number;
  /** g/cm³ */
  density: number;
  /** Å³ */
  volume: number;
  ion: string;
  /** Site orbits of the ion: occupied and interstitial counts, labels ('*' = interstitial). */
  sites: { occupied: number; interstitial: number; labels: string[] };
  /** Hop network: classes kept, highest dimensionality, peak-energy thresholds (eV above the lowest site). */
  hopNetwork: PercolationTriple & { hops: number; dimensionality: number };
  /** BVSE landscape percolation energies (eV above the minimum) at `resolution` Å. */
  bvsePercolation: (PercolationTriple & { resolution: number }) | null;
  /** Narrowest window (Å) along the best percolating hop network, its dimensionality, the peak-energy threshold (eV) and hops (null: no percolation). */
  bottleneck: { radius: number; dimensionality: number; threshold: number; limitingHop: string; hops: string[] } | null;
  capacity: Pick<CapacityResult, 'mode' | 'electrons' | 'basis' | 'molarMass' | 'gravimetric' | 'gravimetricLithiated' | 'volumetric'> | null;
  /** Why capacity is null. */
  capacityNote?: string;
  warnings: string[];
}

export interface ScreenError {
  index: number;
  file: string;
  block?: string;
  /** What went wrong (with the line when known). */
  error: string;
  hint?: string;
  /** True for an internal bug or a crash rather than bad input. */
  internal?: boolean;
  /** Formula, when the structure was read before the failure. */
  formula?: string;
}

export type ScreenRow = ScreenResult | ScreenError;

export function isScreenError<T extends ScreenRow>(r: T): r is Extract<T, ScreenError> {
  return 'error' in r;
}

/** Error row from anything thrown. */
export function errorRow(index: number, file: string, e: unknown, extra: { block?: string; formula?: string } = {}): ScreenError {
  let error: string;
  let hint: string | undefined;
  let internal = false;
  if (isInputError(e)) {
    error = e.line !== undefined ? `line ${e.line}: ${e.message}` : e.message;
    hint = e.hint;
  } else {
    const errno = e as NodeJS.ErrnoException;
    if (errno && typeof errno === 'object' && typeof errno.code === 'string' && errno.syscall) {
      error = `${errno.code}: cannot ${errno.syscall} the file`;
    } else {
      error = `internal error: ${e instanceof Error ? e.message : String(e)}`;
      internal = true;
    }
  }
  return {
    index,
    file,
    ...(extra.block !== undefined ? { block: extra.block } : {}),
    ...(extra.formula !== undefined ? { formula: extra.formula } : {}),
    error,
    ...(hint ? { hint } : {}),
    ...(internal ? { internal } : {}),
  };
}

/** Evaluate every structure in one file. Never throws: failures become error rows. */
export function evaluateFile(index: number, file: string, opts: ScreenOptions): ScreenRow[] {
  let reads;
  try {
    reads = readStructures(file);
  } catch (e) {
    return [errorRow(index, file, e)];
  }
  const multi = reads.length > 1;
  return reads.map((r) => {
    const block = multi ? r.block : undefined;
    try {
      const row = evaluateStructure(r.structure, opts);
      return roundRow({
        index,
        file,
        ...(block !== undefined ? { block } : {}),
        ...row,
        warnings: r.warnings.map((w) => (w.line !== undefined ? `line ${w.line}: ${w.message}` : w.message)),
      });
    } catch (e) {
      return errorRow(index, file, e, { block, formula: safeFormula(r.structure) });
    }
  });
}

function safeFormula(s: Structure): string | undefined {
  try {
    return s.reducedFormula;
  } catch {
    return undefined;
  }
}

type Evaluated = Omit<ScreenResult, 'index' | 'file' | 'block' | 'warnings'>;

/** The screening numbers of one structure (throws on bad input). */
export function evaluateStructure(s: Structure, opts: ScreenOptions): Evaluated {
  const sites = findSites(s, { ion: opts.ion, oxidation: opts.oxidation, symprec: opts.symprec });
  const paths = findHops(s, sites, { maxHop: opts.maxHop, maxPeakEnergy: opts.maxPeak, symprec: opts.symprec });
  let bvse: ScreenResult['bvsePercolation'] = null;
  if (opts.grid) {
    const g = bvseGrid(sites.model, opts.resolution);
    const p = gridPercolation(g.energies, g.shape);
    bvse = { e1D: p.e1D, e2D: p.e2D, e3D: p.e3D, resolution: opts.resolution };
  }
  const density = s.density;
  const { capacity: cap, note } = screenCapacity(s, opts, density);
  const occupied = sites.sites.filter((x) => x.kind === 'occupied');
  const interstitial = sites.sites.filter((x) => x.kind === 'interstitial');
  return {
    formula: s.formula,
    reducedFormula: s.reducedFormula,
    spacegroup: sites.spacegroup,
    nsites: s.nsites,
    density,
    volume: s.lattice.volume,
    ion: sites.ion,
    sites: {
      occupied: occupied.length,
      interstitial: interstitial.length,
      labels: sites.sites.map((x) => (x.kind === 'interstitial' ? `${x.label}*` : x.label)),
    },
    hopNetwork: hopNetworkSummary(paths),
    bvsePercolation: bvse,
    bottleneck: networkBottleneck(paths),
    capacity: cap,
    ...(note !== undefined ? { capacityNote: note } : {}),
  };
}

/** Highest dimensionality of the hop network and the thresholds where it first reaches 1D/2D/3D. */
export function hopNetworkSummary(p: PathsResult): ScreenResult['hopNetwork'] {
  const first = (d: number) => p.percolation.find((s) => s.dimensionality >= d)?.threshold ?? null;
  const dimensionality = p.percolation.reduce((m, s) => Math.max(m, s.dimensionality), 0);
  return { hops: p.hops.length, dimensionality, e1D: first(1), e2D: first(2), e3D: first(3) };
}

/**
 * The bottleneck of the best percolating hop network: among the hop classes whose peak energy
 * is at most the lowest threshold at which the network reaches its highest dimensionality,
 * the largest window radius r (Å) such that the hops with windows ≥ r still percolate in that
 * dimensionality (a max–min, widest-path criterion: narrow side hops that the ions can avoid
 * do not count). `hops` are the classes of that network (those with a hop in a component of
 * that dimensionality), `limitingHop` the class whose window is r. Null when nothing percolates.
 */
export function networkBottleneck(p: PathsResult): ScreenResult['bottleneck'] {
  const dim = p.percolation.reduce((m, s) => Math.max(m, s.dimensionality), 0);
  if (dim === 0) return null;
  const threshold = p.percolation.find((s) => s.dimensionality === dim)!.threshold;
  const candidates = p.hops
    .filter((h) => h.peakEnergy <= threshold)
    .sort((a, b) => b.bottleneckRadius - a.bottleneckRadius || a.peakEnergy - b.peakEnergy || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byClass = new Map<string, PathsResult['instances']>();
  for (const h of p.instances) {
    if (!byClass.has(h.classId)) byClass.set(h.classId, []);
    byClass.get(h.classId)!.push(h);
  }
  const uf = new PeriodicUnionFind(p.positions.length);
  const added: string[] = [];
  for (const c of candidates) {
    for (const h of byClass.get(c.id) ?? []) uf.union(h.i, h.j, h.image[0], h.image[1], h.image[2]);
    added.push(c.id);
    if (uf.maxDimensionality < dim) continue;
    const used = added.filter((id) => (byClass.get(id) ?? []).some((h) => uf.dimensionality(h.i) === dim));
    const order = new Map(p.hops.map((h, k) => [h.id, k]));
    used.sort((a, b) => order.get(a)! - order.get(b)!);
    return { radius: c.bottleneckRadius, dimensionality: dim, threshold, limitingHop: c.id, hops: used };
  }
  return null; // not reached: all candidates together give `dim`
}

/**
 * Capacity for screening: extraction of all the ion when the structure holds it; otherwise
 * insertion with the given electrons or target oxidation states; otherwise null and why.
 * Per reduced formula unit (capacities in mAh/g and mAh/cm³ do not depend on the unit).
 */
export function screenCapacity(s: Structure, opts: ScreenOptions, density: number): { capacity: ScreenResult['capacity']; note?: string } {
  const comp = reduceComposition(s.composition());
  const holds = (comp.get(opts.ion) ?? 0) > 0;
  if (!holds && opts.electrons === undefined && !(opts.reduceTo && Object.keys(opts.reduceTo).length)) {
    return { capacity: null, note: `no ${opts.ion} in the structure: give --electrons N or --to EL=OX for insertion hosts` };
  }
  try {
    const r = capacity(comp, s.reducedFormula, {
      ion: opts.ion,
      electrons: holds ? undefined : opts.electrons,
      reduceTo: holds ? undefined : opts.reduceTo,
      oxidation: opts.oxidation,
      density,
    });
    const out: NonNullable<ScreenResult['capacity']> = {
      mode: r.mode,
      electrons: r.electrons,
      basis: r.basis,
      molarMass: r.molarMass,
      gravimetric: r.gravimetric,
      volumetric: r.volumetric,
    };
    if (r.gravimetricLithiated !== undefined) out.gravimetricLithiated = r.gravimetricLithiated;
    return { capacity: out };
  } catch (e) {
    if (!isInputError(e)) throw e;
    return { capacity: null, note: e.message };
  }
}

/** One file to screen: its position in the sorted input list and its path. */
export interface ScreenTask {
  index: number;
  file: string;
}

export interface RunOptions {
  /**
   * Worker threads (default: all cores, at most one per file). 0 evaluates the files in the
   * calling thread, one after another (no time limit then).
   */
  workers?: number;
  /** Time limit per file (s); a file that takes longer becomes an error row. Needs workers ≥ 1. */
  timeoutS?: number;
  /** Called after each file with the number of files done. */
  onProgress?: (done: number, total: number, task: ScreenTask) => void;
}

/** Screen files on a pool of worker threads; rows in task order (one or more per file). */
export async function runScreen(tasks: readonly ScreenTask[], opts: ScreenOptions, run: RunOptions = {}): Promise<ScreenRow[]> {
  const workers = run.workers ?? availableParallelism();
  if (workers === 0) {
    const rows: ScreenRow[] = [];
    for (let k = 0; k < tasks.length; k++) {
      rows.push(...evaluateFile(tasks[k].index, tasks[k].file, opts));
      run.onProgress?.(k + 1, tasks.length, tasks[k]);
      await new Promise((r) => setImmediate(r)); // let a progress bar draw
    }
    return rows;
  }
  const here = fileURLToPath(import.meta.url);
  const workerFile = here.replace(/screen\.(ts|js)$/, `worker.$1`);
  // Largest files first (a rough guess at the slowest), so one big file does not finish last
  // alone; rows still come back in task order.
  const size = (f: string) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  };
  const sizes = tasks.map((t) => size(t.file));
  const order = tasks.map((_, k) => k).sort((p, q) => sizes[q] - sizes[p] || p - q);
  const perFile = await runPool<ScreenTask, ScreenRow[]>(order.map((k) => tasks[k]), {
    workerFile,
    workerData: opts,
    workers,
    timeoutMs: run.timeoutS ? run.timeoutS * 1000 : undefined,
    onFailure: (t, reason) => [{ index: t.index, file: t.file, error: reason, ...(reason.startsWith('timed out') ? {} : { internal: true }) }],
    onResult: (t, _r, done, total) => run.onProgress?.(done, total, t),
  });
  const rows = new Array<ScreenRow[]>(tasks.length);
  order.forEach((k, j) => (rows[k] = perFile[j]));
  return rows.flat();
}

function roundRow<T>(row: T): T {
  const f = 1e6;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'number') return Number.isFinite(v) ? Math.round(v * f) / f : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(row) as T;
}

// ---------------------------------------------------------------------------------------
// Ranking

/** Keys `--sort` accepts. */
export const SORT_KEYS = ['bvse', 'hops', 'capacity', 'bottleneck', 'density', 'input'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** What each sort key means, for --help and the README. */
export const SORT_DESCRIPTIONS: Readonly<Record<SortKey, string>> = {
  bvse: 'BVSE percolation energy e3D, then e2D, then e1D (ascending, none last), then gravimetric capacity (descending)',
  hops: 'hop-network dimensionality (descending), then its thresholds e3D, e2D, e1D (ascending), then capacity',
  capacity: 'gravimetric capacity (descending, none last), then the bvse order',
  bottleneck: 'bottleneck radius of the best network (descending, none last), then the bvse order',
  density: 'volumetric capacity (descending, none last), then the bvse order',
  input: 'input order (sorted file paths)',
};

type Term = [value: (r: ScreenResult) => number | null | undefined, direction: 1 | -1];

const BVSE_TERMS: Term[] = [
  [(r) => r.bvsePercolation?.e3D, 1],
  [(r) => r.bvsePercolation?.e2D, 1],
  [(r) => r.bvsePercolation?.e1D, 1],
  [(r) => r.capacity?.gravimetric, -1],
];

const TERMS: Readonly<Record<SortKey, Term[]>> = {
  bvse: BVSE_TERMS,
  hops: [[(r) => r.hopNetwork.dimensionality, -1], [(r) => r.hopNetwork.e3D, 1], [(r) => r.hopNetwork.e2D, 1], [(r) => r.hopNetwork.e1D, 1], [(r) => r.capacity?.gravimetric, -1]],
  capacity: [[(r) => r.capacity?.gravimetric, -1], ...BVSE_TERMS],
  bottleneck: [[(r) => r.bottleneck?.radius, -1], ...BVSE_TERMS],
  density: [[(r) => r.capacity?.volumetric, -1], ...BVSE_TERMS],
  input: [],
};

/** Comparator of result rows by a sort key; ties fall back to input order. */
export function compareResults(key: SortKey): (a: ScreenResult, b: ScreenResult) => number {
  const terms = TERMS[key];
  return (a, b) => {
    for (const [value, dir] of terms) {
      const x = value(a), y = value(b);
      const xn = x === null || x === undefined || Number.isNaN(x);
      const yn = y === null || y === undefined || Number.isNaN(y);
      if (xn && yn) continue;
      if (xn) return 1; // missing values last, whatever the direction
      if (yn) return -1;
      if (x !== y) return dir * (x! - y!);
    }
    return compareInput(a, b);
  };
}

/** Input order: the file's index (blocks of one file keep their order by the stable sort). */
function compareInput(a: ScreenRow, b: ScreenRow): number {
  return a.index - b.index;
}

export type RankedRow = ScreenRow & { rank: number | null };

/**
 * Rank rows: results by the sort key (rank 1, 2, …), then error rows in input order (rank
 * null). Multi-block files keep their blocks in file order under `input`.
 */
export function rankRows(rows: readonly ScreenRow[], key: SortKey = 'bvse'): RankedRow[] {
  const ok = rows.filter((r): r is ScreenResult => !isScreenError(r));
  const bad = rows.filter(isScreenError);
  // blocks of one file come in file order: keep their original order as the final tie-break
  const order = new Map<ScreenRow, number>();
  rows.forEach((r, k) => order.set(r, k));
  const cmp = compareResults(key);
  ok.sort((a, b) => cmp(a, b) || order.get(a)! - order.get(b)!);
  bad.sort((a, b) => compareInput(a, b) || order.get(a)! - order.get(b)!);
  return [...ok.map((r, k) => ({ rank: k + 1, ...r })), ...bad.map((r) => ({ rank: null, ...r }))];
}
