/**
 * Picking by analytic ray–sphere (and ray–capsule) tests over the drawn copies: O(n) per
 * click with no per-triangle work, so it stays instant for 20,000 atoms.
 */

export interface Ray {
  origin: [number, number, number];
  /** Unit direction. */
  dir: [number, number, number];
}

/**
 * Nearest sphere hit along the ray: index of the drawn copy and the ray parameter t (Å),
 * or null. `radius(k)` gives the sphere radius of copy k.
 */
export function pickSpheres(ray: Ray, centers: Float32Array, count: number, radius: (k: number) => number): { k: number; t: number } | null {
  const [ox, oy, oz] = ray.origin;
  const [dx, dy, dz] = ray.dir;
  let best = -1;
  let bestT = Infinity;
  for (let k = 0; k < count; k++) {
    const cx = centers[k * 3] - ox;
    const cy = centers[k * 3 + 1] - oy;
    const cz = centers[k * 3 + 2] - oz;
    const tc = cx * dx + cy * dy + cz * dz; // closest approach
    const r = radius(k);
    const d2 = cx * cx + cy * cy + cz * cz - tc * tc;
    if (d2 > r * r) continue;
    const t = tc - Math.sqrt(r * r - d2); // entry point
    if (t < 0 || t >= bestT) continue;
    bestT = t;
    best = k;
  }
  return best < 0 ? null : { k: best, t: bestT };
}

/**
 * Nearest hit on segments of radius r (tubes), approximated by the closest distance between
 * the ray and each segment: index of the segment and ray parameter t.
 */
export function pickSegments(ray: Ray, ends: Float32Array, count: number, r: number): { k: number; t: number } | null {
  let best = -1;
  let bestT = Infinity;
  const [ox, oy, oz] = ray.origin;
  const [dx, dy, dz] = ray.dir;
  for (let k = 0; k < count; k++) {
    const ax = ends[k * 6], ay = ends[k * 6 + 1], az = ends[k * 6 + 2];
    const ux = ends[k * 6 + 3] - ax, uy = ends[k * 6 + 4] - ay, uz = ends[k * 6 + 5] - az;
    const wx = ox - ax, wy = oy - ay, wz = oz - az;
    const a = dx * dx + dy * dy + dz * dz;
    const b = dx * ux + dy * uy + dz * uz;
    const c = ux * ux + uy * uy + uz * uz;
    const d = dx * wx + dy * wy + dz * wz;
    const e = ux * wx + uy * wy + uz * wz;
    const den = a * c - b * b;
    let s = den > 1e-12 ? (b * e - c * d) / den : 0; // along ray
    let u = den > 1e-12 ? (a * e - b * d) / den : e / c; // along segment (0..1)
    u = Math.min(Math.max(u, 0), 1);
    s = (b * u - d) / a;
    if (s < 0) continue;
    const px = ox + dx * s - (ax + ux * u);
    const py = oy + dy * s - (ay + uy * u);
    const pz = oz + dz * s - (az + uz * u);
    if (px * px + py * py + pz * pz > r * r) continue;
    if (s < bestT) {
      bestT = s;
      best = k;
    }
  }
  return best < 0 ? null : { k: best, t: bestT };
}
