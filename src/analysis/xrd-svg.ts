/**
 * A powder pattern as a self-contained SVG stick plot: 2θ (degrees) across, relative
 * intensity (0–100) up, hkl labels (negative indices barred) on the strongest peaks, a hover
 * tooltip per stick. No scripts, no external fonts or styles.
 */
import type { XrdPattern, XrdPeak } from './xrd.js';

export interface XrdSvgOptions {
  /** Heading, e.g. 'LiMn2O4  Fd-3m (227)'. */
  title?: string;
  /** Width and height in px (default 900 × 460). */
  width?: number;
  height?: number;
  /** At most this many hkl labels (default 14). */
  maxLabels?: number;
  /** Label only peaks at least this strong on the 0–100 scale (default 2). */
  minLabelIntensity?: number;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (x: number, d = 2): string => Number(x.toFixed(d)).toString();

/** "(3 -1 1)" for tooltips: plain text, negatives with a minus sign. */
export function hklText(hkl: readonly number[]): string {
  return `(${hkl.join(' ')})`;
}

/** hkl as SVG text content: digits run together when all are single-digit, negatives barred. */
function hklTspans(hkl: readonly number[]): string {
  const compact = hkl.every((x) => Math.abs(x) < 10);
  return hkl
    .map((x, i) => {
      const sep = !compact && i > 0 ? ' ' : '';
      const digits = String(Math.abs(x));
      return x < 0 ? `${sep}<tspan text-decoration="overline">${digits}</tspan>` : `${sep}${digits}`;
    })
    .join('');
}

/** A tick step giving at most ~`maxTicks` ticks over `span`: 1, 2, 5 × 10ⁿ. */
function tickStep(span: number, maxTicks: number): number {
  const raw = span / maxTicks;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** Peaks that get labels: strongest first, no two closer than `minGapPx` across. */
export function labelledPeaks(peaks: readonly XrdPeak[], xOf: (t: number) => number, maxLabels: number, minIntensity: number, minGapPx: number): XrdPeak[] {
  const chosen: XrdPeak[] = [];
  for (const p of [...peaks].sort((a, b) => b.intensity - a.intensity)) {
    if (chosen.length >= maxLabels || p.intensity < minIntensity) break;
    if (chosen.some((q) => Math.abs(xOf(q.twoTheta) - xOf(p.twoTheta)) < minGapPx)) continue;
    chosen.push(p);
  }
  return chosen;
}

/** The SVG document (a string starting with `<svg`). */
export function xrdSvg(pattern: XrdPattern, opts: XrdSvgOptions = {}): string {
  const W = opts.width ?? 900;
  const H = opts.height ?? 460;
  const m = { left: 64, right: 24, top: opts.title ? 110 : 86, bottom: 56 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const [t0, t1] = pattern.twoThetaRange;
  const xOf = (t: number) => m.left + ((t - t0) / (t1 - t0)) * pw;
  const yOf = (i: number) => m.top + ph - (i / 100) * ph;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  );
  const wl = `${pattern.wavelengthName ? `${pattern.wavelengthName}, ` : ''}λ = ${pattern.wavelength} Å`;
  out.push(`<title>${esc(opts.title ? `${opts.title} — powder XRD (${wl})` : `Powder XRD (${wl})`)}</title>`);
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  if (opts.title) out.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${esc(opts.title)}</text>`);
  out.push(`<text x="${W - m.right}" y="${opts.title ? 44 : 22}" text-anchor="end" fill="#444">${esc(wl)}</text>`);

  // axes, grid and ticks
  const xs = tickStep(t1 - t0, 12);
  out.push(`<g stroke="#000" stroke-width="1" fill="none">`);
  out.push(`<line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}"/>`);
  out.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}"/>`);
  out.push(`</g>`);
  out.push(`<g fill="#000">`);
  for (let t = Math.ceil(t0 / xs - 1e-9) * xs; t <= t1 + 1e-9; t += xs) {
    const x = num(xOf(t), 2);
    out.push(`<line x1="${x}" y1="${m.top + ph}" x2="${x}" y2="${m.top + ph + 5}" stroke="#000"/>`);
    out.push(`<text x="${x}" y="${m.top + ph + 19}" text-anchor="middle">${num(t, 4)}</text>`);
  }
  for (let i = 0; i <= 100; i += 20) {
    const y = num(yOf(i), 2);
    out.push(`<line x1="${m.left - 5}" y1="${y}" x2="${m.left}" y2="${y}" stroke="#000"/>`);
    if (i > 0) out.push(`<line x1="${m.left}" y1="${y}" x2="${m.left + pw}" y2="${y}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${m.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${i}</text>`);
  }
  out.push(`<text x="${m.left + pw / 2}" y="${H - 14}" text-anchor="middle" font-size="13">2θ (°)</text>`);
  out.push(`<text transform="translate(18 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="13">Intensity (relative, max 100)</text>`);
  out.push(`</g>`);

  // sticks
  out.push(`<g stroke="#1f4e99" stroke-width="1.6">`);
  for (const p of pattern.peaks) {
    const x = num(xOf(p.twoTheta), 2);
    const fams = p.families.map((f) => `${hklText(f.hkl)}×${f.multiplicity}`).join(' ');
    out.push(
      `<line x1="${x}" y1="${num(yOf(0), 2)}" x2="${x}" y2="${num(yOf(p.intensity), 2)}"><title>2θ ${num(p.twoTheta, 3)}°  d ${num(p.d, 4)} Å  I ${num(p.intensity, 1)}  ${esc(fams)}</title></line>`,
    );
  }
  out.push(`</g>`);

  // labels on the strongest peaks, rotated, just above each stick
  const maxLabels = opts.maxLabels ?? 14;
  const minI = opts.minLabelIntensity ?? 2;
  out.push(`<g font-size="11" fill="#111">`);
  for (const p of labelledPeaks(pattern.peaks, xOf, maxLabels, minI, 13)) {
    const x = xOf(p.twoTheta) + 4;
    const y = yOf(p.intensity) - 4;
    out.push(`<text transform="translate(${num(x, 2)} ${num(y, 2)}) rotate(-90)">${hklTspans(p.hkl)}</text>`);
  }
  out.push(`</g>`);
  if (pattern.peaks.length === 0) {
    out.push(`<text x="${m.left + pw / 2}" y="${m.top + ph / 2}" text-anchor="middle" fill="#888">no reflections in this 2θ range</text>`);
  }
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
