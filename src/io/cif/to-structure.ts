/**
 * A CIF data block → Structure: lattice, symmetry (operator loop, else Hall symbol, else
 * Hermann–Mauguin symbol with its setting, else IT number), atom sites, and the expansion of
 * the asymmetric unit to the full cell with duplicates merged under periodic boundaries.
 *
 * Reading rules (each departure from the file is reported as a warning, never silent):
 *  - coordinates, cell and occupancies are numbers with optional su ('0.2628(2)'); '?' or '.'
 *    occupancy means 1;
 *  - atoms at the same position (within the merge tolerance, Å) form one site with several
 *    species; a site whose occupancies sum to more than 1 is accepted with a warning up to
 *    OCCUPANCY_TOLERANCE (1.01), and is an error above it;
 *  - COD dummy atoms (`_atom_site_calc_flag dum`) and atoms with unknown coordinates are skipped;
 *  - the element comes from `_atom_site_type_symbol`, else from the label ('O-H3' → O);
 *    oxidation states from `_atom_type_oxidation_number`, else from the type symbol ('Mn3+');
 *  - stated Wyckoff letters are kept in site.properties.wyckoff.
 */
import { InputError, type Warning } from '../../core/errors.js';
import { parseElementSymbol, parseOxidationState } from '../../core/elements.js';
import { Lattice, type LatticeParameters } from '../../core/lattice.js';
import { Structure, type SiteProperties, type Species } from '../../core/structure.js';
import type { Vec3 } from '../../core/vec3.js';
import { DEFAULT_MERGE_TOLERANCE_A, expandSites, type AsymmetricSite, type ExpandedSites } from '../../symmetry/expand.js';
import { hallEntriesOf, hallEntry, operationsOfHall, type SymOp } from '../../symmetry/moyo.js';
import {
  identifyHallNumber,
  settingFromHall,
  settingFromHermannMauguin,
  settingFromNumber,
  type SettingChoice,
} from '../../symmetry/spacegroup.js';
import { closeGroup, parseSymop, SymopSyntaxError } from '../../symmetry/symop.js';
import { CifBlock, UNKNOWN, INAPPLICABLE, parseCifNumber, type CifItem, type CifValue } from './parser.js';

/** Largest accepted occupancy sum on one site (a hair over 1 from rounded refinements). */
export const OCCUPANCY_TOLERANCE = 1.01;

export type SymmetrySource = 'symops' | 'hall' | 'hm' | 'number' | 'none';

export interface CifStructureBlock {
  name: string;
  structure: Structure;
  warnings: Warning[];
  /** Where the symmetry operations came from (the most trusted source present). */
  symmetrySource: SymmetrySource;
  /** The setting used (from the symbol, or identified from the operator list when it is one of the 530). */
  hallNumber?: number;
  spacegroupNumber?: number;
  /** Number of symmetry operations applied (conventional cell, centring included). */
  nOperations: number;
}

export interface CifReadOptions {
  /** Merge tolerance in Å (default DEFAULT_MERGE_TOLERANCE_A = 0.02). */
  mergeToleranceA?: number;
}

const HM_TAGS = [
  '_space_group_name_h-m_alt',
  '_symmetry_space_group_name_h-m',
  '_space_group_name_h-m',
  '_symmetry_space_group_name_h-m_alt',
  '_space_group_name_h-m_full',
  '_symmetry_space_group_name_h_m',
];
const HALL_TAGS = ['_space_group_name_hall', '_symmetry_space_group_name_hall'];
const NUMBER_TAGS = ['_space_group_it_number', '_symmetry_int_tables_number', '_space_group_number'];
const SYMOP_TAGS = ['_space_group_symop_operation_xyz', '_symmetry_equiv_pos_as_xyz'];
const CODE_TAGS = ['_space_group_it_coordinate_system_code'];

function show(v: CifValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === UNKNOWN) return '?';
  if (v === INAPPLICABLE) return '.';
  if (typeof v === 'string') return `'${v.length > 40 ? v.slice(0, 40) + '…' : v}'`;
  return Array.isArray(v) ? 'a list' : 'a table';
}

/** Context for errors and warnings of one block. */
class Ctx {
  readonly warnings: Warning[] = [];
  constructor(
    readonly block: CifBlock,
    readonly file: string | undefined,
  ) {}
  warn(message: string, line?: number): void {
    if (!this.warnings.some((w) => w.message === message)) this.warnings.push({ message, file: this.file, line });
  }
  error(message: string, line?: number, hint?: string): InputError {
    return new InputError(message, { file: this.file, line: line ?? this.block.line, hint });
  }
}

// ---------------------------------------------------------------------------------------
// Lattice

function readLattice(ctx: Ctx): Lattice {
  const b = ctx.block;
  const get = (name: string, isAngle: boolean): number => {
    const it = b.item(name);
    if (!it || it.values[0] === UNKNOWN || it.values[0] === INAPPLICABLE) {
      if (isAngle) {
        ctx.warn(`${name} is ${it ? 'unknown' : 'missing'}; 90° assumed`, it?.line);
        return 90;
      }
      throw ctx.error(`${name} is ${it ? 'unknown (?)' : 'missing'}`, it?.line, 'a structure block needs _cell_length_a, _cell_length_b and _cell_length_c in Å');
    }
    const n = parseCifNumber(it.values[0]);
    if (!n) throw ctx.error(`expected a number for ${name}, found ${show(it.values[0])}`, it.lines[0]);
    const ok = isAngle ? n.value > 0 && n.value < 180 : n.value > 0 && n.value < 1e5;
    if (!ok) throw ctx.error(`${name} = ${n.value} is not a valid ${isAngle ? 'angle (0–180°)' : 'length (Å)'}`, it.lines[0]);
    return n.value;
  };
  const p: LatticeParameters = {
    a: get('_cell_length_a', false),
    b: get('_cell_length_b', false),
    c: get('_cell_length_c', false),
    alpha: get('_cell_angle_alpha', true),
    beta: get('_cell_angle_beta', true),
    gamma: get('_cell_angle_gamma', true),
  };
  try {
    return Lattice.fromParameters(p);
  } catch (e) {
    throw ctx.error(
      `the cell angles α = ${p.alpha}°, β = ${p.beta}°, γ = ${p.gamma}° do not form a cell`,
      b.item('_cell_angle_alpha')?.line,
    );
  }
}

// ---------------------------------------------------------------------------------------
// Symmetry

interface SymmetryChoice {
  ops: SymOp[];
  source: SymmetrySource;
  hallNumber?: number;
  spacegroupNumber?: number;
  /** Set when the origin choice was assumed (not stated): the other origin's Hall number. */
  otherOriginHall?: number;
  /** Where the symbol was read (for warnings about the choice). */
  line?: number;
}

/** Snap a translation within 2e-3 of a multiple of 1/24 onto it ('0.3333' → 1/3). */
function snap(t: number): number {
  const k = t * 24;
  const r = Math.round(k);
  return Math.abs(k - r) < 0.05 ? r / 24 : t;
}

function readSymops(ctx: Ctx, item: CifItem): SymOp[] {
  const ops: SymOp[] = [];
  item.values.forEach((v, i) => {
    if (v === UNKNOWN || v === INAPPLICABLE) return;
    if (typeof v !== 'string') throw ctx.error(`expected a symmetry operation such as 'x,y,z' in ${item.tag}, found ${show(v)}`, item.lines[i]);
    try {
      const op = parseSymop(v);
      ops.push({ rotation: op.rotation, translation: [snap(op.translation[0]), snap(op.translation[1]), snap(op.translation[2])] });
    } catch (e) {
      if (e instanceof SymopSyntaxError) {
        throw ctx.error(`cannot read symmetry operation ${show(v)} in ${item.tag}: ${e.message}`, item.lines[i], "operations look like 'x,y,z' or '-x+1/2,y,-z+1/4'");
      }
      throw e;
    }
  });
  return ops;
}

function numberFrom(ctx: Ctx): { n: number; line: number } | undefined {
  for (const t of NUMBER_TAGS) {
    const it = ctx.block.item(t);
    if (!it || it.values[0] === UNKNOWN || it.values[0] === INAPPLICABLE) continue;
    const n = parseCifNumber(it.values[0]);
    if (!n || !Number.isInteger(n.value) || n.value < 1 || n.value > 230) {
      throw ctx.error(`expected a space-group number 1–230 for ${it.tag}, found ${show(it.values[0])}`, it.lines[0]);
    }
    return { n: n.value, line: it.lines[0] };
  }
  return undefined;
}

function fromSetting(ctx: Ctx, s: SettingChoice, source: SymmetrySource, line: number): SymmetryChoice {
  for (const w of s.warnings) ctx.warn(w, line);
  let otherOriginHall: number | undefined;
  if (s.warnings.some((w) => w.includes('origin choice not stated'))) {
    const other = hallEntriesOf(s.number).find(
      (e) => e.setting[0] === '1' && e.setting.slice(1) === s.entry.setting.slice(1),
    );
    otherOriginHall = other?.hall_number;
  }
  return { ops: operationsOfHall(s.hallNumber), source, hallNumber: s.hallNumber, spacegroupNumber: s.number, otherOriginHall, line };
}

function readSymmetry(ctx: Ctx, cell: LatticeParameters): SymmetryChoice {
  const b = ctx.block;
  const hm = b.firstText(HM_TAGS);
  const code = b.firstText(CODE_TAGS)?.text;
  const num = numberFrom(ctx);
  const hmSetting = hm ? settingFromHermannMauguin(hm.text, { code, cell }) : null;

  // 1. The operator list.
  for (const t of SYMOP_TAGS) {
    const it = b.item(t);
    if (!it) continue;
    let ops = readSymops(ctx, it);
    if (ops.length === 0) continue;
    let hall = identifyHallNumber(ops);
    if (hall === null) {
      const group = closeGroup(ops);
      if (!group) throw ctx.error(`the ${ops.length} operations in ${it.tag} do not form a space group`, it.line);
      const unique = new Set(ops.map((o) => `${o.rotation.join(',')};${o.translation.map((x) => Math.round((((x % 1) + 1) % 1) * 1e4) % 1e4).join(',')}`)).size;
      if (group.length > unique) {
        ctx.warn(`the ${unique} operations in ${it.tag} are not closed under composition; completed to the ${group.length} they generate`, it.line);
        ops = group;
        hall = identifyHallNumber(ops);
      }
    }
    const sgNumber = hall !== null ? hallEntry(hall).number : undefined;
    const stated = hmSetting?.number ?? num?.n;
    if (sgNumber !== undefined && stated !== undefined && stated !== sgNumber) {
      ctx.warn(`the symmetry operations are those of space group ${sgNumber}, but the file states ${stated}; the operations are used`, it.line);
    }
    return { ops, source: 'symops', ...(hall !== null ? { hallNumber: hall, spacegroupNumber: sgNumber } : {}) };
  }

  // 2. The Hall symbol.
  const hall = b.firstText(HALL_TAGS);
  if (hall) {
    const s = settingFromHall(hall.text);
    if (s) return fromSetting(ctx, s, 'hall', hall.line);
    ctx.warn(`Hall symbol '${hall.text}' is not one of the 530 standard Hall symbols; ${hm ? 'using the Hermann–Mauguin symbol' : num ? 'using the space-group number' : 'ignored'}`, hall.line);
  }

  // 3. The Hermann–Mauguin symbol with its setting.
  if (hm) {
    if (hmSetting) {
      if (num && num.n !== hmSetting.number) {
        ctx.warn(`the Hermann–Mauguin symbol '${hm.text}' is space group ${hmSetting.number}, but the file states number ${num.n}; the symbol is used`, hm.line);
      }
      return fromSetting(ctx, hmSetting, 'hm', hm.line);
    }
    if (!num) {
      throw ctx.error(`unknown space-group symbol '${hm.text}' in ${hm.tag}`, hm.line, "write it like 'P 21/c', 'F d -3 m :2' or 'R -3 m H', or give the operations in _space_group_symop_operation_xyz");
    }
    ctx.warn(`unknown space-group symbol '${hm.text}'; using space-group number ${num.n}`, hm.line);
  }

  // 4. The IT number.
  if (num) {
    const s = settingFromNumber(num.n, { code, cell })!;
    return fromSetting(ctx, s, 'number', num.line);
  }
  ctx.warn('no symmetry given (no operations, Hall or Hermann–Mauguin symbol, or number); P 1 assumed', b.line);
  return { ops: operationsOfHall(1), source: 'none', hallNumber: 1, spacegroupNumber: 1 };
}

// ---------------------------------------------------------------------------------------
// Atoms

interface Atom extends AsymmetricSite {
  line: number;
  /** Stated multiplicity, if any. */
  multiplicity?: number;
}

/** The column of `tag` when it belongs to the same loop as `ref` (or both are single items). */
function columnOf(b: CifBlock, ref: CifItem, tag: string): CifItem | undefined {
  const it = b.item(tag);
  if (!it) return undefined;
  if (it.loop !== ref.loop || it.values.length !== ref.values.length) return undefined;
  return it;
}

function oxidationTable(ctx: Ctx): Map<string, number> {
  const out = new Map<string, number>();
  const sym = ctx.block.item('_atom_type_symbol');
  const ox = sym ? columnOf(ctx.block, sym, '_atom_type_oxidation_number') : undefined;
  if (!sym || !ox) return out;
  sym.values.forEach((v, i) => {
    if (typeof v !== 'string') return;
    const n = parseCifNumber(ox.values[i]);
    if (n && !out.has(v)) out.set(v, n.value);
  });
  return out;
}

function readAtoms(ctx: Ctx, lattice: Lattice): Atom[] | null {
  const b = ctx.block;
  let xItem = b.item('_atom_site_fract_x');
  let cartesian = false;
  if (!xItem) {
    xItem = b.item('_atom_site_cartn_x');
    cartesian = !!xItem;
  }
  if (!xItem) return null;
  const axis = cartesian ? 'cartn' : 'fract';
  const col = (tag: string) => columnOf(b, xItem!, tag);
  const yItem = col(`_atom_site_${axis}_y`);
  const zItem = col(`_atom_site_${axis}_z`);
  if (!yItem || !zItem) {
    throw ctx.error(`_atom_site_${axis}_x is given but _atom_site_${axis}_${yItem ? 'z' : 'y'} is missing from its loop`, xItem.line);
  }
  const label = col('_atom_site_label');
  const type = col('_atom_site_type_symbol');
  const occ = col('_atom_site_occupancy');
  const flag = col('_atom_site_calc_flag');
  const wyck = col('_atom_site_wyckoff_symbol') ?? col('_atom_site_wyckoff_label');
  const mult = col('_atom_site_symmetry_multiplicity');
  const uiso = col('_atom_site_u_iso_or_equiv');
  const biso = col('_atom_site_b_iso_or_equiv');
  const oxTable = oxidationTable(ctx);

  const atoms: Atom[] = [];
  const n = xItem.values.length;
  for (let i = 0; i < n; i++) {
    const line = xItem.lines[i];
    const lab = label && typeof label.values[i] === 'string' ? (label.values[i] as string) : undefined;
    const name = lab ?? `row ${i + 1}`;
    if (flag && typeof flag.values[i] === 'string' && (flag.values[i] as string).toLowerCase() === 'dum') {
      ctx.warn(`atom ${name} (line ${line}) is a dummy atom (_atom_site_calc_flag dum); skipped`, line);
      continue;
    }
    const coords: number[] = [];
    let unknown = false;
    for (const it of [xItem, yItem, zItem]) {
      const v = it.values[i];
      if (v === UNKNOWN || v === INAPPLICABLE) {
        unknown = true;
        break;
      }
      const num = parseCifNumber(v);
      if (!num) throw ctx.error(`expected a number for ${it.tag} of atom ${name}, found ${show(v)}`, line);
      if (Math.abs(num.value) > 1e6) throw ctx.error(`${it.tag} of atom ${name} is ${num.value}, not a coordinate`, line);
      coords.push(num.value);
    }
    if (unknown) {
      ctx.warn(`atom ${name} (line ${line}) has unknown coordinates; skipped`, line);
      continue;
    }
    // Element and oxidation state.
    const typeText = type && typeof type.values[i] === 'string' ? (type.values[i] as string) : undefined;
    let element: string | null = null;
    if (typeText !== undefined) {
      element = parseElementSymbol(typeText);
      if (!element) throw ctx.error(`cannot read an element from _atom_site_type_symbol '${typeText}' of atom ${name}`, line);
    } else if (lab !== undefined) {
      element = parseElementSymbol(lab);
      if (!element) {
        throw ctx.error(
          `cannot tell the element of atom '${lab}': no _atom_site_type_symbol, and the label does not start with an element symbol`,
          line,
        );
      }
    } else {
      throw ctx.error(`atom on row ${i + 1} has neither _atom_site_type_symbol nor _atom_site_label`, line);
    }
    let ox: number | undefined;
    if (typeText !== undefined) {
      const fromTable = oxTable.get(typeText);
      const fromSymbol = parseOxidationState(typeText);
      ox = fromTable ?? fromSymbol ?? undefined;
      if (ox === 0 && fromSymbol === null) ox = undefined;
    }
    // Occupancy.
    let occupancy = 1;
    if (occ) {
      const v = occ.values[i];
      if (v !== UNKNOWN && v !== INAPPLICABLE) {
        const num = parseCifNumber(v);
        if (!num) throw ctx.error(`expected a number for _atom_site_occupancy of atom ${name}, found ${show(v)}`, line);
        occupancy = num.value;
      }
    }
    if (occupancy < 0 || !Number.isFinite(occupancy)) throw ctx.error(`occupancy of atom ${name} is ${occupancy}; expected a number in (0, 1]`, line);
    if (occupancy === 0) {
      ctx.warn(`atom ${name} (line ${line}) has occupancy 0; skipped`, line);
      continue;
    }
    if (occupancy > OCCUPANCY_TOLERANCE) {
      throw ctx.error(`occupancy of atom ${name} is ${occupancy}; expected a number in (0, 1]`, line);
    }
    const frac: Vec3 = cartesian ? lattice.toFractional([coords[0], coords[1], coords[2]]) : [coords[0], coords[1], coords[2]];
    const species: Species = ox !== undefined ? { element, occupancy, oxidationState: ox } : { element, occupancy };
    const properties: { -readonly [K in keyof SiteProperties]: SiteProperties[K] } = {};
    const w = wyck?.values[i];
    if (typeof w === 'string' && /^[a-zA-Z]$/.test(w)) properties.wyckoff = w;
    const u = parseCifNumber(uiso?.values[i]);
    const bIso = parseCifNumber(biso?.values[i]);
    if (u) properties.uIso = u.value;
    else if (bIso) properties.uIso = bIso.value / (8 * Math.PI * Math.PI);
    const m = parseCifNumber(mult?.values[i]);
    atoms.push({
      frac,
      label: lab ?? `${element}${i + 1}`,
      species: [species],
      ...(Object.keys(properties).length ? { properties } : {}),
      line,
      ...(m && Number.isInteger(m.value) && m.value > 0 ? { multiplicity: m.value } : {}),
    });
  }
  return atoms;
}

/** Atoms whose orbit size differs from their stated multiplicity. */
function multiplicityMismatches(atoms: Atom[], ex: ExpandedSites): number[] {
  const bad: number[] = [];
  atoms.forEach((a, i) => {
    if (a.multiplicity !== undefined && a.multiplicity !== ex.orbitSizes[i]) bad.push(i);
  });
  return bad;
}

/** Composition implied by _chemical_formula_sum × _cell_formula_units_Z, if both are readable. */
function statedCellComposition(b: CifBlock): Map<string, number> | null {
  const f = b.text('_chemical_formula_sum');
  const z = parseCifNumber(b.value('_cell_formula_units_z'));
  if (!f || !z || !(z.value > 0)) return null;
  const out = new Map<string, number>();
  const re = /([A-Z][a-z]?)\s*(\d*\.?\d*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(f))) {
    const el = parseElementSymbol(m[1]);
    if (!el) return null;
    const n = m[2] === '' ? 1 : Number(m[2]);
    if (!Number.isFinite(n)) return null;
    out.set(el, (out.get(el) ?? 0) + n * z.value);
  }
  return out.size ? out : null;
}

function compositionMatches(ex: ExpandedSites, stated: Map<string, number>): boolean {
  const got = new Map<string, number>();
  for (const s of ex.sites) for (const sp of s.species as Species[]) got.set(sp.element, (got.get(sp.element) ?? 0) + sp.occupancy);
  for (const [el, n] of stated) {
    if (el === 'H' || el === 'D') continue; // hydrogens are often not in the atom list
    const g = got.get(el) ?? 0;
    if (Math.abs(g - n) > 0.02 * Math.max(1, n)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------

/**
 * Build the structure of one data block, or return null when the block has no atom sites
 * (a block of text or of diffraction data). Throws InputError (file, line, what was expected)
 * for a structure block that cannot be read.
 */
export function cifBlockToStructure(block: CifBlock, file?: string, opts: CifReadOptions = {}): CifStructureBlock | null {
  const ctx = new Ctx(block, file);
  for (const w of block.warnings) ctx.warn(w.message, w.line);
  if (!block.item('_atom_site_fract_x') && !block.item('_atom_site_cartn_x')) return null;
  const tol = opts.mergeToleranceA ?? DEFAULT_MERGE_TOLERANCE_A;
  const lattice = readLattice(ctx);
  const atoms = readAtoms(ctx, lattice);
  if (!atoms) return null;
  if (atoms.length === 0) throw ctx.error('the atom-site loop has no atoms that can be placed', block.item('_atom_site_fract_x')?.line);
  const sym = readSymmetry(ctx, lattice.parameters);

  let ex = expandSites(atoms, sym.ops, lattice, tol);
  // Check the setting against stated multiplicities (and formula × Z); when the origin was
  // only assumed and the other origin fits the file, use that one.
  const bad = multiplicityMismatches(atoms, ex);
  const stated = statedCellComposition(block);
  const fits = (e: ExpandedSites) => multiplicityMismatches(atoms, e).length === 0 && (!stated || compositionMatches(e, stated));
  if (sym.otherOriginHall !== undefined && !fits(ex)) {
    const otherOps = operationsOfHall(sym.otherOriginHall);
    const alt = expandSites(atoms, otherOps, lattice, tol);
    if (fits(alt)) {
      ctx.warn(
        `the stated ${bad.length ? 'site multiplicities' : 'formula and Z'} fit origin choice 1, not the assumed origin choice 2; origin choice 1 used`,
        sym.line,
      );
      ex = alt;
      sym.ops = otherOps;
      sym.hallNumber = sym.otherOriginHall;
    }
  }
  for (const i of multiplicityMismatches(atoms, ex)) {
    ctx.warn(
      `atom ${atoms[i].label} (line ${atoms[i].line}) has stated multiplicity ${atoms[i].multiplicity}, but its orbit has ${ex.orbitSizes[i]} positions`,
      atoms[i].line,
    );
  }
  ex.orbitMergeA.forEach((d, i) => {
    if (d > 0.005) {
      ctx.warn(`symmetry images of atom ${atoms[i].label} (line ${atoms[i].line}) up to ${d.toFixed(3)} Å apart were merged into one position (rounded coordinates)`, atoms[i].line);
    }
  });
  for (const s of ex.shared) {
    if (s.distance > 0.005) {
      ctx.warn(`atom ${atoms[s.atom].label} (line ${atoms[s.atom].line}) is ${s.distance.toFixed(3)} Å from ${atoms[s.onto].label} and shares its site`, atoms[s.atom].line);
    }
  }
  // Occupancy sums.
  ex.sites.forEach((site, k) => {
    const species = site.species as Species[];
    const sum = species.reduce((t, s) => t + s.occupancy, 0);
    if (sum <= 1 + 1e-6) return;
    // Scale to 1 (as pymatgen does within its occupancy tolerance).
    for (let j = 0; j < species.length; j++) species[j] = { ...species[j], occupancy: species[j].occupancy / sum };
    if (ex.sources[k].length === 1) {
      const a = atoms[ex.sources[k][0]];
      ctx.warn(`occupancy of atom ${a.label} is ${Number(sum.toFixed(6))} (a hair over 1); accepted and scaled to 1`, a.line);
      return;
    }
    const names = ex.sources[k].map((i) => atoms[i].label).join(', ');
    const last = atoms[ex.sources[k][ex.sources[k].length - 1]];
    const total = Number(sum.toFixed(6));
    if (sum > OCCUPANCY_TOLERANCE + 1e-9) {
      throw ctx.error(
        `atoms ${names} share one site and their occupancies sum to ${total} (more than 1)`,
        last.line,
        'atoms at the same position must have occupancies that add up to at most 1',
      );
    }
    ctx.warn(`total occupancy of ${names} on one site is ${total} (a hair over 1); accepted and scaled to 1`, last.line);
  });
  const structure = new Structure(lattice, ex.sites, block.name);
  return {
    name: block.name,
    structure,
    warnings: ctx.warnings,
    symmetrySource: sym.source,
    ...(sym.hallNumber !== undefined ? { hallNumber: sym.hallNumber } : {}),
    ...(sym.spacegroupNumber !== undefined ? { spacegroupNumber: sym.spacegroupNumber } : {}),
    nOperations: sym.ops.length,
  };
}
