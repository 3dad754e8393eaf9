/**
 * Which copies of the unit-cell contents are drawn: every atom (or site) in each of the
 * na×nb×nc repeat cells, plus, optionally, "boundary" copies of things that sit on a cell
 * face (fractional coordinate ≈ 0) on the far face of the block, so a cell looks complete.
 * Pure functions on plain arrays; no three.js here.
 */

export type V3 = [number, number, number];
export type M3 = [V3, V3, V3];

/** One drawn copy: index into the scene's atoms (or sites) and the integer cell shift. */
export interface Instances {
  /** Index into the source list (atoms/sites) for each drawn copy. */
  index: Int32Array;
  /** Integer cell shift (3 per copy). */
  shift: Int16Array;
  count: number;
}

/** Fractional tolerance for "on the cell face". */
export const BOUNDARY_TOL = 1e-3;

/**
 * Drawn copies of items at fractional positions `frac` for `repeats`. With `boundary`,
 * an item with frac ≈ 0 along an axis is also drawn at shift n along that axis (the block's
 * far face), edges and corners included.
 */
export function layoutInstances(frac: readonly (readonly number[])[], repeats: V3, boundary: boolean): Instances {
  const [na, nb, nc] = repeats;
  const idx: number[] = [];
  const sh: number[] = [];
  for (let i = 0; i < frac.length; i++) {
    const f = frac[i];
    // Axis ranges for this item: 0..n-1, plus n when it sits on the face at 0 (wrapped ≈ 0 or ≈ 1).
    const ranges = [na, nb, nc].map((n, d) => {
      const w = f[d] - Math.floor(f[d]);
      const onFace = boundary && (w < BOUNDARY_TOL || w > 1 - BOUNDARY_TOL);
      const base = Math.floor(f[d]) + (w > 1 - BOUNDARY_TOL ? 1 : 0); // cell the wrapped point lies in
      const list: number[] = [];
      for (let k = 0; k < n; k++) list.push(k - base);
      if (onFace) list.push(n - base);
      return list;
    });
    for (const x of ranges[0]) for (const y of ranges[1]) for (const z of ranges[2]) {
      idx.push(i);
      sh.push(x, y, z);
    }
  }
  return { index: Int32Array.from(idx), shift: Int16Array.from(sh), count: idx.length };
}

/** Cartesian translation (Å) of an integer cell shift: s · lattice. */
export function shiftToCart(lattice: M3, s0: number, s1: number, s2: number): V3 {
  return [
    s0 * lattice[0][0] + s1 * lattice[1][0] + s2 * lattice[2][0],
    s0 * lattice[0][1] + s1 * lattice[1][1] + s2 * lattice[2][1],
    s0 * lattice[0][2] + s1 * lattice[1][2] + s2 * lattice[2][2],
  ];
}

/** Centre of the repeated block (Å). */
export function blockCenter(lattice: M3, repeats: V3): V3 {
  return shiftToCart(lattice, repeats[0] / 2, repeats[1] / 2, repeats[2] / 2);
}

/** Radius of a sphere around the block centre that holds the whole block (Å). */
export function blockRadius(lattice: M3, repeats: V3): number {
  const c = blockCenter(lattice, repeats);
  let r = 0;
  for (const i of [0, 1]) for (const j of [0, 1]) for (const k of [0, 1]) {
    const p = shiftToCart(lattice, i * repeats[0], j * repeats[1], k * repeats[2]);
    r = Math.max(r, Math.hypot(p[0] - c[0], p[1] - c[1], p[2] - c[2]));
  }
  return r;
}

export interface BondPartner {
  partner: number;
  /** Lattice translation of the partner as seen from this atom. */
  image: V3;
}

/**
 * Per-atom bond partners (both directions), so a half-bond can be drawn from every drawn
 * copy of an atom: atom a sees b at cart(b) + image·L, b sees a at cart(a) − image·L.
 */
export function bondPartners(nAtoms: number, bonds: readonly { a: number; b: number; image: readonly number[] }[]): BondPartner[][] {
  const out: BondPartner[][] = Array.from({ length: nAtoms }, () => []);
  for (const b of bonds) {
    const img: V3 = [b.image[0], b.image[1], b.image[2]];
    out[b.a].push({ partner: b.b, image: img });
    out[b.b].push({ partner: b.a, image: [0 - img[0], 0 - img[1], 0 - img[2]] });
  }
  return out;
}

/** Linear interpolation of NEB positions at fractional image t (0 … nImages−1). */
export function interpolateImages(images: readonly (readonly (readonly number[])[])[], t: number, out: Float64Array): Float64Array {
  const n = images.length;
  const tc = Math.min(Math.max(t, 0), n - 1);
  const k = Math.min(Math.floor(tc), n - 2);
  const u = n === 1 ? 0 : tc - k;
  const A = images[k];
  const B = images[Math.min(k + 1, n - 1)];
  for (let i = 0; i < A.length; i++) {
    out[i * 3] = A[i][0] + (B[i][0] - A[i][0]) * u;
    out[i * 3 + 1] = A[i][1] + (B[i][1] - A[i][1]) * u;
    out[i * 3 + 2] = A[i][2] + (B[i][2] - A[i][2]) * u;
  }
  return out;
}
