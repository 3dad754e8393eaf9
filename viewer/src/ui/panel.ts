/**
 * The side panel: cell repeats, atom radii, bonds, polyhedra per type, Li sites and hops
 * (colouring, percolation threshold), camera presets and projection, background, and PNG
 * export at a chosen resolution.
 */
import type { Viewer, Preset } from '../scene/viewer.js';
import type { RadiusMode } from '../scene/atoms.js';
import { valueRange, hopValue, type HopColorBy } from '../scene/hops.js';
import { h, fmt, checkbox, section } from './dom.js';
import { drawLegend } from './legend.js';

export function buildPanel(viewer: Viewer, box: HTMLElement, onChange: () => void): void {
  const doc = viewer.doc;
  const o = viewer.opts;
  const counts = h('div', { class: 'sub', 'data-testid': 'counts' });
  const updateCounts = () => {
    counts.textContent = `${doc.atoms.length} atoms/cell · ${viewer.atoms.drawnCount} drawn · ${doc.sites.length} sites · ${doc.hops.length} hops`;
  };
  viewer.on('change', updateCounts);
  updateCounts();

  // Cell repeats
  const rep = o.repeats.map((n, i) => {
    const input = h('input', { type: 'number', min: 1, max: 30, step: 1, value: n, class: 'rep', 'data-testid': `repeat-${'abc'[i]}`, title: `repeats along ${'abc'[i]}` });
    input.addEventListener('change', () => {
      const v = rep.map((x) => Math.min(30, Math.max(1, Math.floor(Number(x.value)) || 1))) as [number, number, number];
      rep.forEach((x, j) => (x.value = String(v[j])));
      viewer.set('repeats', v);
      viewer.viewAlong('oblique', true);
      onChange();
    });
    return input;
  });
  const cellSec = section(
    'Cell',
    h('div', { class: 'row nowrap' }, 'repeats ', rep[0], '×', rep[1], '×', rep[2]),
    checkbox('atoms on cell faces at both sides', o.boundary, (v) => viewer.set('boundary', v)),
    checkbox('cell edges', o.cell, (v) => viewer.set('cell', v)),
  );

  // Atoms
  const mode = h('select', { 'data-testid': 'radius-mode' }, ...['covalent', 'ionic', 'uniform'].map((m) => h('option', { value: m, text: m })));
  mode.value = o.radiusMode;
  const scale = h('input', { type: 'range', min: 0.1, max: 1.5, step: 0.05, value: o.radiusScale, 'data-testid': 'radius-scale' });
  const scaleOut = h('span', { class: 'readout', text: fmt(o.radiusScale, 2) });
  mode.addEventListener('change', () => viewer.set('radiusMode', mode.value as RadiusMode));
  scale.addEventListener('input', () => {
    scaleOut.textContent = fmt(Number(scale.value), 2);
    viewer.set('radiusScale', Number(scale.value));
  });
  const atomSec = section(
    'Atoms',
    h('div', { class: 'row' }, 'radius ', mode),
    h('div', { class: 'row' }, 'scale ', scale, scaleOut),
    checkbox('bonds', o.bonds, (v) => viewer.set('bonds', v), 'toggle-bonds'),
  );

  // Polyhedra
  const polyCounts = new Map<string, number>();
  for (const p of doc.polyhedra) polyCounts.set(p.type, (polyCounts.get(p.type) ?? 0) + 1);
  const polySec = polyCounts.size
    ? section(
        'Polyhedra',
        ...[...polyCounts.keys()].sort().map((t) =>
          checkbox(`${t} (${polyCounts.get(t)})`, viewer.polyVisible.get(t) ?? true, (v) => viewer.setPolyhedron(t, v), `poly-${t}`),
        ),
      )
    : null;

  // Sites and hops
  let siteSec: HTMLElement | null = null;
  if (doc.sites.length || doc.hops.length) {
    const kids: (HTMLElement | null)[] = [];
    if (doc.sites.length) {
      kids.push(checkbox('sites', o.sites, (v) => viewer.set('sites', v)));
      kids.push(checkbox('Wyckoff labels', o.labels, (v) => viewer.set('labels', v)));
    }
    if (doc.hops.length) {
      kids.push(checkbox('hops', o.hops, (v) => (viewer.set('hops', v), onChange())));
      const hasBarrier = doc.hops.some((x) => hopValue(x, 'barrier') !== undefined);
      const by = h('select', { 'data-testid': 'hop-color' }, ...(hasBarrier ? ['barrier', 'length'] : ['length']).map((m) => h('option', { value: m, text: m })));
      by.value = o.hopColorBy;
      kids.push(h('div', { class: 'row' }, 'colour by ', by));
      const perc = h('input', { type: 'checkbox', 'data-testid': 'percolation' });
      const thr = h('input', { type: 'range', 'data-testid': 'percolation-threshold' });
      const thrOut = h('span', { class: 'readout' });
      const setRange = () => {
        const [lo, hi] = valueRange(doc.hops, o.hopColorBy);
        thr.min = String(lo);
        thr.max = String(hi);
        thr.step = String((hi - lo) / 100 || 0.01);
        thr.value = String(o.percolationThreshold ?? (lo + hi) / 2);
      };
      const apply = () => {
        const t = Number(thr.value);
        viewer.set('percolationThreshold', perc.checked ? t : null);
        const unit = o.hopColorBy === 'length' ? 'Å' : 'eV';
        const entry = viewer.percolationEntry(t);
        const dim = entry ? `${entry.dimensionality}D network` : doc.percolation?.length ? 'no percolating network' : 'network';
        thrOut.textContent = `≤ ${fmt(t, 2)} ${unit}${perc.checked ? ` · ${dim}` : ''}`;
      };
      by.addEventListener('change', () => {
        viewer.set('hopColorBy', by.value as HopColorBy);
        setRange();
        apply();
        onChange();
      });
      perc.addEventListener('change', apply);
      thr.addEventListener('input', apply);
      setRange();
      apply();
      kids.push(h('label', { class: 'row check' }, perc, ' highlight network'), h('div', { class: 'row' }, thr, thrOut));
    }
    siteSec = section('Li sites & hops', ...kids);
  }

  // View
  const presets = h(
    'div',
    { class: 'row buttons' },
    ...(['a', 'b', 'c', '111'] as Preset[]).map((p) => {
      const b = h('button', { text: p === '111' ? '[111]' : `‖ ${p}`, title: `view along ${p === '111' ? '[111]' : p}`, 'data-testid': `view-${p}` });
      b.addEventListener('click', () => viewer.viewAlong(p, true));
      return b;
    }),
    (() => {
      const b = h('button', { text: 'reset', title: 'default view', 'data-testid': 'view-reset' });
      b.addEventListener('click', () => viewer.viewAlong('oblique', true));
      return b;
    })(),
  );
  const proj = h('select', { 'data-testid': 'projection' }, h('option', { value: 'perspective', text: 'perspective' }), h('option', { value: 'orthographic', text: 'orthographic' }));
  proj.addEventListener('change', () => viewer.setProjection(proj.value as 'perspective' | 'orthographic'));
  const viewSec = section(
    'View',
    presets,
    h('div', { class: 'row' }, 'projection ', proj),
    checkbox('dark background', o.dark, (v) => (viewer.set('dark', v), onChange())),
  );

  // Export
  const size = h('select', { 'data-testid': 'export-size' }, ...['1920x1080', '2400x2400', '3840x2160', '4000x3000', 'window ×2'].map((s) => h('option', { value: s, text: s.replace('x', ' × ') })));
  const transparent = h('input', { type: 'checkbox' });
  const go = h('button', { text: 'save PNG', 'data-testid': 'export' });
  const status = h('span', { class: 'readout' });
  go.addEventListener('click', () => {
    let w: number;
    let ht: number;
    if (size.value.startsWith('window')) {
      const c = viewer.renderer.domElement;
      w = c.clientWidth * 2;
      ht = c.clientHeight * 2;
    } else [w, ht] = size.value.split('x').map(Number);
    try {
      const url = viewer.exportPng(w, ht, transparent.checked, (ctx, W, H) => drawLegend(viewer, ctx, W, H, transparent.checked));
      const a = h('a', { href: url, download: `${(doc.title || doc.formula).replace(/[^\w.-]+/g, '_')}_${w}x${ht}.png` });
      document.body.append(a);
      a.click();
      a.remove();
      status.textContent = `saved ${w} × ${ht}`;
    } catch (e) {
      status.textContent = e instanceof Error ? e.message : String(e);
    }
  });
  const exportSec = section('Export', h('div', { class: 'row' }, size), h('label', { class: 'row check' }, transparent, ' transparent background'), h('div', { class: 'row' }, go, status));

  const notes = doc.notes?.length ? h('ul', { class: 'notes', 'data-testid': 'notes' }, ...doc.notes.map((n) => h('li', { text: n }))) : null;
  box.replaceChildren(
    h('h2', { text: doc.title }),
    h('div', { class: 'sub' }, doc.formula, doc.spacegroup ? ` · ${doc.spacegroup.symbol} (${doc.spacegroup.number})` : ''),
    counts,
    ...(notes ? [notes] : []),
    ...(doc.neb ? [h('section', { id: 'neb', 'data-testid': 'neb' })] : []),
    cellSec,
    atomSec,
    ...(polySec ? [polySec] : []),
    ...(siteSec ? [siteSec] : []),
    viewSec,
    exportSec,
    h('div', { class: 'help', text: 'drag: rotate · right-drag: pan · wheel: zoom · click: info' }),
  );
}
