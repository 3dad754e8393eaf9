/**
 * What changes between two structures of the same framework — pristine and lithiated,
 * before and after a relaxation: per polyhedron and per polyhedron type the % change of
 * volume, mean bond length and distortion, and the % change of the lattice parameters and
 * cell volume (the "zero-strain" numbers).
 *
 * Matching centres (cations of the first structure to those of the second):
 *  - 'index': same site index and element (the second may have extra sites appended);
 *  - 'label': same site label and element (labels must be unique in both);
 *  - 'position': same element at the nearest position, fractional coordinates of the first
 *    placed in the second's lattice (so a uniformly strained cell still matches), within
 *    `toleranceÅ` (default 1 Å), one-to-one, closest pairs first;
 *  - 'auto' (default): 'index' when the first structure's elements, site by site, are a
 *    prefix of the second's; otherwise 'position'. Extra Li in either structure is fine.
 *
 * Changes are (after − before)/before × 100. For the distortion index, ⟨λ⟩ − 1 and σ² the
 * absolute change is given too, and the percentage is null when the value before is ~0
 * (below 1e-9): a regular polyhedron's distortion has no meaningful relative change.
 * Per type (the type of the polyhedron before): the % change of the mean, and the mean of
 * the per-polyhedron % changes.
 */
import type { Structure } from '../core/structure.js';
import type { Vec3 } from '../core/vec3.js';
import { NeighborGrid } from '../geometry/neighbors.js';
import type { CoordinationOptions } from './coordination.js';
import { polyhedra, type Polyhedron, type PolyhedraResult } from './polyhedra.js';

export type MatchMode = 'auto' | 'index' | 'label' | 'position';

export interface CompareOptions extends CoordinationOptions {
  match?: MatchMode;
  /** Largest centre displacement accepted by position matching, Å (default 1). */
  toleranceÅ?: number;
  /** Coordination options for the second structure (default: the same as the first). */
  after?: CoordinationOptions;
}

export interface Change {
  before: number;
  after: number;
  change: number;
  /** null when `before` is ~0 (or either value is missing). */
  changePercent: number | null;
}

export interface PolyhedronChange {
  center: number;
  label: string;
  element: string;
  type: string;
  afterCenter: number;
  afterLabel: string;
  afterType: string;
  /** Distance between the matched centres (fractional coordinates in the second lattice), Å. */
  matchDistance: number;
  cnBefore: number;
  cnAfter: number;
  volume: Change;
  meanBondLength: Change;
  distortionIndex: Change;
  quadraticElongation: Change | null;
  bondAngleVariance: Change | null;
  effectiveCoordination: Change;
}

export interface TypeChange {
  type: string;
  count: number;
  /** Types these polyhedra have afterwards, with counts (CN may change). */
  afterTypes: Record<string, number>;
  volume: Change;
  meanBondLength: Change;
  distortionIndex: Change;
  /** Mean of the per-polyhedron % changes (null when none is defined). */
  meanOfPercentChanges: { volume: number | null; meanBondLength: number | null; distortionIndex: number | null };
}

export interface LatticeChange {
  a: Change;
  b: Change;
  c: Change;
  alpha: Change;
  beta: Change;
  gamma: Change;
  volume: Change;
}

export interface PolyhedraComparison {
  before: PolyhedraResult;
  after: PolyhedraResult;
  match: Exclude<MatchMode, 'auto'>;
  pairs: PolyhedronChange[];
  /** Centre site indices without a partner. */
  unmatchedBefore: number[];
  unmatchedAfter: number[];
  types: TypeChange[];
  lattice: LatticeChange;
  warnings: string[];
}

const ZERO = 1e-9;

export function change(before: number, after: number): Change {
  const d = after - before;
  return { before, after, change: d, changePercent: Math.abs(before) > ZERO ? (d / before) * 100 : null };
}

function changeOrNull(before: number | null, after: number | null): Change | null {
  return before === null || after === null ? null : change(before, after);
}

/** Match mode 'auto' resolves to 'index' when A's elements are a prefix of B's, else 'position'. */
export function resolveMatchMode(a: Structure, b: Structure, mode: MatchMode = 'auto'): Exclude<MatchMode, 'auto'> {
  if (mode !== 'auto') return mode;
  if (b.nsites < a.nsites) return 'position';
  for (let i = 0; i < a.nsites; i++) if (a.majorityElement(i) !== b.majorityElement(i)) return 'position';
  return 'index';
}

/** Pair polyhedra of A with those of B: list of [indexInA, indexInB, distance Å]. */
function matchPolyhedra(a: Structure, b: Structure, pa: Polyhedron[], pb: Polyhedron[], mode: Exclude<MatchMode, 'auto'>, tol: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  const distB = (i: number, j: number) => b.lattice.minimumImageDistance(a.sites[pa[i].center].frac, b.sites[pb[j].center].frac);
  if (mode === 'index') {
    const byCenter = new Map(pb.map((p, j) => [p.center, j]));
    pa.forEach((p, i) => {
      const j = byCenter.get(p.center);
      if (j !== undefined && pb[j].element === p.element) out.push([i, j, distB(i, j)]);
    });
    return out;
  }
  if (mode === 'label') {
    const count = (ps: Polyhedron[]) => {
      const m = new Map<string, number>();
      for (const p of ps) m.set(p.label, (m.get(p.label) ?? 0) + 1);
      return m;
    };
    const ca = count(pa);
    const cb = count(pb);
    const dup = [...ca.entries(), ...cb.entries()].filter(([, n]) => n > 1).map(([l]) => l);
    if (dup.length) throw new RangeError(`labels are not unique (${[...new Set(dup)].slice(0, 5).join(', ')}); match by index or position instead`);
    const byLabel = new Map(pb.map((p, j) => [p.label, j]));
    pa.forEach((p, i) => {
      const j = byLabel.get(p.label);
      if (j !== undefined && pb[j].element === p.element) out.push([i, j, distB(i, j)]);
    });
    return out;
  }
  // position: candidates within tol in B's lattice, assigned closest first, one-to-one
  const m = b.lattice.matrix;
  const cart = new Float64Array(pb.length * 3);
  pb.forEach((p, j) => {
    const f = b.sites[p.center].frac;
    for (let k = 0; k < 3; k++) cart[3 * j + k] = f[0] * m[0][k] + f[1] * m[1][k] + f[2] * m[2][k];
  });
  const grid = new NeighborGrid(b.lattice, cart, tol);
  const cands: [number, number, number][] = [];
  pa.forEach((p, i) => {
    const q = b.lattice.toCartesian(a.sites[p.center].frac as Vec3);
    const best = new Map<number, number>();
    grid.query(q, (j, d) => {
      if (pb[j].element !== p.element) return;
      const prev = best.get(j);
      if (prev === undefined || d < prev) best.set(j, d);
    });
    for (const [j, d] of best) cands.push([i, j, d]);
  });
  cands.sort((x, y) => x[2] - y[2] || x[0] - y[0] || x[1] - y[1]);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  for (const [i, j, d] of cands) {
    if (usedA.has(i) || usedB.has(j)) continue;
    usedA.add(i);
    usedB.add(j);
    out.push([i, j, d]);
  }
  return out.sort((x, y) => x[0] - y[0]);
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Compare the polyhedra of `a` (before) and `b` (after). */
export function comparePolyhedra(a: Structure, b: Structure, opts: CompareOptions = {}): PolyhedraComparison {
  const { match, toleranceÅ, after, ...coordOpts } = opts;
  const mode = resolveMatchMode(a, b, match);
  const before = polyhedra(a, coordOpts);
  const afterRes = polyhedra(b, after ?? coordOpts);
  const warnings = [...before.warnings.map((w) => `before: ${w}`), ...afterRes.warnings.map((w) => `after: ${w}`)];
  const tol = toleranceÅ ?? 1;
  const pa = before.polyhedra;
  const pb = afterRes.polyhedra;
  const matches = matchPolyhedra(a, b, pa, pb, mode, tol);
  const pairs: PolyhedronChange[] = matches.map(([i, j, d]) => {
    const p = pa[i];
    const q = pb[j];
    return {
      center: p.center,
      label: p.label,
      element: p.element,
      type: p.type,
      afterCenter: q.center,
      afterLabel: q.label,
      afterType: q.type,
      matchDistance: d,
      cnBefore: p.cn,
      cnAfter: q.cn,
      volume: change(p.volume, q.volume),
      meanBondLength: change(p.meanBondLength, q.meanBondLength),
      distortionIndex: change(p.distortionIndex, q.distortionIndex),
      quadraticElongation: changeOrNull(p.quadraticElongation, q.quadraticElongation),
      bondAngleVariance: changeOrNull(p.bondAngleVariance, q.bondAngleVariance),
      effectiveCoordination: change(p.effectiveCoordination, q.effectiveCoordination),
    };
  });
  const matchedA = new Set(matches.map((x) => x[0]));
  const matchedB = new Set(matches.map((x) => x[1]));
  const unmatchedBefore = pa.filter((_, i) => !matchedA.has(i)).map((p) => p.center);
  const unmatchedAfter = pb.filter((_, j) => !matchedB.has(j)).map((p) => p.center);
  const cnChanged = pairs.filter((p) => p.cnBefore !== p.cnAfter).length;
  if (cnChanged) warnings.push(`${cnChanged} matched polyhedra change coordination number (see afterType)`);

  const groups = new Map<string, PolyhedronChange[]>();
  for (const p of pairs) groups.set(p.type, [...(groups.get(p.type) ?? []), p]);
  const types: TypeChange[] = [...groups.entries()].map(([type, g]) => {
    const afterTypes: Record<string, number> = {};
    for (const p of g) afterTypes[p.afterType] = (afterTypes[p.afterType] ?? 0) + 1;
    const pct = (xs: (number | null)[]) => {
      const v = xs.filter((x): x is number => x !== null);
      return v.length ? mean(v) : null;
    };
    return {
      type,
      count: g.length,
      afterTypes,
      volume: change(mean(g.map((p) => p.volume.before)), mean(g.map((p) => p.volume.after))),
      meanBondLength: change(mean(g.map((p) => p.meanBondLength.before)), mean(g.map((p) => p.meanBondLength.after))),
      distortionIndex: change(mean(g.map((p) => p.distortionIndex.before)), mean(g.map((p) => p.distortionIndex.after))),
      meanOfPercentChanges: {
        volume: pct(g.map((p) => p.volume.changePercent)),
        meanBondLength: pct(g.map((p) => p.meanBondLength.changePercent)),
        distortionIndex: pct(g.map((p) => p.distortionIndex.changePercent)),
      },
    };
  });

  const la = a.lattice.parameters;
  const lb = b.lattice.parameters;
  const lattice: LatticeChange = {
    a: change(la.a, lb.a),
    b: change(la.b, lb.b),
    c: change(la.c, lb.c),
    alpha: change(la.alpha, lb.alpha),
    beta: change(la.beta, lb.beta),
    gamma: change(la.gamma, lb.gamma),
    volume: change(a.lattice.volume, b.lattice.volume),
  };
  const ratio = b.lattice.volume / a.lattice.volume;
  if (ratio < 0.67 || ratio > 1.5) warnings.push(`cell volumes differ by a factor ${ratio.toFixed(3)}: are the two cells the same size (not a supercell of each other)?`);
  return { before, after: afterRes, match: mode, pairs, unmatchedBefore, unmatchedAfter, types, lattice, warnings };
}
