/**
 * Bond-valence site energy (BVSE) of a mobile ion in a framework (softBV model; Adams and
 * co-workers, see bvse-params.ts for the citations):
 *
 *   E(r) = Σ_anions X  ½ D0 [ (exp(α (Rmin − R)) − 1)² − 1 ]                    (R ≤ Rcutoff)
 *        + Σ_cations B  14.4 eV·Å · (qA qB / √(nA nB)) / R · erfc(R / (f (rA + rB)))
 *
 * with formal charges q, principal quantum numbers n, covalent radii r (Cordero 2008) and the
 * screening factor f = 0.74. The Morse term is halved, as in BVlain (github.com/dembart/BVlain,
 * potentials.py), whose published percolation energies we compare against: the bond energy is
 * shared between the two ions of a bond. The mobile ion's own sites (where it is the majority
 * species) are not part of the framework; on other mixed sites (Li/Ni exchange on the TM
 * layer) the non-ion species stay, weighted by occupancy.
 * Energies are absolute (eV) — only differences mean anything.
 */
import { element } from '../core/elements.js';
import { InputError } from '../core/errors.js';
import type { Structure } from '../core/structure.js';
import type { Vec3 } from '../core/vec3.js';
import { NeighborGrid } from '../geometry/neighbors.js';
import { erfc } from '../math/erfc.js';
import { oxidationStates } from './oxidation-states.js';
import { MOBILE_IONS, softBvParams } from './bvse-params.js';

export const COULOMB_EV_ANGSTROM = 14.399645;

export interface BvseOptions {
  /** Screening factor f (default 0.74). */
  screening?: number;
  /** Oxidation states overriding the structure's or the guess. */
  oxidation?: Record<string, number>;
  /** Interaction cutoff (Å) for the Coulomb term (default: where erfc < 1e-7, at most 10 Å). */
  coulombCutoffÅ?: number;
}

/** The framework as flat arrays for the hot loops. */
export interface BvseModel {
  ion: string;
  ionCharge: number;
  structure: Structure;
  /** Structure site of each framework entry (one entry per species; a mixed site repeats). */
  frameworkSites: Int32Array;
  /** Framework Cartesian positions (Å). */
  cart: Float64Array;
  /** Morse parameters per framework atom (0 weight for non-anions). */
  morseWeight: Float64Array;
  d0: Float64Array;
  rMin: Float64Array;
  alpha: Float64Array;
  rCut: Float64Array;
  /** Coulomb prefactor 14.4·qA·qB/√(nA nB) per framework atom (0 for non-cations), eV·Å. */
  coulombK: Float64Array;
  /** Screening length f(rA + rB) per framework atom (Å). */
  screenLen: Float64Array;
  /** Largest interaction distance (Å). */
  cutoff: number;
  grid: NeighborGrid;
  /** Oxidation states used, per element. */
  oxidation: Record<string, number>;
}

/** Principal quantum number of an element's valence shell (its period). */
export function principalQuantumNumber(symbol: string): number {
  const Z = element(symbol).Z;
  const ends = [2, 10, 18, 36, 54, 86, 118];
  return ends.findIndex((e) => Z <= e) + 1;
}

export function buildBvseModel(structure: Structure, ion: string, opts: BvseOptions = {}): BvseModel {
  const ionCharge = MOBILE_IONS[ion];
  if (ionCharge === undefined) {
    throw new InputError(`no bond-valence (softBV) parameters for mobile ion "${ion}"`, { hint: `one of ${Object.keys(MOBILE_IONS).join(', ')}` });
  }
  const f = opts.screening ?? 0.74;
  const ox = oxidationStates(structure, opts.oxidation ?? {});
  const nA = principalQuantumNumber(ion);
  const rA = element(ion).covalentRadius;
  const qA = ionCharge / Math.sqrt(nA);
  const idx: number[] = [];
  const cart: number[] = [];
  const w: number[] = [], d0: number[] = [], rMin: number[] = [], alpha: number[] = [], rCut: number[] = [], k: number[] = [], sl: number[] = [];
  let maxCut = 0;
  let maxScreen = 0;
  const missing = new Set<string>();
  structure.sites.forEach((site, i) => {
    // A site where the ion is the majority species is an ion site: its minority species
    // (2.5 % Ni on the Li site of NCM) are left out, or the ion would sit on top of them.
    if (structure.majorityElement(i) === ion) return;
    // framework content of the site: everything but the mobile ion
    const rest = site.species.filter((sp) => sp.element !== ion);
    if (rest.length === 0) return;
    // One framework entry per species: a mixed site (Co/Ni/Mn on 3b) adds each cation's own
    // screened Coulomb term, weighted by its occupancy; anions add their Morse term likewise.
    const c = structure.cart(i);
    for (const sp of rest) {
      const q = sp.oxidationState ?? ox.byElement[sp.element];
      let morseW = 0, D = 0, Rm = 0, al = 0, Rc = 0, K = 0, S = 1;
      if (q < 0) {
        const p = softBvParams(ion, sp.element);
        if (!p) {
          missing.add(sp.element);
          continue;
        }
        morseW = sp.occupancy;
        D = p.d0; Rm = p.rMin; al = p.alpha; Rc = p.rCutoff;
      } else if (q > 0) {
        const nB = principalQuantumNumber(sp.element);
        K = sp.occupancy * COULOMB_EV_ANGSTROM * qA * (q / Math.sqrt(nB));
        S = f * (rA + element(sp.element).covalentRadius);
      } else continue;
      idx.push(i);
      cart.push(c[0], c[1], c[2]);
      w.push(morseW); d0.push(D); rMin.push(Rm); alpha.push(al); rCut.push(Rc);
      k.push(K); sl.push(S);
      maxCut = Math.max(maxCut, Rc);
      if (K !== 0) maxScreen = Math.max(maxScreen, S);
    }
  });
  if (missing.size) {
    throw new InputError(`no softBV parameters for ${ion}–${[...missing].join(', ')} pairs`, { hint: 'BVSE covers O, S, Se, Te, F, Cl, Br, I, N anions (softBV table)' });
  }
  if (idx.length === 0) throw new InputError(`the structure has no framework left once ${ion} is removed`);
  // erfc(x) < 1e-7 for x > 3.77
  const coulombCut = opts.coulombCutoffÅ ?? Math.min(10, 3.8 * maxScreen);
  const cutoff = Math.max(maxCut, coulombCut);
  const cartArr = Float64Array.from(cart);
  return {
    ion,
    ionCharge,
    structure,
    frameworkSites: Int32Array.from(idx),
    cart: cartArr,
    morseWeight: Float64Array.from(w),
    d0: Float64Array.from(d0),
    rMin: Float64Array.from(rMin),
    alpha: Float64Array.from(alpha),
    rCut: Float64Array.from(rCut),
    coulombK: Float64Array.from(k),
    screenLen: Float64Array.from(sl),
    cutoff,
    grid: new NeighborGrid(structure.lattice, cartArr, cutoff),
    oxidation: ox.byElement,
  };
}

/** BVSE of the mobile ion at a Cartesian point (eV). */
export function bvseEnergy(model: BvseModel, cart: Vec3 | Float64Array | readonly number[]): number {
  const { morseWeight, d0, rMin, alpha, rCut, coulombK, screenLen } = model;
  let e = 0;
  model.grid.query(cart, (j, r) => {
    if (r < 1e-6) {
      e += 1e6;
      return;
    }
    const mw = morseWeight[j];
    if (mw !== 0 && r <= rCut[j]) {
      const x = Math.exp(alpha[j] * (rMin[j] - r)) - 1;
      e += mw * 0.5 * d0[j] * (x * x - 1);
    }
    const K = coulombK[j];
    if (K !== 0) e += (K / r) * erfc(r / screenLen[j]);
  });
  return e;
}

/** BVSE at a fractional position (eV). */
export function bvseEnergyFrac(model: BvseModel, frac: Vec3): number {
  return bvseEnergy(model, model.structure.lattice.toCartesian(frac));
}

/** The BVSE landscape on a periodic grid of n0×n1×n2 points at fractional i/n (x fastest last). */
export interface BvseGrid {
  shape: [number, number, number];
  /** Energies (eV), index = (i0 · n1 + i1) · n2 + i2. */
  energies: Float64Array;
  /** Grid spacing along each axis (Å). */
  spacing: [number, number, number];
  min: number;
}

/** Grid points per axis for a target spacing (Å). */
export function gridShape(structure: Structure, resolutionÅ: number): [number, number, number] {
  if (!(resolutionÅ > 0)) throw new InputError(`grid resolution must be a positive number of Å, got ${resolutionÅ}`);
  const L = structure.lattice.lengths;
  return [0, 1, 2].map((k) => Math.max(2, Math.round(L[k] / resolutionÅ))) as [number, number, number];
}

/**
 * Compute the landscape on rows [i0Start, i0End) of the grid (so callers can split the work
 * across worker threads). Returns the energies of those rows.
 */
export function bvseGridRows(model: BvseModel, shape: [number, number, number], i0Start: number, i0End: number, onRow?: (i0: number) => void): Float64Array {
  const [n0, n1, n2] = shape;
  const out = new Float64Array((i0End - i0Start) * n1 * n2);
  const m = model.structure.lattice.matrix;
  const p = new Float64Array(3);
  let o = 0;
  for (let i = i0Start; i < i0End; i++) {
    const fa = i / n0;
    for (let j = 0; j < n1; j++) {
      const fb = j / n1;
      for (let k = 0; k < n2; k++) {
        const fc = k / n2;
        p[0] = fa * m[0][0] + fb * m[1][0] + fc * m[2][0];
        p[1] = fa * m[0][1] + fb * m[1][1] + fc * m[2][1];
        p[2] = fa * m[0][2] + fb * m[1][2] + fc * m[2][2];
        out[o++] = bvseEnergy(model, p);
      }
    }
    onRow?.(i);
  }
  return out;
}

export function bvseGrid(model: BvseModel, resolutionÅ = 0.2, onRow?: (i0: number) => void): BvseGrid {
  const shape = gridShape(model.structure, resolutionÅ);
  const energies = bvseGridRows(model, shape, 0, shape[0], onRow);
  let min = Infinity;
  for (let i = 0; i < energies.length; i++) if (energies[i] < min) min = energies[i];
  const L = model.structure.lattice.lengths;
  return { shape, energies, spacing: [L[0] / shape[0], L[1] / shape[1], L[2] / shape[2]], min };
}
