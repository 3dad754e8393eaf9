/**
 * NEB energy profiles as a self-contained SVG: one or several paths in one plot (e.g. the
 * three K3V5O14 hops, labelled I, II, III), each drawn as its fitted spline through the
 * image energies, with the saddle marked and the barrier written beside it.
 *
 * x: reaction coordinate in Å for one path; normalised to 0…1 by default when several
 * paths of different lengths share the plot. y: energy relative to each path's initial
 * state (eV).
 */
import type { BarrierAnalysis } from './barrier.js';

export interface ProfilePath {
  /** Legend label, e.g. "I", "II", "path A". */
  label: string;
  analysis: BarrierAnalysis;
  /** CSS colour; a palette colour when omitted. */
  color?: string;
}

export interface ProfileSvgOptions {
  width?: number;
  height?: number;
  /** Plot title (omitted when empty). */
  title?: string;
  /** Normalise each path's coordinate to 0…1 (default: true when there are several paths). */
  normalize?: boolean;
  /** Write "label: 0.158 eV" at each saddle (default true). */
  barrierLabels?: boolean;
  /** Energy unit on the axis (default eV). */
  unit?: 'eV' | 'meV';
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

/** XML-escape text. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** "Nice" tick positions (1-2-2.5-5 steps) from the last tick ≤ lo to the first tick ≥ hi. */
export function niceTicks(lo: number, hi: number, target = 6): number[] {
  if (!(hi > lo)) {
    const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= d;
    hi += d;
  }
  const raw = (hi - lo) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const k0 = Math.floor(lo / step + 1e-9);
  const k1 = Math.ceil(hi / step - 1e-9);
  const out: number[] = [];
  for (let k = k0; k <= k1; k++) {
    const v = Number((k * step).toPrecision(12));
    out.push(v === 0 ? 0 : v);
  }
  return out;
}

function tickLabel(v: number, step: number): string {
  const dec = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return v.toFixed(Math.min(dec + (step / 10 ** Math.floor(Math.log10(step)) === 2.5 ? 1 : 0), 6));
}

function r2(x: number): string {
  return (Math.round(x * 100) / 100).toString();
}

/** Render the profiles. */
export function profileSvg(paths: readonly ProfilePath[], opts: ProfileSvgOptions = {}): string {
  if (paths.length === 0) throw new RangeError('profileSvg: no paths to draw');
  const W = opts.width ?? 640;
  const H = opts.height ?? 420;
  const normalize = opts.normalize ?? paths.length > 1;
  const scaleE = opts.unit === 'meV' ? 1000 : 1;
  const unit = opts.unit ?? 'eV';
  const labels = opts.barrierLabels ?? true;
  const title = opts.title ?? '';

  // data in plot units
  const series = paths.map((p, k) => {
    const a = p.analysis;
    const xs = a.images.map((im) => im.coordinate);
    const len = xs[xs.length - 1] || 1;
    const fx = (x: number) => (normalize ? x / len : x);
    const curve = a.spline.sample(40).map((s) => ({ x: fx(s.x), y: s.y * scaleE }));
    const pts = a.images.map((im) => ({ x: fx(im.coordinate), y: im.relativeEnergy * scaleE, index: im.index }));
    return {
      label: p.label,
      color: p.color ?? PALETTE[k % PALETTE.length],
      curve,
      pts,
      saddle: { x: fx(a.saddle.coordinate), y: a.saddle.energy * scaleE },
      barrier: a.barrier,
      agrees: a.splineAgreesWithImages,
    };
  });
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  for (const s of series) {
    for (const p of [...s.curve, ...s.pts]) {
      xmin = Math.min(xmin, p.x);
      xmax = Math.max(xmax, p.x);
      ymin = Math.min(ymin, p.y);
      ymax = Math.max(ymax, p.y);
    }
  }
  // axis ranges: the data with a margin (room above for the barrier labels); ticks inside
  const ypad = (ymax - ymin || 1) * 0.06;
  const y0 = ymin - ypad;
  const y1 = ymax + ypad * (labels ? 3 : 1);
  const x0 = xmin;
  const x1 = xmax > xmin ? xmax : xmin + 1;
  const inside = (t: number, lo: number, hi: number) => t >= lo - 1e-12 * Math.abs(hi - lo) && t <= hi + 1e-12 * Math.abs(hi - lo);
  const yTicks = niceTicks(y0, y1).filter((t) => inside(t, y0, y1));
  const xTicks = niceTicks(x0, x1).filter((t) => inside(t, x0, x1));

  const left = 72;
  const right = 20;
  const top = title ? 40 : 20;
  const bottom = 56;
  const pw = W - left - right;
  const ph = H - top - bottom;
  const X = (x: number) => left + ((x - x0) / (x1 - x0 || 1)) * pw;
  const Y = (y: number) => top + ph - ((y - y0) / (y1 - y0 || 1)) * ph;
  const xStep = xTicks.length > 1 ? xTicks[1] - xTicks[0] : 1;
  const yStep = yTicks.length > 1 ? yTicks[1] - yTicks[0] : 1;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="13">`);
  out.push(`<title>${escapeXml(title || `NEB energy profile: ${paths.map((p) => p.label).join(', ')}`)}</title>`);
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`);
  if (title) out.push(`<text x="${r2(W / 2)}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`);
  // grid and ticks
  out.push('<g class="grid" stroke="#e6e6e6" stroke-width="1">');
  for (const t of yTicks) out.push(`<line x1="${left}" y1="${r2(Y(t))}" x2="${left + pw}" y2="${r2(Y(t))}"/>`);
  for (const t of xTicks) out.push(`<line x1="${r2(X(t))}" y1="${top}" x2="${r2(X(t))}" y2="${top + ph}"/>`);
  out.push('</g>');
  if (y0 < 0 && y1 > 0) out.push(`<line x1="${left}" y1="${r2(Y(0))}" x2="${left + pw}" y2="${r2(Y(0))}" stroke="#999" stroke-dasharray="4 3"/>`);
  out.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push('<g class="ticks" fill="#333">');
  for (const t of yTicks) out.push(`<text x="${left - 8}" y="${r2(Y(t) + 4)}" text-anchor="end">${tickLabel(t, yStep)}</text>`);
  for (const t of xTicks) out.push(`<text x="${r2(X(t))}" y="${top + ph + 18}" text-anchor="middle">${tickLabel(t, xStep)}</text>`);
  out.push('</g>');
  out.push(
    `<text x="${r2(left + pw / 2)}" y="${H - 14}" text-anchor="middle">${normalize ? 'Reaction coordinate (normalised)' : 'Reaction coordinate (Å)'}</text>`,
  );
  out.push(`<text transform="translate(18 ${r2(top + ph / 2)}) rotate(-90)" text-anchor="middle">Energy (${unit})</text>`);

  // paths
  series.forEach((s) => {
    const d = s.curve.map((p, k) => `${k ? 'L' : 'M'}${r2(X(p.x))} ${r2(Y(p.y))}`).join(' ');
    out.push(`<g class="path" data-label="${escapeXml(s.label)}">`);
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const p of s.pts) {
      out.push(`<circle cx="${r2(X(p.x))}" cy="${r2(Y(p.y))}" r="4" fill="white" stroke="${s.color}" stroke-width="2"><title>image ${String(p.index).padStart(2, '0')}: ${(p.y).toFixed(4)} ${unit}</title></circle>`);
    }
    out.push(`<path d="M${r2(X(s.saddle.x))} ${r2(Y(s.saddle.y) - 7)} l5 7 l-5 7 l-5 -7 z" fill="${s.color}"><title>saddle ${s.saddle.y.toFixed(4)} ${unit}</title></path>`);
    if (labels) {
      const text = `${s.label}: ${(s.barrier * scaleE).toFixed(unit === 'meV' ? 1 : 3)} ${unit}${s.agrees ? '' : ' *'}`;
      out.push(`<text x="${r2(X(s.saddle.x))}" y="${r2(Y(s.saddle.y) - 12)}" text-anchor="middle" fill="${s.color}" font-weight="bold">${escapeXml(text)}</text>`);
    }
    out.push('</g>');
  });

  // legend
  if (series.length > 1 || series[0].label) {
    const lx = left + 12;
    let ly = top + 16;
    out.push('<g class="legend">');
    for (const s of series) {
      out.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 22}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`);
      out.push(`<text x="${lx + 28}" y="${ly}">${escapeXml(s.label)}</text>`);
      ly += 18;
    }
    out.push('</g>');
  }
  if (series.some((s) => !s.agrees)) {
    out.push(`<text x="${W - right}" y="${H - 14}" text-anchor="end" font-size="11" fill="#666">* spline maximum and highest image disagree</text>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
