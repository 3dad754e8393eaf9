/**
 * The info panel for a clicked atom, site or hop: element, label, Wyckoff, coordination,
 * positions, and distances to neighbours (bonded ones, else the nearest few, periodic).
 */
import type { SceneDocument, ScenePolyhedron } from '../../../src/scene/scene-document.js';
import type { Selection, Viewer } from '../scene/viewer.js';
import { shiftToCart, type V3 } from '../scene/layout.js';
import { invert3, mulVecMat } from '../scene/viewer.js';
import { h, fmt } from './dom.js';

export interface NeighbourDistance {
  index: number;
  element: string;
  label: string;
  distance: number;
}

/** Nearest atoms to a Cartesian point (Å) over the 27 neighbouring cells, closest first (the point's own atom excluded). */
export function nearestAtoms(viewer: Viewer, p: V3, k: number): NeighbourDistance[] {
  const doc = viewer.doc;
  const L = viewer.lattice;
  const out: NeighbourDistance[] = [];
  const pos = viewer.pos;
  for (let j = 0; j < doc.atoms.length; j++) {
    for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) for (let c = -1; c <= 1; c++) {
      const t = shiftToCart(L, a, b, c);
      const d = Math.hypot(pos[j * 3] + t[0] - p[0], pos[j * 3 + 1] + t[1] - p[1], pos[j * 3 + 2] + t[2] - p[2]);
      if (d < 1e-3) continue; // the atom itself
      out.push({ index: j, element: doc.atoms[j].element, label: doc.atoms[j].label, distance: d });
    }
  }
  out.sort((x, y) => x.distance - y.distance);
  return out.slice(0, k);
}

/** Bonded neighbours of atom i at the current positions. */
export function bondedNeighbours(viewer: Viewer, i: number): NeighbourDistance[] {
  const doc = viewer.doc;
  const L = viewer.lattice;
  const pos = viewer.pos;
  return viewer
    .partners()[i].map((b) => {
      const t = shiftToCart(L, ...b.image);
      const j = b.partner;
      const d = Math.hypot(pos[j * 3] + t[0] - pos[i * 3], pos[j * 3 + 1] + t[1] - pos[i * 3 + 1], pos[j * 3 + 2] + t[2] - pos[i * 3 + 2]);
      return { index: j, element: doc.atoms[j].element, label: doc.atoms[j].label, distance: d };
    })
    .sort((x, y) => x.distance - y.distance);
}

function table(rows: [string, string | Node][]): HTMLTableElement {
  return h('table', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', { text: k }), h('td', {}, v))));
}

function neighbourList(list: NeighbourDistance[]): HTMLElement {
  return h('ol', { class: 'nbrs' }, ...list.map((n) => h('li', {}, `${n.element} ${n.label} `, h('b', { text: `${fmt(n.distance)} Å` }))));
}

/** Rows for the atom's coordination polyhedron: type, volume and the VESTA metrics present. */
function polyRows(p: ScenePolyhedron | undefined, moving: boolean): [string, string][] {
  if (!p || moving) return [];
  const m = p.metrics ?? {};
  const num = (k: string, label: string, unit = '', d = 4): [string, string][] =>
    typeof m[k] === 'number' ? [[label, `${fmt(m[k] as number, d)}${unit}`]] : [];
  return [
    ['polyhedron', `${p.type}${typeof m.shape === 'string' ? ` (${m.shape})` : ''}`],
    ['volume', `${fmt(p.volume)} Å³`],
    ...num('distortionIndex', 'distortion index', '', 5),
    ...num('quadraticElongation', '⟨λ⟩', '', 4),
    ...num('bondAngleVariance', 'σ²', ' deg²', 2),
    ...num('effectiveCoordination', 'ECoN', '', 3),
    ...num('bondValenceSum', 'BVS', ' v.u.', 3),
  ];
}

const v3 = (v: readonly number[], d = 4) => `(${v.map((x) => fmt(x, d)).join(', ')})`;

/** The panel content for a selection; a plain-data summary is returned for the test hook. */
export function renderInfo(viewer: Viewer, sel: Selection, box: HTMLElement): Record<string, unknown> {
  const doc: SceneDocument = viewer.doc;
  box.replaceChildren();
  box.hidden = false;
  const close = h('button', { class: 'close', title: 'close', text: '×' });
  close.addEventListener('click', () => viewer.select(null));
  if (sel.kind === 'atom') {
    const a = doc.atoms[sel.index];
    const i = sel.index;
    const cart: V3 = [viewer.pos[i * 3], viewer.pos[i * 3 + 1], viewer.pos[i * 3 + 2]];
    const bonded = bondedNeighbours(viewer, i);
    const nbrs = bonded.length ? bonded : nearestAtoms(viewer, cart, 6);
    const poly = doc.polyhedra.find((p) => p.center === i);
    const site = doc.sites.find((s) => Math.hypot(s.cart[0] - a.cart[0], s.cart[1] - a.cart[1], s.cart[2] - a.cart[2]) < 0.3);
    const species = a.species.map((s) => `${s.element} ${fmt(s.occupancy, 3)}`).join(', ');
    // In an NEB the moving ion leaves its site: Wyckoff and CN of the first image are labelled so.
    const moving = viewer.neb?.migrating.has(i) ?? false;
    const frac = mulVecMat(cart, invert3(viewer.lattice));
    box.append(
      close,
      h('h3', {}, h('span', { class: 'dot', style: `background:${a.color}` }), ` ${a.element} · ${a.label}`),
      table([
        ['atom', `#${i}${sel.shift.some((x) => x !== 0) ? ` in cell [${sel.shift.join(' ')}]` : ''}`],
        ['species', species],
        [moving ? 'Wyckoff (image 0)' : 'Wyckoff', a.wyckoff ?? '–'],
        ['CN', a.cn !== undefined && !moving ? String(a.cn) : bonded.length ? `${bonded.length} (bonds)` : '–'],
        ['frac', v3(frac)],
        ['cart (Å)', v3(cart, 3)],
        ...(site ? ([['Li site', `${site.label} (${site.kind}, ${site.id})`]] as [string, string][]) : []),
        ...polyRows(poly, moving),
      ]),
      h('div', { class: 'sub', text: bonded.length ? 'bonded neighbours' : 'nearest atoms' }),
      neighbourList(nbrs),
    );
    return { kind: 'atom', index: i, element: a.element, label: a.label, wyckoff: a.wyckoff ?? null, cn: moving ? bonded.length : (a.cn ?? null), frac, neighbours: nbrs.map((n) => ({ element: n.element, distance: n.distance })), polyhedron: poly ? { type: poly.type, volume: poly.volume, ...poly.metrics } : null };
  }
  if (sel.kind === 'site') {
    const s = doc.sites[sel.index];
    const nbrs = nearestAtoms(viewer, s.cart, 6);
    box.append(
      close,
      h('h3', {}, h('span', { class: `dot site-${s.kind}` }), ` site ${s.label}`),
      table([
        ['id', s.id],
        ['kind', s.kind],
        ['Wyckoff', s.label],
        ['frac', v3(s.frac)],
        ['cart (Å)', v3(shiftToCart(viewer.lattice, ...sel.shift).map((t, c) => t + s.cart[c]), 3)],
        ...(s.siteEnergy !== undefined ? ([['site energy', `${fmt(s.siteEnergy)} eV`]] as [string, string][]) : []),
        ...(s.cn !== undefined ? ([['CN', String(s.cn)]] as [string, string][]) : []),
      ]),
      h('div', { class: 'sub', text: 'nearest atoms' }),
      neighbourList(nbrs),
    );
    return { kind: 'site', index: sel.index, id: s.id, label: s.label, siteKind: s.kind, neighbours: nbrs.map((n) => ({ element: n.element, distance: n.distance })) };
  }
  const hop = doc.hops[sel.index];
  box.append(
    close,
    h('h3', { text: `hop ${hop.id}` }),
    table([
      ['from → to', `${hop.from} → ${hop.to}`],
      ['length', `${fmt(hop.length)} Å`],
      ...(hop.barrierEstimate !== undefined ? ([['barrier estimate', `${fmt(hop.barrierEstimate)} eV`]] as [string, string][]) : []),
      ...(hop.nebBarrier !== undefined ? ([['NEB barrier', `${fmt(hop.nebBarrier)} eV`]] as [string, string][]) : []),
      ...(hop.bottleneckRadius !== undefined ? ([['bottleneck radius', `${fmt(hop.bottleneckRadius)} Å`]] as [string, string][]) : []),
      ...(hop.group !== undefined ? ([['unique hop', hop.group]] as [string, string][]) : []),
    ]),
  );
  return { kind: 'hop', index: sel.index, id: hop.id, length: hop.length };
}
