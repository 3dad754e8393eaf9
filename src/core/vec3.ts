/** Small 3-vector and 3×3 matrix helpers on plain tuples (row-major matrices). */
export type Vec3 = readonly [number, number, number];
export type Mat3 = readonly [Vec3, Vec3, Vec3];

export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
export const norm = (a: Vec3): number => Math.sqrt(dot(a, a));
export const dist = (a: Vec3, b: Vec3): number => norm(sub(a, b));

export function det3(m: Mat3): number {
  return dot(m[0], cross(m[1], m[2]));
}

/** Inverse of a 3×3 matrix; throws on a singular one. */
export function inv3(m: Mat3): Mat3 {
  const d = det3(m);
  if (!Number.isFinite(d) || Math.abs(d) < 1e-300) throw new Error('singular 3x3 matrix');
  const [a, b, c] = m;
  const r0 = cross(b, c);
  const r1 = cross(c, a);
  const r2 = cross(a, b);
  // inverse = (1/det) * [r0 r1 r2] as columns
  return [
    [r0[0] / d, r1[0] / d, r2[0] / d],
    [r0[1] / d, r1[1] / d, r2[1] / d],
    [r0[2] / d, r1[2] / d, r2[2] / d],
  ];
}

export function transpose(m: Mat3): Mat3 {
  return [
    [m[0][0], m[1][0], m[2][0]],
    [m[0][1], m[1][1], m[2][1]],
    [m[0][2], m[1][2], m[2][2]],
  ];
}

export function matmul(a: Mat3, b: Mat3): Mat3 {
  const r = (i: number): Vec3 => [
    a[i][0] * b[0][0] + a[i][1] * b[1][0] + a[i][2] * b[2][0],
    a[i][0] * b[0][1] + a[i][1] * b[1][1] + a[i][2] * b[2][1],
    a[i][0] * b[0][2] + a[i][1] * b[1][2] + a[i][2] * b[2][2],
  ];
  return [r(0), r(1), r(2)];
}

/** Row vector times matrix: v · M. */
export function vecMat(v: Vec3, m: Mat3): Vec3 {
  return [
    v[0] * m[0][0] + v[1] * m[1][0] + v[2] * m[2][0],
    v[0] * m[0][1] + v[1] * m[1][1] + v[2] * m[2][1],
    v[0] * m[0][2] + v[1] * m[1][2] + v[2] * m[2][2],
  ];
}

/** Matrix times column vector: M · v. */
export function matVec(m: Mat3, v: Vec3): Vec3 {
  return [dot(m[0], v), dot(m[1], v), dot(m[2], v)];
}

/** Wrap a fractional coordinate into [0, 1); values within `eps` of 1 become 0. */
export function wrap01(x: number, eps = 1e-10): number {
  let y = x - Math.floor(x);
  if (y >= 1 - eps) y = 0;
  if (y < 0) y = 0;
  return y;
}

export const wrapVec = (v: Vec3, eps = 1e-10): Vec3 => [wrap01(v[0], eps), wrap01(v[1], eps), wrap01(v[2], eps)];

/** Fractional difference reduced to [-0.5, 0.5) per component. */
export function fracDelta(a: Vec3, b: Vec3): Vec3 {
  const d0 = b[0] - a[0];
  const d1 = b[1] - a[1];
  const d2 = b[2] - a[2];
  return [d0 - Math.round(d0), d1 - Math.round(d1), d2 - Math.round(d2)];
}
