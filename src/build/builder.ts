/**
 * Build a crystal structure from a space group, lattice parameters and Wyckoff sites (a
 * refinement table). Every site is expanded with the setting's conventional-cell
 * operations; the result is checked:
 *  - the letter exists in that setting, the free parameters fit its coordinate triplet
 *    (no y for 'x,1/8,1/8', none missing);
 *  - the lattice parameters fit the crystal system (a = b in tetragonal, γ = 120° on
 *    hexagonal axes …);
 *  - the parameters do not collapse the orbit onto a special position (a 6-fold position
 *    whose parameters put it on a 3-fold one → error naming both);
 *  - occupancies on one position add up to at most 1 (up to 1.01 is accepted and scaled to 1);
 *  - no two sites of different orbits (or copies within one) are closer than
 *    `minDistance` Å unless they cannot be occupied together (occupancies summing ≤ 1).
 * Entries at the same position (same letter and parameters) form one mixed site.
 */
import { InputError } from '../core/errors.js';
import { Lattice, type LatticeParameters } from '../core/lattice.js';
import { Structure, type SiteInput, type Species } from '../core/structure.js';
import type { Vec3 } from '../core/vec3.js';
import { neighborList } from '../geometry/neighbors.js';
import { hallEntriesOf, hallEntry, operationsOfHall, spaceGroupType } from '../symmetry/moyo.js';
import {
  describeSetting,
  evaluateTriplet,
  fitTriplet,
  formatParams,
  identifyWyckoff,
  orbitOf,
  closePeriodic,
  wyckoffPosition,
  type Params,
  type WyckoffPosition,
} from '../symmetry/wyckoff.js';
import type { BuildSpec, LatticeSpec, SiteSpec, SourceRef, SpaceGroupSpec } from './spec.js';

export interface BuildOptions {
  /** Distance (Å) under which symmetry copies count as one position (default 0.01 Å). */
  symprec?: number;
  /** Smallest allowed distance (Å) between sites that can be occupied together (default 0.5 Å). */
  minDistance?: number;
}

export interface BuiltOrbit {
  label: string;
  species: Species[];
  /** e.g. '16d'. */
  wyckoff: string;
  letter: string;
  multiplicity: number;
  siteSymmetry: string;
  /** Free parameters as used (wrapped into [0, 1)). */
  params: Params;
  representative: Vec3;
  /** Indices of this orbit's sites in the structure. */
  sites: number[];
  /** The spec entries merged into this orbit (their texts). */
  from: string[];
}

export interface BuildResult {
  structure: Structure;
  hallNumber: number;
  number: number;
  /** e.g. 'F d -3 m'. */
  symbol: string;
  /** moyo setting code ('1', '2', 'H', 'R', 'b1', … or ''). */
  setting: string;
  /** Human description, e.g. 'F d -3 m (No. 227, origin choice 2)'. */
  settingDescription: string;
  orbits: BuiltOrbit[];
  warnings: string[];
}

/** Groups whose two origin choices both appear in the tables. */
export function hasTwoOrigins(number: number): boolean {
  const s = hallEntriesOf(number).map((e) => e.setting);
  return s.some((x) => x.startsWith('1')) && s.some((x) => x.startsWith('2'));
}

/** Rhombohedral groups (hexagonal and rhombohedral axes). */
export function isRhombohedralGroup(number: number): boolean {
  return hallEntriesOf(number).some((e) => e.setting === 'R');
}

/**
 * The Hall number of a space-group spec. Origin choice (24 groups) and axes (7 R groups)
 * must be explicit; other groups default to the ITA standard setting.
 */
export function resolveHall(sg: SpaceGroupSpec, lattice: LatticeSpec = {}, where: SourceRef = {}): number {
  const entries = hallEntriesOf(sg.number);
  if (sg.setting !== undefined) {
    const e = entries.find((x) => x.setting === sg.setting);
    if (!e) throw new InputError(`space group ${sg.number} has no setting '${sg.setting}'`, where);
    return e.hall_number;
  }
  const sym = entries[0].hm_short.replace(/\s+/g, '');
  if (hasTwoOrigins(sg.number)) {
    throw new InputError(`${sym} (No. ${sg.number}) has two origin choices; say which: ${sg.number}:1 or ${sg.number}:2`, {
      ...where,
      hint: `origin choice 2 (${sg.number}:2) puts a centre of symmetry at the origin and is what most modern papers and databases use; the same coordinates mean a different structure in the other origin`,
    });
  }
  if (isRhombohedralGroup(sg.number)) {
    const hexLike = lattice.c !== undefined || lattice.gamma === 120;
    const rhLike = lattice.alpha !== undefined && lattice.c === undefined;
    const guess = hexLike && !rhLike ? `your lattice (a, c) is on hexagonal axes → ${sg.number}:H` : rhLike ? `your lattice (a, alpha) is on rhombohedral axes → ${sg.number}:R` : `hexagonal axes (${sg.number}:H) are the usual choice`;
    throw new InputError(`${sym} (No. ${sg.number}) can be given on hexagonal or rhombohedral axes; say which: ${sg.number}:H or ${sg.number}:R`, {
      ...where,
      hint: guess,
    });
  }
  return spaceGroupType(sg.number).hall_number;
}

type CrystalFamily = 'cubic' | 'tetragonal' | 'hexagonal' | 'rhombohedral' | 'orthorhombic' | 'monoclinic' | 'triclinic';

/** The metric family of a setting, with the unique axis of monoclinic settings. */
export function latticeFamily(hallNumber: number): { family: CrystalFamily; uniqueAxis?: 'a' | 'b' | 'c' } {
  const e = hallEntry(hallNumber);
  const sys = spaceGroupType(e.number).crystal_system;
  switch (sys) {
    case 'Cubic':
      return { family: 'cubic' };
    case 'Tetragonal':
      return { family: 'tetragonal' };
    case 'Hexagonal':
      return { family: 'hexagonal' };
    case 'Trigonal':
      return { family: e.setting === 'R' ? 'rhombohedral' : 'hexagonal' };
    case 'Orthorhombic':
      return { family: 'orthorhombic' };
    case 'Monoclinic': {
      const axis = e.setting.replace(/^-/, '')[0] as 'a' | 'b' | 'c';
      return { family: 'monoclinic', uniqueAxis: axis };
    }
    default:
      return { family: 'triclinic' };
  }
}

const LEN_TOL = 1e-4; // Å
const ANG_TOL = 1e-3; // degrees

/**
 * Lattice from the given parameters, completed and checked for the setting's crystal
 * family (lengths in Å, angles in degrees).
 */
export function latticeForSetting(spec: LatticeSpec, hallNumber: number, where: SourceRef = {}): Lattice {
  const { family, uniqueAxis } = latticeFamily(hallNumber);
  const name = describeSetting(hallNumber);
  const p: Partial<LatticeParameters> = { ...spec };
  const fail = (msg: string, hint: string): never => {
    throw new InputError(`${family} ${name}: ${msg}`, { ...where, hint });
  };
  const need = (keys: (keyof LatticeParameters)[], hint: string) => {
    const missing = keys.filter((k) => p[k] === undefined);
    if (missing.length) fail(`lattice needs ${missing.join(', ')}`, hint);
  };
  const equal = (k: keyof LatticeParameters, ref: keyof LatticeParameters | number, hint: string) => {
    const target = typeof ref === 'number' ? ref : p[ref]!;
    if (p[k] === undefined) p[k] = target;
    else {
      const tol = k === 'a' || k === 'b' || k === 'c' ? LEN_TOL : ANG_TOL;
      if (Math.abs(p[k]! - target) > tol) {
        const what = typeof ref === 'number' ? `${k} = ${ref}°` : `${k} = ${ref}`;
        fail(`needs ${what}, got ${k}=${p[k]}${typeof ref === 'number' ? '' : ` and ${ref}=${target}`}`, hint);
      }
    }
  };
  switch (family) {
    case 'cubic': {
      const h = 'cubic cells take only a, e.g. --lattice a=8.25';
      need(['a'], h);
      equal('b', 'a', h);
      equal('c', 'a', h);
      for (const k of ['alpha', 'beta', 'gamma'] as const) equal(k, 90, h);
      break;
    }
    case 'tetragonal': {
      const h = 'tetragonal cells take a and c, e.g. --lattice a=6.31,c=4.35';
      need(['a', 'c'], h);
      equal('b', 'a', h);
      for (const k of ['alpha', 'beta', 'gamma'] as const) equal(k, 90, h);
      break;
    }
    case 'hexagonal': {
      const h = 'hexagonal axes take a and c (γ = 120°), e.g. --lattice a=2.86,c=14.2';
      need(['a', 'c'], h);
      equal('b', 'a', h);
      equal('alpha', 90, h);
      equal('beta', 90, h);
      equal('gamma', 120, h);
      break;
    }
    case 'rhombohedral': {
      const h = 'rhombohedral axes take a and alpha (a = b = c, α = β = γ); for a and c use the :H setting';
      need(['a', 'alpha'], h);
      equal('b', 'a', h);
      equal('c', 'a', h);
      equal('beta', 'alpha', h);
      equal('gamma', 'alpha', h);
      break;
    }
    case 'orthorhombic': {
      const h = 'orthorhombic cells take a, b and c';
      need(['a', 'b', 'c'], h);
      for (const k of ['alpha', 'beta', 'gamma'] as const) equal(k, 90, h);
      break;
    }
    case 'monoclinic': {
      const ang = uniqueAxis === 'a' ? 'alpha' : uniqueAxis === 'c' ? 'gamma' : 'beta';
      const h = `monoclinic cells with unique axis ${uniqueAxis} take a, b, c and ${ang}`;
      need(['a', 'b', 'c', ang], h);
      for (const k of ['alpha', 'beta', 'gamma'] as const) if (k !== ang) equal(k, 90, h);
      break;
    }
    default:
      need(['a', 'b', 'c', 'alpha', 'beta', 'gamma'], 'triclinic cells take all six parameters');
  }
  try {
    return Lattice.fromParameters(p as LatticeParameters);
  } catch (e) {
    throw new InputError(`lattice: ${(e as Error).message}`, where);
  }
}

function located(e: unknown, site: SiteSpec): never {
  if (e instanceof InputError) {
    const w = site.where ?? {};
    const msg = e.message.startsWith('site ') ? e.message : `site '${site.text}': ${e.message}`;
    throw new InputError(msg, { file: e.file ?? w.file, line: e.line ?? w.line, hint: e.hint });
  }
  throw e;
}

interface Placed {
  spec: SiteSpec;
  position: WyckoffPosition;
  params: Params;
  representative: Vec3;
  orbit: Vec3[];
}

/** Place one site spec: its Wyckoff position, parameters and orbit. */
function placeSite(site: SiteSpec, hall: number, lattice: Lattice, symprec: number): Placed {
  const ops = operationsOfHall(hall);
  const name = describeSetting(hall);
  let position: WyckoffPosition;
  let params: Params;
  if (site.coords) {
    const id = identifyWyckoff(hall, site.coords, lattice, symprec);
    if (!id) throw new InputError(`no Wyckoff position of ${name} fits the point ${site.coords.join(' ')}`);
    if (site.wyckoff) {
      const w = wyckoffPosition(hall, site.wyckoff);
      if (w.letter !== id.position.letter) {
        throw new InputError(
          `the point ${site.coords.join(' ')} is on Wyckoff ${id.position.multiplicity}${id.position.letter} (${id.position.coordinates}) of ${name}, not on ${w.multiplicity}${w.letter} (${w.coordinates})`,
          { hint: `write ${id.position.multiplicity}${id.position.letter}, or check the coordinates and the setting (origin choice, axes)` },
        );
      }
    }
    position = id.position;
    params = id.params;
  } else {
    position = wyckoffPosition(hall, site.wyckoff!);
    const given = site.params ?? {};
    const extra = (Object.keys(given) as (keyof Params)[]).filter((k) => !position.free.includes(k));
    const wname = `${position.multiplicity}${position.letter}`;
    const freeText = position.free.length === 0 ? 'it has no free parameters' : `its free parameter${position.free.length > 1 ? 's are' : ' is'} ${position.free.join(', ')}`;
    if (extra.length) {
      throw new InputError(`Wyckoff ${wname} of ${name} is (${position.coordinates}): ${extra.join(', ')} ${extra.length > 1 ? 'are' : 'is'} fixed there; ${freeText}`, {
        hint: position.free.length ? `e.g. ${position.free.map((k) => `${k}=…`).join(' ')}` : `write just '${wname}'`,
      });
    }
    const missing = position.free.filter((k) => given[k] === undefined);
    if (missing.length) {
      throw new InputError(`Wyckoff ${wname} of ${name} is (${position.coordinates}): give ${missing.map((k) => `${k}=…`).join(' ')}`, {
        hint: `${freeText}`,
      });
    }
    params = { ...given };
  }
  const representative = evaluateTriplet(position.triplet, params);
  const orbit = orbitOf(ops, representative, lattice, symprec);
  if (orbit.length < position.multiplicity) {
    const id = identifyWyckoff(hall, representative, lattice, symprec);
    const where = id ? `Wyckoff ${id.position.multiplicity}${id.position.letter} (${id.position.coordinates})` : `a special position`;
    const fix = id ? `use '${id.position.multiplicity}${id.position.letter}${id.position.free.length ? ' ' + formatParams(id.params, id.position.free) : ''}'` : 'move it off the special position';
    throw new InputError(
      `the parameters ${formatParams(params, position.free) || '(none)'} put ${position.multiplicity}${position.letter} (${position.coordinates}) on ${where}: its ${position.multiplicity} positions collapse to ${orbit.length}`,
      { hint: `${fix}, or check the parameters` },
    );
  }
  if (orbit.length !== position.multiplicity) {
    throw new Error(`internal: orbit of ${position.letter} has ${orbit.length} points, table says ${position.multiplicity}`);
  }
  // Re-fit the parameters to the wrapped representative so they are reported in [0, 1).
  const fitted = fitTriplet(position, orbit[0], lattice, symprec) ?? params;
  return { spec: site, position, params: fitted, representative: orbit[0], orbit };
}

/** Build the structure a spec describes. */
export function buildStructure(spec: BuildSpec, opts: BuildOptions = {}): BuildResult {
  const symprec = opts.symprec ?? 0.01;
  const minDistance = opts.minDistance ?? spec.minDistance ?? 0.5;
  const warnings: string[] = [];
  const sgWhere = spec.where?.spacegroup ?? { file: spec.file };
  const latWhere = spec.where?.lattice ?? { file: spec.file };
  const hall = resolveHall(spec.spacegroup, spec.lattice, sgWhere);
  const lattice = latticeForSetting(spec.lattice, hall, latWhere);
  const entry = hallEntry(hall);

  const placed = spec.sites.map((s) => {
    try {
      return placeSite(s, hall, lattice, symprec);
    } catch (e) {
      return located(e, s);
    }
  });

  // Merge entries on the same orbit into mixed sites.
  interface Group {
    first: Placed;
    species: Species[];
    from: string[];
    label: string | undefined;
  }
  const groups: Group[] = [];
  for (const p of placed) {
    const g = groups.find((x) => x.first.position.letter === p.position.letter && x.first.orbit.some((q) => closePeriodic(lattice, q, p.representative, symprec)));
    const species = p.spec.species.map((sp): Species => {
      const ox = sp.oxidationState ?? spec.oxidation?.[sp.element];
      return { element: sp.element, occupancy: sp.occupancy, ...(ox !== undefined ? { oxidationState: ox } : {}) };
    });
    if (!g) {
      groups.push({ first: p, species, from: [p.spec.text], label: p.spec.label });
      continue;
    }
    for (const sp of species) {
      const same = g.species.find((x) => x.element === sp.element && x.oxidationState === sp.oxidationState);
      if (same) {
        warnings.push(`${sp.element} given twice on ${p.position.multiplicity}${p.position.letter} (${g.from[0]} and ${p.spec.text}); occupancies added`);
        g.species[g.species.indexOf(same)] = { ...same, occupancy: same.occupancy + sp.occupancy };
      } else g.species.push(sp);
    }
    g.from.push(p.spec.text);
  }
  for (const g of groups) {
    const sum = g.species.reduce((a, x) => a + x.occupancy, 0);
    const what = `${g.first.position.multiplicity}${g.first.position.letter} ${formatParams(g.first.params, g.first.position.free)}`.trim();
    if (sum > 1.01) {
      const w = g.first.spec.where ?? {};
      throw new InputError(`occupancies on ${what} (${g.from.join(' + ')}) add up to ${Number(sum.toFixed(6))}, more than 1`, {
        file: w.file ?? spec.file,
        line: w.line,
        hint: 'entries at the same position share the site; their occupancies must add up to at most 1',
      });
    }
    if (sum > 1 + 1e-6) {
      // a hair over 1 (rounded refinement values): scaled to 1, as the CIF reader and pymatgen do
      warnings.push(`occupancies on ${what} (${g.from.join(' + ')}) add up to ${Number(sum.toFixed(6))} (a hair over 1); scaled to 1`);
      g.species = g.species.map((x) => ({ ...x, occupancy: x.occupancy / sum }));
    }
  }

  // Labels: given, or element + running number.
  const used = new Set<string>();
  const counters = new Map<string, number>();
  for (const g of groups) if (g.label) used.add(g.label);
  for (const g of groups) {
    if (g.label) continue;
    const el = g.species.reduce((a, b) => (b.occupancy > a.occupancy ? b : a)).element;
    let n = counters.get(el) ?? 0;
    let label: string;
    do label = `${el}${++n}`;
    while (used.has(label));
    counters.set(el, n);
    used.add(label);
    g.label = label;
  }

  const sites: SiteInput[] = [];
  const orbits: BuiltOrbit[] = [];
  const orbitOfSite: number[] = [];
  for (const g of groups) {
    const p = g.first;
    const indices: number[] = [];
    for (const q of p.orbit) {
      indices.push(sites.length);
      orbitOfSite.push(orbits.length);
      sites.push({ frac: q, label: g.label!, species: g.species, properties: { wyckoff: p.position.letter } });
    }
    orbits.push({
      label: g.label!,
      species: g.species,
      wyckoff: `${p.position.multiplicity}${p.position.letter}`,
      letter: p.position.letter,
      multiplicity: p.position.multiplicity,
      siteSymmetry: p.position.siteSymmetry,
      params: p.params,
      representative: p.representative,
      sites: indices,
      from: g.from,
    });
  }
  const title = spec.title ?? '';
  let structure = new Structure(lattice, sites, title);
  if (!title) structure = structure.withTitle(`${structure.reducedFormula} ${entry.hm_short.replace(/\s+/g, '')}`);

  // Overlaps: sites closer than minDistance that could be occupied together.
  if (minDistance > 0) {
    const occ = groups.map((g) => g.species.reduce((a, x) => a + x.occupancy, 0));
    const nb = neighborList(structure, minDistance);
    const reported = new Set<string>();
    nb.forEach((list, i) => {
      for (const n of list) {
        const a = orbitOfSite[i];
        const b = orbitOfSite[n.index];
        if (a > b) continue;
        const key = `${a},${b}`;
        if (reported.has(key)) continue;
        reported.add(key);
        const oa = orbits[a];
        const ob = orbits[b];
        const da = `${oa.label} (${oa.wyckoff}${fmtP(oa)})`;
        const db = `${ob.label} (${ob.wyckoff}${fmtP(ob)})`;
        const d = n.distance.toFixed(3);
        if (occ[a] + (a === b ? occ[a] : occ[b]) <= 1 + 1e-6) {
          warnings.push(`${a === b ? `copies of ${da} are` : `${da} and ${db} are`} ${d} Å apart; kept because their occupancies cannot both be filled (split site)`);
          continue;
        }
        const spec0 = groups[b].first.spec;
        const w = spec0.where ?? {};
        if (a === b) {
          throw new InputError(`symmetry copies of site ${da} are only ${d} Å apart (minimum ${minDistance} Å)`, {
            file: w.file ?? spec.file,
            line: w.line,
            hint: 'its parameters are close to a special position: check them, or use the special position',
          });
        }
        throw new InputError(`sites ${da} and ${db} overlap: ${d} Å apart (minimum ${minDistance} Å)`, {
          file: w.file ?? spec.file,
          line: w.line,
          hint: 'check the coordinates and the setting (origin choice, axes); entries meant to share one position need the same letter and parameters',
        });
      }
    });
  }

  return {
    structure,
    hallNumber: hall,
    number: entry.number,
    symbol: entry.hm_short,
    setting: entry.setting,
    settingDescription: describeSetting(hall),
    orbits,
    warnings,
  };
}

function fmtP(o: BuiltOrbit): string {
  const s = formatParams(o.params);
  return s ? ` ${s}` : '';
}
