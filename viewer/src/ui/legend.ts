/**
 * Legend: element key (Jmol colours) and the hop colour bar with its range and unit. The
 * same legend is drawn on exported PNGs.
 */
import type { Viewer } from '../scene/viewer.js';
import { rampGradientCss, rampCss } from '../scene/colormap.js';
import { valueRange } from '../scene/hops.js';
import { SITE_COLORS } from '../scene/sites.js';
import { h, fmt } from './dom.js';

interface LegendData {
  elements: { symbol: string; color: string }[];
  bar: { title: string; lo: number; hi: number } | null;
  sites: boolean;
}

export function legendData(viewer: Viewer): LegendData {
  // One entry per colour: an element, or a disordered site's species ('Co/Ni/Mn').
  const seen = new Map<string, string>();
  for (const a of viewer.doc.atoms) {
    const name = a.species.length > 1 ? a.species.map((s) => s.element).join('/') : a.element;
    if (!seen.has(name)) seen.set(name, a.color);
  }
  const hops = viewer.doc.hops;
  let bar: LegendData['bar'] = null;
  if (hops.length && viewer.opts.hops) {
    const by = viewer.opts.hopColorBy;
    const [lo, hi] = valueRange(hops, by);
    const title = by === 'length' ? 'hop length (Å)' : hops.some((x) => x.nebBarrier !== undefined) ? 'barrier (eV, NEB where run)' : 'barrier estimate (eV)';
    bar = { title, lo, hi };
  }
  return { elements: [...seen].map(([symbol, color]) => ({ symbol, color })), bar, sites: viewer.doc.sites.length > 0 && viewer.opts.sites };
}

export function renderLegend(viewer: Viewer, box: HTMLElement): void {
  const d = legendData(viewer);
  box.replaceChildren(
    h('div', { class: 'elements' }, ...d.elements.map((e) => h('span', { class: 'el' }, h('span', { class: 'dot', style: `background:${e.color}` }), e.symbol))),
  );
  if (d.sites) {
    box.append(
      h(
        'div',
        { class: 'elements' },
        h('span', { class: 'el' }, h('span', { class: 'dot', style: `background:${SITE_COLORS.occupied}` }), 'occupied site'),
        h('span', { class: 'el' }, h('span', { class: 'dot', style: `background:${SITE_COLORS.interstitial}` }), 'interstitial site'),
      ),
    );
  }
  if (d.bar) {
    box.append(
      h('div', { class: 'bar-title', text: d.bar.title }),
      h('div', { class: 'bar', style: `background:${rampGradientCss()}`, 'data-testid': 'legend-bar' }),
      h('div', { class: 'bar-ticks' }, h('span', { text: fmt(d.bar.lo, 2) }), h('span', { text: fmt((d.bar.lo + d.bar.hi) / 2, 2) }), h('span', { text: fmt(d.bar.hi, 2) })),
    );
  }
  box.hidden = false;
}

/** Draw the legend onto an exported image (bottom-right corner), scaled to its size. */
export function drawLegend(viewer: Viewer, ctx: CanvasRenderingContext2D, w: number, h_: number, transparent: boolean): void {
  const d = legendData(viewer);
  const k = Math.max(1, Math.min(w, h_) / 700);
  const font = (px: number) => `${Math.round(px * k)}px system-ui, sans-serif`;
  const pad = 12 * k;
  const lineH = 20 * k;
  const boxW = 250 * k;
  const rows = 1 + (d.sites ? 1 : 0) + (d.bar ? 3 : 0);
  const boxH = rows * lineH + pad * 2;
  const x0 = w - boxW - pad;
  const y0 = h_ - boxH - pad;
  const dark = viewer.opts.dark;
  if (!transparent) {
    ctx.fillStyle = dark ? 'rgba(22,24,29,0.85)' : 'rgba(255,255,255,0.85)';
    ctx.fillRect(x0, y0, boxW, boxH);
  }
  ctx.fillStyle = dark ? '#eee' : '#111';
  ctx.textBaseline = 'middle';
  ctx.font = font(13);
  let y = y0 + pad + lineH / 2;
  let x = x0 + pad;
  for (const e of d.elements) {
    ctx.fillStyle = e.color;
    ctx.beginPath();
    ctx.arc(x + 6 * k, y, 6 * k, 0, 2 * Math.PI);
    ctx.fill();
    ctx.fillStyle = dark ? '#eee' : '#111';
    ctx.fillText(e.symbol, x + 15 * k, y);
    x += (22 + 9 * e.symbol.length) * k;
  }
  y += lineH;
  if (d.sites) {
    x = x0 + pad;
    for (const [label, color] of [['occupied', SITE_COLORS.occupied], ['interstitial', SITE_COLORS.interstitial]]) {
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.arc(x + 6 * k, y, 6 * k, 0, 2 * Math.PI);
      ctx.fill();
      ctx.fillStyle = dark ? '#eee' : '#111';
      ctx.fillText(label, x + 15 * k, y);
      x += 100 * k;
    }
    y += lineH;
  }
  if (d.bar) {
    ctx.fillText(d.bar.title, x0 + pad, y);
    y += lineH;
    const bw = boxW - 2 * pad;
    for (let i = 0; i < bw; i++) {
      ctx.fillStyle = rampCss(i / (bw - 1));
      ctx.fillRect(x0 + pad + i, y - 6 * k, 1.5, 12 * k);
    }
    y += lineH;
    ctx.fillStyle = dark ? '#eee' : '#111';
    ctx.textAlign = 'left';
    ctx.fillText(fmt(d.bar.lo, 2), x0 + pad, y);
    ctx.textAlign = 'right';
    ctx.fillText(fmt(d.bar.hi, 2), x0 + boxW - pad, y);
    ctx.textAlign = 'left';
  }
}
