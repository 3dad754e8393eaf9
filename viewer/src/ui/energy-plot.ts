/**
 * The NEB energy profile (SVG): images as points (relative energy, eV, against reaction
 * coordinate, Å), the spline when the scene has one, and a marker at the shown image.
 * Hovering a point shows that image in 3D; play/pause and a scrub slider drive the animation.
 */
import type { SceneNeb } from '../../../src/scene/scene-document.js';
import type { Viewer } from '../scene/viewer.js';
import { h, fmt } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** Nice tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, n = 4): number[] {
  const span = hi - lo || 1;
  const raw = span / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

export function buildEnergyPlot(viewer: Viewer, neb: SceneNeb, box: HTMLElement): { update(t: number): void } {
  const W = 242;
  const H = 165;
  const m = { l: 40, r: 8, t: 10, b: 32 };
  const imgs = neb.images;
  const xs = imgs.map((i) => i.coordinate);
  const ys = imgs.map((i) => i.relativeEnergy);
  const splineY = (neb.spline ?? []).map((p) => p.energy - imgs[0].energy);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs) || 1;
  const yMin = Math.min(0, ...ys, ...splineY);
  const yMax = Math.max(...ys, ...splineY);
  const pad = (yMax - yMin) * 0.08 || 0.05;
  const y0 = yMin - pad;
  const y1 = yMax + pad;
  const X = (x: number) => m.l + ((x - xMin) / (xMax - xMin || 1)) * (W - m.l - m.r);
  const Y = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);

  const svg = s('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, 'data-testid': 'energy-plot', class: 'plot' });
  for (const v of ticks(y0, y1)) {
    svg.append(s('line', { x1: m.l, x2: W - m.r, y1: Y(v), y2: Y(v), class: 'grid' }));
    const t = s('text', { x: m.l - 5, y: Y(v) + 4, 'text-anchor': 'end', class: 'tick' });
    t.textContent = fmt(v, 2);
    svg.append(t);
  }
  for (const v of ticks(xMin, xMax)) {
    const t = s('text', { x: X(v), y: H - m.b + 15, 'text-anchor': 'middle', class: 'tick' });
    t.textContent = fmt(v, 1);
    svg.append(t);
  }
  svg.append(s('line', { x1: m.l, x2: m.l, y1: m.t, y2: H - m.b, class: 'axis' }));
  svg.append(s('line', { x1: m.l, x2: W - m.r, y1: H - m.b, y2: H - m.b, class: 'axis' }));
  const xl = s('text', { x: (m.l + W - m.r) / 2, y: H - 4, 'text-anchor': 'middle', class: 'label' });
  xl.textContent = 'reaction coordinate (Å)';
  const yl = s('text', { x: 11, y: (m.t + H - m.b) / 2, 'text-anchor': 'middle', class: 'label', transform: `rotate(-90 11 ${(m.t + H - m.b) / 2})` });
  yl.textContent = 'E − E₀ (eV)';
  svg.append(xl, yl);
  const pathPts = neb.spline?.length ? neb.spline.map((p) => [p.coordinate, p.energy - imgs[0].energy]) : imgs.map((i) => [i.coordinate, i.relativeEnergy]);
  svg.append(s('path', { d: pathPts.map(([x, y], i) => `${i ? 'L' : 'M'}${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(''), class: 'curve' }));
  const marker = s('line', { x1: 0, x2: 0, y1: m.t, y2: H - m.b, class: 'marker' });
  svg.append(marker);
  const dots = imgs.map((im, i) => {
    const c = s('circle', { cx: X(im.coordinate), cy: Y(im.relativeEnergy), r: 5, class: 'pt', 'data-index': i, 'data-testid': `neb-point-${i}` });
    const title = s('title', {});
    title.textContent = `image ${i}: ${fmt(im.relativeEnergy)} eV at ${fmt(im.coordinate, 2)} Å`;
    c.append(title);
    c.addEventListener('mouseenter', () => {
      viewer.pause();
      viewer.setNeb(i);
    });
    svg.append(c);
    return c;
  });

  const play = h('button', { 'data-testid': 'neb-play', text: '▶ play' });
  play.addEventListener('click', () => (viewer.playing ? viewer.pause() : viewer.play()));
  const slider = h('input', { type: 'range', min: 0, max: imgs.length - 1, step: 0.01, value: 0, 'data-testid': 'neb-slider' });
  slider.addEventListener('input', () => {
    viewer.pause();
    viewer.setNeb(Number(slider.value));
  });
  const readout = h('span', { class: 'readout' });
  box.replaceChildren(
    h('h3', { text: 'NEB path' }),
    h('div', { class: 'sub', text: `barrier ${fmt(neb.barrier)} eV · reverse ${fmt(neb.reverseBarrier)} eV · ${imgs.length} images` }),
    svg,
    h('div', { class: 'row' }, play, slider, readout),
  );
  box.hidden = false;

  const update = (t: number) => {
    const k = Math.min(Math.floor(t), imgs.length - 2);
    const u = t - k;
    const x = imgs.length > 1 ? xs[k] + (xs[k + 1] - xs[k]) * u : xs[0];
    marker.setAttribute('x1', String(X(x)));
    marker.setAttribute('x2', String(X(x)));
    const idx = Math.round(t);
    dots.forEach((d, i) => d.classList.toggle('on', i === idx));
    if (document.activeElement !== slider) slider.value = String(t);
    readout.textContent = `image ${idx} / ${imgs.length - 1} · ${fmt(imgs[idx].relativeEnergy)} eV`;
    play.textContent = viewer.playing ? '❚❚ pause' : '▶ play';
  };
  update(viewer.nebT);
  return { update };
}
