import { type Mat3, type Vec3, cross, det3, dot, inv3, norm, vecMat, fracDelta, matmul } from './vec3.js';

const DEG = 180 / Math.PI;

/** Lattice parameters: lengths in Å, angles in degrees. */
export interface LatticeParameters {
  a: number;
  b: number;
  c: number;
  alpha: number;
  beta: number;
  gamma: number;
}

/**
 * An immutable crystal lattice. `matrix` rows are the lattice vectors a, b, c in Å
 * (Cartesian). Fractional → Cartesian is `frac · matrix`.
 */
export class Lattice {
  readonly matrix: Mat3;
  /** Inverse of `matrix`: Cartesian → fractional is `cart · inverse`. */
  readonly inverse: Mat3;

  constructor(matrix: Mat3 | number[][]) {
    const m = matrix as number[][];
    if (m.length !== 3 || m.some((r) => r.length !== 3 || r.some((x) => !Number.isFinite(x)))) {
      throw new Error('a lattice needs three vectors of three finite numbers');
    }
    const rows: Mat3 = [
      [m[0][0], m[0][1], m[0][2]],
      [m[1][0], m[1][1], m[1][2]],
      [m[2][0], m[2][1], m[2][2]],
    ];
    const v = det3(rows);
    if (!(Math.abs(v) > 1e-8)) throw new Error('lattice vectors are coplanar (cell volume is zero)');
    this.matrix = Object.freeze(rows.map((r) => Object.freeze([...r]))) as unknown as Mat3;
    this.inverse = inv3(rows);
    Object.freeze(this);
  }

  /**
   * Build from lengths (Å) and angles (degrees), with a along x and b in the xy plane
   * (the CIF/ASE orientation).
   */
  static fromParameters(p: LatticeParameters): Lattice {
    const { a, b, c, alpha, beta, gamma } = p;
    for (const [k, x] of Object.entries(p)) {
      if (!Number.isFinite(x) || x <= 0) throw new Error(`lattice parameter ${k} must be a positive number, got ${x}`);
    }
    for (const [k, x] of [['alpha', alpha], ['beta', beta], ['gamma', gamma]] as const) {
      if (!(x < 180)) throw new Error(`lattice angle ${k} must be below 180°, got ${x}`);
    }
    if (!(alpha + beta + gamma < 360 && alpha < beta + gamma && beta < alpha + gamma && gamma < alpha + beta)) {
      throw new Error(`lattice angles ${alpha}, ${beta}, ${gamma} do not form a cell`);
    }
    const cosA = cosDeg(alpha);
    const cosB = cosDeg(beta);
    const cosG = cosDeg(gamma);
    const sinG = sinDeg(gamma);
    const cx = c * cosB;
    const cy = (c * (cosA - cosB * cosG)) / sinG;
    const cz2 = c * c - cx * cx - cy * cy;
    if (!(cz2 > 1e-12)) throw new Error(`lattice angles ${alpha}, ${beta}, ${gamma} do not form a cell`);
    return new Lattice([
      [a, 0, 0],
      [b * cosG, b * sinG, 0],
      [cx, cy, Math.sqrt(cz2)],
    ]);
  }

  static cubic(a: number): Lattice {
    return new Lattice([
      [a, 0, 0],
      [0, a, 0],
      [0, 0, a],
    ]);
  }

  /** Signed volume is positive for right-handed cells; this is |det| in Å³. */
  get volume(): number {
    return Math.abs(det3(this.matrix));
  }

  get lengths(): Vec3 {
    return [norm(this.matrix[0]), norm(this.matrix[1]), norm(this.matrix[2])];
  }

  /** alpha (b∧c), beta (a∧c), gamma (a∧b) in degrees. */
  get angles(): Vec3 {
    const [a, b, c] = this.matrix;
    return [angleDeg(b, c), angleDeg(a, c), angleDeg(a, b)];
  }

  get parameters(): LatticeParameters {
    const [a, b, c] = this.lengths;
    const [alpha, beta, gamma] = this.angles;
    return { a, b, c, alpha, beta, gamma };
  }

  /** Reciprocal lattice without the 2π factor (rows a*, b*, c* in 1/Å). */
  get reciprocal(): Lattice {
    const m = this.inverse;
    return new Lattice([
      [m[0][0], m[1][0], m[2][0]],
      [m[0][1], m[1][1], m[2][1]],
      [m[0][2], m[1][2], m[2][2]],
    ]);
  }

  toCartesian(frac: Vec3): Vec3 {
    return vecMat(frac, this.matrix);
  }

  toFractional(cart: Vec3): Vec3 {
    return vecMat(cart, this.inverse);
  }

  /** Metric tensor G = M Mᵀ (Å²). */
  get metric(): Mat3 {
    const m = this.matrix;
    return [
      [dot(m[0], m[0]), dot(m[0], m[1]), dot(m[0], m[2])],
      [dot(m[1], m[0]), dot(m[1], m[1]), dot(m[1], m[2])],
      [dot(m[2], m[0]), dot(m[2], m[1]), dot(m[2], m[2])],
    ];
  }

  /** A supercell lattice: rows of `scaling` (integers) times this lattice. */
  supercell(scaling: Mat3 | number[][]): Lattice {
    return new Lattice(matmul(scaling as Mat3, this.matrix));
  }

  /**
   * Minimum-image Cartesian vector from fractional `a` to fractional `b` (Å). Exact for any
   * cell shape: the rounded difference is refined over the 27 neighbouring images.
   */
  minimumImageVector(a: Vec3, b: Vec3): Vec3 {
    const d = fracDelta(a, b);
    const m = this.matrix;
    let best: Vec3 = [0, 0, 0];
    let bestD2 = Infinity;
    for (let i = -1; i <= 1; i++) {
      for (let j = -1; j <= 1; j++) {
        for (let k = -1; k <= 1; k++) {
          const f0 = d[0] + i;
          const f1 = d[1] + j;
          const f2 = d[2] + k;
          const x = f0 * m[0][0] + f1 * m[1][0] + f2 * m[2][0];
          const y = f0 * m[0][1] + f1 * m[1][1] + f2 * m[2][1];
          const z = f0 * m[0][2] + f1 * m[1][2] + f2 * m[2][2];
          const d2 = x * x + y * y + z * z;
          if (d2 < bestD2 - 1e-12) {
            bestD2 = d2;
            best = [x, y, z];
          }
        }
      }
    }
    return best;
  }

  /** Minimum-image distance between two fractional positions (Å). */
  minimumImageDistance(a: Vec3, b: Vec3): number {
    return norm(this.minimumImageVector(a, b));
  }

  /** Largest distance between periodic planes' spacing: d-spacing of (hkl) in Å. */
  dSpacing(h: number, k: number, l: number): number {
    const r = this.reciprocal.matrix;
    const g = vecMat([h, k, l], r);
    return 1 / norm(g);
  }

  /** Spacings between opposite faces of the cell (Å): volume / |b×c| etc. */
  get perpendicularWidths(): Vec3 {
    const [a, b, c] = this.matrix;
    const v = this.volume;
    return [v / norm(cross(b, c)), v / norm(cross(c, a)), v / norm(cross(a, b))];
  }

  equals(other: Lattice, tol = 1e-8): boolean {
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) if (Math.abs(this.matrix[i][j] - other.matrix[i][j]) > tol) return false;
    return true;
  }

  toJSON(): number[][] {
    return this.matrix.map((r) => [...r]);
  }
}

function cosDeg(x: number): number {
  // exact zeros for right angles avoid 6e-17 noise in the matrix
  if (x === 90) return 0;
  if (x === 120) return -0.5;
  if (x === 60) return 0.5;
  return Math.cos(x / DEG);
}

function sinDeg(x: number): number {
  if (x === 90) return 1;
  return Math.sin(x / DEG);
}

function angleDeg(u: Vec3, v: Vec3): number {
  const c = dot(u, v) / (norm(u) * norm(v));
  return Math.acos(Math.max(-1, Math.min(1, c))) * DEG;
}
