/**
 * The header sections of vasprun.xml, each from its captured sub-tree: `<generator>`,
 * `<incar>`, `<parameters>`, `<atominfo>`, `<kpoints>` and `<structure>`.
 */
import { InputError } from '../core/errors.js';
import { Lattice } from '../core/lattice.js';
import { Structure, type SiteInput } from '../core/structure.js';
import { parseElementSymbol } from '../core/elements.js';
import { type XNode, child, children, describe, namedItems } from './vasprun-node.js';
import type { ValueReader } from './vasprun-values.js';
import type { AtomInfo, AtomType, Generator, Kpoints, ParamValue } from './vasprun-types.js';

export function emptyGenerator(): Generator {
  return { program: null, version: null, subversion: null, platform: null, date: null, time: null };
}

export function readGenerator(node: XNode): Generator {
  const items = namedItems(node);
  const get = (k: string) => (items.has(k) ? items.get(k)!.text.trim() : null);
  return {
    program: get('program'),
    version: get('version'),
    subversion: get('subversion'),
    platform: get('platform'),
    date: get('date'),
    time: get('time'),
  };
}

/** The version token ('6.4.2'); null when there is none. Warns about unprintable characters. */
export function versionToken(g: Generator, rd: ValueReader, line: number): string | null {
  if (g.version === null) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff]/.test(g.version)) {
    rd.warnings.add('version', 'the VASP version string holds unprintable characters; using its first word', line);
  }
  const tok = g.version.split(/\s+/)[0];
  return tok === '' ? null : tok;
}

/**
 * `<incar>` or `<parameters>`: every `<i>`/`<v>`, `<separator>`s flattened, typed by `type`.
 * The first occurrence of a name wins: the "response functions" separator repeats NELM
 * (as 1) and other tags that must not override the real ones (pymatgen drops them too).
 */
export function readParams(node: XNode, rd: ValueReader, out: Record<string, ParamValue> = {}): Record<string, ParamValue> {
  for (const c of node.children) {
    if (c.name === 'separator') {
      readParams(c, rd, out);
      continue;
    }
    const name = c.attrs.name;
    if (name === undefined || Object.prototype.hasOwnProperty.call(out, name)) continue;
    const where = `${describe(c)}`;
    if (c.name === 'i') out[name] = rd.scalar(c.attrs.type, c.text, c.line, where);
    else if (c.name === 'v') out[name] = rd.vector(c.attrs.type, c.text, c.line, where);
  }
  return out;
}

/** Rows of an `<array>` with `<field>`s and a `<set>` of `<rc><c>…</c></rc>` rows. */
function arrayRows(arr: XNode): { fields: string[]; rows: XNode[][] } {
  const fields = children(arr, 'field').map((f) => f.text.trim());
  const set = child(arr, 'set');
  const rows = set ? children(set, 'rc').map((rc) => children(rc, 'c')) : [];
  return { fields, rows };
}

export function readAtomInfo(node: XNode, rd: ValueReader): AtomInfo {
  const file = rd.file;
  let typesArr: XNode | undefined;
  let atomsArr: XNode | undefined;
  for (const a of children(node, 'array')) {
    if (a.attrs.name === 'atomtypes') typesArr = a;
    else if (a.attrs.name === 'atoms') atomsArr = a;
  }
  if (!typesArr || !atomsArr) {
    throw new InputError('<atominfo> lacks <array name="atoms"> or <array name="atomtypes">', { file, line: node.line });
  }
  const t = arrayRows(typesArr);
  const col = (fields: string[], name: string, arr: XNode): number => {
    const i = fields.indexOf(name);
    if (i < 0) throw new InputError(`${describe(arr)} has no <field>${name}</field>`, { file, line: arr.line });
    return i;
  };
  const cCount = col(t.fields, 'atomspertype', typesArr);
  const cEl = col(t.fields, 'element', typesArr);
  const cMass = t.fields.indexOf('mass');
  const cVal = t.fields.indexOf('valence');
  const cPot = t.fields.indexOf('pseudopotential');
  const types: AtomType[] = t.rows.map((r, k) => {
    const cell = (i: number): XNode => {
      const c = r[i];
      if (!c) throw new InputError(`atom type ${k + 1} in <atominfo> has too few <c> columns`, { file, line: typesArr!.line });
      return c;
    };
    const raw = cell(cEl).text.trim();
    const count = rd.int(cell(cCount).text, cell(cCount).line, 'atomspertype');
    if (count === null || count < 0) throw new InputError(`atom type ${k + 1} has no valid atom count`, { file, line: cell(cCount).line });
    return {
      element: parseElementSymbol(raw),
      rawElement: raw,
      count,
      mass: cMass >= 0 && r[cMass] ? rd.float(r[cMass].text, r[cMass].line, 'atomtype mass') : null,
      valence: cVal >= 0 && r[cVal] ? rd.float(r[cVal].text, r[cVal].line, 'atomtype valence') : null,
      pseudopotential: cPot >= 0 && r[cPot] ? r[cPot].text.trim() : '',
    };
  });
  const a = arrayRows(atomsArr);
  const aEl = col(a.fields, 'element', atomsArr);
  const aType = col(a.fields, 'atomtype', atomsArr);
  const elements: (string | null)[] = [];
  const typeIndex: number[] = [];
  for (const [k, r] of a.rows.entries()) {
    const ce = r[aEl];
    const ct = r[aType];
    if (!ce || !ct) throw new InputError(`atom ${k + 1} in <atominfo> has too few <c> columns`, { file, line: atomsArr.line });
    const ti = rd.int(ct.text, ct.line, 'atomtype');
    if (ti === null || ti < 1 || ti > types.length) {
      throw new InputError(`atom ${k + 1} has atomtype ${ct.text.trim()}, expected 1..${types.length}`, { file, line: ct.line });
    }
    typeIndex.push(ti - 1);
    elements.push(types[ti - 1].element ?? parseElementSymbol(ce.text));
  }
  const sum = types.reduce((s, x) => s + x.count, 0);
  if (sum !== elements.length) {
    throw new InputError(`<atominfo> lists ${elements.length} atoms but the atom types add up to ${sum}`, { file, line: node.line });
  }
  const nAtoms = child(node, 'atoms');
  if (nAtoms) {
    const n = rd.int(nAtoms.text, nAtoms.line, '<atoms>');
    if (n !== elements.length) {
      throw new InputError(`<atoms> says ${n} but <array name="atoms"> has ${elements.length} rows`, { file, line: nAtoms.line });
    }
  }
  for (const ty of types) {
    if (ty.element === null) rd.warnings.add('element:' + ty.rawElement, `'${ty.rawElement}' in <atominfo> is not an element symbol; structures are not built`, node.line);
  }
  return { elements, typeIndex, types };
}

export function readKpoints(node: XNode, rd: ValueReader): Kpoints {
  const k: Kpoints = { scheme: null, divisions: null, length: null, usershift: null, shift: null, genvec: null, points: [], weights: [] };
  const gen = child(node, 'generation');
  if (gen) {
    k.scheme = gen.attrs.param ?? null;
    const vs = namedItems(gen, 'v');
    const is = namedItems(gen, 'i');
    const div = vs.get('divisions') ?? is.get('divisions');
    if (div) {
      const d = rd.ints(div.text, div.line, 'k-point divisions');
      k.divisions = d.every((x) => x !== null) ? (d as number[]) : null;
    }
    const len = is.get('length');
    if (len) k.length = rd.float(len.text, len.line, 'k-point length');
    const us = vs.get('usershift');
    if (us) k.usershift = rd.floatsN(us.text, 3, us.line, 'usershift');
    const sh = vs.get('shift');
    if (sh) k.shift = rd.floatsN(sh.text, 3, sh.line, 'k-point shift');
    const g = ['genvec1', 'genvec2', 'genvec3'].map((n) => vs.get(n));
    if (g.every((x) => x !== undefined)) k.genvec = g.map((x) => rd.floatsN(x!.text, 3, x!.line, x!.attrs.name!));
  }
  for (const va of children(node, 'varray')) {
    if (va.attrs.name === 'kpointlist') {
      k.points = children(va, 'v').map((v) => rd.floatsN(v.text, 3, v.line, 'kpointlist'));
    } else if (va.attrs.name === 'weights') {
      k.weights = children(va, 'v').map((v) => rd.floatsN(v.text, 1, v.line, 'k-point weights')[0]);
    }
  }
  if (k.weights.length && k.points.length && k.weights.length !== k.points.length) {
    throw new InputError(`${k.points.length} k-points but ${k.weights.length} weights`, { file: rd.file, line: node.line });
  }
  return k;
}

/** A `<structure>` as numbers: lattice rows (Å), fractional positions, selective flags. */
export interface RawStructure {
  lattice: (number | null)[][];
  positions: (number | null)[][];
  selective: (boolean | null)[][] | null;
  line: number;
}

export function readStructureNode(node: XNode, rd: ValueReader): RawStructure {
  const crystal = child(node, 'crystal');
  const basis = crystal ? child(crystal, 'varray', 'basis') : undefined;
  if (!basis) throw new InputError('<structure> has no <crystal><varray name="basis">', { file: rd.file, line: node.line });
  const lattice = children(basis, 'v').map((v) => rd.floatsN(v.text, 3, v.line, 'lattice basis'));
  if (lattice.length !== 3) {
    throw new InputError(`<varray name="basis"> needs 3 lattice vectors, found ${lattice.length}`, { file: rd.file, line: basis.line });
  }
  const pos = child(node, 'varray', 'positions');
  if (!pos) throw new InputError('<structure> has no <varray name="positions">', { file: rd.file, line: node.line });
  const positions = children(pos, 'v').map((v) => rd.floatsN(v.text, 3, v.line, 'positions'));
  const sel = child(node, 'varray', 'selective');
  const selective = sel ? children(sel, 'v').map((v) => rd.logicals(v.text, v.line, 'selective dynamics')) : null;
  if (selective && (selective.length !== positions.length || selective.some((r) => r.length !== 3))) {
    throw new InputError('<varray name="selective"> must have 3 flags per position', { file: rd.file, line: sel!.line });
  }
  return { lattice, positions, selective, line: node.line };
}

/**
 * Build a Structure with species from atominfo. Null (with a warning) when a number is
 * missing (overflow/NaN) or an element is unknown; an InputError when the counts disagree.
 */
export function toStructure(raw: RawStructure, info: AtomInfo | null, title: string, rd: ValueReader): Structure | null {
  const file = rd.file;
  if (!info) {
    rd.warnings.add('noatominfo', 'a <structure> comes before <atominfo>; it is not built', raw.line);
    return null;
  }
  if (raw.positions.length !== info.elements.length) {
    throw new InputError(
      `<structure> has ${raw.positions.length} positions but <atominfo> lists ${info.elements.length} atoms`,
      { file, line: raw.line },
    );
  }
  if (info.elements.some((e) => e === null)) return null;
  const hasNull = (rows: (number | null)[][]) => rows.some((r) => r.some((x) => x === null));
  if (hasNull(raw.lattice) || hasNull(raw.positions)) {
    rd.warnings.add('structnull', 'a structure holds unreadable numbers (overflow/NaN); it is left out (null)', raw.line);
    return null;
  }
  let lattice: Lattice;
  try {
    lattice = new Lattice(raw.lattice as number[][]);
  } catch (e) {
    throw new InputError(`bad lattice in <structure>: ${(e as Error).message}`, { file, line: raw.line });
  }
  const sites: SiteInput[] = raw.positions.map((p, i) => {
    const s: SiteInput = { frac: p as number[], species: info.elements[i]! };
    const sd = raw.selective?.[i];
    if (sd && sd.every((x) => x !== null)) s.properties = { selectiveDynamics: [sd[0]!, sd[1]!, sd[2]!] };
    return s;
  });
  return new Structure(lattice, sites, title);
}
