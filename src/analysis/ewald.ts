/**
 * Ewald summation of the electrostatic energy of point charges in a periodic cell (eV).
 *
 *   E = ½ Σ_i Σ_j q_i q_j Φ_ij,  with the pair potential Φ (in units of e²/4πε₀ = 14.3996 eV·Å)
 *   Φ_ij = Σ_n' erfc(√η |r_ij + n|) / |r_ij + n|                      (real space)
 *        + (4π/V) Σ_{G≠0} exp(−G²/4η) / G² · cos(G·r_ij)                (reciprocal space)
 *        − 2 √(η/π) δ_ij                                                (self)
 *        − π / (V η)                                                    (neutralising background)
 * where r_ij = r_j − r_i, the prime drops n = 0 for i = j, and G runs over 2π × reciprocal
 * lattice vectors. The background term makes the result independent of η for charged cells
 * too (it is the energy of the cell with a uniform compensating charge). Cut-offs follow
 * the GULP/pymatgen recipe: η = π (N w / V²)^{1/3}, r_max = A/√η, G_max = 2√η·A with
 * A = √(ln 10^digits); `digits` = 15 by default (pymatgen uses 12).
 *
 * Hot loops run on Float64Arrays. The pair matrix lets many charge assignments of the
 * same positions (orderings) be ranked at N² cost each.
 */
import { erfc } from '../math/erfc.js';
import type { Lattice } from '../core/lattice.js';

/** e²/(4πε₀) in eV·Å (CODATA 2018, as in pymatgen's EwaldSummation.CONV_FACT). */
export const COULOMB_EV_A = 14.39964547842567;

export interface EwaldOptions {
  /** Splitting parameter η (Å⁻²); default π (N w / V²)^{1/3}. */
  eta?: number;
  /** Significant digits each sum is converged to (default 15). */
  digits?: number;
  /** Real-space cut-off (Å); default from η and digits. */
  realCutoff?: number;
  /** Reciprocal-space cut-off (Å⁻¹, |G| including 2π); default from η and digits. */
  recipCutoff?: number;
  /** Relative cost weight of real vs reciprocal terms in the default η (default 1/√2). */
  w?: number;
}

export interface EwaldParameters {
  eta: number;
  realCutoff: number;
  recipCutoff: number;
}

export interface EwaldEnergy {
  /** Total energy (eV). */
  total: number;
  real: number;
  reciprocal: number;
  self: number;
  /** Neutralising-background term (0 for a neutral cell). */
  charged: number;
  params: EwaldParameters;
}

/** The splitting parameter and cut-offs used for `n` charges in `lattice`. */
export function ewaldParameters(lattice: Lattice, n: number, opts: EwaldOptions = {}): EwaldParameters {
  const V = lattice.volume;
  const w = opts.w ?? Math.SQRT1_2;
  const eta = opts.eta ?? Math.PI * Math.cbrt((Math.max(n, 1) * w) / (V * V));
  if (!(eta > 0)) throw new Error(`Ewald splitting parameter must be positive, got ${eta}`);
  const digits = opts.digits ?? 15;
  const A = Math.sqrt(digits * Math.LN10);
  return {
    eta,
    realCutoff: opts.realCutoff ?? A / Math.sqrt(eta),
    recipCutoff: opts.recipCutoff ?? 2 * Math.sqrt(eta) * A,
  };
}

// erfc: the one implementation in src/math/erfc.ts (Cody 1969), re-exported for callers of this module.
export { erfc };

// ---------------------------------------------------------------------------------------

/** Cartesian positions (Å, Float64Array 3N) from fractional ones. */
export function toCartesianArray(lattice: Lattice, frac: Float64Array): Float64Array {
  const m = lattice.matrix;
  const n = frac.length / 3;
  const out = new Float64Array(frac.length);
  for (let i = 0; i < n; i++) {
    const x = frac[3 * i];
    const y = frac[3 * i + 1];
    const z = frac[3 * i + 2];
    out[3 * i] = x * m[0][0] + y * m[1][0] + z * m[2][0];
    out[3 * i + 1] = x * m[0][1] + y * m[1][1] + z * m[2][1];
    out[3 * i + 2] = x * m[0][2] + y * m[1][2] + z * m[2][2];
  }
  return out;
}

/** Lattice translations (Cartesian, flat) that can bring a pair within `cutoff` Å. */
function realTranslations(lattice: Lattice, cutoff: number): Float64Array {
  const w = lattice.perpendicularWidths;
  // pair vectors inside the cell reach up to one cell width; add one image of margin.
  const nmax = w.map((x) => Math.ceil(cutoff / x) + 1);
  const m = lattice.matrix;
  const out: number[] = [];
  for (let a = -nmax[0]; a <= nmax[0]; a++)
    for (let b = -nmax[1]; b <= nmax[1]; b++)
      for (let c = -nmax[2]; c <= nmax[2]; c++) {
        out.push(a * m[0][0] + b * m[1][0] + c * m[2][0], a * m[0][1] + b * m[1][1] + c * m[2][1], a * m[0][2] + b * m[1][2] + c * m[2][2]);
      }
  return Float64Array.from(out);
}

/** Half of the G vectors (one of each ±G pair) with |G| < cutoff, and their weights exp(−G²/4η)/G². */
function reciprocalVectors(lattice: Lattice, cutoff: number, eta: number): { g: Float64Array; weight: Float64Array } {
  const r = lattice.reciprocal.matrix; // rows a*, b*, c* (no 2π)
  const TWO_PI = 2 * Math.PI;
  const b = r.map((row) => row.map((x) => x * TWO_PI));
  // |h| ≤ cutoff / (2π/ d_h) where the plane spacing along a* is 1/|a*|… bound with the real widths
  const w = lattice.perpendicularWidths;
  const hmax = w.map((x) => Math.ceil((cutoff * x) / TWO_PI));
  const gs: number[] = [];
  const ws: number[] = [];
  const c2 = cutoff * cutoff;
  for (let h = 0; h <= hmax[0]; h++)
    for (let k = -hmax[1]; k <= hmax[1]; k++)
      for (let l = -hmax[2]; l <= hmax[2]; l++) {
        // one of each ±G: h > 0, or h = 0 and k > 0, or h = k = 0 and l > 0
        if (h === 0 && (k < 0 || (k === 0 && l <= 0))) continue;
        const gx = h * b[0][0] + k * b[1][0] + l * b[2][0];
        const gy = h * b[0][1] + k * b[1][1] + l * b[2][1];
        const gz = h * b[0][2] + k * b[1][2] + l * b[2][2];
        const g2 = gx * gx + gy * gy + gz * gz;
        if (g2 >= c2) continue;
        gs.push(gx, gy, gz);
        ws.push(Math.exp(-g2 / (4 * eta)) / g2);
      }
  return { g: Float64Array.from(gs), weight: Float64Array.from(ws) };
}

export interface EwaldMatrix {
  n: number;
  /** Φ_ij in eV per e² (row-major n×n, symmetric): E = ½ qᵀ Φ q. */
  matrix: Float64Array;
  params: EwaldParameters;
}

/**
 * The Ewald pair matrix Φ (eV/e²) of positions `frac` (fractional, Float64Array 3N).
 * E = ½ Σ_ij q_i q_j Φ_ij for any charges q on those positions.
 */
export function ewaldMatrix(lattice: Lattice, frac: Float64Array, opts: EwaldOptions = {}): EwaldMatrix {
  const n = frac.length / 3;
  const params = ewaldParameters(lattice, n, opts);
  const { eta, realCutoff, recipCutoff } = params;
  const sqrtEta = Math.sqrt(eta);
  const V = lattice.volume;
  const cart = toCartesianArray(lattice, wrapFrac(frac));
  const phi = new Float64Array(n * n);

  // Real space: every pair (i ≤ j) and every translation within reach.
  const T = realTranslations(lattice, realCutoff);
  const nt = T.length / 3;
  const rc2 = realCutoff * realCutoff;
  for (let i = 0; i < n; i++) {
    const xi = cart[3 * i];
    const yi = cart[3 * i + 1];
    const zi = cart[3 * i + 2];
    for (let j = i; j < n; j++) {
      const dx = cart[3 * j] - xi;
      const dy = cart[3 * j + 1] - yi;
      const dz = cart[3 * j + 2] - zi;
      let s = 0;
      for (let t = 0; t < nt; t++) {
        const x = dx + T[3 * t];
        const y = dy + T[3 * t + 1];
        const z = dz + T[3 * t + 2];
        const r2 = x * x + y * y + z * z;
        if (r2 >= rc2 || r2 < 1e-20) continue;
        const r = Math.sqrt(r2);
        s += erfc(sqrtEta * r) / r;
      }
      phi[i * n + j] += s;
      if (j !== i) phi[j * n + i] += s;
    }
  }

  // Reciprocal space: cos(G·(r_j − r_i)) = c_i c_j + s_i s_j; factor 2 for the ±G pairs.
  const { g, weight } = reciprocalVectors(lattice, recipCutoff, eta);
  const pref = (8 * Math.PI) / V;
  const c = new Float64Array(n);
  const s = new Float64Array(n);
  for (let k = 0; k < weight.length; k++) {
    const gx = g[3 * k];
    const gy = g[3 * k + 1];
    const gz = g[3 * k + 2];
    for (let i = 0; i < n; i++) {
      const ph = gx * cart[3 * i] + gy * cart[3 * i + 1] + gz * cart[3 * i + 2];
      c[i] = Math.cos(ph);
      s[i] = Math.sin(ph);
    }
    const wk = pref * weight[k];
    for (let i = 0; i < n; i++) {
      const ci = wk * c[i];
      const si = wk * s[i];
      const row = i * n;
      for (let j = i; j < n; j++) phi[row + j] += ci * c[j] + si * s[j];
    }
  }
  // mirror the reciprocal upper triangle
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) phi[j * n + i] = phi[i * n + j];

  const self = -2 * Math.sqrt(eta / Math.PI);
  const background = -Math.PI / (V * eta);
  for (let i = 0; i < n; i++) phi[i * n + i] += self;
  for (let k = 0; k < n * n; k++) phi[k] = (phi[k] + background) * COULOMB_EV_A;
  return { n, matrix: phi, params };
}

/** ½ qᵀ Φ q (eV). */
export function energyFromMatrix(m: EwaldMatrix, charges: ArrayLike<number>): number {
  const { n, matrix } = m;
  if (charges.length !== n) throw new Error(`expected ${n} charges, got ${charges.length}`);
  let e = 0;
  for (let i = 0; i < n; i++) {
    const qi = charges[i];
    if (qi === 0) continue;
    const row = i * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += matrix[row + j] * charges[j];
    e += qi * s;
  }
  return 0.5 * e;
}

/**
 * Ewald energy (eV) of charges `charges` (e) at fractional positions `frac` (3N), split
 * into real, reciprocal, self and background parts. O(N·(images + G vectors)) per part.
 */
export function ewaldEnergy(lattice: Lattice, frac: Float64Array, charges: ArrayLike<number>, opts: EwaldOptions = {}): EwaldEnergy {
  const n = frac.length / 3;
  if (charges.length !== n) throw new Error(`expected ${n} charges, got ${charges.length}`);
  const params = ewaldParameters(lattice, n, opts);
  const { eta, realCutoff, recipCutoff } = params;
  const sqrtEta = Math.sqrt(eta);
  const V = lattice.volume;
  const cart = toCartesianArray(lattice, wrapFrac(frac));
  const q = Float64Array.from(charges);

  let real = 0;
  const T = realTranslations(lattice, realCutoff);
  const nt = T.length / 3;
  const rc2 = realCutoff * realCutoff;
  for (let i = 0; i < n; i++) {
    if (q[i] === 0) continue;
    for (let j = i; j < n; j++) {
      if (q[j] === 0) continue;
      const dx = cart[3 * j] - cart[3 * i];
      const dy = cart[3 * j + 1] - cart[3 * i + 1];
      const dz = cart[3 * j + 2] - cart[3 * i + 2];
      let s = 0;
      for (let t = 0; t < nt; t++) {
        const x = dx + T[3 * t];
        const y = dy + T[3 * t + 1];
        const z = dz + T[3 * t + 2];
        const r2 = x * x + y * y + z * z;
        if (r2 >= rc2 || r2 < 1e-20) continue;
        const r = Math.sqrt(r2);
        s += erfc(sqrtEta * r) / r;
      }
      real += (j === i ? 0.5 : 1) * q[i] * q[j] * s;
    }
  }

  let recip = 0;
  const { g, weight } = reciprocalVectors(lattice, recipCutoff, eta);
  for (let k = 0; k < weight.length; k++) {
    let sc = 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      if (q[i] === 0) continue;
      const ph = g[3 * k] * cart[3 * i] + g[3 * k + 1] * cart[3 * i + 1] + g[3 * k + 2] * cart[3 * i + 2];
      sc += q[i] * Math.cos(ph);
      ss += q[i] * Math.sin(ph);
    }
    recip += weight[k] * (sc * sc + ss * ss);
  }
  recip *= (4 * Math.PI) / V; // (2π/V) Σ_all G = (4π/V) Σ_half G

  let q2 = 0;
  let qsum = 0;
  for (let i = 0; i < n; i++) {
    q2 += q[i] * q[i];
    qsum += q[i];
  }
  const self = -Math.sqrt(eta / Math.PI) * q2;
  const charged = Math.abs(qsum) > 1e-12 ? (-Math.PI * qsum * qsum) / (2 * V * eta) : 0;
  const k = COULOMB_EV_A;
  return {
    total: k * (real + recip + self + charged),
    real: k * real,
    reciprocal: k * recip,
    self: k * self,
    charged: k * charged,
    params,
  };
}

function wrapFrac(frac: Float64Array): Float64Array {
  const out = new Float64Array(frac.length);
  for (let i = 0; i < frac.length; i++) out[i] = frac[i] - Math.floor(frac[i]);
  return out;
}
