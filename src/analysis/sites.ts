/**
 * Where the mobile ion can sit: its occupied sites and interstitial candidates, labelled by
 * Wyckoff position.
 *
 * 1. Framework = the structure without the mobile ion (mixed sites keep their other species).
 * 2. Candidates = void centres of the framework (local maxima of the distance to the nearest
 *    atom, from the periodic Delaunay/Voronoi decomposition; geometry/voronoi.ts).
 * 3. Each candidate is relaxed to the nearest minimum of the ion's bond-valence site energy
 *    (BVSE, bvse.ts) by steepest descent with a step cap, so it sits where the ion would.
 * 4. Filters, ion-aware: nearest anion ≥ `minAnionDistance` (default 0.75 × the sum of the
 *    Shannon radii of ion (CN VI) and anion: keeps the face-sharing tetrahedra of layered
 *    oxides, Li–O ≈ 1.7 Å, through which Li hops) and nearest framework cation ≥
 *    `minCationDistance` (default sum of the Shannon radii + 0.4 Å); overridable.
 * 5. Symmetry: candidates are grouped into orbits under the structure's space-group
 *    operations; candidates within 1.2 Å of an occupied site of the ion are that site.
 * 6. Labels: Wyckoff letter and multiplicity (moyo, on framework + all orbits), and orbits
 *    sharing a label are numbered in a deterministic order (by the canonical representative's
 *    fractional coordinates): 3c(1), 3c(2).
 */
import { element, shannonRadius } from '../core/elements.js';
import type { Structure } from '../core/structure.js';
import { type Vec3, wrapVec } from '../core/vec3.js';
import { NeighborGrid } from '../geometry/neighbors.js';
import { voidCentres } from '../geometry/voronoi.js';
import { analyzeCell } from '../symmetry/moyo.js';
import { expandOrbit } from '../symmetry/expand.js';
import { siteTypes } from '../symmetry/analyze.js';
import { type BvseModel, buildBvseModel, bvseEnergy } from './bvse.js';

export interface SiteOptions {
  /** Mobile ion (default Li). */
  ion?: string;
  minAnionDistance?: number;
  minCationDistance?: number;
  /** Relax candidates to BVSE minima (default true). */
  relax?: boolean;
  /** Symmetry tolerance (Å), default 0.01. */
  symprec?: number;
  /** Orbits this close (Å) are one site. Default 0.3 Å. */
  mergeÅ?: number;
  oxidation?: Record<string, number>;
  /** Include interstitial candidates (default true). */
  interstitials?: boolean;
}

export interface IonSite {
  /** Stable id: the label ('8a', '16c', '3c(2)'). */
  id: string;
  label: string;
  kind: 'occupied' | 'interstitial';
  /** Representative position (fractional, in [0,1)). */
  frac: Vec3;
  /** Every position of the orbit in the cell (fractional). */
  positions: Vec3[];
  wyckoff: string;
  multiplicity: number;
  siteSymmetry: string;
  /** BVSE of the ion at the site relative to the lowest site (eV). */
  siteEnergy: number;
  /** Absolute BVSE (eV). */
  siteEnergyAbsolute: number;
  /** Coordination: anions within 1.2 × the nearest anion distance. */
  cn: number;
  nearestAnion: { element: string; distance: number } | null;
  nearestCation: { element: string; distance: number } | null;
  /** Smallest distance to any framework atom (Å). */
  minDistance: number;
  /** Structure site indices (occupied sites only). */
  siteIndices?: number[];
}

export interface SitesResult {
  ion: string;
  spacegroup: { number: number; symbol: string };
  sites: IonSite[];
  /** Thresholds used (Å). */
  thresholds: { minAnionDistance: number; minCationDistance: number };
  /** Number of void centres examined, and how many were kept / rejected by distance. */
  candidates: { voids: number; tooCloseToAnion: number; tooCloseToCation: number };
  oxidation: Record<string, number>;
  model: BvseModel;
}

/** Interstitials closer than this to an occupied site of the ion are dropped (Å). */
const OCCUPIED_EXCLUSION_Å = 1.2;

const ANIONS = new Set(['O', 'S', 'Se', 'Te', 'F', 'Cl', 'Br', 'I', 'N']);

export function findSites(structure: Structure, opts: SiteOptions = {}): SitesResult {
  const ion = opts.ion ?? 'Li';
  element(ion);
  const symprec = opts.symprec ?? 0.01;
  const mergeTol = opts.mergeÅ ?? 0.3;
  const model = buildBvseModel(structure, ion, { oxidation: opts.oxidation });
  const lattice = structure.lattice;

  // Framework atoms: element (majority non-ion species) and charge sign.
  const fwIdx = Array.from(model.frameworkSites);
  const fwEl = fwIdx.map((i) => majorityNonIon(structure, i, ion));
  const fwCart = model.cart;
  const ionR = shannonRadius(ion, model.ionCharge, 6) ?? element(ion).covalentRadius;
  const anionEls = [...new Set(fwEl.filter((e) => (model.oxidation[e] ?? 0) < 0 || ANIONS.has(e)))];
  const cationEls = [...new Set(fwEl.filter((e) => !anionEls.includes(e)))];
  const radius = (e: string) => shannonRadius(e, Math.round(model.oxidation[e] ?? 0), 6) ?? element(e).covalentRadius;
  const minAnion = opts.minAnionDistance ?? 0.75 * (ionR + Math.min(...anionEls.map(radius)));
  const minCation = opts.minCationDistance ?? (cationEls.length ? ionR + Math.min(...cationEls.map(radius)) + 0.4 : 0);

  // Symmetry of the full structure (the ion included).
  const { types } = siteTypes(structure);
  const ds = analyzeCell({ lattice: lattice.matrix as unknown as number[][], positions: structure.sites.map((s) => s.frac as unknown as number[]), types }, symprec);
  const ops = ds.operations;

  const grid = new NeighborGrid(lattice, fwCart, Math.max(model.cutoff, 6));
  const nearest = (c: Vec3) => {
    let an: { element: string; distance: number } | null = null;
    let ca: { element: string; distance: number } | null = null;
    let any = Infinity;
    grid.query(c, (j, d) => {
      if (d < any) any = d;
      const e = fwEl[j];
      if (anionEls.includes(e)) {
        if (!an || d < an.distance) an = { element: e, distance: d };
      } else if (!ca || d < ca.distance) ca = { element: e, distance: d };
    });
    return { an: an as { element: string; distance: number } | null, ca: ca as { element: string; distance: number } | null, any };
  };

  // Occupied sites of the ion, grouped by orbit.
  const occupiedOrbits = new Map<number, number[]>();
  structure.sites.forEach((s, i) => {
    if (majorityElement(structure, i) === ion) {
      const o = ds.orbits[i];
      occupiedOrbits.set(o, [...(occupiedOrbits.get(o) ?? []), i]);
    }
  });
  const occupiedPositions: Vec3[] = [];
  for (const idx of occupiedOrbits.values()) for (const i of idx) occupiedPositions.push(structure.sites[i].frac);

  // Interstitial candidates.
  let tooA = 0, tooC = 0;
  const orbits: { rep: Vec3; positions: Vec3[] }[] = [];
  let nVoids = 0;
  if (opts.interstitials !== false) {
    const voids = voidCentres(lattice, fwCart, { marginÅ: 5 });
    nVoids = voids.length;
    const assigned: Vec3[] = [];
    const near = (p: Vec3, list: Vec3[], tol: number) => list.some((q) => lattice.minimumImageDistance(p, q) < tol);
    for (const v of voids) {
      if (near(v.frac, assigned, mergeTol)) continue;
      // orbit of the raw centre, then relax its representative and re-expand
      let rep = v.frac;
      if (opts.relax !== false) rep = relaxToMinimum(model, rep);
      // the orbit, with images that merge averaged: a point a hair off a special position lands on it
      const positions = expandOrbit(rep, ops, lattice, 0.05);
      rep = canonical(positions);
      for (const p of expandOrbit(v.frac, ops, lattice, 0.05)) assigned.push(p);
      // a candidate this close to an occupied site of the ion is that site, not another one
      if (near(rep, occupiedPositions, Math.max(mergeTol, OCCUPIED_EXCLUSION_Å))) continue;
      if (orbits.some((o) => near(rep, o.positions, mergeTol))) continue;
      const nn = nearest(lattice.toCartesian(rep));
      if (nn.an && nn.an.distance < minAnion) { tooA++; continue; }
      if (nn.ca && nn.ca.distance < minCation) { tooC++; continue; }
      for (const p of positions) assigned.push(p);
      orbits.push({ rep: canonical(positions), positions });
    }
  }

  // Wyckoff letters: analyse framework + ion sites + candidate orbits together.
  const labels = wyckoffOfOrbits(structure, ion, [...[...occupiedOrbits.values()].map((idx) => idx.map((i) => structure.sites[i].frac)), ...orbits.map((o) => o.positions)], symprec);

  const raw: Omit<IonSite, 'id' | 'label' | 'siteEnergy'>[] = [];
  let k = 0;
  for (const idx of occupiedOrbits.values()) {
    const positions = idx.map((i) => structure.sites[i].frac);
    const rep = canonical(positions);
    const c = lattice.toCartesian(rep);
    const nn = nearest(c);
    raw.push({
      kind: 'occupied', frac: rep, positions, ...labels[k++],
      siteEnergyAbsolute: bvseEnergy(model, c), cn: coordination(grid, fwEl, anionEls, c, nn.an?.distance),
      nearestAnion: round(nn.an), nearestCation: round(nn.ca), minDistance: r4(nn.any), siteIndices: idx,
    });
  }
  for (const o of orbits) {
    const c = lattice.toCartesian(o.rep);
    const nn = nearest(c);
    raw.push({
      kind: 'interstitial', frac: o.rep, positions: o.positions, ...labels[k++],
      siteEnergyAbsolute: bvseEnergy(model, c), cn: coordination(grid, fwEl, anionEls, c, nn.an?.distance),
      nearestAnion: round(nn.an), nearestCation: round(nn.ca), minDistance: r4(nn.any),
    });
  }
  // Number orbits sharing a Wyckoff label, in canonical-coordinate order.
  const byLabel = new Map<string, typeof raw>();
  for (const r of raw) {
    const key = `${r.multiplicity}${r.wyckoff}`;
    byLabel.set(key, [...(byLabel.get(key) ?? []), r]);
  }
  const eMin = Math.min(...raw.map((r) => r.siteEnergyAbsolute));
  const sites: IonSite[] = [];
  for (const [key, list] of byLabel) {
    list.sort((a, b) => cmpFrac(a.frac, b.frac));
    list.forEach((r, i) => {
      const label = list.length > 1 ? `${key}(${i + 1})` : key;
      sites.push({ id: label, label, ...r, siteEnergy: r.siteEnergyAbsolute - eMin });
    });
  }
  sites.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'occupied' ? -1 : 1) || a.siteEnergy - b.siteEnergy || a.label.localeCompare(b.label));
  return {
    ion,
    spacegroup: { number: ds.number, symbol: ds.hm_symbol },
    sites,
    thresholds: { minAnionDistance: r4(minAnion), minCationDistance: r4(minCation) },
    candidates: { voids: nVoids, tooCloseToAnion: tooA, tooCloseToCation: tooC },
    oxidation: model.oxidation,
    model,
  };
}

function r4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
function round(x: { element: string; distance: number } | null) {
  return x ? { element: x.element, distance: r4(x.distance) } : null;
}

function majorityElement(s: Structure, i: number): string {
  return s.majorityElement(i);
}

function majorityNonIon(s: Structure, i: number, ion: string): string {
  const sp = s.sites[i].species.filter((x) => x.element !== ion);
  let best = sp[0];
  for (const x of sp) if (x.occupancy > best.occupancy) best = x;
  return best.element;
}

function coordination(grid: NeighborGrid, fwEl: string[], anionEls: string[], c: Vec3, dmin: number | undefined): number {
  if (dmin === undefined) return 0;
  let n = 0;
  grid.query(c, (j, d) => {
    if (anionEls.includes(fwEl[j]) && d <= 1.2 * dmin) n++;
  }, Math.min(grid.cutoff, 1.2 * dmin + 1e-9));
  return n;
}

function cmpFrac(a: Vec3, b: Vec3): number {
  for (let k = 0; k < 3; k++) {
    const d = Math.round(a[k] * 1e4) - Math.round(b[k] * 1e4);
    if (d !== 0) return d;
  }
  return 0;
}

/** The orbit member with the smallest fractional coordinates (rounded to 1e-4), as representative. */
function canonical(positions: Vec3[]): Vec3 {
  const norm = positions.map((p) => p.map((x) => (Math.round(x * 1e4) % 1e4) / 1e4) as unknown as Vec3);
  let best = 0;
  for (let i = 1; i < positions.length; i++) if (cmpFrac(norm[i], norm[best]) < 0) best = i;
  return positions[best];
}

/** Steepest descent on the BVSE with numerical gradients; moves at most 1 Å in total. */
function relaxToMinimum(model: BvseModel, frac: Vec3): Vec3 {
  const lat = model.structure.lattice;
  let x: number[] = [...lat.toCartesian(frac)];
  const x0 = [...x];
  let e = bvseEnergy(model, x);
  let step = 0.05;
  const h = 1e-4;
  for (let it = 0; it < 200 && step > 1e-5; it++) {
    const g = [0, 1, 2].map((k) => {
      const a = [...x], b = [...x];
      a[k] += h; b[k] -= h;
      return (bvseEnergy(model, a) - bvseEnergy(model, b)) / (2 * h);
    });
    const gn = Math.hypot(...g);
    if (gn < 1e-6) break;
    const y = x.map((v, k) => v - (step * g[k]) / gn);
    if (Math.hypot(y[0] - x0[0], y[1] - x0[1], y[2] - x0[2]) > 1.0) break;
    const ey = bvseEnergy(model, y);
    if (ey < e) {
      x = y;
      e = ey;
      step *= 1.2;
    } else step *= 0.5;
  }
  return wrapVec(lat.toFractional(x as unknown as Vec3));
}

/** Wyckoff letter, multiplicity and site symmetry for each orbit (list of fractional positions). */
function wyckoffOfOrbits(structure: Structure, ion: string, orbits: Vec3[][], symprec: number): { wyckoff: string; multiplicity: number; siteSymmetry: string }[] {
  // framework sites (without the ion) + one new type per orbit
  const { types } = siteTypes(structure);
  const positions: number[][] = [];
  const t: number[] = [];
  structure.sites.forEach((s, i) => {
    if (structure.majorityElement(i) === ion) return;
    positions.push([...s.frac]);
    t.push(types[i]);
  });
  const base = Math.max(0, ...types) + 1;
  const start: number[] = [];
  orbits.forEach((o, k) => {
    start.push(positions.length);
    for (const p of o) {
      positions.push([...p]);
      t.push(base + k);
    }
  });
  const ds = analyzeCell({ lattice: structure.lattice.matrix as unknown as number[][], positions, types: t }, symprec);
  const stdVol = Math.abs(det(ds.std_cell.lattice.basis));
  const ratio = stdVol / structure.lattice.volume;
  return orbits.map((o, k) => {
    const i = start[k];
    const orbitId = ds.orbits[i];
    const size = ds.orbits.filter((x) => x === orbitId).length;
    return { wyckoff: ds.wyckoffs[i], multiplicity: Math.round(size * ratio), siteSymmetry: ds.site_symmetry_symbols[i] };
  });
}

function det(b: readonly number[]): number {
  return b[0] * (b[4] * b[8] - b[5] * b[7]) - b[1] * (b[3] * b[8] - b[5] * b[6]) + b[2] * (b[3] * b[7] - b[4] * b[6]);
}
