/**
 * Migration hops of the mobile ion between its sites, grouped into symmetry-distinct
 * classes, with bottlenecks, bond-valence (BVSE) barrier estimates, the percolation of the
 * hop network, and named paths like "8a>16c>8a".
 *
 * - Hops join every pair of site positions (occupied and interstitial) up to `maxHop` Å.
 *   Elementary hops only: a straight hop that passes within `throughSiteÅ` of a third site
 *   is the sum of two shorter hops (8a→8a through 16c in a spinel) and is dropped.
 * - Classes: the space-group operations map hops onto hops; union–find over those images
 *   gives the classes; multiplicity = undirected hops of the class per cell.
 * - Bottleneck: along the straight hop, the smallest distance from the line to a framework
 *   atom minus that atom's Shannon radius (Å), with the atoms forming that window.
 * - BVSE barrier: the energy profile along the hop with each interior point relaxed in the
 *   plane perpendicular to the hop (at most 0.8 Å off the line) — a cheap nudged path; the
 *   barrier is the profile maximum minus the start site's energy (reverse: minus the end's).
 * - Percolation: hop classes are added in order of increasing peak energy (the highest BVSE
 *   along the hop above the lowest site — what an ion starting in the ground state must
 *   reach) or length; after each, the dimensionality (0–3) of the periodic hop network
 *   (periodic-union-find.ts).
 */
import { shannonRadius, element } from '../core/elements.js';
import { InputError } from '../core/errors.js';
import type { Structure } from '../core/structure.js';
import type { Vec3 } from '../core/vec3.js';
import { NeighborGrid } from '../geometry/neighbors.js';
import { analyzeCell } from '../symmetry/moyo.js';
import { siteTypes } from '../symmetry/analyze.js';
import { bvseEnergy, type BvseModel } from './bvse.js';
import { PeriodicUnionFind } from './periodic-union-find.js';
import type { IonSite, SitesResult } from './sites.js';

export interface PathOptions {
  /** Longest hop (Å), default 4.5. */
  maxHop?: number;
  /** Drop hops passing this close (Å) to a third site; default 0.6. */
  throughSiteÅ?: number;
  /** Points along each hop for the BVSE profile (default 21). */
  samples?: number;
  /** Drop hops whose peak BVSE is more than this above the lowest site (eV); default 5. */
  maxPeakEnergy?: number;
  /** Only hops between these site labels (default: all). */
  siteLabels?: string[];
  symprec?: number;
}

export interface BottleneckAtom {
  element: string;
  siteIndex: number;
  distance: number;
}

export interface HopClass {
  id: string;
  from: string;
  to: string;
  /** Representative end points (fractional; `toFrac` may lie outside [0,1): the image reached). */
  fromFrac: Vec3;
  toFrac: Vec3;
  length: number;
  multiplicity: number;
  bottleneckRadius: number;
  bottleneckAtoms: BottleneckAtom[];
  /** BVSE barrier from the `from` site (eV). */
  barrierEstimate: number;
  /** BVSE barrier from the `to` site (eV). */
  reverseBarrier: number;
  /** Highest BVSE along the hop relative to the lowest site (eV): what percolation needs. */
  peakEnergy: number;
  /** Relative BVSE energies along the hop (eV, relative to the lowest site), `samples` points. */
  profile: number[];
}

export interface PercolationStep {
  threshold: number;
  dimensionality: number;
  hopIds: string[];
}

export interface NamedPath {
  path: string;
  steps: { hop: string; from: string; to: string; length: number; barrierEstimate: number }[];
  /** Highest BVSE energy along the chain minus the first site's energy (eV). */
  barrierEstimate: number;
  length: number;
}

export interface PathsResult {
  /** Hop classes left out because their peak BVSE exceeds `maxPeakEnergy`. */
  droppedAboveCap: number;
  maxPeakEnergy: number;
  hops: HopClass[];
  /** Dimensionality of the hop network vs threshold on the hops' peak BVSE (eV above the lowest site). */
  percolation: PercolationStep[];
  /** Dimensionality vs hop-length threshold (Å). */
  percolationByLength: PercolationStep[];
  /** Internal: every hop (position indices and image), for the viewer and NEB. */
  instances: { classId: string; i: number; j: number; image: [number, number, number] }[];
  positions: { frac: Vec3; site: string }[];
}

export function findHops(structure: Structure, sites: SitesResult, opts: PathOptions = {}): PathsResult {
  const maxHop = opts.maxHop ?? 4.5;
  if (!(maxHop > 0)) throw new InputError(`--max-hop must be a positive number of Å, got ${maxHop}`);
  const through = opts.throughSiteÅ ?? 0.6;
  const samples = Math.max(5, opts.samples ?? 21);
  const lattice = structure.lattice;
  const model = sites.model;
  const chosen = opts.siteLabels ? sites.sites.filter((s) => opts.siteLabels!.includes(s.label)) : sites.sites;
  if (opts.siteLabels) {
    const unknown = opts.siteLabels.filter((l) => !sites.sites.some((s) => s.label === l));
    if (unknown.length) throw new InputError(`no site labelled ${unknown.join(', ')}`, { hint: `sites: ${sites.sites.map((s) => s.label).join(', ')}` });
  }
  const positions: { frac: Vec3; site: IonSite }[] = [];
  for (const s of chosen) for (const p of s.positions) positions.push({ frac: p, site: s });
  const n = positions.length;
  if (n === 0) return { droppedAboveCap: 0, maxPeakEnergy: opts.maxPeakEnergy ?? 5, hops: [], percolation: [], percolationByLength: [], instances: [], positions: [] };
  const cart = new Float64Array(n * 3);
  positions.forEach((p, i) => cart.set(lattice.toCartesian(p.frac), 3 * i));
  const grid = new NeighborGrid(lattice, cart, maxHop);

  // 1. all elementary hops, each undirected hop once
  type RawHop = { i: number; j: number; image: [number, number, number]; length: number; v: Vec3 };
  const raw: RawHop[] = [];
  for (let i = 0; i < n; i++) {
    const ci: Vec3 = [cart[3 * i], cart[3 * i + 1], cart[3 * i + 2]];
    grid.query(ci, (j, d, vx, vy, vz, ia, ib, ic) => {
      if (d < 0.3) return;
      if (j < i || (j === i && (ia < 0 || (ia === 0 && (ib < 0 || (ib === 0 && ic < 0)))))) return;
      raw.push({ i, j, image: [ia, ib, ic], length: d, v: [vx, vy, vz] });
    });
  }
  const elementary = raw.filter((h) => !passesThroughSite(h, cart, grid, through));

  // 2. symmetry classes
  const { types } = siteTypes(structure);
  const ds = analyzeCell({ lattice: lattice.matrix as unknown as number[][], positions: structure.sites.map((s) => s.frac as unknown as number[]), types }, opts.symprec ?? 0.01);
  const key = (i: number, j: number, a: number, b: number, c: number) => `${i}|${j}|${a}|${b}|${c}`;
  const index = new Map<string, number>();
  elementary.forEach((h, k) => {
    index.set(key(h.i, h.j, ...h.image), k);
    index.set(key(h.j, h.i, -h.image[0], -h.image[1], -h.image[2]), k);
  });
  const findPos = (f: Vec3): { idx: number; shift: [number, number, number] } | null => {
    const c = lattice.toCartesian(f);
    let best = -1, bd = 0.1, shift: [number, number, number] = [0, 0, 0];
    grid.query(c, (j, d, _x, _y, _z, ia, ib, ic) => {
      if (d < bd) { bd = d; best = j; shift = [ia, ib, ic]; }
    }, Math.min(0.1, grid.cutoff));
    // neighbour = position j + shift ≈ f  ⇒  f = p_j + shift
    return best < 0 ? null : { idx: best, shift };
  };
  const parent = elementary.map((_, k) => k);
  const root = (k: number): number => (parent[k] === k ? k : (parent[k] = root(parent[k])));
  for (const op of ds.operations) {
    const R = op.rotation, t = op.translation;
    const apply = (f: Vec3): Vec3 => [
      R[0] * f[0] + R[1] * f[1] + R[2] * f[2] + t[0],
      R[3] * f[0] + R[4] * f[1] + R[5] * f[2] + t[1],
      R[6] * f[0] + R[7] * f[1] + R[8] * f[2] + t[2],
    ];
    elementary.forEach((h, k) => {
      const pi = positions[h.i].frac;
      const pj = positions[h.j].frac;
      const a = findPos(apply(pi));
      const b = findPos(apply([pj[0] + h.image[0], pj[1] + h.image[1], pj[2] + h.image[2]]));
      if (!a || !b) return;
      const img: [number, number, number] = [b.shift[0] - a.shift[0], b.shift[1] - a.shift[1], b.shift[2] - a.shift[2]];
      const other = index.get(key(a.idx, b.idx, ...img));
      if (other !== undefined) parent[root(other)] = root(k);
    });
  }
  const classes = new Map<number, number[]>();
  elementary.forEach((_, k) => {
    const r = root(k);
    classes.set(r, [...(classes.get(r) ?? []), k]);
  });

  // 3. per class: representative, bottleneck, BVSE profile
  const eMin = Math.min(...sites.sites.map((s) => s.siteEnergyAbsolute));
  const fw = frameworkRadii(structure, model);
  const fwGrid = new NeighborGrid(lattice, model.cart, 5);
  const hopClasses: (HopClass & { members: number[] })[] = [];
  for (const members of classes.values()) {
    // representative: lowest-energy start, then canonical coordinates
    const rep = [...members].sort((a, b) => cmpHop(elementary[a], elementary[b], positions))[0];
    let h = elementary[rep];
    let from = positions[h.i], to = positions[h.j];
    if (from.site.siteEnergyAbsolute > to.site.siteEnergyAbsolute + 1e-9 || (Math.abs(from.site.siteEnergyAbsolute - to.site.siteEnergyAbsolute) <= 1e-9 && from.site.label > to.site.label)) {
      // orient the hop from the lower-energy site
      h = { i: h.j, j: h.i, image: [-h.image[0], -h.image[1], -h.image[2]], length: h.length, v: [-h.v[0], -h.v[1], -h.v[2]] };
      [from, to] = [to, from];
    }
    const a = lattice.toCartesian(from.frac);
    const b: Vec3 = [a[0] + h.v[0], a[1] + h.v[1], a[2] + h.v[2]];
    const bn = bottleneck(a, b, fwGrid, fw);
    const profile = bvseProfile(model, a, b, samples);
    const eA = bvseEnergy(model, a), eB = bvseEnergy(model, b);
    const peak = Math.max(...profile, eA, eB);
    hopClasses.push({
      id: '',
      from: from.site.label,
      to: to.site.label,
      fromFrac: from.frac,
      toFrac: lattice.toFractional(b),
      length: r4(h.length),
      multiplicity: members.length,
      bottleneckRadius: r4(bn.radius),
      bottleneckAtoms: bn.atoms.map((k) => ({ element: fw.element[k], siteIndex: model.frameworkSites[k], distance: r4(bn.dist.get(k)!) })),
      barrierEstimate: r4(peak - eA),
      reverseBarrier: r4(peak - eB),
      peakEnergy: r4(peak - eMin),
      profile: profile.map((e) => r4(e - eMin)),
      members,
    });
  }
  const cap = opts.maxPeakEnergy ?? 5;
  const droppedHigh = hopClasses.filter((c) => c.peakEnergy > cap).length;
  for (let k = hopClasses.length - 1; k >= 0; k--) if (hopClasses[k].peakEnergy > cap) hopClasses.splice(k, 1);
  hopClasses.sort((p, q) => p.peakEnergy - q.peakEnergy || p.barrierEstimate - q.barrierEstimate || p.length - q.length || p.from.localeCompare(q.from) || p.to.localeCompare(q.to));
  hopClasses.forEach((c, k) => (c.id = `H${k + 1}`));

  const instances = hopClasses.flatMap((c) => c.members.map((m) => ({ classId: c.id, i: elementary[m].i, j: elementary[m].j, image: elementary[m].image })));
  const percolationBy = (value: (c: HopClass) => number): PercolationStep[] => {
    const uf = new PeriodicUnionFind(n);
    const order = [...hopClasses].sort((p, q) => value(p) - value(q));
    const out: PercolationStep[] = [];
    const ids: string[] = [];
    for (const c of order) {
      for (const m of c.members) {
        const e = elementary[m];
        uf.union(e.i, e.j, ...e.image);
      }
      ids.push(c.id);
      out.push({ threshold: value(c), dimensionality: uf.maxDimensionality, hopIds: [...ids] });
    }
    return out;
  };
  return {
    droppedAboveCap: droppedHigh,
    maxPeakEnergy: cap,
    hops: hopClasses.map(({ members: _m, ...c }) => c),
    percolation: percolationBy((c) => c.peakEnergy),
    percolationByLength: percolationBy((c) => c.length),
    instances,
    positions: positions.map((p) => ({ frac: p.frac, site: p.site.label })),
  };
}

/** A chain of hops through named sites, e.g. "8a>16c>8a" or "1a>3c(1)>3c(2)". */
export function namedPath(spec: string, hops: HopClass[], sites: IonSite[]): NamedPath {
  const labels = spec.split('>').map((s) => s.trim()).filter(Boolean);
  if (labels.length < 2) throw new InputError(`path "${spec}" needs at least two sites, e.g. 8a>16c>8a`);
  for (const l of labels) {
    if (!sites.some((s) => s.label === l)) throw new InputError(`path "${spec}": no site labelled ${l}`, { hint: `sites: ${sites.map((s) => s.label).join(', ')}` });
  }
  const eMin = Math.min(...sites.map((s) => s.siteEnergyAbsolute));
  const e0 = sites.find((s) => s.label === labels[0])!.siteEnergyAbsolute - eMin;
  const steps: NamedPath['steps'] = [];
  let peak = -Infinity;
  let length = 0;
  for (let k = 0; k + 1 < labels.length; k++) {
    const [a, b] = [labels[k], labels[k + 1]];
    const cands = hops.filter((h) => (h.from === a && h.to === b) || (h.from === b && h.to === a));
    if (!cands.length) throw new InputError(`path "${spec}": no hop between ${a} and ${b} within the hop length`, { hint: 'raise --max-hop, or check `ionpath paths` for the hops found' });
    const h = [...cands].sort((p, q) => Math.max(...p.profile) - Math.max(...q.profile) || p.length - q.length)[0];
    peak = Math.max(peak, ...h.profile);
    length += h.length;
    const startE = (h.from === a ? h.profile[0] : h.profile[h.profile.length - 1]);
    steps.push({ hop: h.id, from: a, to: b, length: h.length, barrierEstimate: r4(Math.max(...h.profile) - startE) });
  }
  return { path: labels.join('>'), steps, barrierEstimate: r4(peak - e0), length: r4(length) };
}

function r4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function cmpHop(a: { i: number; j: number }, b: { i: number; j: number }, pos: { frac: Vec3 }[]): number {
  const ka = [...pos[a.i].frac, ...pos[a.j].frac].map((x) => Math.round(x * 1e4));
  const kb = [...pos[b.i].frac, ...pos[b.j].frac].map((x) => Math.round(x * 1e4));
  for (let k = 0; k < 6; k++) if (ka[k] !== kb[k]) return ka[k] - kb[k];
  return 0;
}

function passesThroughSite(h: { i: number; j: number; length: number; v: Vec3 }, cart: Float64Array, grid: NeighborGrid, tol: number): boolean {
  const a: Vec3 = [cart[3 * h.i], cart[3 * h.i + 1], cart[3 * h.i + 2]];
  const L = h.length;
  const u = [h.v[0] / L, h.v[1] / L, h.v[2] / L];
  const mid: Vec3 = [a[0] + h.v[0] / 2, a[1] + h.v[1] / 2, a[2] + h.v[2] / 2];
  let hit = false;
  grid.query(mid, (_j, _d, vx, vy, vz) => {
    if (hit) return;
    // vector from mid to the site; its position along the hop and distance from the line
    const s = vx * u[0] + vy * u[1] + vz * u[2];
    if (Math.abs(s) >= L / 2 - 0.3) return; // an end point (or beyond)
    const px = vx - s * u[0], py = vy - s * u[1], pz = vz - s * u[2];
    if (Math.hypot(px, py, pz) < tol) hit = true;
  }, Math.min(grid.cutoff, L / 2 + tol));
  return hit;
}

function frameworkRadii(structure: Structure, model: BvseModel): { element: string[]; radius: Float64Array } {
  const els: string[] = [];
  const radius = new Float64Array(model.frameworkSites.length);
  model.frameworkSites.forEach((si, k) => {
    const sp = structure.sites[si].species.filter((x) => x.element !== model.ion);
    let best = sp[0];
    for (const x of sp) if (x.occupancy > best.occupancy) best = x;
    els.push(best.element);
    const ox = best.oxidationState ?? model.oxidation[best.element] ?? 0;
    radius[k] = shannonRadius(best.element, Math.round(ox), 6) ?? element(best.element).covalentRadius;
  });
  return { element: els, radius };
}

function bottleneck(a: Vec3, b: Vec3, grid: NeighborGrid, fw: { radius: Float64Array }): { radius: number; atoms: number[]; dist: Map<number, number> } {
  const L = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
  const steps = Math.max(10, Math.ceil(L / 0.02));
  let best = Infinity;
  let bestT = 0;
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    const p: Vec3 = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])];
    let m = Infinity;
    grid.query(p, (j, d) => {
      const x = d - fw.radius[j];
      if (x < m) m = x;
    });
    if (m < best) {
      best = m;
      bestT = t;
    }
  }
  const p: Vec3 = [a[0] + bestT * (b[0] - a[0]), a[1] + bestT * (b[1] - a[1]), a[2] + bestT * (b[2] - a[2])];
  const atoms: number[] = [];
  const dist = new Map<number, number>();
  grid.query(p, (j, d) => {
    if (d - fw.radius[j] <= best + 0.2 && !dist.has(j)) {
      atoms.push(j);
      dist.set(j, d);
    }
  });
  atoms.sort((x, y) => dist.get(x)! - dist.get(y)!);
  return { radius: best, atoms, dist };
}

/** BVSE along a→b, interior points relaxed perpendicular to the hop (≤ 0.8 Å off the line). */
function bvseProfile(model: BvseModel, a: Vec3, b: Vec3, samples: number): number[] {
  const d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const L = Math.hypot(d[0], d[1], d[2]);
  const u = d.map((x) => x / L);
  const out: number[] = [];
  let prevOff = [0, 0, 0];
  for (let s = 0; s < samples; s++) {
    const t = s / (samples - 1);
    const base = [a[0] + t * d[0], a[1] + t * d[1], a[2] + t * d[2]];
    if (s === 0 || s === samples - 1) {
      out.push(bvseEnergy(model, base));
      continue;
    }
    // relax in the plane ⟂ u, starting from the previous point's offset
    let off = [...prevOff];
    const E = (o: number[]) => bvseEnergy(model, [base[0] + o[0], base[1] + o[1], base[2] + o[2]]);
    let e = E(off);
    let step = 0.05;
    const h = 1e-4;
    for (let it = 0; it < 60 && step > 1e-4; it++) {
      const g = [0, 1, 2].map((k) => {
        const p = [...off], m = [...off];
        p[k] += h; m[k] -= h;
        return (E(p) - E(m)) / (2 * h);
      });
      const gu = g[0] * u[0] + g[1] * u[1] + g[2] * u[2];
      const gp = [g[0] - gu * u[0], g[1] - gu * u[1], g[2] - gu * u[2]];
      const gn = Math.hypot(gp[0], gp[1], gp[2]);
      if (gn < 1e-6) break;
      const trial = off.map((x, k) => x - (step * gp[k]) / gn);
      if (Math.hypot(trial[0], trial[1], trial[2]) > 0.8) break;
      const et = E(trial);
      if (et < e) {
        off = trial;
        e = et;
        step *= 1.2;
      } else step *= 0.5;
    }
    prevOff = off;
    out.push(e);
  }
  return out;
}
