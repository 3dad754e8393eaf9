/**
 * Coordination environments: which anions are the ligands of a cation (and which cations
 * surround an anion).
 *
 * Default rule — bond valence first, the largest gap to place the cut:
 *  1. Candidates are the opposite-charge neighbours (images) of the centre, sorted by
 *     distance, with their bond valences s_k = exp((R0 − d_k)/0.37) (./bond-valence.ts).
 *     V = Σ s_k over the candidates with s_k ≥ 0.01 v.u. is the centre's bond-valence sum.
 *  2. Bonds with s_k > 2f·V are certainly ligands, bonds with s_k < f/2·V certainly not
 *     (f = `minBondValenceFraction`, default 0.04: a ligand carries at least ≈ 4 % of the
 *     centre's bonding). In the ambiguous zone in between, the cut is placed at the largest
 *     relative gap d_{n+1}/d_n of the sorted distances — so a cut never splits two nearly
 *     equal bonds when a clear gap is close by.
 *  Why: a pure distance cutoff needs a value per pair (V–O 2.3 Å is wrong for K–O); a pure
 *  largest-gap rule fails for large, irregular polyhedra (K⁺, Na⁺) whose bond lengths form a
 *  continuum; bond valence scales with the pair's chemistry and the centre's valence, and the
 *  gap picks the natural break. With f = 0.04 the ambiguous zone starts near 2.4 Å for Li–O,
 *  2.1 Å for V–O (V⁵⁺) and 3.1 Å for K–O, well beyond the normal bonds and before the next
 *  shells: Li in LiNiO2 and in spinel 8a get 6 and 4, Mn/Ni get 6, V in square pyramids 5.
 *
 *  Fallbacks and overrides:
 *   - a pair without bond-valence parameters (element missing from the 1991 table) is
 *     handled by the largest-gap rule alone among the candidates within 1.45 × the shortest;
 *   - per-pair cutoffs `{ 'V-O': 2.3 }` (either order) replace the rule for that pair: the
 *     ligands of that element are exactly those within the cutoff (Å).
 *
 * Cations and anions come from oxidation states (./oxidation-states.ts: the structure's
 * own, else a charge-balance guess). Disordered sites count as their majority element.
 */
import type { Structure } from '../core/structure.js';
import { neighborList, type Neighbor } from '../geometry/neighbors.js';
import { bondValence, bondValenceR0, BOND_VALENCE_B } from './bond-valence.js';
import { oxidationStates, type OxidationAssignment } from './oxidation-states.js';

export interface CoordinationOptions {
  /** Centres: element symbols, site labels or site indices (default: every cation site). */
  centers?: readonly (string | number)[];
  /** Per-pair cutoffs in Å, e.g. { 'V-O': 2.3, 'K-O': 3.2 } (order of the pair does not matter). */
  cutoffs?: Readonly<Record<string, number>>;
  /** f of the bond-valence rule (default 0.04). */
  minBondValenceFraction?: number;
  /** Oxidation-state overrides by element (e.g. { Mn: 4 }). */
  oxidationStates?: Readonly<Record<string, number>>;
  /** Largest distance ever considered (Å, default 5). */
  maxDistance?: number;
}

export interface Ligand {
  index: number;
  element: string;
  label: string;
  /** Å */
  distance: number;
  /** Lattice translation of the ligand relative to its stored fractional position. */
  image: [number, number, number];
  /** Cartesian vector centre → ligand, Å. */
  vector: [number, number, number];
  /** Bond valence (v.u.), null without parameters for the pair. */
  bondValence: number | null;
}

export type CoordinationMethod = 'bond-valence' | 'gap' | 'cutoff' | 'mixed';

export interface CoordinationEnvironment {
  center: number;
  label: string;
  element: string;
  /** Oxidation state (possibly a non-integer average) used to tell cations from anions. */
  oxidationState: number;
  ligands: Ligand[];
  /** Σ bond valences of the ligands (v.u.); null when a pair lacks parameters. */
  bondValenceSum: number | null;
  method: CoordinationMethod;
}

export interface CoordinationResult {
  environments: CoordinationEnvironment[];
  /** Site indices with positive / negative charge. */
  cations: number[];
  anions: number[];
  oxidation: OxidationAssignment | null;
  warnings: string[];
}

const DEFAULT_FRACTION = 0.04;
const WEAK_BOND = 0.01; // v.u.: bonds weaker than this never count
const GAP_WINDOW = 1.45; // largest-gap fallback: candidates within 1.45 × shortest

/** Parse "V-O=2.3,K-O=3.2" into { 'V-O': 2.3, 'K-O': 3.2 }; throws Error on bad items. */
export function parseCutoffs(spec: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Z][a-z]?)-([A-Z][a-z]?)\s*=\s*([0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)$/.exec(item);
    if (!m) throw new Error(`cannot read cutoff "${item}": expected PAIR=Å such as V-O=2.3`);
    out[`${m[1]}-${m[2]}`] = Number(m[3]);
  }
  return out;
}

function pairCutoff(cutoffs: Readonly<Record<string, number>> | undefined, a: string, b: string): number | undefined {
  if (!cutoffs) return undefined;
  return cutoffs[`${a}-${b}`] ?? cutoffs[`${b}-${a}`];
}

/** Classify sites into cations and anions (by the sign of their charge). */
function charges(structure: Structure, overrides: Readonly<Record<string, number>> | undefined, warnings: string[]): { q: Float64Array; ox: OxidationAssignment | null } {
  try {
    const ox = oxidationStates(structure, { ...(overrides ?? {}) });
    return { q: ox.siteCharges, ox };
  } catch (e) {
    const anionEls = ['O', 'S', 'Se', 'Te', 'F', 'Cl', 'Br', 'I', 'N'];
    warnings.push(
      `oxidation states could not be assigned (${e instanceof Error ? e.message : String(e)}); treating ${anionEls.join(', ')} as anions and the rest as cations`,
    );
    const q = new Float64Array(structure.nsites);
    structure.sites.forEach((_, i) => (q[i] = anionEls.includes(structure.majorityElement(i)) ? -1 : 1));
    return { q, ox: null };
  }
}

/** Indices of the centres selected by `centers` (elements, labels or indices). */
export function selectCenters(structure: Structure, centers: readonly (string | number)[] | undefined, defaultSet: number[]): number[] {
  if (!centers || centers.length === 0) return defaultSet;
  const out = new Set<number>();
  for (const c of centers) {
    if (typeof c === 'number') {
      if (!Number.isInteger(c) || c < 0 || c >= structure.nsites) throw new RangeError(`site index ${c} out of range 0..${structure.nsites - 1}`);
      out.add(c);
      continue;
    }
    let hit = false;
    structure.sites.forEach((s, i) => {
      if (s.label === c || s.species.some((sp) => sp.element === c)) {
        out.add(i);
        hit = true;
      }
    });
    if (!hit) throw new RangeError(`no site has element or label "${c}"`);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Number of ligands among sorted candidates: the largest relative gap d[n]/d[n−1] for n in
 * [lo, hi] (n = count kept, 1 ≤ lo ≤ hi ≤ d.length); `beyond` is the distance after the last.
 */
export function largestGapCut(d: readonly number[], lo: number, hi: number, beyond: number): number {
  let best = hi;
  let bestRatio = -Infinity;
  for (let n = Math.max(1, lo); n <= hi; n++) {
    const next = n < d.length ? d[n] : beyond;
    const ratio = next / d[n - 1];
    if (ratio > bestRatio + 1e-12) {
      bestRatio = ratio;
      best = n;
    }
  }
  return best;
}

/** Coordination environments of the chosen centres (default: all cations). */
export function coordination(structure: Structure, opts: CoordinationOptions = {}): CoordinationResult {
  const warnings: string[] = [];
  const { q, ox } = charges(structure, opts.oxidationStates, warnings);
  const elements = structure.sites.map((_, i) => structure.majorityElement(i));
  const cations: number[] = [];
  const anions: number[] = [];
  q.forEach((x, i) => (x > 0 ? cations.push(i) : x < 0 ? anions.push(i) : undefined));
  const centers = selectCenters(structure, opts.centers, cations);
  const f = opts.minBondValenceFraction ?? DEFAULT_FRACTION;
  const maxDistance = opts.maxDistance ?? 5;

  // One search radius for all: the longest bond any needed pair may form (s ≥ 0.01 v.u. or
  // an explicit cutoff), capped at maxDistance.
  const centerEls = new Set(centers.map((i) => elements[i]));
  const cationEls = new Set(cations.map((i) => elements[i]));
  const anionEls = new Set(anions.map((i) => elements[i]));
  let search = 0;
  let anyMissing = false;
  for (const a of centerEls) {
    const partners = cationEls.has(a) ? anionEls : cationEls;
    for (const b of partners) {
      const c = pairCutoff(opts.cutoffs, a, b);
      if (c !== undefined) {
        search = Math.max(search, c);
        continue;
      }
      const [cat, an] = cationEls.has(a) ? [a, b] : [b, a];
      const r0 = bondValenceR0(cat, an);
      if (r0 === null) anyMissing = true;
      else search = Math.max(search, r0 - BOND_VALENCE_B * Math.log(WEAK_BOND));
    }
  }
  if (anyMissing) search = maxDistance;
  search = Math.min(Math.max(search, 1e-3), maxDistance);
  // One further shell is needed to see the gap after the last ligand.
  const lists = centers.length ? neighborList(structure, Math.min(maxDistance, search * 1.25), { centers }) : [];

  const environments: CoordinationEnvironment[] = centers.map((ci, k) => {
    const el = elements[ci];
    const isCation = q[ci] > 0;
    const cands = lists[k].filter((n) => (isCation ? q[n.index] < 0 : q[n.index] > 0));
    const lig = chooseLigands(el, isCation, cands, elements, opts.cutoffs, f, search);
    const ligands: Ligand[] = lig.chosen.map((n) => {
      const le = elements[n.index];
      const s = isCation ? bondValence(el, q[ci], le, n.distance) : bondValence(le, q[n.index], el, n.distance);
      return {
        index: n.index,
        element: le,
        label: structure.sites[n.index].label,
        distance: n.distance,
        image: n.image,
        vector: n.vector,
        bondValence: Number.isFinite(s) ? s : null,
      };
    });
    let bvs: number | null = 0;
    for (const l of ligands) bvs = l.bondValence === null || bvs === null ? null : bvs + l.bondValence;
    if (ligands.length === 0) warnings.push(`${structure.sites[ci].label} (site ${ci}) has no ${isCation ? 'anion' : 'cation'} neighbours within ${search.toFixed(2)} Å`);
    const state = ox ? siteOxidation(structure, ci, ox) : q[ci];
    return { center: ci, label: structure.sites[ci].label, element: el, oxidationState: state, ligands, bondValenceSum: bvs, method: lig.method };
  });
  return { environments, cations, anions, oxidation: ox, warnings };
}

function siteOxidation(structure: Structure, i: number, ox: OxidationAssignment): number {
  const sp = structure.sites[i].species;
  let occ = 0;
  for (const s of sp) occ += s.occupancy;
  return ox.siteCharges[i] / occ;
}

/** Apply the rule to one centre's candidates (sorted by distance). */
function chooseLigands(
  el: string,
  isCation: boolean,
  cands: Neighbor[],
  elements: string[],
  cutoffs: Readonly<Record<string, number>> | undefined,
  f: number,
  search: number,
): { chosen: Neighbor[]; method: CoordinationMethod } {
  const methods = new Set<CoordinationMethod>();
  const chosen: Neighbor[] = [];
  // Partner elements with an explicit cutoff: exactly those within it.
  const ruled: Neighbor[] = [];
  for (const n of cands) {
    const c = pairCutoff(cutoffs, el, elements[n.index]);
    if (c === undefined) ruled.push(n);
    else if (n.distance <= c) {
      chosen.push(n);
      methods.add('cutoff');
    } else methods.add('cutoff');
  }
  if (ruled.length) {
    const s = ruled.map((n) => (isCation ? bondValence(el, null, elements[n.index], n.distance) : bondValence(elements[n.index], null, el, n.distance)));
    const d = ruled.map((n) => n.distance);
    if (s.every((x) => Number.isFinite(x))) {
      let V = 0;
      for (const x of s) if (x >= WEAK_BOND) V += x;
      let lo = 0;
      let hi = 0;
      s.forEach((x, k) => {
        if (x > 2 * f * V) lo = k + 1;
        if (x >= (f / 2) * V) hi = k + 1;
      });
      if (hi > 0) {
        const n = lo === hi ? hi : largestGapCut(d, Math.max(lo, 1), hi, search * 1.25);
        chosen.push(...ruled.slice(0, n));
        methods.add('bond-valence');
      }
    } else {
      const dmin = d[0];
      let hi = 0;
      d.forEach((x, k) => {
        if (x <= GAP_WINDOW * dmin) hi = k + 1;
      });
      const n = largestGapCut(d, 1, hi, hi < d.length ? d[hi] : search * 1.25);
      chosen.push(...ruled.slice(0, n));
      methods.add('gap');
    }
  }
  chosen.sort((a, b) => a.distance - b.distance || a.index - b.index);
  const method: CoordinationMethod = methods.size === 1 ? [...methods][0] : methods.size === 0 ? 'bond-valence' : 'mixed';
  return { chosen, method };
}
