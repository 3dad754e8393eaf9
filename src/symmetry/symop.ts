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

/** Read one component ('-x+y', 'z+1/2', '1/2-x', '+x', '0.25+y') into coefficients and a constant. */
function parseComponent(s: string, row: number, rot: Rot): number {
  let i = 0;
  const n = s.length;
  let t = 0;
  let terms = 0;
  const skip = () => {
    while (i < n && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  skip();
  if (i >= n) throw new SymopSyntaxError('empty component');
  while (i < n) {
    let sign = 1;
    if (s[i] === '+' || s[i] === '-') {
      if (s[i] === '-') sign = -1;
      i++;
      skip();
    } else if (terms > 0) {
      throw new SymopSyntaxError(`expected + or - before "${s.slice(i)}"`);
    }
    // Optional number (integer, decimal or fraction).
    let num: number | null = null;
    const start = i;
    while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] === '.')) i++;
    if (i > start) {
      num = Number(s.slice(start, i));
      if (!Number.isFinite(num)) throw new SymopSyntaxError(`bad number "${s.slice(start, i)}"`);
      skip();
      if (s[i] === '/') {
        i++;
        skip();
        const ds = i;
        while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] === '.')) i++;
        const den = Number(s.slice(ds, i));
        if (i === ds || !Number.isFinite(den) || den === 0) throw new SymopSyntaxError(`bad fraction after "${s.slice(start, ds)}"`);
        num /= den;
        skip();
      }
      if (s[i] === '*') {
        i++;
        skip();
      }
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
    skip();
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

/** Translation reduced to [0, 1) with values within 1e-6 of 1 set to 0. */
export function wrapTranslation(t: readonly number[]): [number, number, number] {
  const w = (x: number) => {
    let y = x - Math.floor(x);
    if (y > 1 - 1e-6) y = 0;
    return y;
  };
  return [w(t[0]), w(t[1]), w(t[2])];
}

/**
 * A key that is equal for operations equal modulo lattice translations (translation rounded
 * to 1e-4 after wrapping).
 */
export function symopKey(op: SymOp): string {
  const t = wrapTranslation(op.translation);
  const q = (x: number) => {
    const v = Math.round(x * 1e4);
    return v === 1e4 ? 0 : v;
  };
  return `${op.rotation.join(',')};${q(t[0])},${q(t[1])},${q(t[2])}`;
}

/**
 * Close a set of operations under composition (modulo lattice translations). Returns the
 * group, or null when it grows beyond `maxOrder` (the input is not a finite space-group set).
 */
export function closeGroup(ops: readonly SymOp[], maxOrder = 192): SymOp[] | null {
  const seen = new Map<string, SymOp>();
  const identity: SymOp = { rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0] };
  const push = (op: SymOp): boolean => {
    const w: SymOp = { rotation: op.rotation, translation: wrapTranslation(op.translation) };
    const k = symopKey(w);
    if (seen.has(k)) return false;
    seen.set(k, w);
    return true;
  };
  push(identity);
  for (const op of ops) push(op);
  let frontier = [...seen.values()];
  while (frontier.length) {
    const next: SymOp[] = [];
    const all = [...seen.values()];
    for (const a of frontier) {
      for (const b of all) {
        for (const c of [composeSymops(a, b), composeSymops(b, a)]) {
          if (push(c)) {
            next.push(c);
            if (seen.size > maxOrder) return null;
          }
        }
      }
    }
    frontier = next;
  }
  return [...seen.values()];
}
