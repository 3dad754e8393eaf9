/**
 * NEB image sets: linear (minimum image) and IDPP interpolation, and the per-image
 * closest-distance report.
 *
 * Linear: every atom moves along its minimum-image displacement from the initial to the
 * final endpoint, r_k = r_0 + k/(N−1) · mic(r_N − r_0) (ASE's interpolate(mic=True));
 * optional waypoints bend the moving atom's path into a polyline, walked at constant speed.
 *
 * IDPP (Smidstrup, Pedersen, Stokbro, Jónsson, J. Chem. Phys. 140, 214106 (2014)): image k
 * gets the pair potential S_k = ½ Σ_{i≠j} (d_ij − t_ij^k)² / d_ij⁴ with target distances
 * t^k = d^0 + k/(N−1)·(d^N − d^0) interpolated between the endpoints (all distances minimum
 * image). The band is relaxed as a nudged elastic band on S (ASE's default 'aseneb'
 * tangent: the spring towards the highest image, both at the highest; spring k = 0.1;
 * perpendicular IDPP force plus tangential spring force), the same objective as ASE's
 * idpp_interpolate, with FIRE (ASE's parameters) to a tight fmax (default 0.005) instead of
 * ASE's default 0.1 — so the result is the converged path, not a partly relaxed one.
 * Minimum-image distances make S kinked where a pair crosses half a cell (its two images
 * equally far); near such kinks no optimiser gets below fmax ~ 5e-3 (ASE's neither). The
 * run therefore also stops when the largest force has not improved for `patience` steps,
 * and says so (converged = false, the fmax reached); those images are as good as ASE's.
 * Positions are kept continuous (not wrapped) along the band.
 */
import type { Lattice } from '../core/lattice.js';
import { Structure } from '../core/structure.js';
import type { Vec3 } from '../core/vec3.js';
import { element } from '../core/elements.js';
import { NeighborGrid } from '../geometry/neighbors.js';

// ---------------------------------------------------------------------------------------
// Minimum image on flat arrays
// ---------------------------------------------------------------------------------------

/** Precomputed lattice data for fast minimum-image vectors. */
export class MicHelper {
  readonly m: Float64Array;
  readonly inv: Float64Array;
  /** Squared half of the shortest lattice vector (Å²): a rounded vector this short is the minimum image. */
  readonly safe2: number;
  /** The 27 neighbour translations (Cartesian). */
  private readonly shifts: Float64Array;

  constructor(lattice: Lattice) {
    const M = lattice.matrix;
    const I = lattice.inverse;
    this.m = Float64Array.from([M[0][0], M[0][1], M[0][2], M[1][0], M[1][1], M[1][2], M[2][0], M[2][1], M[2][2]]);
    this.inv = Float64Array.from([I[0][0], I[0][1], I[0][2], I[1][0], I[1][1], I[1][2], I[2][0], I[2][1], I[2][2]]);
    let shortest = Infinity;
    const sh: number[] = [];
    for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) for (let c = -1; c <= 1; c++) {
      const x = a * M[0][0] + b * M[1][0] + c * M[2][0];
      const y = a * M[0][1] + b * M[1][1] + c * M[2][1];
      const z = a * M[0][2] + b * M[1][2] + c * M[2][2];
      sh.push(x, y, z);
      if (a || b || c) shortest = Math.min(shortest, Math.sqrt(x * x + y * y + z * z));
    }
    // also check ±2 combinations for skewed cells
    for (let a = -2; a <= 2; a++) for (let b = -2; b <= 2; b++) for (let c = -2; c <= 2; c++) {
      if (!(a || b || c)) continue;
      const x = a * M[0][0] + b * M[1][0] + c * M[2][0];
      const y = a * M[0][1] + b * M[1][1] + c * M[2][1];
      const z = a * M[0][2] + b * M[1][2] + c * M[2][2];
      shortest = Math.min(shortest, Math.sqrt(x * x + y * y + z * z));
    }
    this.safe2 = (shortest / 2) ** 2 * (1 - 1e-12);
    this.shifts = Float64Array.from(sh);
  }

  /** Minimum-image Cartesian vector for Cartesian difference (dx, dy, dz), written to out[o..o+2]. */
  mic(dx: number, dy: number, dz: number, out: Float64Array, o: number): void {
    const inv = this.inv;
    const m = this.m;
    let fa = dx * inv[0] + dy * inv[3] + dz * inv[6];
    let fb = dx * inv[1] + dy * inv[4] + dz * inv[7];
    let fc = dx * inv[2] + dy * inv[5] + dz * inv[8];
    fa -= Math.round(fa);
    fb -= Math.round(fb);
    fc -= Math.round(fc);
    let x = fa * m[0] + fb * m[3] + fc * m[6];
    let y = fa * m[1] + fb * m[4] + fc * m[7];
    let z = fa * m[2] + fb * m[5] + fc * m[8];
    let d2 = x * x + y * y + z * z;
    if (d2 > this.safe2) {
      const s = this.shifts;
      let bx = x;
      let by = y;
      let bz = z;
      for (let k = 0; k < 81; k += 3) {
        const X = x + s[k];
        const Y = y + s[k + 1];
        const Z = z + s[k + 2];
        const q = X * X + Y * Y + Z * Z;
        if (q < d2 - 1e-12) {
          d2 = q;
          bx = X;
          by = Y;
          bz = Z;
        }
      }
      x = bx;
      y = by;
      z = bz;
    }
    out[o] = x;
    out[o + 1] = y;
    out[o + 2] = z;
  }
}

// ---------------------------------------------------------------------------------------
// Band construction
// ---------------------------------------------------------------------------------------

export interface BandOptions {
  /** Index of the moving atom (needed for waypoints). */
  movingIndex?: number;
  /** Waypoints of the moving atom between the endpoints, fractional, continuous with the initial position. */
  via?: readonly Vec3[];
  /** Displacement of the moving atom, Cartesian Å (instead of its minimum image: a hop may be long). */
  hopVector?: Vec3;
}

function assertSameSites(a: Structure, b: Structure): void {
  if (a.nsites !== b.nsites) throw new Error(`internal: endpoints have ${a.nsites} and ${b.nsites} sites`);
  for (let i = 0; i < a.nsites; i++) {
    if (a.majorityElement(i) !== b.majorityElement(i)) throw new Error(`internal: endpoint site ${i} is ${a.majorityElement(i)} / ${b.majorityElement(i)}`);
  }
  if (!a.lattice.equals(b.lattice, 1e-6)) throw new Error('internal: endpoints have different lattices');
}

/**
 * Cartesian positions of the linear band, one Float64Array per image (N = nImages + 2),
 * continuous from the initial endpoint.
 */
export function linearBandCart(initial: Structure, final: Structure, nImages: number, opts: BandOptions = {}): Float64Array[] {
  assertSameSites(initial, final);
  if (!Number.isInteger(nImages) || nImages < 1) throw new Error(`internal: need ≥ 1 intermediate image, got ${nImages}`);
  const n = initial.nsites;
  const N = nImages + 2;
  const mic = new MicHelper(initial.lattice);
  const p0 = initial.cartArray();
  const pN = final.cartArray();
  const d = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) mic.mic(pN[3 * i] - p0[3 * i], pN[3 * i + 1] - p0[3 * i + 1], pN[3 * i + 2] - p0[3 * i + 2], d, 3 * i);
  if (opts.hopVector) {
    const mi = opts.movingIndex;
    if (mi === undefined) throw new Error('internal: a hop vector needs the moving atom index');
    d[3 * mi] = opts.hopVector[0];
    d[3 * mi + 1] = opts.hopVector[1];
    d[3 * mi + 2] = opts.hopVector[2];
  }
  const band: Float64Array[] = [];
  for (let k = 0; k < N; k++) {
    const t = k / (N - 1);
    const p = new Float64Array(3 * n);
    for (let j = 0; j < 3 * n; j++) p[j] = p0[j] + t * d[j];
    band.push(p);
  }
  if (opts.via && opts.via.length > 0) {
    const mi = opts.movingIndex;
    if (mi === undefined) throw new Error('internal: waypoints need the moving atom index');
    const lat = initial.lattice;
    const start: Vec3 = [p0[3 * mi], p0[3 * mi + 1], p0[3 * mi + 2]];
    const pts: Vec3[] = [start, ...opts.via.map((f) => lat.toCartesian(f)), [start[0] + d[3 * mi], start[1] + d[3 * mi + 1], start[2] + d[3 * mi + 2]]];
    const seg = pts.slice(1).map((q, s) => Math.hypot(q[0] - pts[s][0], q[1] - pts[s][1], q[2] - pts[s][2]));
    const total = seg.reduce((x, y) => x + y, 0);
    for (let k = 1; k < N - 1; k++) {
      let target = (k / (N - 1)) * total;
      let s = 0;
      while (s < seg.length - 1 && target > seg[s]) {
        target -= seg[s];
        s++;
      }
      const u = seg[s] > 0 ? target / seg[s] : 0;
      for (let c = 0; c < 3; c++) band[k][3 * mi + c] = pts[s][c] + u * (pts[s + 1][c] - pts[s][c]);
    }
  }
  return band;
}

/** Structures of a band (fractional positions, unwrapped, continuous). */
export function bandStructures(template: Structure, band: readonly Float64Array[]): Structure[] {
  const lat = template.lattice;
  return band.map((p, k) =>
    template.withSites(
      template.sites.map((s, i) => ({ ...s, frac: lat.toFractional([p[3 * i], p[3 * i + 1], p[3 * i + 2]]) })),
      `${template.title ? template.title + ' ' : ''}image ${String(k).padStart(2, '0')}`,
    ),
  );
}

/** Linear interpolation as structures (endpoints included). */
export function linearImages(initial: Structure, final: Structure, nImages: number, opts: BandOptions = {}): Structure[] {
  const band = linearBandCart(initial, final, nImages, opts);
  const out = bandStructures(initial, band);
  out[out.length - 1] = final;
  out[0] = initial;
  return out;
}

// ---------------------------------------------------------------------------------------
// IDPP
// ---------------------------------------------------------------------------------------

export interface IdppOptions extends BandOptions {
  /** Convergence: largest NEB force on any atom of any image (ASE's fmax), default 0.005. */
  fmax?: number;
  /** Largest number of optimiser steps, default 5000. */
  maxSteps?: number;
  /** Spring constant (ASE default 0.1). Only the tangential balance depends on it. */
  k?: number;
  /** Optimiser: 'fire' (default) or 'mdmin' (ASE's idpp_interpolate default, dt = 0.2). */
  optimizer?: 'fire' | 'mdmin';
  /** Stop when fmax has not dropped below 0.9 × its best for this many steps (default 400). */
  patience?: number;
}

export interface IdppResult {
  band: Float64Array[];
  converged: boolean;
  steps: number;
  /** Final largest atomic NEB force. */
  fmax: number;
  /** Stopped because fmax stagnated (kinked objective), not because of maxSteps. */
  stagnated: boolean;
}

/** Minimum-image distance matrix (upper triangle, row-major i<j) of flat Cartesian positions. */
function pairDistances(p: Float64Array, n: number, mic: MicHelper): Float64Array {
  const out = new Float64Array((n * (n - 1)) / 2);
  const v = new Float64Array(3);
  let q = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      mic.mic(p[3 * j] - p[3 * i], p[3 * j + 1] - p[3 * i + 1], p[3 * j + 2] - p[3 * i + 2], v, 0);
      out[q++] = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    }
  }
  return out;
}

/** IDPP energy of one image and its forces (written to f, length 3n). */
function idppEnergyForces(p: Float64Array, target: Float64Array, n: number, mic: MicHelper, f: Float64Array): number {
  f.fill(0);
  let e = 0;
  let q = 0;
  const v = new Float64Array(3);
  for (let i = 0; i < n; i++) {
    const xi = p[3 * i];
    const yi = p[3 * i + 1];
    const zi = p[3 * i + 2];
    let fxi = 0;
    let fyi = 0;
    let fzi = 0;
    for (let j = i + 1; j < n; j++) {
      mic.mic(p[3 * j] - xi, p[3 * j + 1] - yi, p[3 * j + 2] - zi, v, 0);
      const d2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
      const d = Math.sqrt(d2);
      const dd = d - target[q++];
      const d4 = d2 * d2;
      e += (dd * dd) / d4;
      // dE/dd = 2 dd/d⁴ (1 − 2 dd/d); force on j = −dE/dd · v/d, on i the opposite
      const c = (2 * dd * (1 - (2 * dd) / d)) / (d4 * d);
      const gx = c * v[0];
      const gy = c * v[1];
      const gz = c * v[2];
      f[3 * j] -= gx;
      f[3 * j + 1] -= gy;
      f[3 * j + 2] -= gz;
      fxi += gx;
      fyi += gy;
      fzi += gz;
    }
    f[3 * i] += fxi;
    f[3 * i + 1] += fyi;
    f[3 * i + 2] += fzi;
  }
  return e;
}

/**
 * NEB forces on the interior images (ASE 'aseneb'), flattened [image1 atoms…, image2 …].
 * Returns the largest atomic force norm.
 */
function nebForces(band: Float64Array[], targets: Float64Array[], n: number, mic: MicHelper, k: number, out: Float64Array): number {
  const N = band.length;
  const energies = new Float64Array(N);
  const forces: Float64Array[] = [];
  for (let i = 1; i < N - 1; i++) {
    const f = new Float64Array(3 * n);
    energies[i] = idppEnergyForces(band[i], targets[i], n, mic, f);
    forces.push(f);
  }
  let imax = 1;
  for (let i = 2; i < N - 1; i++) if (energies[i] >= energies[imax]) imax = i;
  // spring vectors t_s = mic(band[s+1] − band[s]), s = 0 … N−2
  const springs: Float64Array[] = [];
  for (let s = 0; s < N - 1; s++) {
    const t = new Float64Array(3 * n);
    const a = band[s];
    const b = band[s + 1];
    for (let i = 0; i < n; i++) mic.mic(b[3 * i] - a[3 * i], b[3 * i + 1] - a[3 * i + 1], b[3 * i + 2] - a[3 * i + 2], t, 3 * i);
    springs.push(t);
  }
  let fmax2 = 0;
  const tan = new Float64Array(3 * n);
  for (let i = 1; i < N - 1; i++) {
    const t1 = springs[i - 1];
    const t2 = springs[i];
    if (i < imax) tan.set(t2);
    else if (i > imax) tan.set(t1);
    else for (let j = 0; j < 3 * n; j++) tan[j] = t1[j] + t2[j];
    const f = forces[i - 1];
    let ft = 0;
    let tt = 0;
    let st = 0;
    for (let j = 0; j < 3 * n; j++) {
      ft += f[j] * tan[j];
      tt += tan[j] * tan[j];
      st += (t1[j] - t2[j]) * k * tan[j];
    }
    const coef = (ft + st) / tt;
    const o = (i - 1) * 3 * n;
    for (let a = 0; a < n; a++) {
      let s2 = 0;
      for (let c = 0; c < 3; c++) {
        const j = 3 * a + c;
        const g = f[j] - coef * tan[j];
        out[o + j] = g;
        s2 += g * g;
      }
      if (s2 > fmax2) fmax2 = s2;
    }
  }
  return Math.sqrt(fmax2);
}

/**
 * Relax a band (Cartesian, endpoints fixed) on the IDPP objective. The targets come from
 * the endpoints' minimum-image distances.
 */
export function idppRelax(lattice: Lattice, start: readonly Float64Array[], n: number, o: IdppOptions = {}): IdppResult {
  const fmaxTarget = o.fmax ?? 0.005;
  const maxSteps = o.maxSteps ?? 5000;
  const patience = o.patience ?? 400;
  const k = o.k ?? 0.1;
  const mic = new MicHelper(lattice);
  const N = start.length;
  const band = start.map((p) => Float64Array.from(p));
  const d0 = pairDistances(band[0], n, mic);
  const dN = pairDistances(band[N - 1], n, mic);
  const targets = band.map((_, img) => {
    const t = new Float64Array(d0.length);
    for (let q = 0; q < d0.length; q++) t[q] = d0[q] + (img / (N - 1)) * (dN[q] - d0[q]);
    return t;
  });
  const dim = (N - 2) * 3 * n;
  const F = new Float64Array(dim);
  const V = new Float64Array(dim);
  const setPositions = (dx: Float64Array) => {
    for (let i = 1; i < N - 1; i++) {
      const o2 = (i - 1) * 3 * n;
      const p = band[i];
      for (let j = 0; j < 3 * n; j++) p[j] += dx[o2 + j];
    }
  };
  const dx = new Float64Array(dim);
  let fmax = nebForces(band, targets, n, mic, k, F);
  let steps = 0;
  let best = fmax;
  let bestAt = 0;
  let stagnated = false;
  const going = () => {
    if (fmax < 0.9 * best) {
      best = fmax;
      bestAt = steps;
    }
    if (steps - bestAt > patience) stagnated = true;
    return fmax > fmaxTarget && steps < maxSteps && !stagnated;
  };
  if (o.optimizer === 'mdmin') {
    // ASE MDMin, dt = 0.2
    const dt = 0.2;
    let first = true;
    while (going()) {
      if (first) first = false;
      else {
        for (let j = 0; j < dim; j++) V[j] += 0.5 * dt * F[j];
        let vf = 0;
        let ff = 0;
        for (let j = 0; j < dim; j++) {
          vf += V[j] * F[j];
          ff += F[j] * F[j];
        }
        if (vf < 0) V.fill(0);
        else for (let j = 0; j < dim; j++) V[j] = (F[j] * vf) / ff;
      }
      for (let j = 0; j < dim; j++) {
        V[j] += 0.5 * dt * F[j];
        dx[j] = dt * V[j];
      }
      setPositions(dx);
      steps++;
      fmax = nebForces(band, targets, n, mic, k, F);
    }
  } else {
    // FIRE with ASE's parameters
    let dt = 0.1;
    const maxstep = 0.2;
    const dtmax = 1.0;
    const Nmin = 5;
    const finc = 1.1;
    const fdec = 0.5;
    const astart = 0.1;
    const fa = 0.99;
    let a = astart;
    let Nsteps = 0;
    let first = true;
    while (going()) {
      if (first) {
        V.fill(0);
        first = false;
      } else {
        let vf = 0;
        for (let j = 0; j < dim; j++) vf += V[j] * F[j];
        if (vf > 0) {
          let vv = 0;
          let ff = 0;
          for (let j = 0; j < dim; j++) {
            vv += V[j] * V[j];
            ff += F[j] * F[j];
          }
          const s = Math.sqrt(vv / ff);
          for (let j = 0; j < dim; j++) V[j] = (1 - a) * V[j] + a * F[j] * s;
          if (Nsteps > Nmin) {
            dt = Math.min(dt * finc, dtmax);
            a *= fa;
          }
          Nsteps++;
        } else {
          V.fill(0);
          a = astart;
          dt *= fdec;
          Nsteps = 0;
        }
      }
      for (let j = 0; j < dim; j++) {
        V[j] += dt * F[j];
        dx[j] = dt * V[j];
      }
      let norm2 = 0;
      for (let j = 0; j < dim; j++) norm2 += dx[j] * dx[j];
      const nrm = Math.sqrt(norm2);
      if (nrm > maxstep) for (let j = 0; j < dim; j++) dx[j] *= maxstep / nrm;
      setPositions(dx);
      steps++;
      fmax = nebForces(band, targets, n, mic, k, F);
    }
  }
  return { band, converged: fmax <= fmaxTarget, steps, fmax, stagnated: stagnated && fmax > fmaxTarget };
}

/** IDPP images as structures (endpoints included), starting from the linear band. */
export function idppImages(initial: Structure, final: Structure, nImages: number, o: IdppOptions = {}): { images: Structure[]; result: IdppResult } {
  const start = linearBandCart(initial, final, nImages, o);
  const result = idppRelax(initial.lattice, start, initial.nsites, o);
  const images = bandStructures(initial, result.band);
  images[0] = initial;
  images[images.length - 1] = final;
  return { images, result };
}

// ---------------------------------------------------------------------------------------
// Closest distances
// ---------------------------------------------------------------------------------------

/**
 * A pair closer than COLLISION_FACTOR × the sum of covalent radii (Cordero) collides:
 * Li–O 1.16 Å, Mn–O 1.23 Å, V–O 1.31 Å, Li–Li 1.54 Å, K–K 2.44 Å.
 */
export const COLLISION_FACTOR = 0.6;

export interface ClosestPair {
  /** Å */
  distance: number;
  i: number;
  j: number;
  elements: [string, string];
  /** distance / (r_cov,i + r_cov,j) */
  ratio: number;
}

export interface ImageReport {
  index: number;
  closest: ClosestPair;
  /** Pairs below the collision threshold. */
  collisions: ClosestPair[];
  /** Position of the moving atom, fractional (when known). */
  movingFrac?: Vec3;
}

/**
 * The closest pair of a structure and every pair below `factor` × (sum of covalent radii).
 * Uses a cell-list search; distances are minimum image (periodic images of an atom count).
 */
export function closestPairs(s: Structure, factor = COLLISION_FACTOR): { closest: ClosestPair; collisions: ClosestPair[] } {
  const n = s.nsites;
  const els = s.sites.map((_, i) => s.majorityElement(i));
  const rc = els.map((e) => element(e).covalentRadius);
  const rmax = Math.max(...rc);
  const cart = s.cartArray();
  let cutoff = Math.max(2 * rmax * factor, 3);
  for (;;) {
    const grid = new NeighborGrid(s.lattice, cart, cutoff);
    let best: ClosestPair | null = null;
    const collisions: ClosestPair[] = [];
    for (let i = 0; i < n; i++) {
      grid.query([cart[3 * i], cart[3 * i + 1], cart[3 * i + 2]], (j, d) => {
        if (j === i && d < 1e-9) return;
        if (j < i) return;
        const pair: ClosestPair = { distance: d, i, j, elements: [els[i], els[j]], ratio: d / (rc[i] + rc[j]) };
        if (!best || d < best.distance) best = pair;
        if (pair.ratio < factor) collisions.push(pair);
      });
    }
    if (best) {
      collisions.sort((a, b) => a.distance - b.distance);
      return { closest: best, collisions };
    }
    cutoff *= 2;
    if (cutoff > 1e4) throw new Error('internal: no neighbour found');
  }
}

/** Closest-distance report of every image. */
export function imageReports(images: readonly Structure[], movingIndex?: number, factor = COLLISION_FACTOR): ImageReport[] {
  return images.map((s, index) => {
    const { closest, collisions } = closestPairs(s, factor);
    return { index, closest, collisions, ...(movingIndex !== undefined ? { movingFrac: s.sites[movingIndex].frac } : {}) };
  });
}
