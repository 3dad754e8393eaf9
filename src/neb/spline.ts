/**
 * Piecewise cubics for NEB energy profiles.
 *
 * - `hermiteSpline(x, y, dydx)`: one cubic per segment matching the energies and slopes
 *   at both ends — VTST's nebspline.pl with slope = −(tangential force), so each image's
 *   force along the band shapes the curve (ASE's `fit_raw` builds the same cubic from its
 *   own force projection).
 * - `naturalCubicSpline(x, y)`: the fallback when forces are missing (C² through the
 *   energies, zero curvature at both ends).
 *
 * On segment i (x_i ≤ X ≤ x_{i+1}, h = x_{i+1} − x_i, t = (X − x_i)/h):
 *   y(t) = a + b t + c t² + d t³   (VTST's a, b, c, d; b = h·y'(x_i)).
 * Evaluation outside [x_0, x_n] returns NaN: the profile is never extrapolated beyond the band.
 */

export interface CubicSegment {
  x0: number;
  h: number;
  a: number;
  b: number;
  c: number;
  d: number;
}

export interface Extremum {
  /** Position along the band (same unit as x). */
  x: number;
  /** Fractional knot index: segment i at t → i + t (VTST's "found at image 2.03"). */
  knot: number;
  y: number;
  kind: 'max' | 'min';
}

export class PiecewiseCubic {
  readonly x: readonly number[];
  readonly segments: readonly CubicSegment[];

  constructor(x: readonly number[], segments: CubicSegment[]) {
    this.x = x;
    this.segments = segments;
  }

  private locate(X: number): number {
    const x = this.x;
    const n = this.segments.length;
    if (!(X >= x[0] && X <= x[n])) return -1;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (x[mid] <= X) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** y(X); NaN outside the knots. */
  value(X: number): number {
    const i = this.locate(X);
    if (i < 0) return Number.NaN;
    const s = this.segments[i];
    const t = (X - s.x0) / s.h;
    return s.a + t * (s.b + t * (s.c + t * s.d));
  }

  /** dy/dX; NaN outside the knots. */
  derivative(X: number): number {
    const i = this.locate(X);
    if (i < 0) return Number.NaN;
    const s = this.segments[i];
    const t = (X - s.x0) / s.h;
    return (s.b + t * (2 * s.c + 3 * t * s.d)) / s.h;
  }

  /** Value on segment i at local t ∈ [0, 1]. */
  segmentValue(i: number, t: number): number {
    const s = this.segments[i];
    return s.a + t * (s.b + t * (s.c + t * s.d));
  }

  /**
   * Stationary points strictly inside the segments (dy/dx = 0 at 0 < t < 1), in order.
   * Knots themselves are not listed (see `maximum` for the global maximum).
   */
  extrema(): Extremum[] {
    const out: Extremum[] = [];
    this.segments.forEach((s, i) => {
      for (const t of stationary(s)) {
        if (!(t > 1e-12 && t < 1 - 1e-12)) continue;
        const curv = 2 * s.c + 6 * s.d * t;
        if (curv === 0) continue; // inflection with zero slope: not an extremum
        out.push({ x: s.x0 + t * s.h, knot: i + t, y: this.segmentValue(i, t), kind: curv < 0 ? 'max' : 'min' });
      }
    });
    return out;
  }

  /** Global maximum over [x_0, x_n]: the larger of the knots and the interior maxima. */
  maximum(): { x: number; knot: number; y: number } {
    let best = { x: this.x[0], knot: 0, y: this.segments.length ? this.segments[0].a : Number.NaN };
    this.segments.forEach((s, i) => {
      const yEnd = s.a + s.b + s.c + s.d;
      if (yEnd > best.y) best = { x: this.x[i + 1], knot: i + 1, y: yEnd };
    });
    for (const e of this.extrema()) if (e.kind === 'max' && e.y > best.y) best = { x: e.x, knot: e.knot, y: e.y };
    return best;
  }

  /** `perSegment` points per segment (VTST: 20), plus the last knot. */
  sample(perSegment = 20): { x: number; knot: number; y: number; dydx: number }[] {
    const out: { x: number; knot: number; y: number; dydx: number }[] = [];
    this.segments.forEach((s, i) => {
      for (let j = 0; j < perSegment; j++) {
        const t = j / perSegment;
        out.push({
          x: s.x0 + t * s.h,
          knot: i + t,
          y: s.a + t * (s.b + t * (s.c + t * s.d)),
          dydx: (s.b + t * (2 * s.c + 3 * t * s.d)) / s.h,
        });
      }
    });
    const n = this.segments.length;
    if (n) {
      const s = this.segments[n - 1];
      out.push({ x: this.x[n], knot: n, y: s.a + s.b + s.c + s.d, dydx: (s.b + 2 * s.c + 3 * s.d) / s.h });
    }
    return out;
  }
}

/** Roots of b + 2c t + 3d t² (the segment's stationary points in local t). */
function stationary(s: CubicSegment): number[] {
  const A = 3 * s.d;
  const B = 2 * s.c;
  const C = s.b;
  const scale = Math.max(Math.abs(A), Math.abs(B), Math.abs(C));
  if (scale === 0) return [];
  if (Math.abs(A) <= 1e-14 * scale) {
    return Math.abs(B) <= 1e-14 * scale ? [] : [-C / B];
  }
  const disc = B * B - 4 * A * C;
  if (disc < 0) return [];
  const sq = Math.sqrt(disc);
  // numerically stable pair
  const q = -0.5 * (B + (B >= 0 ? sq : -sq));
  const r1 = q / A;
  const r2 = q !== 0 ? C / q : r1;
  return r1 <= r2 ? [r1, r2] : [r2, r1];
}

function checkKnots(x: readonly number[], y: readonly number[]): void {
  if (x.length !== y.length) throw new RangeError(`spline: ${x.length} positions but ${y.length} values`);
  if (x.length < 2) throw new RangeError('spline: need at least two points');
  for (let i = 0; i + 1 < x.length; i++) {
    if (!(x[i + 1] > x[i])) throw new RangeError(`spline: positions must increase strictly (x[${i}] = ${x[i]}, x[${i + 1}] = ${x[i + 1]})`);
  }
  if (![...x, ...y].every(Number.isFinite)) throw new RangeError('spline: positions and values must be finite numbers');
}

/** Cubic Hermite through (x_i, y_i) with slopes dydx_i (VTST nebspline.pl with dydx = −F∥). */
export function hermiteSpline(x: readonly number[], y: readonly number[], dydx: readonly number[]): PiecewiseCubic {
  checkKnots(x, y);
  if (dydx.length !== x.length || !dydx.every(Number.isFinite)) throw new RangeError('spline: one finite slope per point is needed');
  const segs: CubicSegment[] = [];
  for (let i = 0; i + 1 < x.length; i++) {
    const h = x[i + 1] - x[i];
    const m0 = h * dydx[i];
    const m1 = h * dydx[i + 1];
    const dy = y[i + 1] - y[i];
    segs.push({ x0: x[i], h, a: y[i], b: m0, c: 3 * dy - 2 * m0 - m1, d: -2 * dy + m0 + m1 });
  }
  return new PiecewiseCubic([...x], segs);
}

/** Natural cubic spline (second derivative zero at both ends). */
export function naturalCubicSpline(x: readonly number[], y: readonly number[]): PiecewiseCubic {
  checkKnots(x, y);
  const n = x.length - 1;
  const h = Array.from({ length: n }, (_, i) => x[i + 1] - x[i]);
  // second derivatives M_0..M_n, M_0 = M_n = 0; tridiagonal system for M_1..M_{n-1}
  const M = new Array<number>(n + 1).fill(0);
  if (n >= 2) {
    const m = n - 1;
    const diag = new Array<number>(m);
    const rhs = new Array<number>(m);
    const sub = new Array<number>(m);
    const sup = new Array<number>(m);
    for (let k = 0; k < m; k++) {
      const i = k + 1;
      sub[k] = h[i - 1];
      diag[k] = 2 * (h[i - 1] + h[i]);
      sup[k] = h[i];
      rhs[k] = 6 * ((y[i + 1] - y[i]) / h[i] - (y[i] - y[i - 1]) / h[i - 1]);
    }
    // Thomas algorithm
    for (let k = 1; k < m; k++) {
      const w = sub[k] / diag[k - 1];
      diag[k] -= w * sup[k - 1];
      rhs[k] -= w * rhs[k - 1];
    }
    const sol = new Array<number>(m);
    sol[m - 1] = rhs[m - 1] / diag[m - 1];
    for (let k = m - 2; k >= 0; k--) sol[k] = (rhs[k] - sup[k] * sol[k + 1]) / diag[k];
    for (let k = 0; k < m; k++) M[k + 1] = sol[k];
  }
  const slopes = new Array<number>(n + 1);
  for (let i = 0; i < n; i++) slopes[i] = (y[i + 1] - y[i]) / h[i] - (h[i] * (2 * M[i] + M[i + 1])) / 6;
  slopes[n] = (y[n] - y[n - 1]) / h[n - 1] + (h[n - 1] * (M[n - 1] + 2 * M[n])) / 6;
  return hermiteSpline(x, y, slopes);
}
