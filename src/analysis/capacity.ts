/**
 * Theoretical capacity of an electrode material.
 *
 *   gravimetric (mAh/g) = n · F / (3.6 · M)
 *
 * with n electrons transferred per formula unit, F = 96485.33212 C/mol (CODATA 2018) and M the
 * molar mass (g/mol) of the formula as given: the Li-free host for insertion materials
 * (K3V5O14 + 10 Li → 449.7 mAh/g, the "1C = 450 mA/g" of Ma, Yan et al., Nat. Commun. 2026),
 * the lithiated compound for extraction (LiCoO2 → 273.8 mAh/g). Volumetric capacity
 * (mAh/cm³) is the gravimetric one times the crystal density.
 */
import { InputError } from '../core/errors.js';
import { type Composition, molarMass } from '../core/formula.js';

export const FARADAY = 96485.33212; // C/mol

/** Charge of common mobile ions (electrons moved per ion inserted or extracted). */
export const ION_CHARGE: Readonly<Record<string, number>> = { Li: 1, Na: 1, K: 1, Ag: 1, Cu: 1, Mg: 2, Ca: 2, Zn: 2, Al: 3 };

/** Fixed oxidation states of anions and main-group cations used by the charge balance. */
const FIXED_OX: Readonly<Record<string, number>> = {
  O: -2, S: -2, Se: -2, Te: -2, F: -1, Cl: -1, Br: -1, I: -1, N: -3, H: 1,
  Li: 1, Na: 1, K: 1, Rb: 1, Cs: 1, Be: 2, Mg: 2, Ca: 2, Sr: 2, Ba: 2, Zn: 2, Al: 3, Ga: 3, B: 3, Si: 4, P: 5,
};

export interface CapacityOptions {
  /** Mobile ion (default Li). */
  ion?: string;
  /** Electrons per formula unit (overrides everything else). */
  electrons?: number;
  /** Target oxidation states for insertion, e.g. { V: 3 }: n = Σ amount · (ox_now − ox_target). */
  reduceTo?: Record<string, number>;
  /** Oxidation states when the charge balance cannot find them (several redox elements). */
  oxidation?: Record<string, number>;
  /** Crystal density in g/cm³ (for volumetric capacity). */
  density?: number;
}

export interface CapacityResult {
  formula: string;
  ion: string;
  mode: 'extraction' | 'insertion';
  electrons: number;
  /** How `electrons` was decided, in words. */
  basis: string;
  molarMass: number;
  /** mAh/g relative to the formula as given. */
  gravimetric: number;
  /** mAh/g relative to the fully lithiated (inserted) compound, for insertion. */
  gravimetricLithiated?: number;
  /** mAh/cm³ (needs a density). */
  volumetric?: number;
  /** Oxidation states used (per element), when a charge balance was needed. */
  oxidationStates?: Record<string, number>;
}

/** mAh/g for n electrons per formula unit of molar mass M (g/mol). */
export function gravimetricCapacity(electrons: number, molarMassGmol: number): number {
  return (electrons * FARADAY) / (3.6 * molarMassGmol);
}

/**
 * Oxidation states by charge balance: anions and main-group cations fixed, the one remaining
 * element takes the rest (average state). With two or more remaining elements, `given`
 * must name all but one.
 */
export function chargeBalance(comp: Composition, given: Record<string, number> = {}): Record<string, number> {
  const ox: Record<string, number> = {};
  const free: string[] = [];
  let charge = 0;
  for (const [el, n] of comp) {
    const v = given[el] ?? FIXED_OX[el];
    if (v === undefined) free.push(el);
    else {
      ox[el] = v;
      charge += v * n;
    }
  }
  if (free.length === 0) return ox;
  if (free.length > 1) {
    throw new InputError(`cannot split the charge between ${free.join(' and ')} by balance alone`, {
      hint: `give their oxidation states, e.g. --oxidation ${free.map((e) => `${e}=?`).join(',')}`,
    });
  }
  const el = free[0];
  ox[el] = -charge / comp.get(el)!;
  return ox;
}

export function capacity(comp: Composition, formula: string, opts: CapacityOptions = {}): CapacityResult {
  const ion = opts.ion ?? 'Li';
  const z = ION_CHARGE[ion];
  if (z === undefined) throw new InputError(`unknown mobile ion "${ion}"`, { hint: `one of ${Object.keys(ION_CHARGE).join(', ')}` });
  const M = molarMass(comp);
  const hasIon = comp.has(ion);
  const mode: CapacityResult['mode'] = hasIon ? 'extraction' : 'insertion';
  let electrons: number;
  let basis: string;
  let oxidationStates: Record<string, number> | undefined;
  if (opts.electrons !== undefined) {
    if (!(opts.electrons > 0)) throw new InputError('--electrons must be a positive number');
    electrons = opts.electrons;
    basis = `${electrons} e⁻ per formula unit (given)`;
  } else if (opts.reduceTo && Object.keys(opts.reduceTo).length) {
    oxidationStates = chargeBalance(comp, opts.oxidation);
    electrons = 0;
    const parts: string[] = [];
    for (const [el, target] of Object.entries(opts.reduceTo)) {
      const n = comp.get(el);
      if (n === undefined) throw new InputError(`--to names ${el}, which is not in ${formula}`);
      const now = oxidationStates[el];
      if (!(now > target)) throw new InputError(`${el} is ${fmt(now)}+ in ${formula}; reducing it to ${target}+ moves no electrons`);
      electrons += n * (now - target);
      parts.push(`${fmt(n)} ${el} ${fmt(now)}+→${target}+`);
    }
    basis = `${parts.join(', ')} = ${fmt(electrons)} e⁻ per formula unit`;
  } else if (hasIon) {
    electrons = comp.get(ion)! * z;
    basis = `all ${fmt(comp.get(ion)!)} ${ion} per formula unit extracted`;
  } else {
    throw new InputError(`${formula} holds no ${ion}: say how many electrons insertion moves`, {
      hint: 'use --electrons N (e.g. --electrons 10 for K3V5O14) or --to V=3 (reduce V to 3+)',
    });
  }
  const result: CapacityResult = {
    formula,
    ion,
    mode,
    electrons,
    basis,
    molarMass: M,
    gravimetric: gravimetricCapacity(electrons, M),
  };
  if (mode === 'insertion') {
    const ionMass = molarMass(new Map([[ion, electrons / z]]));
    result.gravimetricLithiated = gravimetricCapacity(electrons, M + ionMass);
  }
  if (opts.density !== undefined) result.volumetric = result.gravimetric * opts.density;
  if (oxidationStates) result.oxidationStates = oxidationStates;
  return result;
}

function fmt(x: number): string {
  return String(Number(x.toFixed(4)));
}
