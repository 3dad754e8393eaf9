/**
 * Oxidation states for analyses that need charges (bond valence, BVSE, Ewald). Taken from the
 * structure when every species carries one (CIF `_atom_type_oxidation_number`, `Mn3+` type
 * symbols); otherwise guessed by charge balance:
 *
 * - anions take their most negative common state (O −2, F −1, S −2, N −3 …): an element is an
 *   anion when it is the most electronegative element present, or one of O, S, Se, Te, F, Cl,
 *   Br, I, N when more electronegative than every other element;
 * - each cation element takes one of its oxidation states (the common ones first, then every
 *   state with a tabulated Shannon radius); the combination that balances the charge with the
 *   fewest uncommon states wins, ties broken by the smallest spread from the common states;
 * - when no integer combination balances (mixed valence, LiMn2O4 = Mn3.5+), the cation with
 *   the most oxidation states takes the non-integer average that balances.
 *
 * The guess is per element, not per site: charge-ordered compounds need states in the file.
 */
import { element } from '../core/elements.js';
import { InputError } from '../core/errors.js';
import type { Structure } from '../core/structure.js';

const HALOGENS = ['F', 'Cl', 'Br', 'I'];
const CHALCOGENS = ['O', 'S', 'Se', 'Te'];

export interface OxidationAssignment {
  /** Oxidation state per element (average when mixed valence). */
  byElement: Record<string, number>;
  /** Charge per site, occupancy-weighted over its species. */
  siteCharges: Float64Array;
  source: 'structure' | 'guess';
}

/** True when every species in the structure carries an oxidation state. */
export function hasOxidationStates(structure: Structure): boolean {
  return structure.sites.every((s) => s.species.every((sp) => sp.oxidationState !== undefined));
}

export function oxidationStates(structure: Structure, overrides: Record<string, number> = {}): OxidationAssignment {
  if (hasOxidationStates(structure) && Object.keys(overrides).length === 0) {
    const byElement: Record<string, number> = {};
    const sums = new Map<string, [number, number]>();
    const siteCharges = new Float64Array(structure.nsites);
    structure.sites.forEach((s, i) => {
      let q = 0;
      let occ = 0;
      for (const sp of s.species) {
        q += sp.occupancy * sp.oxidationState!;
        occ += sp.occupancy;
        const a = sums.get(sp.element) ?? [0, 0];
        sums.set(sp.element, [a[0] + sp.occupancy * sp.oxidationState!, a[1] + sp.occupancy]);
      }
      siteCharges[i] = q;
      void occ;
    });
    for (const [el, [q, n]] of sums) byElement[el] = q / n;
    return { byElement, siteCharges, source: 'structure' };
  }
  const byElement = guessOxidationStates(structure.composition(), overrides);
  const siteCharges = new Float64Array(structure.nsites);
  structure.sites.forEach((s, i) => {
    let q = 0;
    for (const sp of s.species) q += sp.occupancy * (sp.oxidationState ?? byElement[sp.element]);
    siteCharges[i] = q;
  });
  return { byElement, siteCharges, source: 'guess' };
}

/** Charge-balance guess on a composition (element → amount). See the module comment. */
export function guessOxidationStates(comp: Map<string, number>, overrides: Record<string, number> = {}): Record<string, number> {
  const els = [...comp.keys()];
  const out: Record<string, number> = {};
  if (els.length === 1) {
    out[els[0]] = 0;
    return out;
  }
  const chi = (e: string) => element(e).electronegativity ?? 0;
  const maxChi = Math.max(...els.map(chi));
  const anions = els.filter((e) => overrides[e] === undefined && isAnion(e, els, chi(e) === maxChi));
  let charge = 0;
  for (const e of els) {
    if (overrides[e] !== undefined) {
      out[e] = overrides[e];
      charge += overrides[e] * comp.get(e)!;
    }
  }
  for (const a of anions) {
    const neg = element(a).commonOxidationStates.filter((x) => x < 0);
    const state = neg.length ? Math.min(...neg) : -Math.min(...element(a).shannon.filter((s) => s.oxidationState < 0).map((s) => -s.oxidationState), 8);
    if (!Number.isFinite(state) || state >= 0) throw new InputError(`cannot tell the oxidation state of anion ${a}; give it with --oxidation ${a}=-N`);
    out[a] = state;
    charge += state * comp.get(a)!;
  }
  const cations = els.filter((e) => out[e] === undefined);
  if (cations.length === 0) return out;
  const options = cations.map((e) => candidateStates(e));
  let best: { states: number[]; cost: number } | null = null;
  const states = new Array<number>(cations.length);
  const search = (k: number, q: number, cost: number) => {
    if (best && cost > best.cost) return;
    if (k === cations.length) {
      if (Math.abs(q) < 1e-6 && (!best || cost < best.cost)) best = { states: [...states], cost };
      return;
    }
    for (const [s, c] of options[k]) {
      states[k] = s;
      search(k + 1, q + s * comp.get(cations[k])!, cost + c);
    }
  };
  search(0, charge, 0);
  if (best) {
    cations.forEach((e, i) => (out[e] = best!.states[i]));
    return out;
  }
  // Mixed valence: let the most flexible cation take the balancing average; others their first common state.
  const flex = [...cations].sort((a, b) => candidateStates(b).length - candidateStates(a).length)[0];
  let q = charge;
  for (const e of cations) {
    if (e === flex) continue;
    out[e] = candidateStates(e)[0][0];
    q += out[e] * comp.get(e)!;
  }
  const avg = -q / comp.get(flex)!;
  if (!(avg > 0)) {
    throw new InputError(`cannot balance the charge of ${els.join('')} with usual oxidation states`, {
      hint: `give them, e.g. --oxidation ${cations.map((e) => `${e}=N`).join(',')}`,
    });
  }
  out[flex] = avg;
  return out;
}

/**
 * Anions: the most electronegative element; every halogen; a chalcogen unless a lighter
 * chalcogen is present (S in Li2SO4 is a cation, S in Li6PS5Cl an anion); N only when no
 * chalcogen is present (nitrides, not nitrates).
 */
function isAnion(e: string, els: string[], mostElectronegative: boolean): boolean {
  if (mostElectronegative || HALOGENS.includes(e)) return true;
  const ci = CHALCOGENS.indexOf(e);
  if (ci >= 0) return !els.some((o) => { const j = CHALCOGENS.indexOf(o); return j >= 0 && j < ci; });
  if (e === 'N') return !els.some((o) => CHALCOGENS.includes(o));
  return false;
}

/** Positive states of a cation with a cost: 0 for common states, 1 for other tabulated ones. */
function candidateStates(e: string): [number, number][] {
  const d = element(e);
  const common = d.commonOxidationStates.filter((x) => x > 0);
  const other = [...new Set(d.shannon.map((s) => s.oxidationState).filter((x) => x > 0 && !common.includes(x)))].sort((a, b) => a - b);
  const list: [number, number][] = [...common.map((s): [number, number] => [s, 0]), ...other.map((s): [number, number] => [s, 1])];
  return list.length ? list : [[1, 2]];
}
