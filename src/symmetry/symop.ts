/**
 * Symmetry operations written as coordinate triplets ('x,y+1/2,-z', '1/2-y,x-y,z+2/3') ↔ SymOp
 * (integer rotation R, row-major, and translation t acting on fractional coordinates:
 * x' = R·x + t).
 */
import type { Vec3 } from '../core/vec3.js';
import type { SymOp } from './moyo.js';

export type { SymOp };

type Rot = [number, number, number, number, number, number, number, number, number];

/** Why a triplet could not be read (message only; callers add file and line). */
export class SymopSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SymopSyntaxError';
  }
}

const VAR: Record<string, number> = { x: 0, y: 1, z: 2, X: 0, Y: 1, Z: 2 };

function skipBlanks(s: string, i: number): number {
  while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  return i;
}

function isNumChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46;
}

/** Read one component ('-x+y', 'z+1/2', '1/2-x', '+x', '0.25+y') into coefficients and a constant. */
function parseComponent(s: string, row: number, rot: Rot): number {
  const n = s.length;
  let t = 0;
  let terms = 0;
  let i = skipBlanks(s, 0);
  if (i >= n) throw new SymopSyntaxError('empty component');
  while (i < n) {
    let sign = 1;
    const c0 = s.charCodeAt(i);
    if (c0 === 43 || c0 === 45) {
      if (c0 === 45) sign = -1;
      i = skipBlanks(s, i + 1);
    } else if (terms > 0) {
      throw new SymopSyntaxError(`expected + or - before "${s.slice(i)}"`);
    }
    // Optional number (integer, decimal or fraction).
    let num: number | null = null;
    const start = i;
    while (i < n && isNumChar(s.charCodeAt(i))) i++;
    if (i > start) {
      num = Number(s.slice(start, i));
      if (!Number.isFinite(num)) throw new SymopSyntaxError(`bad number "${s.slice(start, i)}"`);
      i = skipBlanks(s, i);
      if (s[i] === '/') {
        i = skipBlanks(s, i + 1);
        const ds = i;
        while (i < n && isNumChar(s.charCodeAt(i))) i++;
        const den = Number(s.slice(ds, i));
        if (i === ds || !Number.isFinite(den) || den === 0) throw new SymopSyntaxError(`bad fraction after "${s.slice(start, ds)}"`);
        num /= den;
        i = skipBlanks(s, i);
      }
      if (s[i] === '*') i = skipBlanks(s, i + 1);
    }
    const v = i < n ? VAR[s[i]] : undefined;
    if (v !== undefined) {
      i++;
      const c = sign * (num ?? 1);
      if (!Number.isInteger(c)) throw new SymopSyntaxError(`coefficient ${c} of ${s[i - 1]} is not an integer`);
      rot[row * 3 + v] += c;
    } else if (num !== null) {
      t += sign * num;
    } else {
      throw new SymopSyntaxError(i < n ? `unexpected "${s[i]}"` : 'expected x, y, z or a number at the end');
    }
    terms++;
    i = skipBlanks(s, i);
  }
  return t;
}

/**
 * Parse a triplet such as 'x,y+1/2,-z' (spaces, upper case, '1/2+x', decimals, an optional 4th
 * time-reversal component '+1'/'-1' all accepted). Throws SymopSyntaxError when it is not a
 * symmetry operation (wrong number of components, non-integer coefficients, |det R| ≠ 1).
 */
export function parseSymop(text: string): SymOp {
  const parts = text.trim().split(',');
  if (parts.length === 4 && /^\s*[+-]?1\s*$/.test(parts[3])) parts.pop();
  if (parts.length !== 3) throw new SymopSyntaxError(`expected three comma-separated components, got ${parts.length}`);
  const rot: Rot = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const tr: [number, number, number] = [0, 0, 0];
  for (let r = 0; r < 3; r++) {
    try {
      tr[r] = parseComponent(parts[r], r, rot);
    } catch (e) {
      if (e instanceof SymopSyntaxError) throw new SymopSyntaxError(`component ${r + 1} "${parts[r].trim()}": ${e.message}`);
      throw e;
    }
  }
  const det =
    rot[0] * (rot[4] * rot[8] - rot[5] * rot[7]) - rot[1] * (rot[3] * rot[8] - rot[5] * rot[6]) + rot[2] * (rot[3] * rot[7] - rot[4] * rot[6]);
  if (det !== 1 && det !== -1) throw new SymopSyntaxError(`the rotation part has determinant ${det}, not ±1`);
  return { rotation: rot, translation: tr };
}

const DENOMINATORS = [1, 2, 3, 4, 6, 8, 12, 24, 48];

/** A translation component as a fraction ('1/2', '-3/4') or a decimal when it is none. */
export function formatFraction(t: number): string {
  for (const d of DENOMINATORS) {
    const num = Math.round(t * d);
    if (Math.abs(num / d - t) < 1e-8) {
      if (num === 0) return '0';
      const g = gcd(Math.abs(num), d);
      const p = num / g;
      const q = d / g;
      return q === 1 ? String(p) : `${p}/${q}`;
    }
  }
  return String(Number(t.toFixed(10)));
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** 'x,y+1/2,-z' (or with `sep` ', '). Rotation terms first, then the translation. */
export function formatSymop(op: SymOp, sep = ','): string {
  const names = ['x', 'y', 'z'];
  const comps: string[] = [];
  for (let r = 0; r < 3; r++) {
    let s = '';
    for (let c = 0; c < 3; c++) {
      const k = op.rotation[r * 3 + c];
      if (k === 0) continue;
      const mag = Math.abs(k) === 1 ? '' : `${Math.abs(k)}*`;
      s += (k < 0 ? '-' : s ? '+' : '') + mag + names[c];
    }
    const t = op.translation[r];
    if (Math.abs(t) > 1e-12) {
      const f = formatFraction(t);
      s += f.startsWith('-') ? f : s ? `+${f}` : f;
    }
    comps.push(s || '0');
  }
  return comps.join(sep);
}

/** Apply an operation to a fractional position (no wrapping). */
export function applySymop(op: SymOp, p: Vec3 | readonly number[]): Vec3 {
  const r = op.rotation;
  const t = op.translation;
  return [
    r[0] * p[0] + r[1] * p[1] + r[2] * p[2] + t[0],
    r[3] * p[0] + r[4] * p[1] + r[5] * p[2] + t[1],
    r[6] * p[0] + r[7] * p[1] + r[8] * p[2] + t[2],
  ];
}

/** a ∘ b (apply b first, then a). */
export function composeSymops(a: SymOp, b: SymOp): SymOp {
  const A = a.rotation;
  const B = b.rotation;
  const rot = [0, 0, 0, 0, 0, 0, 0, 0, 0] as Rot;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) rot[i * 3 + j] = A[i * 3] * B[j] + A[i * 3 + 1] * B[3 + j] + A[i * 3 + 2] * B[6 + j];
  const t = applySymop(a, b.translation);
  return { rotation: rot, translation: [t[0], t[1], t[2]] };
}

function wrap1(x: number): number {
  let y = x - Math.floor(x);
  if (y > 1 - 1e-6) y = 0;
  return y;
}

/** Translation reduced to [0, 1) with values within 1e-6 of 1 set to 0. */
export function wrapTranslation(t: readonly number[]): [number, number, number] {
  return [wrap1(t[0]), wrap1(t[1]), wrap1(t[2])];
}

/**
 * A key that is equal for operations equal modulo lattice translations (translation rounded
 * to 1e-4 after wrapping).
 */
export function symopKey(op: SymOp): string {
  const t = wrapTranslation(op.translation);
  const q = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    const v = Math.round(t[i] * 1e4);
    q[i] = v === 1e4 ? 0 : v;
  }
  return `${op.rotation.join(',')};${q[0]},${q[1]},${q[2]}`;
}

/** Rotation entries as base-7 digits (entries -3…3), or null for larger entries. */
function rotationCode(r: readonly number[]): number | null {
  let code = 0;
  for (let i = 0; i < 9; i++) {
    const x = r[i];
    if (x < -3 || x > 3) return null;
    code = code * 7 + (x + 3);
  }
  return code;
}

/** Equal translations modulo 1 (within 1e-4 per component). */
function sameTranslation(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < 3; i++) {
    let d = Math.abs(a[i] - b[i]);
    if (d > 0.5) d = 1 - d;
    if (d > 1e-4) return false;
  }
  return true;
}

/**
 * Close a set of operations under composition (modulo lattice translations). Returns the
 * group (translations wrapped to [0, 1)), or null when it grows beyond `maxOrder` (the input
 * is not a finite space-group set). Works from generators: an operation not yet in the group
 * becomes a generator, and every element is multiplied by every generator, so the cost is
 * |G|·|generators| compositions rather than |G|².
 */
export function closeGroup(ops: readonly SymOp[], maxOrder = 192): SymOp[] | null {
  const byRotation = new Map<number, SymOp[]>();
  const all: SymOp[] = [];
  const find = (code: number, t: readonly number[]): boolean => {
    const list = byRotation.get(code);
    if (list) for (const o of list) if (sameTranslation(o.translation, t)) return true;
    return false;
  };
  const add = (code: number, op: SymOp): void => {
    let list = byRotation.get(code);
    if (!list) byRotation.set(code, (list = []));
    list.push(op);
    all.push(op);
  };
  add(rotationCode([1, 0, 0, 0, 1, 0, 0, 0, 1])!, { rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0] });
  const gens: SymOp[] = [];
  for (const op of ops) {
    const code = rotationCode(op.rotation);
    if (code === null) return null;
    const t = wrapTranslation(op.translation);
    if (find(code, t)) continue;
    gens.push({ rotation: op.rotation, translation: t });
    for (let i = 0; i < all.length; i++) {
      for (const g of gens) {
        const c = composeSymops(all[i], g);
        const cc = rotationCode(c.rotation);
        if (cc === null) return null;
        const ct = wrapTranslation(c.translation);
        if (find(cc, ct)) continue;
        add(cc, { rotation: c.rotation, translation: ct });
        if (all.length > maxOrder) return null;
      }
    }
  }
  return all;
}
