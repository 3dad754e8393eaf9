/**
 * pymatgen's Structure JSON (the `Structure.as_dict()` form), in and out, so users can move
 * between Python and ionpath:
 *
 *   {"@module": "pymatgen.core.structure", "@class": "Structure", "charge": 0,
 *    "lattice": {"matrix": [[…], […], […]], "pbc": [true, true, true], "a": …, "volume": …},
 *    "properties": {"title": "…"},                      (ionpath's title; newer pymatgen keeps it)
 *    "sites": [{"species": [{"element": "Li", "oxidation_state": 1, "occu": 0.5}, …],
 *               "abc": [x, y, z], "xyz": [X, Y, Z], "label": "Li1",
 *               "properties": {"selective_dynamics": [true, true, false], "magmom": 0.6}}]}
 *
 * Reading uses `abc` (fractional) and falls back to `xyz` (Cartesian Å). `lattice.matrix`
 * rows are a, b, c in Å — the same convention as ionpath's Lattice. Site properties
 * `selective_dynamics` and (collinear) `magmom` map to ionpath's site properties; other
 * properties are not carried. Dummy species ('X0+') and Molecule dicts are refused.
 * An entry wrapping a structure (ComputedStructureEntry and similar: `{"structure": {…}}`)
 * is unwrapped.
 */
import { InputError } from '../core/errors.js';
import { element, elementOrNull } from '../core/elements.js';
import { Lattice } from '../core/lattice.js';
import { Structure, type SiteInput, type SiteProperties, type Species } from '../core/structure.js';
import { readText } from './read-text.js';

export interface PymatgenSpeciesDict {
  element: string;
  oxidation_state?: number;
  occu: number;
}

export interface PymatgenSiteDict {
  species: PymatgenSpeciesDict[];
  abc: [number, number, number];
  xyz: [number, number, number];
  label: string;
  properties: Record<string, unknown>;
}

export interface PymatgenStructureDict {
  '@module': string;
  '@class': string;
  charge: number;
  lattice: {
    matrix: number[][];
    pbc: [boolean, boolean, boolean];
    a: number;
    b: number;
    c: number;
    alpha: number;
    beta: number;
    gamma: number;
    volume: number;
  };
  properties: Record<string, unknown>;
  sites: PymatgenSiteDict[];
}

/** Structure → pymatgen `Structure.as_dict()` form (verbosity 1: with abc/xyz and lattice parameters). */
export function structureToPymatgenDict(structure: Structure): PymatgenStructureDict {
  const lat = structure.lattice;
  const p = lat.parameters;
  let charge = 0;
  const sites: PymatgenSiteDict[] = structure.sites.map((s, k) => {
    const species: PymatgenSpeciesDict[] = s.species.map((sp) => {
      if (sp.oxidationState !== undefined) charge += sp.oxidationState * sp.occupancy;
      return sp.oxidationState !== undefined
        ? { element: sp.element, oxidation_state: sp.oxidationState, occu: sp.occupancy }
        : { element: sp.element, occu: sp.occupancy };
    });
    const props: Record<string, unknown> = {};
    if (s.properties?.selectiveDynamics) props.selective_dynamics = [...s.properties.selectiveDynamics];
    if (s.properties?.magmom !== undefined) props.magmom = s.properties.magmom;
    const c = structure.cart(k);
    return {
      species,
      abc: [s.frac[0], s.frac[1], s.frac[2]],
      xyz: [c[0], c[1], c[2]],
      label: s.label,
      properties: props,
    };
  });
  return {
    '@module': 'pymatgen.core.structure',
    '@class': 'Structure',
    charge,
    lattice: {
      matrix: lat.matrix.map((r) => [r[0], r[1], r[2]]),
      pbc: [true, true, true],
      a: p.a,
      b: p.b,
      c: p.c,
      alpha: p.alpha,
      beta: p.beta,
      gamma: p.gamma,
      volume: lat.volume,
    },
    properties: structure.title ? { title: structure.title } : {},
    sites,
  };
}

/** JSON text of structureToPymatgenDict (2-space indent, trailing newline). */
export function writePymatgenJson(structure: Structure): string {
  return JSON.stringify(structureToPymatgenDict(structure), null, 2) + '\n';
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function vec3(x: unknown): [number, number, number] | null {
  if (!Array.isArray(x) || x.length !== 3) return null;
  if (!x.every((v) => typeof v === 'number' && Number.isFinite(v))) return null;
  return [x[0] as number, x[1] as number, x[2] as number];
}

/** pymatgen Structure dict (parsed JSON) → Structure. Throws InputError naming the JSON path. */
export function structureFromPymatgenDict(obj: unknown, file?: string): Structure {
  const fail = (where: string, message: string, hint?: string): never => {
    throw new InputError(`${where}: ${message}`, { file, hint });
  };
  if (!isObj(obj)) return fail('top level', 'expected a JSON object (pymatgen Structure.as_dict())');
  let d: Record<string, unknown> = obj;
  const cls = typeof d['@class'] === 'string' ? (d['@class'] as string) : undefined;
  if (cls === 'Molecule' || cls === 'IMolecule') {
    fail('@class', `a pymatgen ${cls} has no lattice; ionpath needs a periodic Structure`);
  }
  if (!('lattice' in d) && isObj(d.structure)) d = d.structure; // ComputedStructureEntry & co.
  const lat = d.lattice;
  const m = isObj(lat) ? lat.matrix : lat;
  if (!Array.isArray(m) || m.length !== 3) {
    return fail('lattice.matrix', 'expected three lattice vectors (rows a, b, c in Å)', 'is this a pymatgen Structure.as_dict() JSON?');
  }
  const rows = m.map((r, i) => vec3(r) ?? fail(`lattice.matrix[${i}]`, 'expected three finite numbers'));
  let lattice: Lattice;
  try {
    lattice = new Lattice(rows);
  } catch (e) {
    return fail('lattice.matrix', (e as Error).message);
  }
  if (isObj(lat) && Array.isArray(lat.pbc) && lat.pbc.some((x) => x === false)) {
    fail('lattice.pbc', `periodic boundaries ${JSON.stringify(lat.pbc)} are not all true; ionpath handles 3D-periodic crystals only`);
  }
  const sitesIn = d.sites;
  if (!Array.isArray(sitesIn)) return fail('sites', 'expected an array of sites');
  if (sitesIn.length === 0) fail('sites', 'the structure has no sites');
  const sites: SiteInput[] = sitesIn.map((sd, i) => {
    const at = `sites[${i}]`;
    if (!isObj(sd)) return fail(at, 'expected an object');
    const spIn = sd.species;
    if (!Array.isArray(spIn) || spIn.length === 0) return fail(`${at}.species`, 'expected a non-empty array of {element, occu}');
    let total = 0;
    const species: Species[] = spIn.map((x, j) => {
      const w = `${at}.species[${j}]`;
      if (!isObj(x)) return fail(w, 'expected an object {element, occu}');
      const el = x.element;
      if (typeof el !== 'string' || !elementOrNull(el)) {
        return fail(`${w}.element`, `expected an element symbol, found ${JSON.stringify(el)}`, el === 'X' || (typeof el === 'string' && el.startsWith('X')) ? 'dummy species (X) cannot be used' : undefined);
      }
      const occu = x.occu ?? 1;
      if (typeof occu !== 'number' || !(occu > 0) || occu > 1 + 1e-6) fail(`${w}.occu`, `expected an occupancy in (0, 1], found ${JSON.stringify(x.occu)}`);
      total += occu as number;
      const ox = x.oxidation_state;
      if (ox !== undefined && ox !== null && (typeof ox !== 'number' || !Number.isFinite(ox))) {
        fail(`${w}.oxidation_state`, `expected a number, found ${JSON.stringify(ox)}`);
      }
      element(el);
      return typeof ox === 'number' ? { element: el, occupancy: occu as number, oxidationState: ox } : { element: el, occupancy: occu as number };
    });
    if (total > 1 + 1e-6) fail(`${at}.species`, `occupancies add up to ${total}, more than 1`);
    let frac = vec3(sd.abc);
    if (!frac) {
      const xyz = vec3(sd.xyz);
      if (!xyz) return fail(`${at}.abc`, 'expected fractional coordinates [x, y, z] (or Cartesian xyz)');
      frac = lattice.toFractional(xyz) as [number, number, number];
    }
    const props: { -readonly [K in keyof SiteProperties]: SiteProperties[K] } = {};
    const pin = sd.properties;
    if (isObj(pin)) {
      const sdyn = pin.selective_dynamics;
      if (sdyn !== undefined && sdyn !== null) {
        if (!Array.isArray(sdyn) || sdyn.length !== 3) fail(`${at}.properties.selective_dynamics`, 'expected three booleans');
        props.selectiveDynamics = (sdyn as unknown[]).map((b) => Boolean(b)) as unknown as [boolean, boolean, boolean];
      }
      const mag = pin.magmom;
      if (typeof mag === 'number' && Number.isFinite(mag)) props.magmom = mag;
    }
    const site: SiteInput = { frac, species };
    if (typeof sd.label === 'string' && sd.label !== '') site.label = sd.label;
    if (Object.keys(props).length > 0) site.properties = props;
    return site;
  });
  const title = isObj(d.properties) && typeof d.properties.title === 'string' ? d.properties.title : '';
  try {
    return new Structure(lattice, sites, title);
  } catch (e) {
    return fail('sites', (e as Error).message);
  }
}

/** Parse JSON text (line of a syntax error reported) and convert. */
export function parsePymatgenJson(text: string, file?: string): Structure {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message.replace(/\s+/g, ' ');
    const m = /position (\d+)/.exec(msg);
    const pos = m ? Number(m[1]) : jsonErrorOffset(text);
    const upto = text.slice(0, pos);
    const line = upto.split('\n').length;
    const column = pos - upto.lastIndexOf('\n');
    const short = msg.length > 120 ? `${msg.slice(0, 117)}...` : msg;
    throw new InputError(`not valid JSON: ${short}`, { file, line, column, hint: 'expected pymatgen Structure JSON (json.dump(structure.as_dict(), f))' });
  }
  return structureFromPymatgenDict(obj, file);
}

/**
 * Offset of the first syntax error in JSON text (Node's message does not always say where).
 * A small recursive-descent scan of the JSON grammar; only used after JSON.parse failed.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  class Stop extends Error {}
  const stop = (): never => {
    throw new Stop();
  };
  const lit = (w: string) => {
    if (text.startsWith(w, i)) i += w.length;
    else stop();
  };
  const str = () => {
    i++; // opening quote
    while (i < n && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) stop();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) stop();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) stop();
      }
      i++;
    }
    if (i >= n) stop();
    i++;
  };
  const num = () => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') stop();
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 512) stop();
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') stop();
        str();
        ws();
        if (text[i] !== ':') stop();
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else stop();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else stop();
      }
    } else if (c === '"') str();
    else if (c === 't') lit('true');
    else if (c === 'f') lit('false');
    else if (c === 'n') lit('null');
    else num();
  };
  try {
    value(0);
    ws();
    return i < n ? i : n;
  } catch (e) {
    if (e instanceof Stop) return Math.min(i, n);
    throw e;
  }
}

/** Read a pymatgen Structure JSON file (gzip allowed). */
export function readPymatgenJson(path: string): Structure {
  return parsePymatgenJson(readText(path), path);
}
