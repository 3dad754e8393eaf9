/**
 * GGA+U, initial magnetic moments, LMAXMIX and LASPH — the Materials Project conventions
 * (pymatgen MPRelaxSet.yaml), applied identically to NEB images, their endpoints and the
 * endpoint relaxations (pymatgen's NEB input sets set LDAU = .FALSE.; ionpath does not).
 *
 * +U (Dudarev, LDAUTYPE = 2, on d states, LDAUL = 2, J = 0) applies when the most
 * electronegative element of the structure is O or F:
 *   Co 3.32  Cr 3.7  Fe 5.3  Mn 3.9  Mo 4.38  Ni 6.2  V 3.25  W 6.2   (eV)
 * Species without a U get LDAUL = 0, U = 0, J = 0 (as MP writes them). When no species has
 * U > 0, no LDAU tag is written at all.
 *
 * MAGMOM (μB): per-site moment from the structure when set; otherwise by species with
 * oxidation state ("Mn3+" → 4, "Mn4+" → 3, "Co3+" → 0.6, …), then by element (Mn 5,
 * Fe 5, Co 0.6, …); anything else 0.6.
 *
 * LMAXMIX: 6 when an element with Z > 56 (f electrons) is present, else 4 when an element
 * with Z > 20 (d electrons) is present (pymatgen's rule, U or not).
 * LASPH: required (.TRUE.) with +U, meta-GGA, hybrid functionals and vdW-DF.
 */
import { element } from '../core/elements.js';
import type { Structure } from '../core/structure.js';
import type { Incar } from './incar.js';

/** U values (eV) on d states for oxides and fluorides (MP, MPRelaxSet.yaml). */
export const MP_HUBBARD_U: Readonly<Record<'O' | 'F', Readonly<Record<string, number>>>> = Object.freeze({
  O: Object.freeze({ Co: 3.32, Cr: 3.7, Fe: 5.3, Mn: 3.9, Mo: 4.38, Ni: 6.2, V: 3.25, W: 6.2 }),
  F: Object.freeze({ Co: 3.32, Cr: 3.7, Fe: 5.3, Mn: 3.9, Mo: 4.38, Ni: 6.2, V: 3.25, W: 6.2 }),
});

/** Default initial moments (μB), MP's MPRelaxSet.yaml. Keys with a charge match species with that oxidation state. */
export const MP_MAGMOM: Readonly<Record<string, number>> = Object.freeze({
  Ce: 5, 'Ce3+': 1, Co: 0.6, 'Co3+': 0.6, 'Co4+': 1, Cr: 5, 'Dy3+': 5, 'Er3+': 3, Eu: 10, 'Eu2+': 7, 'Eu3+': 6,
  Fe: 5, 'Gd3+': 7, 'Ho3+': 4, 'La3+': 0.6, 'Lu3+': 0.6, Mn: 5, 'Mn3+': 4, 'Mn4+': 3, Mo: 5, 'Nd3+': 3, Ni: 5,
  'Pm3+': 4, 'Pr3+': 2, 'Sm3+': 5, 'Tb3+': 6, 'Tm3+': 2, V: 5, W: 5, 'Yb3+': 1,
});

/** Moment for anything not in MP_MAGMOM (μB). */
export const DEFAULT_MAGMOM = 0.6;

export interface HubbardSettings {
  LDAU: true;
  LDAUTYPE: 2;
  /** Per POSCAR species. */
  LDAUL: number[];
  LDAUU: number[];
  LDAUJ: number[];
  LDAUPRINT: 1;
  /** The anion that selected the table ('O' or 'F'). */
  anion: 'O' | 'F';
}

/** The most electronegative element (Pauling) of a structure's composition. */
export function mostElectronegative(elements: readonly string[]): string {
  let best = elements[0];
  let bx = -Infinity;
  for (const e of elements) {
    const x = element(e).electronegativity ?? -Infinity;
    if (x > bx) {
      bx = x;
      best = e;
    }
  }
  return best;
}

/**
 * MP +U settings for a structure whose POSCAR lists `speciesOrder`, or null when there is
 * no +U (not an oxide/fluoride, or no species with U > 0).
 */
export function mpHubbard(speciesOrder: readonly string[]): HubbardSettings | null {
  if (speciesOrder.length === 0) return null;
  const anion = mostElectronegative(speciesOrder);
  if (anion !== 'O' && anion !== 'F') return null;
  const table = MP_HUBBARD_U[anion];
  const LDAUU = speciesOrder.map((e) => table[e] ?? 0);
  if (!LDAUU.some((u) => u > 0)) return null;
  return {
    LDAU: true,
    LDAUTYPE: 2,
    LDAUL: speciesOrder.map((e) => (e in table ? 2 : 0)),
    LDAUU,
    LDAUJ: speciesOrder.map(() => 0),
    LDAUPRINT: 1,
    anion,
  };
}

function speciesKey(el: string, ox: number | undefined): string | null {
  if (ox === undefined || ox === 0) return null;
  return `${el}${Math.abs(ox)}${ox > 0 ? '+' : '-'}`;
}

/** Initial moment of one site (μB) by the MP rule. */
export function siteMagmom(structure: Structure, i: number): number {
  const site = structure.sites[i];
  if (site.properties?.magmom !== undefined) return site.properties.magmom;
  const el = structure.majorityElement(i);
  const sp = site.species.find((s) => s.element === el);
  const key = speciesKey(el, sp?.oxidationState);
  if (key !== null) {
    // pymatgen looks up str(specie) ("Mn3+"), then falls back to the element symbol
    if (key in MP_MAGMOM) return MP_MAGMOM[key];
    return MP_MAGMOM[el] ?? DEFAULT_MAGMOM;
  }
  return MP_MAGMOM[el] ?? DEFAULT_MAGMOM;
}

/** MAGMOM list in site (POSCAR) order. */
export function mpMagmom(structure: Structure): number[] {
  return structure.sites.map((_, i) => siteMagmom(structure, i));
}

/** LMAXMIX for the elements present: 6 with f (Z > 56), 4 with d (Z > 20), else undefined. */
export function lmaxmixFor(elements: readonly string[]): 4 | 6 | undefined {
  if (elements.some((e) => element(e).Z > 56)) return 6;
  if (elements.some((e) => element(e).Z > 20)) return 4;
  return undefined;
}

/** True when the INCAR needs LASPH = .TRUE. (+U, meta-GGA, hybrid, vdW-DF). */
export function lasphRequired(incar: Incar): boolean {
  return incar.get('LDAU') === true || incar.has('METAGGA') || incar.get('LHFCALC') === true || incar.get('LUSE_VDW') === true;
}

/** The +U tags as INCAR entries, in the order MP writes them. */
export function hubbardEntries(h: HubbardSettings): [string, number | boolean | number[]][] {
  return [
    ['LDAU', true],
    ['LDAUTYPE', h.LDAUTYPE],
    ['LDAUL', h.LDAUL],
    ['LDAUU', h.LDAUU],
    ['LDAUJ', h.LDAUJ],
    ['LDAUPRINT', h.LDAUPRINT],
  ];
}
