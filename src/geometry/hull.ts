/**
 * Exact 3D convex hull: incremental construction driven by an exact orientation predicate,
 * so the combinatorics (which points are on the hull, which faces exist) never depend on
 * rounding — flat, collinear, coplanar, cospherical and duplicated points are all handled.
 *
 * Predicate. `orient3d` is Shewchuk's filtered determinant ("Adaptive precision floating-
 * point arithmetic and fast robust geometric predicates", Discrete Comput. Geom. 18 (1997)
 * 305): the double-precision determinant is trusted when it exceeds his forward error bound
 * (7 + 56ε)ε · permanent; otherwise the determinant is recomputed exactly with BigInt
 * integers (every double is an integer times a power of two, so differences and products are
 * exact). The fallback runs only for (nearly) degenerate quadruples.
 *
 * Algorithm. Start from a non-degenerate tetrahedron, then add points one by one. A point
 * strictly outside the current hull sees at least one face strictly (it violates some facet
 * inequality); the faces to replace are the connected set reached from those across edges
 * through faces the point sees strictly or lies in the plane of. Because the point is outside
 * the hull, it lies outside every coplanar face, so replacing those too is valid and no
 * zero-area triangle is ever created (a horizon edge collinear with the point would put the
 * point in the plane of the face beyond it, which is then replaced as well). Points that see
 * no face strictly lie inside or on the hull and are skipped. Cost O(n·F) — meant for
 * coordination polyhedra and other small sets (thousands of points are fine).
 *
 * Output faces are triangles with outward orientation (counter-clockwise seen from outside,
 * normal (b−a)×(c−a) points out); coplanar facets come out triangulated. Indices refer to
 * the input array (a duplicated point is represented by its first occurrence).
 */
import type { Vec3 } from '../core/vec3.js';

export interface ConvexHull {
  /** 3 for a solid hull; 2 (coplanar), 1 (collinear), 0 (one point) or −1 (no points) when flat. */
  dimension: number;
  /** Enclosed volume, Å³ (or input units³); 0 when dimension < 3. */
  volume: number;
  /** Surface area (units²); 0 when dimension < 3. */
  area: number;
  /** Outward triangles as input indices; empty when dimension < 3. */
  faces: [number, number, number][];
  /** Input indices used by the faces, ascending (extreme points, plus any points on hull edges that ended up as triangle corners). */
  vertices: number[];
}

// ---------------------------------------------------------------------------------------
// Exact orientation predicate

const EPS = 2 ** -53;
const O3D_ERRBOUND_A = (7 + 56 * EPS) * EPS;

/**
 * Sign-exact determinant | a−d ; b−d ; c−d |. Positive when d lies on the side of the plane
 * (a, b, c) opposite to the normal (b−a)×(c−a) — i.e. below a counter-clockwise triangle,
 * Shewchuk's convention. The magnitude is only approximate when the filter fails (the exact
 * path returns −1, 0 or 1).
 */
export function orient3d(a: ArrayLike<number>, b: ArrayLike<number>, c: ArrayLike<number>, d: ArrayLike<number>): number {
  const adx = a[0] - d[0];
  const bdx = b[0] - d[0];
  const cdx = c[0] - d[0];
  const ady = a[1] - d[1];
  const bdy = b[1] - d[1];
  const cdy = c[1] - d[1];
  const adz = a[2] - d[2];
  const bdz = b[2] - d[2];
  const cdz = c[2] - d[2];
  const bdxcdy = bdx * cdy;
  const cdxbdy = cdx * bdy;
  const cdxady = cdx * ady;
  const adxcdy = adx * cdy;
  const adxbdy = adx * bdy;
  const bdxady = bdx * ady;
  const det = adz * (bdxcdy - cdxbdy) + bdz * (cdxady - adxcdy) + cdz * (adxbdy - bdxady);
  const permanent =
    (Math.abs(bdxcdy) + Math.abs(cdxbdy)) * Math.abs(adz) +
    (Math.abs(cdxady) + Math.abs(adxcdy)) * Math.abs(bdz) +
    (Math.abs(adxbdy) + Math.abs(bdxady)) * Math.abs(cdz);
  const bound = O3D_ERRBOUND_A * permanent;
  if (det > bound || -det > bound) return det;
  return orient3dExact(a, b, c, d);
}

const dv = new DataView(new ArrayBuffer(8));

/** x = mantissa · 2^exponent exactly (mantissa a BigInt integer). */
function decompose(x: number): [bigint, number] {
  if (x === 0) return [0n, 0];
  if (!Number.isFinite(x)) throw new RangeError('coordinates must be finite');
  dv.setFloat64(0, x);
  const hi = dv.getUint32(0);
  const lo = dv.getUint32(4);
  const sign = hi >>> 31 ? -1n : 1n;
  const expBits = (hi >>> 20) & 0x7ff;
  const mantHi = hi & 0xfffff;
  const mant = ((BigInt(expBits === 0 ? mantHi : mantHi | 0x100000) << 32n) | BigInt(lo)) * sign;
  return [mant, expBits === 0 ? -1074 : expBits - 1075];
}

/** Exact sign of the orient3d determinant with BigInt arithmetic. */
export function orient3dExact(a: ArrayLike<number>, b: ArrayLike<number>, c: ArrayLike<number>, d: ArrayLike<number>): number {
  const parts = [a, b, c, d].flatMap((p) => [decompose(p[0]), decompose(p[1]), decompose(p[2])]);
  let minE = Infinity;
  for (const [m, e] of parts) if (m !== 0n && e < minE) minE = e;
  if (minE === Infinity) return 0;
  const v = parts.map(([m, e]) => (m === 0n ? 0n : m << BigInt(e - minE)));
  const [ax, ay, az, bx, by, bz, cx, cy, cz, dx, dy, dz] = v;
  const adx = ax - dx;
  const ady = ay - dy;
  const adz = az - dz;
  const bdx = bx - dx;
  const bdy = by - dy;
  const bdz = bz - dz;
  const cdx = cx - dx;
  const cdy = cy - dy;
  const cdz = cz - dz;
  const det = adz * (bdx * cdy - cdx * bdy) + bdz * (cdx * ady - adx * cdy) + cdz * (adx * bdy - bdx * ady);
  return det > 0n ? 1 : det < 0n ? -1 : 0;
}

/** Exact test: are three points collinear (or coincident)? */
function collinearExact(a: ArrayLike<number>, b: ArrayLike<number>, c: ArrayLike<number>): boolean {
  const parts = [a, b, c].flatMap((p) => [decompose(p[0]), decompose(p[1]), decompose(p[2])]);
  let minE = Infinity;
  for (const [m, e] of parts) if (m !== 0n && e < minE) minE = e;
  if (minE === Infinity) return true;
  const v = parts.map(([m, e]) => (m === 0n ? 0n : m << BigInt(e - minE)));
  const ux = v[3] - v[0];
  const uy = v[4] - v[1];
  const uz = v[5] - v[2];
  const wx = v[6] - v[0];
  const wy = v[7] - v[1];
  const wz = v[8] - v[2];
  return uy * wz - uz * wy === 0n && uz * wx - ux * wz === 0n && ux * wy - uy * wx === 0n;
}

// ---------------------------------------------------------------------------------------
// Hull

type Points = readonly (readonly number[] | Vec3)[] | Float64Array;

function getter(points: Points): { n: number; at: (i: number) => ArrayLike<number> } {
  if (points instanceof Float64Array) {
    if (points.length % 3 !== 0) throw new RangeError('flat point arrays need x, y, z triples');
    return { n: points.length / 3, at: (i) => points.subarray(3 * i, 3 * i + 3) };
  }
  return { n: points.length, at: (i) => points[i] };
}

/** Convex hull of 3D points (array of [x, y, z] or a flat Float64Array). */
export function convexHull(points: Points): ConvexHull {
  const { n, at } = getter(points);
  const P: ArrayLike<number>[] = [];
  const index: number[] = []; // unique point → input index
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const p = at(i);
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1]) || !Number.isFinite(p[2])) throw new RangeError(`point ${i} is not finite`);
    const k = `${p[0]},${p[1]},${p[2]}`;
    if (seen.has(k)) continue;
    seen.set(k, i);
    P.push([p[0], p[1], p[2]]);
    index.push(i);
  }
  const flat = (dimension: number): ConvexHull => ({ dimension, volume: 0, area: 0, faces: [], vertices: [] });
  const m = P.length;
  if (m === 0) return flat(-1);
  if (m === 1) return flat(0);

  // Initial simplex: extreme point, farthest from it, farthest from that line, farthest from that plane.
  let i0 = 0;
  for (let i = 1; i < m; i++) if (P[i][0] < P[i0][0] || (P[i][0] === P[i0][0] && (P[i][1] < P[i0][1] || (P[i][1] === P[i0][1] && P[i][2] < P[i0][2])))) i0 = i;
  let i1 = -1;
  let best = -1;
  for (let i = 0; i < m; i++) {
    if (i === i0) continue;
    const d = (P[i][0] - P[i0][0]) ** 2 + (P[i][1] - P[i0][1]) ** 2 + (P[i][2] - P[i0][2]) ** 2;
    if (d > best) {
      best = d;
      i1 = i;
    }
  }
  let i2 = -1;
  best = -1;
  const ux = P[i1][0] - P[i0][0];
  const uy = P[i1][1] - P[i0][1];
  const uz = P[i1][2] - P[i0][2];
  for (let i = 0; i < m; i++) {
    if (i === i0 || i === i1) continue;
    const wx = P[i][0] - P[i0][0];
    const wy = P[i][1] - P[i0][1];
    const wz = P[i][2] - P[i0][2];
    const d = (uy * wz - uz * wy) ** 2 + (uz * wx - ux * wz) ** 2 + (ux * wy - uy * wx) ** 2;
    if (d > best) {
      best = d;
      i2 = i;
    }
  }
  if (i2 < 0 || collinearExact(P[i0], P[i1], P[i2])) {
    i2 = -1;
    for (let i = 0; i < m; i++) if (i !== i0 && i !== i1 && !collinearExact(P[i0], P[i1], P[i])) { i2 = i; break; }
    if (i2 < 0) return flat(1);
  }
  let i3 = -1;
  best = -1;
  for (let i = 0; i < m; i++) {
    if (i === i0 || i === i1 || i === i2) continue;
    const d = Math.abs(orient3d(P[i0], P[i1], P[i2], P[i]));
    if (d > best) {
      best = d;
      i3 = i;
    }
  }
  if (i3 < 0 || orient3d(P[i0], P[i1], P[i2], P[i3]) === 0) {
    i3 = -1;
    for (let i = 0; i < m; i++) if (i !== i0 && i !== i1 && i !== i2 && orient3d(P[i0], P[i1], P[i2], P[i]) !== 0) { i3 = i; break; }
    if (i3 < 0) return flat(2);
  }

  // Faces: vertex triples (outward), alive flags; directed edge (u→v) → face id.
  const fa: number[] = [];
  const fb: number[] = [];
  const fc: number[] = [];
  const alive: boolean[] = [];
  const edge = new Map<number, number>();
  const ekey = (u: number, v: number) => u * m + v;
  const addFace = (a: number, b: number, c: number): number => {
    const id = fa.length;
    fa.push(a);
    fb.push(b);
    fc.push(c);
    alive.push(true);
    edge.set(ekey(a, b), id);
    edge.set(ekey(b, c), id);
    edge.set(ekey(c, a), id);
    return id;
  };
  // orient3d(a,b,c,d) > 0 ⇔ d below (a,b,c); make the base face point away from i3.
  if (orient3d(P[i0], P[i1], P[i2], P[i3]) < 0) [i1, i2] = [i2, i1];
  addFace(i0, i1, i2);
  addFace(i0, i3, i1);
  addFace(i1, i3, i2);
  addFace(i2, i3, i0);

  /** > 0: p strictly outside face f; 0: in its plane; < 0: strictly inside. */
  const side = (f: number, p: number) => -orient3d(P[fa[f]], P[fb[f]], P[fc[f]], P[p]);
  const used = new Set([i0, i1, i2, i3]);
  for (let p = 0; p < m; p++) {
    if (used.has(p)) continue;
    const nf = fa.length;
    const state = new Int8Array(nf); // 0 unknown, 1 visible, 2 not visible
    const sideCache = new Map<number, number>();
    const sideOf = (f: number) => {
      let s = sideCache.get(f);
      if (s === undefined) {
        s = side(f, p);
        sideCache.set(f, s);
      }
      return s;
    };
    const stack: number[] = [];
    for (let f = 0; f < nf; f++) {
      if (!alive[f]) continue;
      if (sideOf(f) > 0) {
        state[f] = 1;
        stack.push(f);
      }
    }
    if (stack.length === 0) continue; // inside or on the hull
    // Grow across edges through faces seen strictly or edge-on (coplanar).
    const vis: number[] = [];
    while (stack.length) {
      const f = stack.pop()!;
      vis.push(f);
      for (const [u, v] of [[fa[f], fb[f]], [fb[f], fc[f]], [fc[f], fa[f]]]) {
        const g = edge.get(ekey(v, u))!;
        if (state[g] !== 0) continue;
        if (sideOf(g) >= 0) {
          state[g] = 1;
          stack.push(g);
        } else state[g] = 2;
      }
    }
    // Horizon: directed edges of visible faces whose twin face stays.
    const horizon: [number, number][] = [];
    for (const f of vis) {
      for (const [u, v] of [[fa[f], fb[f]], [fb[f], fc[f]], [fc[f], fa[f]]]) {
        const g = edge.get(ekey(v, u))!;
        if (state[g] !== 1) horizon.push([u, v]);
      }
    }
    // Sanity: the horizon is one simple cycle.
    const next = new Map<number, number>();
    for (const [u, v] of horizon) {
      if (next.has(u)) throw new Error('internal: convex hull horizon is not a simple cycle');
      next.set(u, v);
    }
    {
      let u = horizon[0][0];
      for (let k = 0; k < horizon.length; k++) u = next.get(u)!;
      if (u !== horizon[0][0]) throw new Error('internal: convex hull horizon is not a simple cycle');
    }
    for (const f of vis) {
      alive[f] = false;
      for (const [u, v] of [[fa[f], fb[f]], [fb[f], fc[f]], [fc[f], fa[f]]]) if (edge.get(ekey(u, v)) === f) edge.delete(ekey(u, v));
    }
    for (const [u, v] of horizon) addFace(u, v, p);
    used.add(p);
  }

  const faces: [number, number, number][] = [];
  const verts = new Set<number>();
  let vol6 = 0;
  let area2 = 0;
  let ref = -1;
  for (let f = 0; f < fa.length; f++) {
    if (!alive[f]) continue;
    const a = P[fa[f]];
    const b = P[fb[f]];
    const c = P[fc[f]];
    if (ref < 0) ref = fa[f];
    const o = P[ref];
    const ax = a[0] - o[0], ay = a[1] - o[1], az = a[2] - o[2];
    const bx = b[0] - o[0], by = b[1] - o[1], bz = b[2] - o[2];
    const cx = c[0] - o[0], cy = c[1] - o[1], cz = c[2] - o[2];
    vol6 += ax * (by * cz - bz * cy) + ay * (bz * cx - bx * cz) + az * (bx * cy - by * cx);
    const e1x = b[0] - a[0], e1y = b[1] - a[1], e1z = b[2] - a[2];
    const e2x = c[0] - a[0], e2y = c[1] - a[1], e2z = c[2] - a[2];
    area2 += Math.hypot(e1y * e2z - e1z * e2y, e1z * e2x - e1x * e2z, e1x * e2y - e1y * e2x);
    faces.push([index[fa[f]], index[fb[f]], index[fc[f]]]);
    verts.add(index[fa[f]]);
    verts.add(index[fb[f]]);
    verts.add(index[fc[f]]);
  }
  return { dimension: 3, volume: vol6 / 6, area: area2 / 2, faces, vertices: [...verts].sort((x, y) => x - y) };
}

/** Volume (units³) of the convex hull of the points; 0 for flat or degenerate sets. */
export function hullVolume(points: Points): number {
  return convexHull(points).volume;
}
