/**
 * ionpath viewer entry: read the scene document (embedded in the page as
 * <script type="application/json" id="ionpath-scene">, else fetched from ./scene.json),
 * build the 3D view and the panels, and expose the test hook window.__ionpath.
 */
import type { SceneDocument } from '../../src/scene/scene-document.js';
import { Viewer, type Selection, type Preset } from './scene/viewer.js';
import { buildPanel } from './ui/panel.js';
import { renderInfo } from './ui/info.js';
import { renderLegend, drawLegend } from './ui/legend.js';
import { buildEnergyPlot } from './ui/energy-plot.js';

/** The test hook. Counts are per scene (unit cell) unless named `drawn…`. */
export interface IonpathHook {
  ready: boolean;
  error: string | null;
  atomCount: number;
  siteCount: number;
  hopCount: number;
  bondCount: number;
  polyhedronCount: number;
  nebCount: number;
  /** ms since navigation start: scene parsed, view built, first frame drawn. */
  timings: { parsed: number; built: number; firstFrame: number };
  drawnAtoms(): number;
  drawnBonds(): number;
  drawCalls(): number;
  /** Names of the visible drawable objects (for checking what a frame draws). */
  drawables(): string[];
  frameTime(): number;
  measureFrames(n: number, interactive?: boolean): ReturnType<Viewer['measureFrames']>;
  /** GPU-synced time (ms) of the last full-quality frame. */
  fullFrameMs(): number;
  select(index: number): Record<string, unknown> | null;
  selected(): (Record<string, unknown> & { kind: string; index: number }) | null;
  project(index: number): { x: number; y: number; visible: boolean } | null;
  pickAt(x: number, y: number): Selection | null;
  nebStep(i: number): number;
  nebIndex(): number;
  nebPlay(): void;
  nebPause(): void;
  nebPlaying(): boolean;
  movingAtomPosition(): [number, number, number] | null;
  setRepeats(a: number, b: number, c: number): number;
  viewAlong(p: Preset): void;
  setProjection(p: 'perspective' | 'orthographic'): void;
  setPolyhedron(type: string, visible: boolean): void;
  setPercolation(threshold: number | null): void;
  exportPng(w: number, h: number, transparent?: boolean): string;
}

declare global {
  interface Window {
    __ionpath: IonpathHook;
  }
}

async function loadScene(): Promise<SceneDocument> {
  const embedded = document.getElementById('ionpath-scene');
  if (embedded?.textContent?.trim()) return JSON.parse(embedded.textContent) as SceneDocument;
  const res = await fetch('scene.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`could not load scene.json: HTTP ${res.status}`);
  return (await res.json()) as SceneDocument;
}

function must(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page is missing #${id}`);
  return el;
}

async function start(): Promise<void> {
  const hook = { ready: false, error: null } as unknown as IonpathHook;
  window.__ionpath = hook;
  const doc = await loadScene();
  const parsed = performance.now();
  if (doc.version !== 1) throw new Error(`scene version ${String(doc.version)} is not supported by this viewer (expects 1)`);
  document.title = `${doc.title} — ionpath`;
  const viewer = new Viewer(must('view'), doc);
  const info = must('info');
  const legend = must('legend');
  let lastInfo: Record<string, unknown> | null = null;
  viewer.on('select', (sel) => {
    if (!sel) {
      info.hidden = true;
      lastInfo = null;
      return;
    }
    lastInfo = renderInfo(viewer, sel, info);
  });
  const refreshLegend = () => renderLegend(viewer, legend);
  buildPanel(viewer, must('panel'), refreshLegend);
  refreshLegend();
  if (doc.neb && viewer.neb) {
    const plot = buildEnergyPlot(viewer, doc.neb, must('neb'));
    viewer.on('neb', (t) => {
      plot.update(t);
      if (viewer.selection) lastInfo = renderInfo(viewer, viewer.selection, info);
    });
  }

  const built = performance.now();
  Object.assign(hook, {
    timings: { parsed, built, firstFrame: 0 },
    atomCount: doc.atoms.length * viewer.opts.repeats[0] * viewer.opts.repeats[1] * viewer.opts.repeats[2],
    siteCount: doc.sites.length,
    hopCount: doc.hops.length,
    bondCount: doc.bonds.length,
    polyhedronCount: doc.polyhedra.length,
    nebCount: doc.neb?.images.length ?? 0,
    drawnAtoms: () => viewer.atoms.drawnCount,
    drawnBonds: () => viewer.bonds.count,
    drawCalls: () => viewer.drawCalls(),
    drawables: () => {
      const out: string[] = [];
      viewer.scene.traverseVisible((o) => {
        if ((o as { isMesh?: boolean }).isMesh || (o as { isLine?: boolean }).isLine || (o as { isSprite?: boolean }).isSprite || (o as { isPoints?: boolean }).isPoints) {
          out.push(o.name || o.type);
        }
      });
      return out;
    },
    frameTime: () => viewer.frameTime(),
    measureFrames: (n: number, interactive = false) => viewer.measureFrames(n, interactive),
    fullFrameMs: () => viewer.fullFrameMs,
    select: (index: number) => (viewer.selectAtom(index) ? lastInfo : null),
    selected: () => (viewer.selection && lastInfo ? (lastInfo as Record<string, unknown> & { kind: string; index: number }) : null),
    project: (index: number) => {
      const inst = viewer.atoms.inst;
      for (let k = 0; k < inst.count; k++) {
        if (inst.index[k] === index && inst.shift[k * 3] === 0 && inst.shift[k * 3 + 1] === 0 && inst.shift[k * 3 + 2] === 0) return viewer.projectCopy(k);
      }
      return null;
    },
    pickAt: (x: number, y: number) => viewer.pickAt(x, y),
    nebStep: (i: number) => {
      viewer.pause();
      viewer.setNeb(i);
      viewer.render();
      return Math.round(viewer.nebT);
    },
    nebIndex: () => Math.round(viewer.nebT),
    nebPlay: () => viewer.play(),
    nebPause: () => viewer.pause(),
    nebPlaying: () => viewer.playing,
    movingAtomPosition: () => {
      const m = doc.neb?.movingAtom;
      if (m === undefined) return null;
      return [viewer.pos[m * 3], viewer.pos[m * 3 + 1], viewer.pos[m * 3 + 2]];
    },
    setRepeats: (a: number, b: number, c: number) => {
      viewer.set('repeats', [a, b, c]);
      viewer.viewAlong('oblique', true);
      hook.atomCount = doc.atoms.length * a * b * c;
      return hook.atomCount; // drawn on the next frame (or by drawCalls())
    },
    viewAlong: (p: Preset) => {
      viewer.viewAlong(p, true);
      viewer.render();
    },
    setProjection: (p: 'perspective' | 'orthographic') => {
      viewer.setProjection(p);
      viewer.render();
    },
    setPolyhedron: (type: string, v: boolean) => {
      viewer.setPolyhedron(type, v);
      viewer.render();
    },
    setPercolation: (t: number | null) => {
      viewer.set('percolationThreshold', t);
      viewer.render();
    },
    exportPng: (w: number, h: number, transparent = false) => viewer.exportPng(w, h, transparent, (ctx, W, H) => drawLegend(viewer, ctx, W, H, transparent)),
  } satisfies Omit<IonpathHook, 'ready' | 'error'>);
  viewer.render(); // full frame, GPU-synced
  hook.timings.firstFrame = performance.now();
  hook.ready = true;
  document.body.dataset.ready = '1';
}

start().catch((e: unknown) => {
  const msg = e instanceof Error ? e.message : String(e);
  if (window.__ionpath) window.__ionpath.error = msg;
  const box = document.getElementById('view');
  if (box) box.innerHTML = `<div class="fatal">ionpath viewer: ${msg.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}</div>`;
  console.error('ionpath viewer:', e);
});
