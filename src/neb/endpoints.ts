/**
 * NEB endpoints: from a hop (vacancy or interstitial mechanism in a searched supercell), or
 * from two structures given by the user (atoms matched by species and minimum image).
 *
 * A hop is { from, to, via?, ion, mechanism } with fractional positions in the cell of the
 * structure it refers to, written as the periodic images the ion actually passes (a `to`
 * outside [0, 1) is the image reached, as `ionpath paths` reports it); see segmentVector.
 * Mechanisms:
 *   vacancy       the ion sits at `from`; the ion at `to` (if any) is removed — the
 *                 destination is the vacancy the ion hops into;
 *   interstitial  `from` and `to` are empty; one ion is inserted (at `from` initially, at
 *                 `to` finally), as in Li insertion into K3V5O14 (Ma, Yan et al. 2026).
 * Both endpoints hold the same atoms in the same order, sorted into POSCAR blocks by
 * electronegativity (pymatgen's order); `movingIndex` is the moving ion in that order.
 */
import { Lattice } from '../core/lattice.js';
import { Structure, type SiteInput } from '../core/structure.js';
import { InputError, type Warning } from '../core/errors.js';
import { elementOrNull } from '../core/elements.js';
import { type Vec3, add, sub, wrapVec } from '../core/vec3.js';
import { findSupercell, primitiveByTranslations, type SupercellChoice } from './supercell.js';
import { closestPairs, COLLISION_FACTOR } from './interpolate.js';

export type Mechanism = 'vacancy' | 'interstitial';

export interface Hop {
  /** Fractional position where the ion starts (cell of the structure). */
  from: Vec3;
  /** Fractional position where it ends. */
  to: Vec3;
  /** Waypoints (e.g. the 16c site of 8a > 16c > 8a), fractional. */
  via?: readonly Vec3[];
  /** Element of the moving ion, e.g. 'Li'. */
  ion: string;
  mechanism: Mechanism;
  /** Free-text name (hop id, "8a>16c>8a"). */
  label?: string;
}

export interface NebEndpoints {
  initial: Structure;
  final: Structure;
  /** Index of the moving ion in both endpoints. */
  movingIndex: number;
  /** Waypoints of the moving ion in the endpoint cell, fractional, continuous with its initial position. */
  via: Vec3[];
  /** Displacement of the moving ion, Cartesian Å (initial → final, along the hop). */
  hopVector: Vec3;
  /** The supercell, when one was searched. */
  supercell?: SupercellChoice;
  /** Sites removed (vacancy mechanism), fractional in the endpoint cell. */
  vacancies: Vec3[];
  /** Largest displacement among the other atoms (matched endpoints), Å. */
  otherMaxDisplacement?: number;
  warnings: Warning[];
}

export interface HopEndpointOptions {
  /** Å, default 9. */
  minImageDistance?: number;
  /** Default 400. */
  maxAtoms?: number;
  /** Distance within which an atom is "at" a hop position, Å (default 0.5). */
  siteTolerance?: number;
  /** Skip the supercell search and use the structure's cell as it is. */
  noSupercell?: boolean;
  /** Name of the structure file (messages). */
  file?: string;
}

/** Index of the closest site of element `el` to `frac` within `tol` Å, or −1. */
function siteAt(s: Structure, frac: Vec3, el: string | null, tol: number): { index: number; distance: number } {
  let best = -1;
  let bd = Infinity;
  for (let i = 0; i < s.nsites; i++) {
    if (el !== null && s.majorityElement(i) !== el) continue;
    const d = s.lattice.minimumImageDistance(frac, s.sites[i].frac);
    if (d < bd) {
      bd = d;
      best = i;
    }
  }
  return bd <= tol ? { index: best, distance: bd } : { index: -1, distance: bd };
}

const fmt = (f: readonly number[]) => `(${f.map((x) => x.toFixed(4)).join(', ')})`;

/** Site order of POSCAR blocks: stable sort by electronegativity order of the elements. */
function blockOrder(s: Structure): number[] {
  const rank = new Map(s.elements().map((e, k) => [e, k]));
  return s.sites.map((_, i) => i).sort((a, b) => rank.get(s.majorityElement(a))! - rank.get(s.majorityElement(b))! || a - b);
}

function checkOrdered(s: Structure, file?: string): void {
  if (!s.isOrdered) {
    const k = s.sites.findIndex((x) => x.species.length !== 1 || Math.abs(x.species[0].occupancy - 1) > 1e-9);
    throw new InputError(`site ${k + 1} (${s.sites[k].label}) is partially occupied: an NEB needs an ordered structure`, {
      file,
      hint: 'make ordered supercells first (ionpath order FILE --supercell …)',
    });
  }
}

/** Check a structure has no colliding atoms; InputError naming the pair otherwise. */
export function assertNoCollisions(s: Structure, what: string, file?: string): void {
  const { collisions } = closestPairs(s, COLLISION_FACTOR);
  if (collisions.length) {
    const c = collisions[0];
    throw new InputError(
      `${what}: atoms ${c.i + 1} (${c.elements[0]} at ${fmt(s.sites[c.i].frac)}) and ${c.j + 1} (${c.elements[1]} at ${fmt(s.sites[c.j].frac)}) are ${c.distance.toFixed(3)} Å apart — too close (below ${COLLISION_FACTOR} × the sum of covalent radii)`,
      { file, hint: 'check the hop positions / the structure' },
    );
  }
}

/**
 * Displacement a → b (Cartesian Å) taken as written: `b` names the periodic image the ion
 * reaches (as `ionpath paths` gives `toFrac`), so a hop to the same site one cell over
 * ((0,0,0) → (1,0,0)) is a real hop. When another periodic image of `b` (other than `a`
 * itself) is closer to `a`, the coordinates were most likely wrapped by mistake: that is an
 * InputError naming the image to write instead.
 */
export function segmentVector(lat: Lattice, a: Vec3, b: Vec3): Vec3 {
  const d: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const v = lat.toCartesian(d);
  const len = Math.hypot(...v);
  const r = [Math.round(d[0]), Math.round(d[1]), Math.round(d[2])];
  let best: { len: number; frac: Vec3 } | null = null;
  for (let i = -2; i <= 2; i++) for (let j = -2; j <= 2; j++) for (let k = -2; k <= 2; k++) {
    const L: Vec3 = [i - r[0], j - r[1], k - r[2]];
    const w = Math.hypot(...lat.toCartesian([d[0] + L[0], d[1] + L[1], d[2] + L[2]]));
    if (w > 0.1 && w < len - 0.01 && (!best || w < best.len)) best = { len: w, frac: [b[0] + L[0], b[1] + L[1], b[2] + L[2]] };
  }
  if (best) {
    throw new InputError(`hop segment ${fmt(a)} → ${fmt(b)} is ${len.toFixed(3)} Å long, but the periodic image ${fmt(best.frac)} of its end is only ${best.len.toFixed(3)} Å away`, {
      hint: `positions are taken as written (the image the ion reaches); write ${fmt(best.frac)} for the short hop`,
    });
  }
  return v;
}

/** Endpoints of a hop in the smallest suitable supercell. */
export function endpointsFromHop(structure: Structure, hop: Hop, o: HopEndpointOptions = {}): NebEndpoints {
  const file = o.file;
  const warnings: Warning[] = [];
  const tol = o.siteTolerance ?? 0.5;
  checkOrdered(structure, file);
  if (!elementOrNull(hop.ion)) throw new InputError(`--ion "${hop.ion}" is not an element symbol`);
  for (const [k, p] of [['from', hop.from], ['to', hop.to], ...(hop.via ?? []).map((v, i) => [`via ${i + 1}`, v] as const)] as const) {
    if (p.length !== 3 || !p.every(Number.isFinite)) throw new InputError(`hop ${k} needs three fractional coordinates`);
  }
  const lat = structure.lattice;
  // path in Cartesian, each segment as written
  const stops: Vec3[] = [hop.from, ...(hop.via ?? []), hop.to];
  const pathCart: Vec3[] = [lat.toCartesian(hop.from)];
  for (let k = 1; k < stops.length; k++) pathCart.push(add(pathCart[k - 1], segmentVector(lat, stops[k - 1], stops[k])));
  const hopVector = sub(pathCart[pathCart.length - 1], pathCart[0]);
  if (Math.hypot(...hopVector) < 0.1) throw new InputError(`hop from ${fmt(hop.from)} to ${fmt(hop.to)} does not move the ion (the two positions are the same site)`);

  // what sits at the hop positions in the input cell
  const atFrom = siteAt(structure, hop.from, null, tol);
  const atTo = siteAt(structure, hop.to, null, tol);
  const vacancies: Vec3[] = [];
  if (hop.mechanism === 'vacancy') {
    if (atFrom.index < 0 || structure.majorityElement(atFrom.index) !== hop.ion) {
      throw new InputError(`vacancy hop: no ${hop.ion} at the start ${fmt(hop.from)} (closest atom ${atFrom.distance.toFixed(2)} Å away)`, {
        file,
        hint: 'the vacancy mechanism moves an existing ion; use --mechanism interstitial to insert one',
      });
    }
    if (atTo.index >= 0 && structure.majorityElement(atTo.index) !== hop.ion) {
      throw new InputError(`vacancy hop: the destination ${fmt(hop.to)} holds ${structure.majorityElement(atTo.index)}, not ${hop.ion}`, { file });
    }
    if (atTo.index < 0) warnings.push({ message: `destination ${fmt(hop.to)} is empty: the ion moves into an empty site, no vacancy is made` });
  } else {
    for (const [k, a] of [['start', atFrom], ['destination', atTo]] as const) {
      if (a.index >= 0) {
        throw new InputError(`interstitial hop: the ${k} ${fmt(k === 'start' ? hop.from : hop.to)} is occupied by ${structure.majorityElement(a.index)} (${a.distance.toFixed(2)} Å)`, {
          file,
          hint: 'an interstitial hop goes between empty sites; use --mechanism vacancy to move an existing ion',
        });
      }
    }
  }

  // supercell
  let cell: Structure;
  let supercell: SupercellChoice | undefined;
  // the vacancy sits at the destination (initial) or at the start (final; also when the
  // ion hops into an empty site it leaves one behind): the ion keeps away from their images
  const defectsCart = hop.mechanism === 'vacancy' ? [pathCart[0], pathCart[pathCart.length - 1]] : [];
  const atomDelta = hop.mechanism === 'vacancy' ? (atTo.index >= 0 ? -1 : 0) : 1;
  if (o.noSupercell) {
    cell = structure;
  } else {
    const prim = primitiveByTranslations(structure).structure;
    supercell = findSupercell(prim, lat, { minImageDistance: o.minImageDistance, maxAtoms: o.maxAtoms, pathCart, defectsCart, atomDelta });
    cell = prim.supercell(supercell.matrixPrimitive);
  }
  const slat = cell.lattice;
  const p0 = wrapVec(slat.toFractional(pathCart[0]));
  const toFracCont = (c: Vec3): Vec3 => add(p0, slat.toFractional(sub(c, pathCart[0])));
  const pathFrac = pathCart.map(toFracCont);

  let base: SiteInput[] = cell.sites.map((s) => ({ ...s }));
  let moving: SiteInput;
  if (hop.mechanism === 'vacancy') {
    const a = siteAt(cell, p0, hop.ion, tol);
    if (a.index < 0) throw new Error('internal: the moving ion is lost in the supercell');
    moving = { ...cell.sites[a.index], frac: cell.sites[a.index].frac };
    const drop = new Set([a.index]);
    if (atTo.index >= 0) {
      const b = siteAt(cell, wrapVec(pathFrac[pathFrac.length - 1]), hop.ion, tol);
      if (b.index < 0 || b.index === a.index) throw new Error('internal: the destination ion is lost in the supercell');
      drop.add(b.index);
      vacancies.push(cell.sites[b.index].frac);
    }
    base = base.filter((_, i) => !drop.has(i));
  } else {
    moving = { frac: p0, species: hop.ion, label: `${hop.ion}_i` };
  }
  // the moving ion goes first among its element: put it at the front, then sort into blocks
  const startFrac = moving.frac as Vec3;
  const shift = sub(startFrac, p0); // exact site position vs. the hop's nominal start
  const finalFrac = wrapVec(add(pathFrac[pathFrac.length - 1], shift));
  const sitesInitial: SiteInput[] = [{ ...moving, frac: startFrac }, ...base];
  const sitesFinal: SiteInput[] = [{ ...moving, frac: finalFrac }, ...base];
  const title = `${structure.title || structure.reducedFormula} ${hop.ion} ${hop.mechanism} hop ${hop.label ?? ''}`.trim();
  const ini0 = new Structure(slat, sitesInitial, `${title} (initial)`);
  const order = blockOrder(ini0);
  const initial = new Structure(slat, order.map((i) => sitesInitial[i]), `${title} (initial)`);
  const final = new Structure(slat, order.map((i) => sitesFinal[i]), `${title} (final)`);
  const movingIndex = order.indexOf(0);
  assertNoCollisions(initial, 'initial endpoint', file);
  assertNoCollisions(final, 'final endpoint', file);
  const via = pathFrac.slice(1, -1).map((f) => add(f, shift));
  return { initial, final, movingIndex, via, hopVector, supercell, vacancies, warnings };
}

// ---------------------------------------------------------------------------------------
// Matching two given endpoints
// ---------------------------------------------------------------------------------------

export interface MatchOptions {
  /** Largest displacement allowed for atoms other than the moving one, Å (default 1.0). */
  tolerance?: number;
  fileA?: string;
  fileB?: string;
}

/** Minimum-cost assignment (Hungarian algorithm, O(n³)); cost[i][j] ≥ 0, square. Returns col of each row. */
export function assignment(cost: readonly Float64Array[]): number[] {
  const n = cost.length;
  const INF = Infinity;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1);
  const way = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(n + 1).fill(INF);
    const used = new Uint8Array(n + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = INF;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  const out = new Array<number>(n);
  for (let j = 1; j <= n; j++) out[p[j] - 1] = j - 1;
  return out;
}

/**
 * Endpoints from two structures: same cell, same atoms; the atoms of `b` are matched to
 * those of `a` per element by the assignment that minimises the sum of squared
 * minimum-image distances. The moving atom is the one displaced most; every other atom
 * must stay within `tolerance` Å. InputError when they cannot be matched.
 */
export function matchEndpoints(a: Structure, b: Structure, o: MatchOptions = {}): NebEndpoints {
  const tol = o.tolerance ?? 1.0;
  const where = `${o.fileA ?? 'initial'} / ${o.fileB ?? 'final'}`;
  checkOrdered(a, o.fileA);
  checkOrdered(b, o.fileB);
  const la = a.lattice;
  const lb = b.lattice;
  const dl = Math.max(...la.matrix.flatMap((r, i) => r.map((x, j) => Math.abs(x - lb.matrix[i][j]))));
  if (dl > 1e-3 * Math.max(...la.lengths)) {
    const p = (l: Lattice) => l.lengths.map((x) => x.toFixed(4)).join(' ') + ' / ' + l.angles.map((x) => x.toFixed(2)).join(' ');
    throw new InputError(`cannot match endpoints: the cells differ (${p(la)} vs ${p(lb)}); an NEB runs in one fixed cell`, {
      file: o.fileB,
      hint: 'relax both endpoints with ISIF = 2 in the same supercell',
    });
  }
  const ca = a.composition();
  const cb = b.composition();
  const els = [...new Set([...ca.keys(), ...cb.keys()])];
  const diff = els.filter((e) => Math.round(ca.get(e) ?? 0) !== Math.round(cb.get(e) ?? 0));
  if (diff.length) {
    throw new InputError(
      `cannot match endpoints: different atoms (${diff.map((e) => `${e} ${ca.get(e) ?? 0} vs ${cb.get(e) ?? 0}`).join(', ')}); an NEB moves atoms, it cannot add or remove them`,
      { file: o.fileB },
    );
  }
  // per element assignment
  const mapAB = new Array<number>(a.nsites).fill(-1);
  const disp = new Float64Array(a.nsites);
  for (const e of els) {
    const ia = a.sites.map((_, i) => i).filter((i) => a.majorityElement(i) === e);
    const ib = b.sites.map((_, i) => i).filter((i) => b.majorityElement(i) === e);
    const cost = ia.map((i) => Float64Array.from(ib.map((j) => la.minimumImageDistance(a.sites[i].frac, b.sites[j].frac) ** 2)));
    const as = assignment(cost);
    ia.forEach((i, k) => {
      mapAB[i] = ib[as[k]];
      disp[i] = Math.sqrt(cost[k][as[k]]);
    });
  }
  const order = [...disp.keys()].sort((x, y) => disp[y] - disp[x] || x - y);
  const moving = order[0];
  const movers = order.filter((i) => disp[i] > tol);
  if (disp[moving] < 0.1) {
    throw new InputError(`cannot make an NEB: the endpoints are the same structure (largest displacement ${disp[moving].toFixed(3)} Å)`, { file: o.fileB });
  }
  if (movers.length > 1) {
    const list = movers
      .slice(0, 4)
      .map((i) => `${a.majorityElement(i)} ${i + 1} ${fmt(a.sites[i].frac)} moves ${disp[i].toFixed(2)} Å`)
      .join('; ');
    throw new InputError(`cannot match endpoints ${where}: ${movers.length} atoms move more than ${tol} Å (${list}${movers.length > 4 ? '; …' : ''})`, {
      file: o.fileB,
      hint: 'are both files the same supercell with the same origin? Only one ion may hop; raise --match-tolerance if the relaxation moved neighbours that far',
    });
  }
  const otherMax = order.length > 1 ? disp[order[1]] : 0;
  const finalSites: SiteInput[] = a.sites.map((s, i) => ({ ...s, frac: b.sites[mapAB[i]].frac }));
  // POSCAR block order, same permutation for both
  const order2 = blockOrder(a);
  const initial = new Structure(la, order2.map((i) => a.sites[i] as SiteInput), a.title || 'initial');
  const final = new Structure(la, order2.map((i) => finalSites[i]), b.title || 'final');
  const movingIndex = order2.indexOf(moving);
  assertNoCollisions(initial, 'initial endpoint', o.fileA);
  assertNoCollisions(final, 'final endpoint', o.fileB);
  const hopVector = la.minimumImageVector(initial.sites[movingIndex].frac, final.sites[movingIndex].frac);
  const warnings: Warning[] = [];
  if (otherMax > 0.5) warnings.push({ message: `besides the moving ion, atoms move up to ${otherMax.toFixed(2)} Å between the endpoints` });
  return { initial, final, movingIndex, via: [], hopVector, vacancies: [], otherMaxDisplacement: otherMax, warnings };
}
