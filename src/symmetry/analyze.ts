/**
 * Symmetry of a Structure: space group, Wyckoff letter and site symmetry of every site,
 * orbits (symmetry-equivalent sites), and the conventional and primitive standard cells.
 * Disordered sites are typed by their full species+occupancy content, so Ni0.25Mn0.75 and
 * Mn1 count as different atoms.
 */
import { Lattice } from '../core/lattice.js';
import { Structure, type Site, type SiteInput } from '../core/structure.js';
import type { Vec3 } from '../core/vec3.js';
import { analyzeCell, hallEntry } from './moyo.js';

export interface SiteSymmetry {
  /** Wyckoff letter in the standard setting, e.g. 'd'. */
  wyckoff: string;
  /** Multiplicity × letter, e.g. '16d' (multiplicity in the conventional cell). */
  wyckoffLabel: string;
  multiplicity: number;
  siteSymmetry: string;
  /** Index of the first site of this site's orbit. */
  orbit: number;
}

export interface SymmetryInfo {
  number: number;
  /** Hermann–Mauguin symbol as moyo prints it, e.g. 'F d -3 m'. */
  symbol: string;
  /** Compact symbol, e.g. 'Fd-3m'. */
  shortSymbol: string;
  hallNumber: number;
  hallSymbol: string;
  /** Setting code ('1', '2', 'H', 'R', … or '' for groups with a single setting). */
  setting: string;
  pearson: string;
  symprec: number;
  sites: SiteSymmetry[];
  /** Number of symmetry operations found in the input cell. */
  nOperations: number;
  conventional: Structure;
  primitive: Structure;
}

/** Key used to type a site for symmetry: element+occupancy list (and oxidation state). */
export function siteTypeKey(site: Site): string {
  return site.species
    .map((s) => `${s.element}${s.oxidationState ?? ''}:${s.occupancy.toFixed(6)}`)
    .sort()
    .join(',');
}

/** Integer type per site, for symmetry analysis (same content → same integer). */
export function siteTypes(structure: Structure): { types: number[]; keys: string[] } {
  const keys: string[] = [];
  const index = new Map<string, number>();
  const types = structure.sites.map((s) => {
    const k = siteTypeKey(s);
    let t = index.get(k);
    if (t === undefined) {
      t = index.size + 1;
      index.set(k, t);
      keys.push(k);
    }
    return t;
  });
  return { types, keys };
}

/** `'F d -3 m'` → `'Fd-3m'`, `'P 4_3 3 2'` → `'P4_332'`. */
export function compactSymbol(hm: string): string {
  return hm.replace(/\s+/g, '');
}

/** Analyse a structure's symmetry at `symprec` Å (default 0.01 Å). */
export function analyzeStructure(structure: Structure, symprec = 0.01): SymmetryInfo {
  const { types } = siteTypes(structure);
  const ds = analyzeCell(
    {
      lattice: structure.lattice.matrix as unknown as number[][],
      positions: structure.sites.map((s) => s.frac as unknown as number[]),
      types,
    },
    symprec,
    'Standard',
  );
  const hall = hallEntry(ds.hall_number);
  // Multiplicity in the conventional cell: orbit size in the input cell scaled by the
  // ratio of conventional to input cell volume.
  const orbitSize = new Map<number, number>();
  for (const o of ds.orbits) orbitSize.set(o, (orbitSize.get(o) ?? 0) + 1);
  const stdLat = new Lattice(rows(ds.std_cell.lattice.basis));
  const ratio = stdLat.volume / structure.lattice.volume;
  const sites: SiteSymmetry[] = structure.sites.map((_, i) => {
    const orbit = ds.orbits[i];
    const multiplicity = Math.round(orbitSize.get(orbit)! * ratio);
    const wyckoff = ds.wyckoffs[i] ?? '?';
    return {
      wyckoff,
      wyckoffLabel: `${multiplicity}${wyckoff}`,
      multiplicity,
      siteSymmetry: ds.site_symmetry_symbols[i] ?? '',
      orbit,
    };
  });
  return {
    number: ds.number,
    symbol: hall.hm_short,
    shortSymbol: compactSymbol(hall.hm_short),
    hallNumber: ds.hall_number,
    hallSymbol: hall.hall_symbol,
    setting: hall.setting,
    pearson: ds.pearson_symbol,
    symprec,
    sites,
    nOperations: ds.operations.length,
    conventional: cellToStructure(structure, ds.std_cell, typesToSites(structure, types)),
    primitive: cellToStructure(structure, ds.prim_std_cell, typesToSites(structure, types)),
  };
}

function rows(b: readonly number[]): number[][] {
  return [
    [b[0], b[1], b[2]],
    [b[3], b[4], b[5]],
    [b[6], b[7], b[8]],
  ];
}

function typesToSites(structure: Structure, types: number[]): Map<number, Site> {
  const m = new Map<number, Site>();
  types.forEach((t, i) => {
    if (!m.has(t)) m.set(t, structure.sites[i]);
  });
  return m;
}

function cellToStructure(
  source: Structure,
  cell: { lattice: { basis: readonly number[] }; positions: readonly (readonly number[])[]; numbers: readonly number[] },
  byType: Map<number, Site>,
): Structure {
  const lat = new Lattice(rows(cell.lattice.basis));
  const counts = new Map<string, number>();
  const sites: SiteInput[] = cell.positions.map((p, i) => {
    const proto = byType.get(cell.numbers[i])!;
    const base = proto.label.replace(/\d+$/, '') || proto.species[0].element;
    const n = (counts.get(base) ?? 0) + 1;
    counts.set(base, n);
    return { frac: [p[0], p[1], p[2]] as Vec3, species: proto.species, label: `${base}${n}` };
  });
  return new Structure(lat, sites, source.title);
}
