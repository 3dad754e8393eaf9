/**
 * Space-group symbols → a setting (a Hall number 1–530 in moyo's tables, whose operations
 * give the conventional-cell orbit of every site).
 *
 * Reads Hall symbols (spaces/underscores/case ignored: '-P 2yn', '-p_2yab') and
 * Hermann–Mauguin symbols in the spellings found in CIF files:
 *  - short or full, spaced or not, underscores as separators or subscript markers:
 *    'P 1 21/n 1', 'P_1_21/a_1', 'P4_332', 'P 43 3 2', 'P2(1)/c', 'Pnma', 'P 21/n' (short
 *    monoclinic symbols mean unique axis b, then c, then a);
 *  - unbarred cubic spellings ('F d 3 m', 'Pm3m' ⇒ Fd-3m, Pm-3m) and old glide names for the
 *    'e' groups ('Cmca' ⇒ Cmce, 'Abm2' ⇒ Aem2);
 *  - the setting: origin choice ':1'/':2', ICSD suffix 'S' (origin 1) or 'Z' (origin 2),
 *    '(origin choice 2)'; rhombohedral axes ':H'/':R', ICSD 'H'/'R' suffix; or a separate
 *    ITA coordinate-system code ('2', 'h', 'b1', '-b1', '2cab', …).
 * Groups with two origins default to origin choice 2 (the ITA recommendation and what modern
 * programs write) and say so in a warning; rhombohedral groups default to hexagonal axes
 * unless the cell is rhombohedral (a = b = c, α = β = γ ≠ 90°).
 * No table is written here: every symbol comes from moyo's 530 Hall entries.
 */
import { allHallEntries, hallEntriesOf, hallEntry, operationsOfHall, type HallEntry, type SymOp } from './moyo.js';
import type { LatticeParameters } from '../core/lattice.js';

export interface SettingChoice {
  hallNumber: number;
  /** ITA space-group number 1–230. */
  number: number;
  entry: HallEntry;
  /** Notes for the user (assumed origin, axes, fallbacks). */
  warnings: string[];
}

/** What the symbol string says about the setting besides the group. */
export interface SettingHints {
  origin?: 1 | 2;
  axes?: 'H' | 'R';
  /** A moyo/ITA setting code such as 'b1', '-b1', '2cab' (case-insensitive). */
  code?: string;
}

// ---------------------------------------------------------------------------------------
// Hall symbols

/** Normalised Hall symbol: lower case, '_' → space, '"' → '=', single spaces. */
export function normalizeHallSymbol(s: string): string {
  return s
    .trim()
    .replace(/_/g, ' ')
    .replace(/"/g, '=')
    .replace(/\(\s*([^)]*?)\s*\)/g, (_, inner: string) => `(${inner.replace(/[,\s]+/g, ' ')})`)
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

let hallIndex: Map<string, number> | null = null;

/** Hall number of a Hall symbol, or null when it is not one of the 530 in moyo's tables. */
export function hallNumberFromHallSymbol(symbol: string): number | null {
  if (!hallIndex) {
    hallIndex = new Map();
    for (const e of allHallEntries()) {
      const k = normalizeHallSymbol(e.hall_symbol);
      if (!hallIndex.has(k)) hallIndex.set(k, e.hall_number);
    }
  }
  const k = normalizeHallSymbol(symbol);
  const exact = hallIndex.get(k);
  if (exact !== undefined) return exact;
  // Tolerate a missing space between the lattice symbol and the first matrix ('-P2ybc').
  const spaced = k.replace(/^(-?[pabcifr])(?=[-\d])/, '$1 ');
  return hallIndex.get(spaced) ?? null;
}

// ---------------------------------------------------------------------------------------
// Hermann–Mauguin symbols

interface HmIndex {
  /** compact key → Hall numbers (every setting whose symbol gives this key). */
  primary: Map<string, number[]>;
  /** Keys derived from the table (short monoclinic, old 'e'-glide names): consulted second. */
  derived: Map<string, number[]>;
}

let hmIndex: HmIndex | null = null;

/** Compact form: no spaces or underscores, lower case ('P 4_3 3 2' → 'p4332'). */
function compact(s: string): string {
  return s.replace(/[\s_]+/g, '').toLowerCase();
}

function add(map: Map<string, number[]>, key: string, hall: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [hall]);
  else if (!list.includes(hall)) list.push(hall);
}

/** The two glide directions an 'e' (double glide) plane at position k of an orthorhombic symbol allows. */
const E_GLIDES: readonly string[][] = [
  ['b', 'c'],
  ['a', 'c'],
  ['a', 'b'],
];

function buildHmIndex(): HmIndex {
  const primary = new Map<string, number[]>();
  const derived = new Map<string, number[]>();
  for (const e of allHallEntries()) {
    const h = e.hall_number;
    add(primary, compact(e.hm_full), h);
    const monoclinic = e.number >= 3 && e.number <= 15;
    if (!monoclinic) add(primary, compact(e.hm_short), h);
    const tokens = e.hm_full.trim().split(/\s+/);
    const lat = tokens[0];
    const parts = tokens.slice(1);
    if (monoclinic && parts.length === 3) {
      // Short monoclinic symbol: the one non-'1' part (unique axis b first by Hall order).
      const axis = parts.filter((p) => p !== '1');
      if (axis.length === 1) {
        const key = compact(lat + axis[0]);
        // Keep only the first unique-axis family for a short symbol (b before c before a).
        const first = derived.get(key);
        if (!first || sameAxisFamily(first[0], h)) add(derived, key, h);
      }
    }
    if (e.number >= 16 && e.number <= 74 && parts.length === 3) {
      for (const variant of eGlideVariants(parts)) {
        add(derived, compact(lat + variant.join('')), h);
        // The short symbol too (full parts like '2/m' → 'm').
        add(derived, compact(lat + variant.map((p) => p.replace(/^.*\//, '')).join('')), h);
      }
    }
  }
  return { primary, derived };
}

function sameAxisFamily(a: number, b: number): boolean {
  if (hallEntry(a).number !== hallEntry(b).number) return false;
  return hallEntry(a).setting.replace(/^-/, '')[0] === hallEntry(b).setting.replace(/^-/, '')[0];
}

/** Spellings of an orthorhombic symbol with each 'e' glide replaced by one of its two glides. */
function eGlideVariants(parts: string[]): string[][] {
  if (!parts.some((p) => /(^|\/)e$/.test(p))) return [];
  let out: string[][] = [[]];
  parts.forEach((p, k) => {
    const m = /^(.*\/)?e$/.exec(p);
    const options = m ? E_GLIDES[k].map((g) => (m[1] ?? '') + g) : [p];
    out = out.flatMap((prefix) => options.map((o) => [...prefix, o]));
  });
  return out;
}

function index(): HmIndex {
  if (!hmIndex) hmIndex = buildHmIndex();
  return hmIndex;
}

/**
 * Split a Hermann–Mauguin string into the symbol proper and the setting hints it carries
 * (':2', ' Z', ' S', ' H', ':R', '(origin choice 2)', 'hexagonal axes').
 */
export function splitHermannMauguin(raw: string): { symbol: string; hints: SettingHints } {
  let s = raw.trim().replace(/^['"]|['"]$/g, '');
  const hints: SettingHints = {};
  const origin = /[(\[]?\s*origin\s*(?:choice)?\s*[:=]?\s*([12])\s*[)\]]?/i.exec(s);
  if (origin) {
    hints.origin = origin[1] === '1' ? 1 : 2;
    s = s.replace(origin[0], ' ');
  }
  const axes = /[(\[]?\s*(hexagonal|rhombohedral)\s*(?:axes|setting|cell)?\s*[)\]]?/i.exec(s);
  if (axes) {
    hints.axes = axes[1].toLowerCase() === 'hexagonal' ? 'H' : 'R';
    s = s.replace(axes[0], ' ');
  }
  const colon = /:\s*([^\s:]+)\s*$/.exec(s);
  if (colon) {
    applyCode(colon[1], hints);
    s = s.slice(0, colon.index);
  }
  // ICSD-style trailing letter: 'F d -3 m Z', 'R -3 m H'.
  const icsd = /\s([ZzSsHhRr])\s*$/.exec(s);
  if (icsd && s.trim().length > 2) {
    const c = icsd[1].toUpperCase();
    if (c === 'Z') hints.origin = 2;
    else if (c === 'S') hints.origin = 1;
    else hints.axes = c as 'H' | 'R';
    s = s.slice(0, icsd.index);
  }
  return { symbol: s.trim(), hints };
}

/** Fold an ITA coordinate-system code ('1', '2', 'h', 'r', 'b1', '2cab', …) into hints. */
export function applyCode(code: string, hints: SettingHints): SettingHints {
  const c = code.trim();
  if (c === '1' || c === '2') hints.origin = c === '1' ? 1 : 2;
  else if (/^[hr]$/i.test(c)) hints.axes = c.toUpperCase() as 'H' | 'R';
  else if (c) {
    hints.code = c.toLowerCase();
    const m = /^([12])(.+)$/.exec(c);
    if (m) hints.origin = m[1] === '1' ? 1 : 2;
  }
  return hints;
}

/** Candidate compact keys for a symbol body, most literal first. */
function keysOf(symbol: string): string[] {
  let s = symbol.trim();
  // 'P2(1)/c' → 'P2_1/c'; other parenthesised remarks dropped.
  s = s.replace(/(\d)\((\d)\)/g, '$1$2').replace(/\([^)]*\)/g, ' ');
  const key = compact(s);
  const keys = [key];
  // Unbarred cubic spellings: a 3 right after a glide/mirror letter is -3 ('fd3m' → 'fd-3m').
  const barred = key[0] + key.slice(1).replace(/([a-z])3/g, '$1-3');
  if (barred !== key) keys.push(barred);
  return keys;
}

function lookup(symbol: string): number[] | null {
  const { primary, derived } = index();
  const keys = keysOf(symbol);
  for (const k of keys) {
    const hit = primary.get(k);
    if (hit) return hit;
  }
  for (const k of keys) {
    const hit = derived.get(k);
    if (hit) return hit;
  }
  return null;
}

function originOf(e: HallEntry): 1 | 2 | undefined {
  const c = e.setting[0];
  return c === '1' ? 1 : c === '2' ? 2 : undefined;
}

/** True when a cell has rhombohedral axes (a = b = c, α = β = γ ≠ 90°). */
export function isRhombohedralCell(p: LatticeParameters, tol = 1e-3): boolean {
  const same = (x: number, y: number) => Math.abs(x - y) <= tol * Math.max(1, Math.abs(x));
  return same(p.a, p.b) && same(p.b, p.c) && same(p.alpha, p.beta) && same(p.beta, p.gamma) && Math.abs(p.alpha - 90) > 1e-2;
}

/**
 * Choose one setting among candidates using hints and the cell. `what` names the symbol in
 * warnings.
 */
function choose(candidates: number[], hints: SettingHints, cell: LatticeParameters | undefined, what: string): SettingChoice {
  let entries = candidates.map(hallEntry);
  const warnings: string[] = [];
  if (hints.code) {
    const code = hints.code.replace(/^[12](?=.)/, '');
    const byCode = entries.filter((e) => e.setting.toLowerCase().replace(/^[12](?=.)/, '') === code || e.setting.toLowerCase() === hints.code);
    if (byCode.length) entries = byCode;
    else if (!(code === 'abc' || code === '')) warnings.push(`setting code '${hints.code}' does not apply to ${what}; ignored`);
  }
  const origins = new Set(entries.map(originOf).filter((o) => o !== undefined));
  if (origins.size > 1) {
    if (hints.origin) entries = entries.filter((e) => originOf(e) === hints.origin);
    else {
      entries = entries.filter((e) => originOf(e) === 2);
      warnings.push(`${what}: origin choice not stated; assumed origin choice 2 (ITA standard, centre of symmetry at the origin)`);
    }
  } else if (hints.origin && origins.size === 1 && !origins.has(hints.origin)) {
    warnings.push(`${what}: origin choice ${hints.origin} is not available; using origin choice ${[...origins][0]}`);
  }
  const axes = new Set(entries.map((e) => e.setting).filter((s) => s === 'H' || s === 'R'));
  if (axes.size > 1) {
    let want = hints.axes;
    if (!want) {
      if (cell && isRhombohedralCell(cell)) want = 'R';
      else {
        want = 'H';
        const hexCell = cell && Math.abs(cell.a - cell.b) < 1e-3 * cell.a && Math.abs(cell.gamma - 120) < 1e-2 && Math.abs(cell.alpha - 90) < 1e-2;
        if (!hexCell) warnings.push(`${what}: axes not stated; assumed hexagonal axes`);
      }
    }
    entries = entries.filter((e) => e.setting === want);
  }
  const e = entries[0];
  return { hallNumber: e.hall_number, number: e.number, entry: e, warnings };
}

/**
 * Resolve a Hermann–Mauguin symbol (with any setting suffix) to a setting. `code` is an ITA
 * coordinate-system code from elsewhere in the file (`_space_group.IT_coordinate_system_code`).
 * Returns null when the symbol is not recognised.
 */
export function settingFromHermannMauguin(
  raw: string,
  opts: { code?: string; cell?: LatticeParameters } = {},
): SettingChoice | null {
  const { symbol, hints } = splitHermannMauguin(raw);
  if (opts.code) applyCode(opts.code, hints);
  if (!symbol) return null;
  let candidates = lookup(symbol);
  if (!candidates) return null;
  if (hints.code) {
    // A coordinate-system code picks the setting within the group the symbol names.
    const number = hallEntry(candidates[0]).number;
    candidates = hallEntriesOf(number).map((e) => e.hall_number);
  }
  return choose(candidates, hints, opts.cell, `'${raw.trim()}'`);
}

/** The setting of a Hall symbol, or null when the symbol is not in the tables. */
export function settingFromHall(raw: string): SettingChoice | null {
  const h = hallNumberFromHallSymbol(raw);
  if (h === null) return null;
  const entry = hallEntry(h);
  return { hallNumber: h, number: entry.number, entry, warnings: [] };
}

/**
 * The default setting of an IT number (1–230): the standard one, origin choice 2 and
 * hexagonal axes unless `code`/`cell` say otherwise. Returns null for a number out of range.
 */
export function settingFromNumber(number: number, opts: { code?: string; cell?: LatticeParameters } = {}): SettingChoice | null {
  if (!Number.isInteger(number) || number < 1 || number > 230) return null;
  const entries = hallEntriesOf(number);
  const hints: SettingHints = {};
  if (opts.code) applyCode(opts.code, hints);
  // Only the first setting family (standard cell choice) unless a code picks another.
  let candidates = entries.map((e) => e.hall_number);
  if (!hints.code) {
    const std = entries[0].setting.replace(/^[12]/, '');
    candidates = entries.filter((e) => e.setting.replace(/^[12]/, '') === std || e.setting === 'R').map((e) => e.hall_number);
  }
  return choose(candidates, hints, opts.cell, `space group ${number}`);
}

// ---------------------------------------------------------------------------------------
// Operation sets → setting

/**
 * Integer code of an operation modulo lattice translations: rotation entries (each -1, 0 or 1)
 * as base-3 digits, translations as multiples of 1/24; null when not representable.
 */
function opCode(op: SymOp): number | null {
  let code = 0;
  for (let i = 0; i < 9; i++) {
    const r = op.rotation[i];
    if (r !== -1 && r !== 0 && r !== 1) return null;
    code = code * 3 + (r + 1);
  }
  for (let i = 0; i < 3; i++) {
    const k = op.translation[i] * 24;
    const r = Math.round(k);
    if (Math.abs(k - r) > 0.01) return null;
    code = code * 24 + (((r % 24) + 24) % 24);
  }
  return code;
}

/** The distinct codes of an op set (sorted), or null. */
function opCodes(ops: readonly SymOp[]): Float64Array | null {
  const codes = new Float64Array(ops.length);
  for (let i = 0; i < ops.length; i++) {
    const c = opCode(ops[i]);
    if (c === null) return null;
    codes[i] = c;
  }
  codes.sort();
  let n = 0;
  for (let i = 0; i < codes.length; i++) if (i === 0 || codes[i] !== codes[i - 1]) codes[n++] = codes[i];
  return codes.subarray(0, n);
}

/** Order-independent hash of sorted distinct codes. */
function codesKey(codes: Float64Array): string {
  let h1 = 0;
  let h2 = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    const lo = c % 4294967296 | 0;
    const hi = (c / 4294967296) | 0;
    h1 = (Math.imul(h1 ^ lo, 2654435761) + hi) | 0;
    h2 = (Math.imul(h2 + lo, 40503) ^ Math.imul(hi + 1, 2246822519)) | 0;
  }
  return `${codes.length}:${h1}:${h2}`;
}

let opSetIndex: Map<string, { hall: number; codes: Float64Array }> | null = null;

/**
 * The Hall number whose conventional-cell operations equal `ops` (modulo lattice
 * translations, translations within 1/2400 of multiples of 1/24), or null.
 */
export function identifyHallNumber(ops: readonly SymOp[]): number | null {
  if (!opSetIndex) {
    opSetIndex = new Map();
    for (const e of allHallEntries()) {
      const codes = opCodes(operationsOfHall(e.hall_number));
      if (!codes) continue;
      const k = codesKey(codes);
      if (!opSetIndex.has(k)) opSetIndex.set(k, { hall: e.hall_number, codes });
    }
  }
  const codes = opCodes(ops);
  if (!codes) return null;
  const hit = opSetIndex.get(codesKey(codes));
  if (!hit || hit.codes.length !== codes.length) return null;
  for (let i = 0; i < codes.length; i++) if (hit.codes[i] !== codes[i]) return null;
  return hit.hall;
}
