/**
 * VTST's text outputs, in VTST's column layout, so existing gnuplot scripts keep working:
 *
 *   neb.dat    (nebbarrier.pl)  "%3i %12.6f %12.6f %12.6f %3i": point, distance (Å),
 *              energy rel. to the first image (eV), tangential force (eV/Å), image folder number
 *   spline.dat (nebspline.pl)   tab-separated: fractional image, distance (Å), energy (eV),
 *              force −dE/dR (eV/Å); 20 points per segment
 *   exts.dat   (nebspline.pl)   "Extrema %d found at image %9.6f with energy: %9.6f"
 */
import type { BarrierAnalysis } from './barrier.js';

/** printf("%W.Df") */
export function fixed(x: number, width: number, decimals: number): string {
  const s = Number.isFinite(x) ? x.toFixed(decimals) : String(x).toLowerCase().replace('infinity', 'inf');
  return s.padStart(width);
}

/** printf("%Wd") */
export function int(x: number, width: number): string {
  return String(Math.trunc(x)).padStart(width);
}

/** Perl's default number formatting (C "%.15g"). */
export function perlNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x).toLowerCase().replace('infinity', 'inf');
  if (x === 0) return '0';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -5 || exp >= 15) {
    const [m, e] = x.toExponential(14).split('e');
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const ev = Number(e);
    return `${mant}e${ev < 0 ? '-' : '+'}${String(Math.abs(ev)).padStart(2, '0')}`;
  }
  const s = x.toPrecision(15);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** neb.dat: one line per point of the band. */
export function nebDat(a: BarrierAnalysis): string {
  return a.images
    .map((im, k) => `${int(k, 3)} ${fixed(im.coordinate, 12, 6)} ${fixed(im.relativeEnergy, 12, 6)} ${fixed(im.tangentForce ?? 0, 12, 6)} ${int(im.index, 3)}\n`)
    .join('');
}

/** spline.dat: the fitted profile, `perSegment` points per segment (VTST: 20). */
export function splineDat(a: BarrierAnalysis, perSegment = 20): string {
  const lines: string[] = [];
  const n = a.images.length;
  for (let i = 0; i < n; i++) {
    const im = a.images[i];
    const f = a.interpolation === 'hermite' ? (im.tangentForce ?? 0) : -a.spline.derivative(im.coordinate);
    lines.push([i, im.coordinate, im.relativeEnergy, f].map(perlNumber).join('\t'));
    if (i === n - 1) break;
    const s = a.spline.segments[i];
    for (let j = 1; j < perSegment; j++) {
      const t = j / perSegment;
      const e = s.a + t * (s.b + t * (s.c + t * s.d));
      const force = -(s.b + t * (2 * s.c + 3 * t * s.d)) / s.h;
      lines.push([i + t, s.x0 + t * s.h, e, force].map(perlNumber).join('\t'));
    }
  }
  return lines.join('\n') + '\n';
}

/** exts.dat: interior extrema of the spline. */
export function extsDat(a: BarrierAnalysis): string {
  return a.extrema.map((e, k) => `Extrema ${k + 1} found at image ${fixed(e.image, 9, 6)} with energy: ${fixed(e.energy, 9, 6)}\n`).join('');
}
