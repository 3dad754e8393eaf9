/**
 * Coordination polyhedra and their metrics, as VESTA defines them (Momma & Izumi, J. Appl.
 * Cryst. 44 (2011) 1272; the VESTA manual, "Polyhedra" and "Distortion").
 *
 * For a centre with ligands at distances l_i (i = 1..n) along vectors v_i:
 *  - volume: of the convex hull of the ligand positions (Å³; exact hull, 0 when flat);
 *  - distortion index (Baur, Acta Cryst. B30 (1974) 1195): D = (1/n) Σ |l_i − l_av| / l_av,
 *    l_av the mean bond length;
 *  - quadratic elongation (Robinson, Gibbs & Ribbe, Science 172 (1971) 567):
 *    ⟨λ⟩ = (1/n) Σ (l_i / l_0)², l_0 the centre-to-vertex distance of the regular polyhedron
 *    with the same volume (octahedron V = 4/3 l_0³, tetrahedron V = 8/(9√3) l_0³);
 *  - bond-angle variance (same paper): σ² = Σ (θ_i − θ_0)² / (m − 1) over the ligand–centre–
 *    ligand angles of ligand pairs that share a polyhedron edge: all m = 6 pairs of a
 *    tetrahedron (θ_0 = 109.4712°), the m = 12 cis pairs of an octahedron (θ_0 = 90°; the
 *    three trans pairs are the perfect matching of the six ligands with the largest total
 *    angle). ⟨λ⟩ and σ² are given for CN 4 and CN 6 only (as in VESTA), null otherwise
 *    and when the volume is 0;
 *  - effective coordination number (Hoppe, Z. Kristallogr. 150 (1979) 23):
 *    ECoN = Σ exp[1 − (l_i / l_av,w)⁶], with the weighted mean bond length
 *    l_av,w = Σ l_i exp[1 − (l_i/l_av,w)⁶] / Σ exp[1 − (l_i/l_av,w)⁶] solved by iteration
 *    from l_av,w = l_min (VESTA's and Hoppe's definition);
 *  - bond-valence sum of the centre over its ligands (./bond-valence.ts);
 *  - shape: the ideal shape of the same CN whose sorted list of the n(n−1)/2 ligand–centre–
 *    ligand angles is closest (root-mean-square difference, degrees, reported as
 *    `shapeDeviation`) to the observed sorted angles. Angles ignore bond-length scatter and
 *    need no vertex permutation, so the match is cheap and stable. The square pyramid is
 *    taken with apical–basal angles of 100° (centre above the base, as in VO5 or MnO5);
 *    the trigonal prism with square side faces. No name (null) for CN without ideal shapes
 *    (11, ≥ 13).
 *
 * Polyhedra are grouped by type — centre element + ligand formula (+ CN when one ligand
 * element): 'VO4', 'VO5', 'KO10', 'TiO4F2' — with mean, sample standard deviation, min and
 * max of each metric.
 */
import type { Structure } from '../core/structure.js';
import { sortElements } from '../core/structure.js';
import { convexHull } from '../geometry/hull.js';
import { coordination, type CoordinationEnvironment, type CoordinationOptions, type Ligand } from './coordination.js';

const DEG = 180 / Math.PI;
const TETRAHEDRAL_ANGLE = Math.acos(-1 / 3) * DEG; // 109.4712206…°

export interface PolyhedronMetrics {
  cn: number;
  /** Å³ */
  volume: number;
  /** Å */
  meanBondLength: number;
  distortionIndex: number;
  quadraticElongation: number | null;
  /** deg² */
  bondAngleVariance: number | null;
  effectiveCoordination: number;
  shape: string | null;
  /** RMS difference (degrees) between observed and ideal sorted angles. */
  shapeDeviation: number | null;
}

export interface Polyhedron extends PolyhedronMetrics {
  center: number;
  label: string;
  element: string;
  oxidationState: number;
  /** 'VO4', 'KO10', 'TiO4F2' */
  type: string;
  ligands: Ligand[];
  /** v.u.; null when a pair lacks bond-valence parameters. */
  bondValenceSum: number | null;
  /** Cartesian position of the centre, Å. */
  centerCart: [number, number, number];
}

export interface Stat {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single polyhedron. */
  std: number;
  min: number;
  max: number;
}

export interface PolyhedronTypeSummary {
  type: string;
  element: string;
  cn: number;
  count: number;
  volume: Stat;
  meanBondLength: Stat;
  distortionIndex: Stat;
  quadraticElongation: Stat | null;
  bondAngleVariance: Stat | null;
  effectiveCoordination: Stat;
  bondValenceSum: Stat | null;
  /** Most frequent shape name. */
  shape: string | null;
}

export interface PolyhedraResult {
  polyhedra: Polyhedron[];
  types: PolyhedronTypeSummary[];
  warnings: string[];
}

// ---------------------------------------------------------------------------------------
// Ideal shapes (unit vectors from the centre)

type V3 = readonly [number, number, number];

function ring(n: number, z = 0, r = 1, phase = 0): V3[] {
  return Array.from({ length: n }, (_, k) => [r * Math.cos(phase + (2 * Math.PI * k) / n), r * Math.sin(phase + (2 * Math.PI * k) / n), z] as V3);
}

function polar(thetaDeg: number, n: number, phase = 0): V3[] {
  const t = thetaDeg / DEG;
  return ring(n, Math.cos(t), Math.sin(t), phase);
}

const PHI = (1 + Math.sqrt(5)) / 2;
const OCT: V3[] = [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]];
const TET: V3[] = [[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]];
const CUBE: V3[] = [-1, 1].flatMap((x) => [-1, 1].flatMap((y) => [-1, 1].map((z) => [x, y, z] as V3)));
// trigonal prism with square side faces: triangle circumradius r = 1/√3, height 1
const TPR: V3[] = [...ring(3, 0.5, 1 / Math.sqrt(3)), ...ring(3, -0.5, 1 / Math.sqrt(3))];
// square antiprism with equal edges (side √2 for circumradius 1 of the squares)
const SAP_H = Math.sqrt(2 - 4 * Math.sin(Math.PI / 8) ** 2) / 2;
const SAP: V3[] = [...ring(4, SAP_H), ...ring(4, -SAP_H, 1, Math.PI / 4)];
const CUBOCT: V3[] = [
  [1, 1, 0], [1, -1, 0], [-1, 1, 0], [-1, -1, 0],
  [1, 0, 1], [1, 0, -1], [-1, 0, 1], [-1, 0, -1],
  [0, 1, 1], [0, 1, -1], [0, -1, 1], [0, -1, -1],
];
const ICOS: V3[] = [
  [0, 1, PHI], [0, -1, PHI], [0, 1, -PHI], [0, -1, -PHI],
  [1, PHI, 0], [-1, PHI, 0], [1, -PHI, 0], [-1, -PHI, 0],
  [PHI, 0, 1], [-PHI, 0, 1], [PHI, 0, -1], [-PHI, 0, -1],
];
// hcp neighbours: six in the plane, three above and three below, eclipsed
const HCP_Z = Math.sqrt(2 / 3);
const ANTICUBOCT: V3[] = [...ring(6), ...ring(3, HCP_Z, 1 / Math.sqrt(3), Math.PI / 6), ...ring(3, -HCP_Z, 1 / Math.sqrt(3), Math.PI / 6)];

const IDEAL_SHAPES: Record<number, [string, V3[]][]> = {
  2: [['linear', [[0, 0, 1], [0, 0, -1]]], ['bent', polar(120, 2).slice(0, 1).concat([[0, 0, 1]])]],
  3: [
    ['trigonal planar', ring(3)],
    ['trigonal pyramid', TET.slice(0, 3)],
    ['T-shaped', [[1, 0, 0], [-1, 0, 0], [0, 1, 0]]],
  ],
  4: [
    ['tetrahedron', TET],
    ['square planar', ring(4)],
    ['seesaw', [[0, 0, 1], [0, 0, -1], ...ring(3).slice(0, 2)]],
  ],
  5: [
    ['trigonal bipyramid', [[0, 0, 1], [0, 0, -1], ...ring(3)]],
    ['square pyramid', [[0, 0, 1], ...polar(100, 4)]],
    ['pentagonal planar', ring(5)],
  ],
  6: [
    ['octahedron', OCT],
    ['trigonal prism', TPR],
    ['pentagonal pyramid', [[0, 0, 1], ...ring(5)]],
    ['hexagonal planar', ring(6)],
  ],
  7: [
    ['pentagonal bipyramid', [[0, 0, 1], [0, 0, -1], ...ring(5)]],
    ['capped octahedron', [...OCT.slice(0, 6), [1 / Math.sqrt(3), 1 / Math.sqrt(3), 1 / Math.sqrt(3)]]],
    ['capped trigonal prism', [...TPR, [-1, 0, 0]]],
  ],
  8: [
    ['square antiprism', SAP],
    ['cube', CUBE],
    ['hexagonal bipyramid', [[0, 0, 1], [0, 0, -1], ...ring(6)]],
    ['bicapped trigonal prism', [...TPR, [-1, 0, 0], ...ring(3, 0, 1, Math.PI).slice(1, 2)]],
  ],
  9: [
    ['tricapped trigonal prism', [...TPR, ...ring(3, 0, 1, Math.PI)]],
    ['capped square antiprism', [...SAP, [0, 0, 1]]],
  ],
  10: [
    ['bicapped square antiprism', [...SAP, [0, 0, 1], [0, 0, -1]]],
    ['bicapped cube', [...CUBE, [0, 0, 1], [0, 0, -1]]],
  ],
  12: [
    ['cuboctahedron', CUBOCT],
    ['icosahedron', ICOS],
    ['anticuboctahedron', ANTICUBOCT],
    ['hexagonal prism', [...ring(6, 0.5), ...ring(6, -0.5)]],
  ],
};

/** Sorted ligand–centre–ligand angles (degrees) of a set of vectors from the centre. */
export function sortedAngles(vectors: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < vectors.length; i++) for (let j = i + 1; j < vectors.length; j++) out.push(angleDeg(vectors[i], vectors[j]));
  return out.sort((a, b) => a - b);
}

const IDEAL_ANGLES: Record<number, [string, number[]][]> = Object.fromEntries(
  Object.entries(IDEAL_SHAPES).map(([cn, list]) => [cn, list.map(([name, v]) => [name, sortedAngles(v)] as [string, number[]])]),
);

/** Names of the ideal shapes known for a CN. */
export function idealShapeNames(cn: number): string[] {
  return (IDEAL_SHAPES[cn] ?? []).map(([n]) => n);
}

/** Unit vectors of an ideal shape (for tests and drawings). */
export function idealShapeVectors(name: string): [number, number, number][] | null {
  for (const list of Object.values(IDEAL_SHAPES)) {
    for (const [n, v] of list) if (n === name) return v.map((x) => { const r = Math.hypot(...x); return [x[0] / r, x[1] / r, x[2] / r]; });
  }
  return null;
}

/** The closest ideal shape by sorted-angle RMS (degrees); null for CN without ideal shapes. */
export function classifyShape(vectors: readonly (readonly number[])[]): { shape: string; deviation: number } | null {
  const list = IDEAL_ANGLES[vectors.length];
  if (!list) return null;
  const obs = sortedAngles(vectors);
  let best: { shape: string; deviation: number } | null = null;
  for (const [name, ideal] of list) {
    let s = 0;
    for (let k = 0; k < obs.length; k++) s += (obs[k] - ideal[k]) ** 2;
    const rms = Math.sqrt(s / obs.length);
    if (!best || rms < best.deviation - 1e-9) best = { shape: name, deviation: rms };
  }
  return best;
}

// ---------------------------------------------------------------------------------------
// Metrics

/** Angle between two vectors in degrees (atan2 form: accurate near 0° and 180°). */
function angleDeg(u: readonly number[], v: readonly number[]): number {
  const cx = u[1] * v[2] - u[2] * v[1];
  const cy = u[2] * v[0] - u[0] * v[2];
  const cz = u[0] * v[1] - u[1] * v[0];
  return Math.atan2(Math.hypot(cx, cy, cz), u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) * DEG;
}

/** Hoppe's effective coordination number from bond lengths (Å). */
export function effectiveCoordinationNumber(lengths: readonly number[]): number {
  if (lengths.length === 0) return 0;
  const lmin = Math.min(...lengths);
  let lav = lmin;
  for (let it = 0; it < 1000; it++) {
    let wsum = 0;
    let lsum = 0;
    for (const l of lengths) {
      const w = Math.exp(1 - (l / lav) ** 6);
      wsum += w;
      lsum += l * w;
    }
    const next = lsum / wsum;
    const done = Math.abs(next - lav) <= 1e-14 * lav;
    lav = next;
    if (done) break;
  }
  let econ = 0;
  for (const l of lengths) econ += Math.exp(1 - (l / lav) ** 6);
  return econ;
}

/** Baur's distortion index D = (1/n) Σ |l_i − l_av| / l_av. */
export function distortionIndex(lengths: readonly number[]): number {
  const n = lengths.length;
  if (n === 0) return 0;
  const lav = lengths.reduce((a, b) => a + b, 0) / n;
  let s = 0;
  for (const l of lengths) s += Math.abs(l - lav);
  return s / n / lav;
}

/** Regular-polyhedron centre-to-vertex distance l_0 (Å) for a volume (Å³): CN 4 or 6 only. */
export function regularRadius(cn: number, volume: number): number | null {
  if (cn === 6) return Math.cbrt((3 * volume) / 4);
  if (cn === 4) return Math.cbrt((volume * 9 * Math.sqrt(3)) / 8);
  return null;
}

/** Angles (degrees) entering σ²: all 6 pairs (CN 4) or the 12 cis pairs (CN 6). */
export function edgeAngles(vectors: readonly (readonly number[])[]): number[] | null {
  const n = vectors.length;
  if (n === 4) {
    const out: number[] = [];
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) out.push(angleDeg(vectors[i], vectors[j]));
    return out;
  }
  if (n !== 6) return null;
  const A: number[][] = Array.from({ length: 6 }, () => new Array<number>(6).fill(0));
  for (let i = 0; i < 6; i++) for (let j = i + 1; j < 6; j++) A[i][j] = A[j][i] = angleDeg(vectors[i], vectors[j]);
  // trans pairs: the perfect matching with the largest total angle (15 matchings)
  let best: [number, number][] = [];
  let bestSum = -1;
  const rec = (left: number[], pairs: [number, number][], sum: number) => {
    if (left.length === 0) {
      if (sum > bestSum + 1e-9) {
        bestSum = sum;
        best = pairs;
      }
      return;
    }
    const [a, ...rest] = left;
    for (let k = 0; k < rest.length; k++) {
      const b = rest[k];
      rec(rest.filter((_, j) => j !== k), [...pairs, [a, b]], sum + A[a][b]);
    }
  };
  rec([0, 1, 2, 3, 4, 5], [], 0);
  const trans = new Set(best.map(([a, b]) => `${a},${b}`));
  const out: number[] = [];
  for (let i = 0; i < 6; i++) for (let j = i + 1; j < 6; j++) if (!trans.has(`${i},${j}`)) out.push(A[i][j]);
  return out;
}

/** All metrics of a polyhedron from its ligand vectors (centre → ligand, Å). */
export function polyhedronMetrics(vectors: readonly (readonly number[])[]): PolyhedronMetrics {
  const n = vectors.length;
  const lengths = vectors.map((v) => Math.hypot(v[0], v[1], v[2]));
  const volume = n >= 4 ? convexHull(vectors.map((v) => [v[0], v[1], v[2]])).volume : 0;
  const meanBondLength = n ? lengths.reduce((a, b) => a + b, 0) / n : 0;
  let quadraticElongation: number | null = null;
  let bondAngleVariance: number | null = null;
  const l0 = regularRadius(n, volume);
  if (l0 !== null && volume > 0) {
    quadraticElongation = lengths.reduce((s, l) => s + (l / l0) ** 2, 0) / n;
    const angles = edgeAngles(vectors)!;
    const theta0 = n === 4 ? TETRAHEDRAL_ANGLE : 90;
    bondAngleVariance = angles.reduce((s, t) => s + (t - theta0) ** 2, 0) / (angles.length - 1);
  }
  const shape = classifyShape(vectors);
  return {
    cn: n,
    volume,
    meanBondLength,
    distortionIndex: distortionIndex(lengths),
    quadraticElongation,
    bondAngleVariance,
    effectiveCoordination: effectiveCoordinationNumber(lengths),
    shape: shape?.shape ?? null,
    shapeDeviation: shape?.deviation ?? null,
  };
}

/** Type name: centre + ligand formula, CN appended when there is one ligand element. */
export function polyhedronType(center: string, ligandElements: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const e of ligandElements) counts.set(e, (counts.get(e) ?? 0) + 1);
  const els = sortElements([...counts.keys()]);
  if (els.length === 0) return `${center}0`;
  if (els.length === 1) return `${center}${els[0]}${ligandElements.length}`;
  return center + els.map((e) => `${e}${counts.get(e)! === 1 ? '' : counts.get(e)}`).join('');
}

function polyhedronOf(structure: Structure, env: CoordinationEnvironment): Polyhedron {
  const m = polyhedronMetrics(env.ligands.map((l) => l.vector));
  const c = structure.cart(env.center);
  return {
    center: env.center,
    label: env.label,
    element: env.element,
    oxidationState: env.oxidationState,
    type: polyhedronType(env.element, env.ligands.map((l) => l.element)),
    ligands: env.ligands,
    bondValenceSum: env.bondValenceSum,
    centerCart: [c[0], c[1], c[2]],
    ...m,
  };
}

export function stat(values: readonly number[]): Stat {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, min: Math.min(...values), max: Math.max(...values) };
}

function statOrNull(values: readonly (number | null)[]): Stat | null {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length === values.length && v.length > 0 ? stat(v) : null;
}

/** Group polyhedra by type with mean, spread and range of each metric. */
export function summarizeTypes(polys: readonly Polyhedron[]): PolyhedronTypeSummary[] {
  const groups = new Map<string, Polyhedron[]>();
  for (const p of polys) {
    const g = groups.get(p.type) ?? [];
    g.push(p);
    groups.set(p.type, g);
  }
  return [...groups.entries()].map(([type, g]) => {
    const shapes = new Map<string, number>();
    for (const p of g) if (p.shape) shapes.set(p.shape, (shapes.get(p.shape) ?? 0) + 1);
    const shape = [...shapes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
    return {
      type,
      element: g[0].element,
      cn: g[0].cn,
      count: g.length,
      volume: stat(g.map((p) => p.volume)),
      meanBondLength: stat(g.map((p) => p.meanBondLength)),
      distortionIndex: stat(g.map((p) => p.distortionIndex)),
      quadraticElongation: statOrNull(g.map((p) => p.quadraticElongation)),
      bondAngleVariance: statOrNull(g.map((p) => p.bondAngleVariance)),
      effectiveCoordination: stat(g.map((p) => p.effectiveCoordination)),
      bondValenceSum: statOrNull(g.map((p) => p.bondValenceSum)),
      shape,
    };
  });
}

/** Polyhedra of the chosen centres (default all cations), with their type summaries. */
export function polyhedra(structure: Structure, opts: CoordinationOptions = {}): PolyhedraResult {
  const coord = coordination(structure, opts);
  const polys = coord.environments.map((e) => polyhedronOf(structure, e));
  return { polyhedra: polys, types: summarizeTypes(polys), warnings: coord.warnings };
}
