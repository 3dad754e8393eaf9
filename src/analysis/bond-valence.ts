/**
 * Bond valences s = exp((R0 − d) / b) and bond-valence sums (Brown & Altermatt, Acta Cryst.
 * B41 (1985) 244; Brese & O'Keeffe, Acta Cryst. B47 (1991) 192), with b = 0.37 Å.
 *
 * R0 of a pair comes from the atom parameters r (size, Å) and c (electronegativity-like) of
 * O'Keeffe & Brese, J. Am. Chem. Soc. 113 (1991) 3226, which Brese & O'Keeffe (1991) give for
 * estimating R0 of any cation–anion pair:
 *
 *     R0 = r_i + r_j − r_i r_j (√c_i − √c_j)² / (c_i r_i + c_j r_j).
 *
 * The parameters are generated from pymatgen's bvparam_1991.yaml (scripts/
 * gen-bond-valence-params.py) and cover 75 elements. Limits, stated plainly:
 *  - these R0 do not depend on the oxidation state (V⁴⁺–O and V⁵⁺–O share R0 = 1.774 Å), so
 *    they differ from the fitted, state-specific values of Brese & O'Keeffe's Table 1 by a
 *    few hundredths of an Å (e.g. V⁵⁺–O 1.803, Li–O 1.466 there vs 1.774, 1.497 here), which
 *    shifts bond valences by ≈ 5–10 %; good for choosing ligands and comparing sites, not for
 *    assigning valences to 0.1 v.u.;
 *  - pymatgen's own bond-valence analysis uses the same R0 but b = 0.31 Å (pass `{ b: 0.31 }`
 *    to reproduce its sums).
 */
import { BV_ATOM_PARAMS_1991, BV_ELECTRONEGATIVE_1991 } from './bond-valence-params.js';

/** The universal softness parameter b of Brese & O'Keeffe (1991), Å. */
export const BOND_VALENCE_B = 0.37;

export interface BondValenceOptions {
  /** Softness parameter b, Å (default 0.37). */
  b?: number;
}

/** True when the 1991 r, c parameters include the element. */
export function hasBondValenceParams(el: string): boolean {
  return Object.prototype.hasOwnProperty.call(BV_ATOM_PARAMS_1991, el);
}

/** Elements the 1991 paper treats as electronegative (anion-forming). */
export function isBondValenceAnion(el: string): boolean {
  return BV_ELECTRONEGATIVE_1991.includes(el);
}

/** R0 (Å) of a cation–anion pair from the r, c parameters; null when either element is missing. */
export function bondValenceR0(cation: string, anion: string): number | null {
  const p = BV_ATOM_PARAMS_1991[cation];
  const q = BV_ATOM_PARAMS_1991[anion];
  if (!p || !q || !hasBondValenceParams(cation) || !hasBondValenceParams(anion)) return null;
  const d = Math.sqrt(p.c) - Math.sqrt(q.c);
  return p.r + q.r - (p.r * q.r * d * d) / (p.c * p.r + q.c * q.r);
}

/**
 * Valence (v.u.) of one cation–anion bond of length `dÅ`. `oxidationState` is accepted for
 * tables with state-specific R0; the 1991 r, c estimate used here does not depend on it.
 * NaN when the pair has no parameters.
 */
export function bondValence(cation: string, oxidationState: number | undefined | null, anion: string, dÅ: number, opts: BondValenceOptions = {}): number {
  void oxidationState;
  const r0 = bondValenceR0(cation, anion);
  if (r0 === null) return NaN;
  return Math.exp((r0 - dÅ) / (opts.b ?? BOND_VALENCE_B));
}

/** A bond seen from its centre: the other element, the length (Å) and optionally an occupancy weight. */
export interface BondInput {
  element: string;
  distance: number;
  /** Weight of the bond (occupancy of the partner), default 1. */
  weight?: number;
}

/**
 * Bond-valence sum (v.u.) of a cation over its bonds; NaN when a pair has no parameters.
 * Occupancy weights multiply the bond valences.
 */
export function bondValenceSum(cation: string, oxidationState: number | undefined | null, bonds: readonly BondInput[], opts: BondValenceOptions = {}): number {
  let s = 0;
  for (const b of bonds) s += (b.weight ?? 1) * bondValence(cation, oxidationState, b.element, b.distance, opts);
  return s;
}

/** Bond length (Å) at which a pair's bond valence equals `s` v.u.: R0 − b ln s; null without parameters. */
export function bondLengthForValence(cation: string, anion: string, s: number, opts: BondValenceOptions = {}): number | null {
  const r0 = bondValenceR0(cation, anion);
  if (r0 === null || !(s > 0)) return null;
  return r0 - (opts.b ?? BOND_VALENCE_B) * Math.log(s);
}
