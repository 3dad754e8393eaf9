/**
 * The build spec: a space group (with its setting), lattice parameters and a list of
 * Wyckoff sites — what a refinement table gives. Read from the command line
 * (`--spacegroup 227:2 --lattice a=8.25 --site "O 32e x=0.2628"`) or from a YAML/JSON
 * file; every bad value is an InputError naming the file and line (or the argument).
 *
 * Site text (CLI and the string form in spec files):
 *   SPECIES [WYCKOFF] [x=.. y=.. z=..] [X Y Z] [occ=..] [label=..] [ox=..]
 *   SPECIES: 'K', 'Li0.5', 'Ni0.25Mn0.75' (amounts are occupancies);
 *   WYCKOFF: 'd' or '16d'; free parameters by name, or three coordinates of a point of the
 *   orbit (then the letter is optional and found from the point). Numbers may be
 *   fractions ('1/3') and may carry a standard uncertainty ('0.2628(2)', ignored).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { InputError } from '../core/errors.js';
import { isElementSymbol } from '../core/elements.js';
import type { LatticeParameters } from '../core/lattice.js';
import type { Vec3 } from '../core/vec3.js';
import { hallEntriesOf } from '../symmetry/moyo.js';
import { settingFromHermannMauguin, splitHermannMauguin } from '../symmetry/spacegroup.js';
import type { ParamName, Params } from '../symmetry/wyckoff.js';

/** Where a value came from, for error messages. */
export interface SourceRef {
  file?: string;
  line?: number;
}

export interface SpeciesSpec {
  element: string;
  /** Occupancy in (0, 1]. */
  occupancy: number;
  oxidationState?: number;
}

export interface SiteSpec {
  species: SpeciesSpec[];
  /** Wyckoff letter, optionally with multiplicity ('d', '16d'). */
  wyckoff?: string;
  /** Free parameters by name. */
  params?: Params;
  /** Alternatively a point of the orbit (fractional). */
  coords?: Vec3;
  label?: string;
  /** The text the site was given as (messages). */
  text: string;
  where?: SourceRef;
}

export interface SpaceGroupSpec {
  number: number;
  /** moyo setting code: '1'/'2' (origin), 'H'/'R', 'b1', 'c2', … ; undefined = default. */
  setting?: string;
  text: string;
}

export type LatticeSpec = Partial<LatticeParameters>;

export interface BuildSpec {
  name?: string;
  title?: string;
  /** As published, e.g. 'LiMn2O4' (checked against the built structure for builtins). */
  formula?: string;
  spacegroup: SpaceGroupSpec;
  lattice: LatticeSpec;
  sites: SiteSpec[];
  /** Oxidation state per element (applied to species without one). */
  oxidation?: Record<string, number>;
  /** Citation fields (paper, doi, database, derived …), kept as given. */
  source?: Record<string, string>;
  /** Minimum distance (Å) between sites of different orbits. */
  minDistance?: number;
  file?: string;
  where?: { spacegroup?: SourceRef; lattice?: SourceRef };
}

const LATTICE_KEYS = ['a', 'b', 'c', 'alpha', 'beta', 'gamma'] as const;

/** '0.2628(2)' → 0.2628, '1/3' → 0.333…, '-.5' → -0.5; NaN when not a number. */
export function parseValue(text: string): number {
  const s = text.trim().replace(/\(\d+\)$/, '');
  const frac = /^([+-]?\d+)\/(\d+)$/.exec(s);
  if (frac) return Number(frac[1]) / Number(frac[2]);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number.NaN;
  return Number(s);
}

function numberOrThrow(text: string, what: string, where: SourceRef, hint?: string): number {
  const v = parseValue(text);
  if (!Number.isFinite(v)) throw new InputError(`${what}: expected a number, got '${text}'`, { ...where, hint });
  return v;
}

/**
 * Parse '227', '227:2', '166:H', 'Fd-3m:2', 'P4_332', 'P 1 21/n 1'. The setting is
 * validated against the group's settings.
 */
export function parseSpaceGroupArg(text: string, where: SourceRef = {}): SpaceGroupSpec {
  const raw = text.trim();
  const colon = raw.lastIndexOf(':');
  const head = colon >= 0 ? raw.slice(0, colon).trim() : raw;
  let setting = colon >= 0 ? raw.slice(colon + 1).trim() : undefined;
  let number: number;
  if (/^\d+$/.test(head)) {
    number = Number(head);
    if (number < 1 || number > 230) throw new InputError(`space group number must be 1–230, got ${head}`, where);
  } else {
    // A Hermann–Mauguin symbol, possibly with its own setting marks ('Fd-3m:2', 'R-3m H').
    const full = setting !== undefined ? raw : head;
    const choice = settingFromHermannMauguin(full);
    if (!choice) {
      throw new InputError(`unknown space group '${head}'`, {
        ...where,
        hint: "give the International Tables number (e.g. 227) or a Hermann–Mauguin symbol such as 'Fd-3m' or 'P4_332'",
      });
    }
    number = choice.number;
    const { hints } = splitHermannMauguin(full);
    const entries = hallEntriesOf(number);
    const twoOrigins = entries.some((e) => e.setting.startsWith('1')) && entries.some((e) => e.setting.startsWith('2'));
    const rhombo = entries.some((e) => e.setting === 'R');
    // Origin and axes must be stated; other setting choices (cell choice, unique axis) follow the symbol.
    if ((twoOrigins && !hints.origin) || (rhombo && !hints.axes)) setting = undefined;
    else setting = choice.entry.setting || undefined;
  }
  if (setting !== undefined) {
    const settings = hallEntriesOf(number).map((h) => h.setting);
    const match = settings.find((s) => s === setting) ?? settings.find((s) => s.toLowerCase() === setting!.toLowerCase());
    if (!match) {
      const list = settings.filter((s) => s !== '');
      throw new InputError(`space group ${number} has no setting '${setting}'`, {
        ...where,
        hint: list.length ? `its settings are ${list.map((s) => `${number}:${s}`).join(', ')}` : `${number} has a single setting; write just ${number}`,
      });
    }
    setting = match;
  }
  return { number, ...(setting !== undefined && setting !== '' ? { setting } : {}), text: raw };
}

/** Parse 'a=8.7,c=5.0' or 'a=5 b=6 c=7 beta=101.2'. */
export function parseLatticeArg(text: string, where: SourceRef = {}): LatticeSpec {
  const out: LatticeSpec = {};
  const parts = text.split(/[\s,;]+/).filter((p) => p);
  if (parts.length === 0) throw new InputError('empty --lattice: expected e.g. a=8.7,c=5.0', where);
  for (const p of parts) {
    const m = /^([A-Za-z]+)\s*=\s*(.+)$/.exec(p);
    const key = m?.[1].toLowerCase();
    if (!m || !(LATTICE_KEYS as readonly string[]).includes(key!)) {
      throw new InputError(`lattice parameter '${p}': expected NAME=VALUE with NAME one of a, b, c, alpha, beta, gamma`, {
        ...where,
        hint: 'e.g. --lattice a=8.7,c=5.0 (lengths in Å, angles in degrees)',
      });
    }
    const k = key as keyof LatticeParameters;
    if (out[k] !== undefined) throw new InputError(`lattice parameter ${k} given twice`, where);
    out[k] = numberOrThrow(m[2], `lattice parameter ${k}`, where);
  }
  return out;
}

/** 'Ni0.25Mn0.75' → [{Ni, 0.25}, {Mn, 0.75}]; 'Li' → [{Li, 1}]. */
export function parseSpeciesText(text: string, where: SourceRef = {}): SpeciesSpec[] {
  const s = text.trim();
  const re = /([A-Z][a-z]?)(\d*\.?\d*(?:\/\d+)?)/gy;
  const out: SpeciesSpec[] = [];
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < s.length && (m = re.exec(s))) {
    if (m[0].length === 0) break;
    pos = re.lastIndex;
    const el = m[1];
    if (!isElementSymbol(el)) throw new InputError(`'${el}' in '${text}' is not an element symbol`, where);
    const occ = m[2] ? parseValue(m[2]) : 1;
    if (!(occ > 0 && occ <= 1 + 1e-9)) {
      throw new InputError(`occupancy of ${el} in '${text}' must be in (0, 1], got ${m[2]}`, {
        ...where,
        hint: 'amounts after the element are site occupancies, e.g. Ni0.25Mn0.75',
      });
    }
    if (out.some((x) => x.element === el)) throw new InputError(`${el} appears twice in '${text}'`, where);
    out.push({ element: el, occupancy: Math.min(occ, 1) });
  }
  if (pos !== s.length || out.length === 0) {
    throw new InputError(`'${text}' is not a species: expected an element symbol, optionally with occupancies (K, Li0.5, Ni0.25Mn0.75)`, where);
  }
  checkOccupancySum(out, text, where);
  return out;
}

function checkOccupancySum(species: SpeciesSpec[], text: string, where: SourceRef): void {
  const sum = species.reduce((a, x) => a + x.occupancy, 0);
  if (sum > 1 + 1e-3) throw new InputError(`occupancies in '${text}' add up to ${Number(sum.toFixed(6))}, more than 1`, where);
}

/**
 * Parse a site: 'K 3c x=0.59 z=0.5', 'Ni0.25Mn0.75 16d', 'O 32e 0.2628 0.2628 0.2628',
 * 'Li 0.125 0.125 0.125 occ=0.5 label=Li1'.
 */
export function parseSiteArg(text: string, where: SourceRef = {}): SiteSpec {
  const tokens = text.trim().split(/\s+/).filter((t) => t);
  if (tokens.length === 0) throw new InputError('empty site: expected e.g. "K 3c x=0.59 z=0.5"', where);
  const site: SiteSpec = { species: parseSpeciesText(tokens[0], where), text: text.trim(), ...(where.file || where.line ? { where } : {}) };
  const positional: number[] = [];
  let occupancy: number | undefined;
  let ox: number | undefined;
  for (const tok of tokens.slice(1)) {
    const kv = /^([A-Za-z_]+)=(.*)$/.exec(tok);
    if (kv) {
      const key = kv[1].toLowerCase();
      const val = kv[2];
      if (key === 'x' || key === 'y' || key === 'z') {
        site.params ??= {};
        if (site.params[key] !== undefined) throw new InputError(`${key} given twice in site '${text}'`, where);
        site.params[key] = numberOrThrow(val, `free parameter ${key} of site '${text}'`, where);
      } else if (key === 'occ' || key === 'occupancy') {
        occupancy = numberOrThrow(val, `occupancy of site '${text}'`, where);
      } else if (key === 'label') {
        if (!val) throw new InputError(`empty label in site '${text}'`, where);
        site.label = val;
      } else if (key === 'ox' || key === 'oxidation') {
        ox = numberOrThrow(val, `oxidation state in site '${text}'`, where);
      } else {
        throw new InputError(`unknown key '${kv[1]}' in site '${text}'`, {
          ...where,
          hint: 'keys are x, y, z (free parameters), occ, label, ox',
        });
      }
    } else if (/^\d*[a-zA-Z]$/.test(tok) && site.wyckoff === undefined && positional.length === 0 && !site.params) {
      site.wyckoff = tok;
    } else {
      const v = parseValue(tok);
      if (!Number.isFinite(v)) {
        throw new InputError(`cannot read '${tok}' in site '${text}'`, {
          ...where,
          hint: 'expected SPECIES [WYCKOFF] then x=.. y=.. z=.. or three coordinates, e.g. "K 3c x=0.59 z=0.5"',
        });
      }
      positional.push(v);
    }
  }
  if (positional.length) {
    if (positional.length !== 3) {
      throw new InputError(`site '${text}' has ${positional.length} coordinate(s); give three (x y z) or name the free parameters (x=0.59 z=0.5)`, where);
    }
    if (site.params) throw new InputError(`site '${text}' mixes named parameters and coordinates; use one or the other`, where);
    site.coords = positional as unknown as Vec3;
  }
  if (!site.wyckoff && !site.coords) {
    throw new InputError(`site '${text}' needs a Wyckoff letter (e.g. 16d) or three coordinates`, where);
  }
  applyOccupancyAndOx(site, occupancy, ox, text, where);
  return site;
}

function applyOccupancyAndOx(site: SiteSpec, occupancy: number | undefined, ox: number | undefined, text: string, where: SourceRef): void {
  if (occupancy !== undefined) {
    if (site.species.length !== 1 || site.species[0].occupancy !== 1) {
      throw new InputError(`site '${text}': give occupancy either in the species (Ni0.25Mn0.75) or with occ=, not both`, where);
    }
    if (!(occupancy > 0 && occupancy <= 1 + 1e-9)) throw new InputError(`occupancy of site '${text}' must be in (0, 1], got ${occupancy}`, where);
    site.species[0].occupancy = Math.min(occupancy, 1);
  }
  if (ox !== undefined) {
    if (site.species.length !== 1) throw new InputError(`site '${text}': ox= needs a single species; use the spec file's oxidation map for mixed sites`, where);
    site.species[0].oxidationState = ox;
  }
}

// ---------------------------------------------------------------------------------------
// Spec files (YAML or JSON)

/** Read a spec file (.yaml, .yml or .json; JSON is read by the YAML parser, with lines). */
export function readSpecFile(path: string): BuildSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such spec file' : `cannot read spec file: ${(e as Error).message}`, { file: path });
  }
  const ext = extname(path).toLowerCase();
  if (ext && !['.yaml', '.yml', '.json'].includes(ext)) {
    throw new InputError(`a spec file must be .yaml, .yml or .json, got '${ext}'`, { file: path });
  }
  return parseSpecText(text, path);
}

/** Parse spec text (YAML or JSON). */
export function parseSpecText(text: string, file?: string): BuildSpec {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const line = lc.linePos(e.pos[0]).line;
    throw new InputError(`not valid YAML/JSON: ${e.message.split('\n')[0]}`, { file, line });
  }
  const lineOf = (n: YamlNode | null | undefined): number | undefined => (n?.range ? lc.linePos(n.range[0]).line : undefined);
  const root = doc.contents as YamlNode | null;
  if (!isMap(root)) throw new InputError('a build spec must be a mapping with spacegroup, lattice and sites', { file, line: 1 });

  const fields = new Map<string, YamlNode>();
  for (const pair of root.items) {
    const k = isScalar(pair.key) ? String(pair.key.value) : '';
    fields.set(k, pair.value as YamlNode);
  }
  const allowed = ['name', 'title', 'formula', 'spacegroup', 'setting', 'lattice', 'sites', 'oxidation', 'source', 'minDistance', 'notes'];
  for (const pair of root.items) {
    const k = isScalar(pair.key) ? String(pair.key.value) : '?';
    if (!allowed.includes(k)) {
      throw new InputError(`unknown field '${k}' in build spec`, { file, line: lineOf(pair.key as YamlNode), hint: `fields are ${allowed.join(', ')}` });
    }
  }
  const need = (k: string): YamlNode => {
    const n = fields.get(k);
    if (n === undefined || n === null) throw new InputError(`build spec needs '${k}'`, { file, line: 1 });
    return n;
  };
  const scalarText = (n: YamlNode, what: string): string => {
    if (!isScalar(n) || n.value === null || typeof n.value === 'object') throw new InputError(`${what}: expected a value`, { file, line: lineOf(n) });
    return String(n.value);
  };

  const sgNode = need('spacegroup');
  const sgWhere = { file, line: lineOf(sgNode) };
  let sgText = scalarText(sgNode, 'spacegroup');
  const settingNode = fields.get('setting');
  if (settingNode) {
    if (sgText.includes(':')) throw new InputError("give the setting either as 'spacegroup: 227:2' or as 'setting:', not both", { file, line: lineOf(settingNode) });
    sgText = `${sgText}:${scalarText(settingNode, 'setting')}`;
  }
  const spacegroup = parseSpaceGroupArg(sgText, sgWhere);

  const latNode = need('lattice');
  const latWhere = { file, line: lineOf(latNode) };
  let lattice: LatticeSpec;
  if (isMap(latNode)) {
    lattice = {};
    for (const pair of latNode.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : '?';
      const where = { file, line: lineOf(pair.key as YamlNode) };
      if (!(LATTICE_KEYS as readonly string[]).includes(k)) {
        throw new InputError(`unknown lattice parameter '${k}'`, { ...where, hint: 'use a, b, c (Å) and alpha, beta, gamma (degrees)' });
      }
      lattice[k as keyof LatticeParameters] = numberOrThrow(scalarText(pair.value as YamlNode, `lattice ${k}`), `lattice parameter ${k}`, where);
    }
  } else {
    lattice = parseLatticeArg(scalarText(latNode, 'lattice'), latWhere);
  }

  let oxidation: Record<string, number> | undefined;
  const oxNode = fields.get('oxidation');
  if (oxNode) {
    if (!isMap(oxNode)) throw new InputError('oxidation: expected a mapping such as {Li: 1, Mn: 4, O: -2}', { file, line: lineOf(oxNode) });
    oxidation = {};
    for (const pair of oxNode.items) {
      const el = isScalar(pair.key) ? String(pair.key.value) : '?';
      const where = { file, line: lineOf(pair.key as YamlNode) };
      if (!isElementSymbol(el)) throw new InputError(`oxidation: '${el}' is not an element symbol`, where);
      oxidation[el] = numberOrThrow(scalarText(pair.value as YamlNode, `oxidation of ${el}`), `oxidation state of ${el}`, where);
    }
  }

  const sitesNode = need('sites');
  if (!isSeq(sitesNode) || sitesNode.items.length === 0) {
    throw new InputError('sites: expected a list of sites', { file, line: lineOf(sitesNode) });
  }
  const sites = sitesNode.items.map((item) => parseSiteNode(item as YamlNode, file, lineOf));

  let source: Record<string, string> | undefined;
  const srcNode = fields.get('source');
  if (srcNode) {
    if (!isMap(srcNode)) throw new InputError('source: expected a mapping (paper, doi, database, …)', { file, line: lineOf(srcNode) });
    source = {};
    for (const pair of srcNode.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : '?';
      source[k] = scalarText(pair.value as YamlNode, `source ${k}`);
    }
  }
  const str = (k: string) => (fields.get(k) ? scalarText(fields.get(k)!, k) : undefined);
  const md = fields.get('minDistance');
  const spec: BuildSpec = {
    spacegroup,
    lattice,
    sites,
    ...(file ? { file } : {}),
    where: { spacegroup: sgWhere, lattice: latWhere },
  };
  if (str('name')) spec.name = str('name');
  if (str('title')) spec.title = str('title');
  if (str('formula')) spec.formula = str('formula');
  if (oxidation) spec.oxidation = oxidation;
  if (source) spec.source = source;
  if (md) spec.minDistance = numberOrThrow(scalarText(md, 'minDistance'), 'minDistance', { file, line: lineOf(md) });
  return spec;
}

const SITE_KEYS = ['species', 'element', 'wyckoff', 'x', 'y', 'z', 'coords', 'occupancy', 'label', 'oxidation'];

function parseSiteNode(node: YamlNode, file: string | undefined, lineOf: (n: YamlNode | null | undefined) => number | undefined): SiteSpec {
  const where: SourceRef = { file, line: lineOf(node) };
  if (isScalar(node) && typeof node.value === 'string') return parseSiteArg(node.value, where);
  if (!isMap(node)) {
    throw new InputError('a site must be a mapping ({species: O, wyckoff: 32e, x: 0.2628}) or a string ("O 32e x=0.2628")', where);
  }
  const f = new Map<string, YamlNode>();
  for (const pair of node.items) {
    const k = isScalar(pair.key) ? String(pair.key.value) : '?';
    if (!SITE_KEYS.includes(k)) {
      throw new InputError(`unknown site field '${k}'`, { file, line: lineOf(pair.key as YamlNode), hint: `site fields are ${SITE_KEYS.join(', ')}` });
    }
    f.set(k, pair.value as YamlNode);
  }
  const text = (k: string): string | undefined => {
    const n = f.get(k);
    if (n === undefined) return undefined;
    if (!isScalar(n) || n.value === null || typeof n.value === 'object') throw new InputError(`site ${k}: expected a value`, { file, line: lineOf(n) });
    return String(n.value);
  };
  const spText = text('species') ?? text('element');
  if (!spText) throw new InputError("a site needs 'species' (e.g. O, Li0.5, Ni0.25Mn0.75)", where);
  if (f.has('species') && f.has('element')) throw new InputError("give 'species' or 'element', not both", where);
  const species = parseSpeciesText(spText, where);
  const desc = [spText, text('wyckoff') ?? ''].join(' ').trim();
  const site: SiteSpec = { species, text: desc, where };
  const w = text('wyckoff');
  if (w !== undefined) site.wyckoff = w;
  const label = text('label');
  if (label !== undefined) site.label = label;
  for (const k of ['x', 'y', 'z'] as ParamName[]) {
    const v = text(k);
    if (v !== undefined) {
      site.params ??= {};
      site.params[k] = numberOrThrow(v, `free parameter ${k} of site ${desc}`, { file, line: lineOf(f.get(k)) });
    }
  }
  const cn = f.get('coords');
  if (cn) {
    const cw = { file, line: lineOf(cn) };
    if (!isSeq(cn) || cn.items.length !== 3) throw new InputError('coords: expected a list of three fractional coordinates', cw);
    site.coords = cn.items.map((it, i) => numberOrThrow(isScalar(it) ? String(it.value) : '?', `coordinate ${i + 1}`, cw)) as unknown as Vec3;
    if (site.params) throw new InputError(`site ${desc} has both coords and named free parameters; use one`, cw);
  }
  if (!site.wyckoff && !site.coords) throw new InputError(`site ${desc} needs a Wyckoff letter (e.g. 16d) or coords`, where);
  const occ = text('occupancy');
  const ox = text('oxidation');
  applyOccupancyAndOx(
    site,
    occ === undefined ? undefined : numberOrThrow(occ, `occupancy of site ${desc}`, { file, line: lineOf(f.get('occupancy')) }),
    ox === undefined ? undefined : numberOrThrow(ox, `oxidation state of site ${desc}`, { file, line: lineOf(f.get('oxidation')) }),
    desc,
    where,
  );
  return site;
}

/** Spec from command-line pieces. */
export function specFromArgs(args: { spacegroup: string; lattice: string; sites: readonly string[]; title?: string }): BuildSpec {
  const spacegroup = parseSpaceGroupArg(args.spacegroup, {});
  const lattice = parseLatticeArg(args.lattice, {});
  if (args.sites.length === 0) throw new InputError('no sites: give one or more --site "ELEMENT WYCKOFF x=.. y=.. z=.."');
  const sites = args.sites.map((s, i) => {
    try {
      return parseSiteArg(s, {});
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`--site ${i + 1}: ${e.message}`, { hint: e.hint });
      throw e;
    }
  });
  return { spacegroup, lattice, sites, ...(args.title ? { title: args.title } : {}) };
}
