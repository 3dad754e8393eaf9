/**
 * Anion environments: for each anion, the cations around it, by species — e.g. oxygen in a
 * Li-rich layered oxide as OLi4TM2 ("O4") or OLi5TM1 ("O5") — with counts per environment.
 *
 * A cation counts as a neighbour of an anion exactly when the anion is one of that cation's
 * ligands (./coordination.ts, same rule and options), so anion environments and cation
 * polyhedra always agree. Formulas list the anion, then the cations in formula order
 * (increasing electronegativity); the grouped formula lumps the transition metals
 * (groups 3–12) as "TM". The short name is the anion plus the number of `ion` neighbours
 * (default Li), given when the structure holds that ion. Disordered sites count as their
 * majority element.
 */
import { element } from '../core/elements.js';
import { sortElements, type Structure } from '../core/structure.js';
import { coordination, type CoordinationOptions } from './coordination.js';

export interface EnvironmentNeighbor {
  index: number;
  element: string;
  label: string;
  /** Å */
  distance: number;
  /** Lattice translation of the cation relative to its stored fractional position. */
  image: [number, number, number];
}

export interface AnionEnvironment {
  index: number;
  label: string;
  element: string;
  neighbors: EnvironmentNeighbor[];
  /** Cation counts by element. */
  counts: Record<string, number>;
  /** 'OLi4Mn2' */
  formula: string;
  /** 'OLi4TM2' */
  grouped: string;
  /** 'O4' (anion + number of `ion` neighbours), null when the structure has no `ion`. */
  shortName: string | null;
}

export interface EnvironmentCount {
  grouped: string;
  shortName: string | null;
  /** Exact formulas within this group, with counts. */
  formulas: Record<string, number>;
  count: number;
  /** Share of the anions of this element. */
  fraction: number;
  /** Anion site indices. */
  indices: number[];
}

export interface EnvironmentsResult {
  anions: AnionEnvironment[];
  environments: EnvironmentCount[];
  warnings: string[];
}

/** d-block (groups 3–12). */
export function isTransitionMetal(el: string): boolean {
  const Z = element(el).Z;
  return (Z >= 21 && Z <= 30) || (Z >= 39 && Z <= 48) || Z === 57 || (Z >= 72 && Z <= 80) || Z === 89 || (Z >= 104 && Z <= 112);
}

function formula(anion: string, counts: Map<string, number>): string {
  return anion + sortElements([...counts.keys()]).map((e) => `${e}${counts.get(e)! === 1 ? '' : counts.get(e)}`).join('');
}

export interface EnvironmentOptions extends CoordinationOptions {
  /** The mobile ion counted in short names (default 'Li'). */
  ion?: string;
}

/** Environments of every anion (or of the anions among `anionCenters`, by element/label/index). */
export function anionEnvironments(structure: Structure, opts: EnvironmentOptions & { anionCenters?: readonly (string | number)[] } = {}): EnvironmentsResult {
  const { ion = 'Li', anionCenters, centers: _ignored, ...coordOpts } = opts;
  void _ignored;
  const coord = coordination(structure, coordOpts); // every cation
  const wanted = new Set(coord.anions);
  if (anionCenters && anionCenters.length) {
    wanted.clear();
    for (const c of anionCenters) {
      structure.sites.forEach((s, i) => {
        if ((typeof c === 'number' ? i === c : s.label === c || structure.majorityElement(i) === c) && coord.anions.includes(i)) wanted.add(i);
      });
    }
  }
  const neighbors = new Map<number, EnvironmentNeighbor[]>();
  for (const i of wanted) neighbors.set(i, []);
  for (const env of coord.environments) {
    for (const l of env.ligands) {
      const list = neighbors.get(l.index);
      if (!list) continue;
      list.push({ index: env.center, element: env.element, label: env.label, distance: l.distance, image: [-l.image[0], -l.image[1], -l.image[2]] });
    }
  }
  const hasIon = structure.sites.some((_, i) => structure.majorityElement(i) === ion);
  const anions: AnionEnvironment[] = [...wanted].sort((a, b) => a - b).map((i) => {
    const list = neighbors.get(i)!.sort((a, b) => a.distance - b.distance || a.index - b.index);
    const el = structure.majorityElement(i);
    const counts = new Map<string, number>();
    const grouped = new Map<string, number>();
    for (const n of list) {
      counts.set(n.element, (counts.get(n.element) ?? 0) + 1);
      const g = isTransitionMetal(n.element) ? 'TM' : n.element;
      grouped.set(g, (grouped.get(g) ?? 0) + 1);
    }
    const tm = grouped.get('TM');
    grouped.delete('TM');
    const g = formula(el, grouped) + (tm ? `TM${tm === 1 ? '' : tm}` : '');
    return {
      index: i,
      label: structure.sites[i].label,
      element: el,
      neighbors: list,
      counts: Object.fromEntries(counts),
      formula: formula(el, counts),
      grouped: g,
      shortName: hasIon ? `${el}${counts.get(ion) ?? 0}` : null,
    };
  });
  const byGroup = new Map<string, AnionEnvironment[]>();
  for (const a of anions) byGroup.set(a.grouped, [...(byGroup.get(a.grouped) ?? []), a]);
  const perElement = new Map<string, number>();
  for (const a of anions) perElement.set(a.element, (perElement.get(a.element) ?? 0) + 1);
  const environments: EnvironmentCount[] = [...byGroup.entries()]
    .map(([grouped, list]) => {
      const formulas: Record<string, number> = {};
      for (const a of list) formulas[a.formula] = (formulas[a.formula] ?? 0) + 1;
      return {
        grouped,
        shortName: list[0].shortName,
        formulas,
        count: list.length,
        fraction: list.length / perElement.get(list[0].element)!,
        indices: list.map((a) => a.index),
      };
    })
    .sort((x, y) => y.count - x.count || (x.grouped < y.grouped ? -1 : 1));
  return { anions, environments, warnings: coord.warnings };
}
