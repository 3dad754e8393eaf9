/**
 * 3D Delaunay tetrahedralization by incremental insertion (Bowyer–Watson) with Shewchuk's
 * exact orientation and in-sphere predicates (the `robust-predicates` package).
 *
 * Crystal structures are full of cospherical points (the 8 corners of a cube, the 6 O of an
 * octahedron), where the Delaunay tetrahedralization is not unique. Callers that only need
 * the circumcentres (Voronoi vertices) can pass a tiny deterministic jitter (`jitterÅ`) to
 * break ties; the circumcentres of the jittered set converge to the exact Voronoi vertices
 * as the jitter goes to zero (each stays the centre of an empty sphere through four points).
 */
import { insphere, orient3d } from 'robust-predicates';
import { mulberry32 } from '../math/random.js';

export interface Tetrahedralization {
  /** Point coordinates (Å) used, after jitter: [x0, y0, z0, …]. */
  points: Float64Array;
  /** Vertex indices, 4 per tetrahedron (super-vertices removed), positively oriented. */
  tets: Int32Array;
}

export interface DelaunayOptions {
  /** Random displacement amplitude (Å) to break cospherical ties; 0 = none. */
  jitterÅ?: number;
  /** Seed of the jitter's pseudo-random generator (deterministic output). */
  seed?: number;
}

/** Delaunay tetrahedralization of points given as a flat [x, y, z, …] array (Å). */
export function delaunay3d(input: Float64Array | readonly number[], opts: DelaunayOptions = {}): Tetrahedralization {
  const n = input.length / 3;
  if (!Number.isInteger(n)) throw new RangeError('points must be a flat array of x, y, z triples');
  const jitter = opts.jitterÅ ?? 0;
  const rand = mulberry32(opts.seed ?? 12345);

  // Points plus 4 super-vertices at the end.
  const P = new Float64Array((n + 4) * 3);
  let minX = Infinity, minY = Infinity, minZ = Infinity, maxX = -Infinity, maxY = -Infinity, maxZ = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = input[3 * i] + (jitter ? (rand() - 0.5) * 2 * jitter : 0);
    const y = input[3 * i + 1] + (jitter ? (rand() - 0.5) * 2 * jitter : 0);
    const z = input[3 * i + 2] + (jitter ? (rand() - 0.5) * 2 * jitter : 0);
    if (!Number.isFinite(x + y + z)) throw new RangeError(`point ${i} is not finite`);
    P[3 * i] = x;
    P[3 * i + 1] = y;
    P[3 * i + 2] = z;
    minX = Math.min(minX, x); maxX = Math.max(maxX, x);
    minY = Math.min(minY, y); maxY = Math.max(maxY, y);
    minZ = Math.min(minZ, z); maxZ = Math.max(maxZ, z);
  }
  if (n < 4) return { points: P.slice(0, 3 * n), tets: new Int32Array(0) };
  const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2, cz = (minZ + maxZ) / 2;
  const span = Math.max(maxX - minX, maxY - minY, maxZ - minZ, 1) * 64;
  const sv = [
    [cx - span, cy - span, cz - span],
    [cx + 3 * span, cy - span, cz - span],
    [cx - span, cy + 3 * span, cz - span],
    [cx - span, cy - span, cz + 3 * span],
  ];
  for (let k = 0; k < 4; k++) P.set(sv[k], 3 * (n + k));

  // Tetra storage: verts[4t..4t+3], neigh[4t+k] = tet opposite vertex k (-1 = none).
  let cap = 16 * n + 64;
  let verts = new Int32Array(cap * 4);
  let neigh = new Int32Array(cap * 4);
  let alive = new Uint8Array(cap);
  let mark = new Int32Array(cap); // cavity stamp
  let count = 0;
  const free: number[] = [];

  const grow = () => {
    const nc = cap * 2;
    const v2 = new Int32Array(nc * 4); v2.set(verts); verts = v2;
    const n2 = new Int32Array(nc * 4); n2.set(neigh); neigh = n2;
    const a2 = new Uint8Array(nc); a2.set(alive); alive = a2;
    const m2 = new Int32Array(nc); m2.set(mark); mark = m2;
    cap = nc;
  };
  const orient = (a: number, b: number, c: number, d: number) =>
    orient3d(P[3 * a], P[3 * a + 1], P[3 * a + 2], P[3 * b], P[3 * b + 1], P[3 * b + 2], P[3 * c], P[3 * c + 1], P[3 * c + 2], P[3 * d], P[3 * d + 1], P[3 * d + 2]);
  const newTet = (a: number, b: number, c: number, d: number): number => {
    // keep positive orientation
    if (orient(a, b, c, d) < 0) { const t = c; c = d; d = t; }
    let t: number;
    if (free.length) t = free.pop()!;
    else {
      if (count >= cap) grow();
      t = count++;
    }
    verts[4 * t] = a; verts[4 * t + 1] = b; verts[4 * t + 2] = c; verts[4 * t + 3] = d;
    neigh[4 * t] = neigh[4 * t + 1] = neigh[4 * t + 2] = neigh[4 * t + 3] = -1;
    alive[t] = 1;
    mark[t] = 0;
    return t;
  };
  const inSphere = (t: number, p: number): number => {
    const a = verts[4 * t], b = verts[4 * t + 1], c = verts[4 * t + 2], d = verts[4 * t + 3];
    return insphere(
      P[3 * a], P[3 * a + 1], P[3 * a + 2], P[3 * b], P[3 * b + 1], P[3 * b + 2],
      P[3 * c], P[3 * c + 1], P[3 * c + 2], P[3 * d], P[3 * d + 1], P[3 * d + 2],
      P[3 * p], P[3 * p + 1], P[3 * p + 2],
    );
  };
  // Face opposite vertex k, ordered so that orient(face, vertex k) > 0 for a positive tet:
  // a point p lies beyond face k exactly when orient(face, p) < 0.
  const FACE = [
    [1, 3, 2],
    [0, 2, 3],
    [0, 3, 1],
    [0, 1, 2],
  ];

  newTet(n, n + 1, n + 2, n + 3);
  let last = 0;
  let stamp = 0;

  // Insert points in a spatially coherent order (sort by a coarse Morton-like key).
  const order = Array.from({ length: n }, (_, i) => i);
  const key = (i: number) => {
    const q = (v: number, lo: number, hi: number) => Math.min(1023, Math.max(0, Math.floor(((v - lo) / (hi - lo + 1e-12)) * 1024)));
    let x = q(P[3 * i], minX, maxX), y = q(P[3 * i + 1], minY, maxY), z = q(P[3 * i + 2], minZ, maxZ);
    let k = 0;
    for (let b = 9; b >= 0; b--) k = k * 8 + (((x >> b) & 1) << 2) + (((y >> b) & 1) << 1) + ((z >> b) & 1);
    return k;
  };
  const keys = order.map(key);
  order.sort((a, b) => keys[a] - keys[b]);

  const cavity: number[] = [];
  const boundary: { t: number; k: number }[] = [];
  for (const p of order) {
    // 1. locate: walk towards p.
    let t = alive[last] ? last : firstAlive();
    let steps = 0;
    walk: for (;;) {
      if (++steps > 4 * count + 100) { t = -1; break; }
      const start = (steps * 7) & 3; // vary the face order to avoid cycling
      for (let j = 0; j < 4; j++) {
        const k = (start + j) & 3;
        const f = FACE[k];
        const a = verts[4 * t + f[0]], b = verts[4 * t + f[1]], c = verts[4 * t + f[2]];
        // face (a b c) with vertex k on the positive side; p beyond if orientation < 0
        if (orient(a, b, c, p) < 0) {
          const nb = neigh[4 * t + k];
          if (nb < 0) break walk;
          t = nb;
          continue walk;
        }
      }
      break;
    }
    if (t < 0 || inSphere(t, p) >= 0) {
      // Fallback: scan for a tet whose circumsphere strictly contains p.
      t = -1;
      for (let s = 0; s < count; s++) if (alive[s] && inSphere(s, p) < 0) { t = s; break; }
      if (t < 0) continue; // duplicate point (on every sphere it touches): skip
    }
    // 2. cavity by BFS over tets whose circumsphere strictly contains p.
    stamp++;
    cavity.length = 0;
    boundary.length = 0;
    cavity.push(t);
    mark[t] = stamp;
    for (let ci = 0; ci < cavity.length; ci++) {
      const c = cavity[ci];
      for (let k = 0; k < 4; k++) {
        const nb = neigh[4 * c + k];
        if (nb >= 0 && mark[nb] === stamp) continue;
        if (nb >= 0 && mark[nb] !== -stamp && inSphere(nb, p) < 0) {
          mark[nb] = stamp;
          cavity.push(nb);
        } else {
          if (nb >= 0) mark[nb] = -stamp;
          boundary.push({ t: c, k });
        }
      }
    }
    // boundary faces that turned out to border cavity tets added later
    const faces = boundary.filter((b) => {
      const nb = neigh[4 * b.t + b.k];
      return nb < 0 || mark[nb] !== stamp;
    });
    // 3. new tets from each boundary face to p.
    const edgeMap = new Map<number, number>();
    const created: number[] = [];
    for (const { t: c, k } of faces) {
      const f = FACE[k];
      const a = verts[4 * c + f[0]], b = verts[4 * c + f[1]], d = verts[4 * c + f[2]];
      const outside = neigh[4 * c + k];
      // (a b d) oriented so the cavity tet is on the positive side; p is inside the cavity → (a, b, d, p) positive
      const nt = newTetOrdered(a, b, d, p);
      created.push(nt);
      // neighbour opposite p (local index 3) is the outside tet
      neigh[4 * nt + 3] = outside;
      if (outside >= 0) {
        for (let kk = 0; kk < 4; kk++) {
          if (neigh[4 * outside + kk] === c) {
            neigh[4 * outside + kk] = nt;
            break;
          }
        }
      }
      // link new tets through their faces containing p: the face opposite vertex i (i = 0,1,2)
      const vv = [verts[4 * nt], verts[4 * nt + 1], verts[4 * nt + 2]];
      for (let i = 0; i < 3; i++) {
        const u = vv[(i + 1) % 3], w = vv[(i + 2) % 3];
        const ek = u < w ? u * (n + 4) + w : w * (n + 4) + u;
        const other = edgeMap.get(ek);
        if (other === undefined) edgeMap.set(ek, nt * 4 + i);
        else {
          const ot = other >> 2, oi = other & 3;
          neigh[4 * nt + i] = ot;
          neigh[4 * ot + oi] = nt;
          edgeMap.delete(ek);
        }
      }
    }
    for (const c of cavity) {
      alive[c] = 0;
      free.push(c);
    }
    last = created[0];
  }

  function newTetOrdered(a: number, b: number, c: number, p: number): number {
    // Keep p as local vertex 3; swap a/b if needed so the orientation is positive.
    let t: number;
    if (free.length) t = free.pop()!;
    else {
      if (count >= cap) grow();
      t = count++;
    }
    if (orient(a, b, c, p) < 0) { const s = a; a = b; b = s; }
    verts[4 * t] = a; verts[4 * t + 1] = b; verts[4 * t + 2] = c; verts[4 * t + 3] = p;
    neigh[4 * t] = neigh[4 * t + 1] = neigh[4 * t + 2] = neigh[4 * t + 3] = -1;
    alive[t] = 1;
    mark[t] = 0;
    return t;
  }
  function firstAlive(): number {
    for (let s = 0; s < count; s++) if (alive[s]) return s;
    throw new Error('internal: no tetrahedra left');
  }

  const out: number[] = [];
  for (let t = 0; t < count; t++) {
    if (!alive[t]) continue;
    const a = verts[4 * t], b = verts[4 * t + 1], c = verts[4 * t + 2], d = verts[4 * t + 3];
    if (a >= n || b >= n || c >= n || d >= n) continue;
    out.push(a, b, c, d);
  }
  return { points: P.slice(0, 3 * n), tets: Int32Array.from(out) };
}

/** Circumcentre and circumradius of a tetrahedron (Å). */
export function circumsphere(P: Float64Array, a: number, b: number, c: number, d: number): { x: number; y: number; z: number; r: number } {
  const ax = P[3 * a], ay = P[3 * a + 1], az = P[3 * a + 2];
  const bx = P[3 * b] - ax, by = P[3 * b + 1] - ay, bz = P[3 * b + 2] - az;
  const cx = P[3 * c] - ax, cy = P[3 * c + 1] - ay, cz = P[3 * c + 2] - az;
  const dx = P[3 * d] - ax, dy = P[3 * d + 1] - ay, dz = P[3 * d + 2] - az;
  const b2 = bx * bx + by * by + bz * bz, c2 = cx * cx + cy * cy + cz * cz, d2 = dx * dx + dy * dy + dz * dz;
  // cross products
  const cdx = cy * dz - cz * dy, cdy = cz * dx - cx * dz, cdz = cx * dy - cy * dx;
  const dbx = dy * bz - dz * by, dby = dz * bx - dx * bz, dbz = dx * by - dy * bx;
  const bcx = by * cz - bz * cy, bcy = bz * cx - bx * cz, bcz = bx * cy - by * cx;
  const det = 2 * (bx * cdx + by * cdy + bz * cdz);
  const ux = (b2 * cdx + c2 * dbx + d2 * bcx) / det;
  const uy = (b2 * cdy + c2 * dby + d2 * bcy) / det;
  const uz = (b2 * cdz + c2 * dbz + d2 * bcz) / det;
  return { x: ax + ux, y: ay + uy, z: az + uz, r: Math.sqrt(ux * ux + uy * uy + uz * uz) };
}
