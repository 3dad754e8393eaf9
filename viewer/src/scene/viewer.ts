/**
 * The 3D view: renderer, cameras (perspective/orthographic), controls, the layers (atoms,
 * bonds, polyhedra, sites, hops, cell, NEB trail), picking, selection, NEB stepping, PNG
 * export and frame timing. UI-free: the panels in ../ui drive it through its methods.
 */
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { SceneDocument, SceneHop } from '../../../src/scene/scene-document.js';
import { AtomLayer, type RadiusMode } from './atoms.js';
import { LIGHT_DIR_VIEW } from './impostor.js';
import { BondLayer } from './bonds.js';
import { PolyhedraLayer } from './polyhedra.js';
import { SitesLayer, SITE_RADIUS } from './sites.js';
import { HopsLayer, HOP_RADIUS, defaultColorBy, valueRange, hopValue, type HopColorBy } from './hops.js';
import { CellLayer, AxesGizmo } from './cell.js';
import { NebState } from './neb.js';
import { bondPartners, blockCenter, blockRadius, layoutInstances, type BondPartner, type M3, type V3 } from './layout.js';
import { pickSegments, pickSpheres, type Ray } from './picking.js';

export interface ViewOptions {
  repeats: V3;
  boundary: boolean;
  radiusMode: RadiusMode;
  radiusScale: number;
  bonds: boolean;
  sites: boolean;
  labels: boolean;
  hops: boolean;
  cell: boolean;
  dark: boolean;
  hopColorBy: HopColorBy;
  /** Highlight the hop network at or below this value (eV or Å); null = off. */
  percolationThreshold: number | null;
}

export type Selection =
  | { kind: 'atom'; index: number; copy: number; shift: V3 }
  | { kind: 'site'; index: number; copy: number; shift: V3 }
  | { kind: 'hop'; index: number; copy: number };

export type Preset = 'a' | 'b' | 'c' | '111' | 'oblique';

const ALKALI = new Set(['Li', 'Na', 'K', 'Rb', 'Cs']);
/** Full-frame times (ms) above which dragging draws at half resolution / atoms only. */
const LITE_MS = 60;
const LITER_MS = 250;
const FOV = 35;

export class Viewer {
  readonly renderer: THREE.WebGLRenderer;
  readonly scene = new THREE.Scene();
  readonly lattice: M3;
  private readonly root = new THREE.Group();
  private readonly persp: THREE.PerspectiveCamera;
  private readonly ortho: THREE.OrthographicCamera;
  camera: THREE.PerspectiveCamera | THREE.OrthographicCamera;
  private controls!: OrbitControls;
  private readonly gizmo: AxesGizmo;
  private readonly cell: CellLayer;
  atoms!: AtomLayer;
  bonds!: BondLayer;
  polyhedra!: PolyhedraLayer;
  sitesLayer: SitesLayer | null = null;
  hopsLayer: HopsLayer | null = null;
  private trail: THREE.Group | null = null;
  private readonly highlight: THREE.Mesh;
  readonly neb: NebState | null;
  /** Current per-atom positions (Å). */
  readonly pos: Float64Array;
  private basePartners: BondPartner[][];
  readonly opts: ViewOptions;
  readonly polyVisible = new Map<string, boolean>();
  selection: Selection | null = null;
  nebT = 0;
  playing = false;
  private dirty = true;
  private lastTick = 0;
  private readonly renderTimes: number[] = [];
  private readonly listeners = { select: [] as ((s: Selection | null) => void)[], neb: [] as ((t: number) => void)[], change: [] as (() => void)[] };
  private readonly down = { x: 0, y: 0, t: 0 };
  private interacting = false;
  /** Time (ms, GPU-synced) of the last full-quality frame. */
  fullFrameMs = 0;
  private basePixelRatio = 1;

  constructor(
    readonly container: HTMLElement,
    readonly doc: SceneDocument,
  ) {
    this.lattice = doc.lattice as M3;
    const v = doc.view ?? {};
    this.opts = {
      repeats: (v.repeats ?? [1, 1, 1]).map((x) => Math.max(1, Math.floor(x))) as V3,
      boundary: !doc.neb,
      radiusMode: v.radius ?? 'covalent',
      radiusScale: v.radiusScale ?? (v.radius === 'uniform' ? 0.5 : v.radius === 'ionic' ? 0.6 : 0.5),
      bonds: true,
      sites: true,
      labels: true,
      hops: true,
      cell: true,
      dark: false,
      hopColorBy: defaultColorBy(doc.hops),
      percolationThreshold: null,
    };
    this.neb = doc.neb && doc.neb.images.length > 0 ? new NebState(doc) : null;
    this.pos = new Float64Array(doc.atoms.length * 3);
    if (this.neb) this.neb.positionsAt(0, this.pos);
    else doc.atoms.forEach((a, i) => this.pos.set(a.cart, i * 3));
    this.basePartners = this.neb ? this.neb.partnersAt(0) : bondPartners(doc.atoms.length, doc.bonds);
    for (const p of doc.polyhedra) {
      if (!this.polyVisible.has(p.type)) {
        const centre = doc.atoms[p.center]?.element ?? '';
        this.polyVisible.set(p.type, !this.neb && !ALKALI.has(centre));
      }
    }

    this.renderer = new THREE.WebGLRenderer({ antialias: (window as unknown as { __aa?: boolean }).__aa ?? true, alpha: true });
    this.basePixelRatio = Math.min(window.devicePixelRatio || 1, 2);
    this.renderer.setPixelRatio(this.basePixelRatio);
    this.renderer.info.autoReset = false;
    this.renderer.autoClear = false;
    container.appendChild(this.renderer.domElement);
    this.renderer.domElement.setAttribute('data-testid', 'viewer-canvas');

    this.persp = new THREE.PerspectiveCamera(FOV, 1, 0.1, 5000);
    this.ortho = new THREE.OrthographicCamera(-1, 1, 1, -1, -5000, 5000);
    for (const cam of [this.persp, this.ortho]) {
      // Headlight: fixed in view space along LIGHT_DIR_VIEW (the impostor shader uses the same).
      const key = new THREE.DirectionalLight(0xffffff, 2.2);
      key.position.copy(LIGHT_DIR_VIEW);
      key.target.position.set(0, 0, 0);
      cam.add(key, key.target);
      this.scene.add(cam);
    }
    this.scene.add(new THREE.AmbientLight(0xffffff, 1.1));
    this.camera = this.persp;
    this.scene.add(this.root);

    this.cell = new CellLayer(this.lattice);
    this.gizmo = new AxesGizmo(this.lattice);
    this.highlight = new THREE.Mesh(
      new THREE.SphereGeometry(1, 24, 16),
      new THREE.MeshBasicMaterial({ color: 0xffc400, transparent: true, opacity: 0.45, depthWrite: false }),
    );
    this.highlight.renderOrder = 20;
    this.highlight.visible = false;
    this.scene.add(this.highlight);

    this.makeControls();
    this.setDark(false);
    this.rebuild();
    this.viewAlong('oblique', true);
    this.resize();

    new ResizeObserver(() => this.resize()).observe(container);
    const el = this.renderer.domElement;
    el.addEventListener('pointerdown', (e) => {
      this.down.x = e.clientX;
      this.down.y = e.clientY;
      this.down.t = performance.now();
    });
    el.addEventListener('pointerup', (e) => {
      if (Math.hypot(e.clientX - this.down.x, e.clientY - this.down.y) > 4) return; // a drag, not a click
      this.select(this.pickAt(e.clientX, e.clientY));
    });
    const loop = (now: number) => {
      if (this.playing && this.neb) {
        const dt = this.lastTick ? (now - this.lastTick) / 1000 : 0;
        let t = this.nebT + dt * 2.5; // images per second
        if (t > this.neb.count - 1) t = 0;
        this.setNeb(t);
      }
      this.lastTick = now;
      if (this.dirty) this.render();
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }

  on<K extends keyof Viewer['listeners']>(kind: K, fn: Viewer['listeners'][K][number]): void {
    (this.listeners[kind] as unknown[]).push(fn);
  }

  private emit(kind: 'change'): void;
  private emit(kind: 'select', s: Selection | null): void;
  private emit(kind: 'neb', t: number): void;
  private emit(kind: string, arg?: unknown): void {
    for (const fn of (this.listeners as Record<string, ((x?: unknown) => void)[]>)[kind]) fn(arg);
  }

  requestRender(): void {
    this.dirty = true;
  }

  private makeControls(): void {
    const target = this.controls ? this.controls.target.clone() : new THREE.Vector3();
    this.controls?.dispose();
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.target.copy(target);
    this.controls.enableDamping = false;
    this.controls.zoomSpeed = 1.2;
    this.controls.addEventListener('change', () => this.requestRender());
    this.controls.addEventListener('start', () => this.setInteracting(true));
    this.controls.addEventListener('end', () => this.setInteracting(false));
    this.controls.update();
  }

  /**
   * While the user drags, a scene whose last full frame was slow (software WebGL, huge
   * cells) is drawn lighter: half resolution above LITE_MS, and without bonds and polyhedra
   * above LITER_MS. The full picture is drawn again when the drag ends.
   */
  private setInteracting(on: boolean): void {
    if (on === this.interacting) return;
    this.interacting = on;
    const slow = this.fullFrameMs > LITE_MS;
    if (slow) this.renderer.setPixelRatio(on ? this.basePixelRatio * 0.5 : this.basePixelRatio);
    this.requestRender();
  }

  /** Rebuild the layers (after repeats, boundary or structure-level changes). */
  rebuild(): void {
    for (const c of [...this.root.children]) this.root.remove(c);
    this.atoms?.dispose();
    this.bonds?.dispose();
    this.polyhedra?.dispose();
    this.sitesLayer?.dispose();
    this.hopsLayer?.dispose();
    const { repeats, boundary } = this.opts;
    const doc = this.doc;
    const atomInst = layoutInstances(
      doc.atoms.map((a) => a.frac),
      repeats,
      boundary,
    );
    this.atoms = new AtomLayer(doc.atoms, atomInst, this.lattice);
    this.atoms.setRadii(this.opts.radiusMode, this.opts.radiusScale);
    this.bonds = new BondLayer(doc.atoms, atomInst, this.lattice);
    this.polyhedra = new PolyhedraLayer(doc.polyhedra, doc.atoms, atomInst, this.lattice);
    for (const t of this.polyhedra.types) this.polyhedra.setVisible(t, this.polyVisible.get(t) ?? true);
    this.root.add(this.cell.group, this.atoms.group, this.bonds.group, this.polyhedra.group);
    this.cell.setRepeats(repeats);
    if (doc.sites.length) {
      this.sitesLayer = new SitesLayer(doc.sites, layoutInstances(doc.sites.map((s) => s.frac), repeats, boundary), this.lattice);
      this.root.add(this.sitesLayer.group);
    } else this.sitesLayer = null;
    if (doc.hops.length) {
      const inv = invert3(this.lattice);
      const startFrac = doc.hops.map((h) => mulVecMat(h.start, inv));
      this.hopsLayer = new HopsLayer(doc.hops, layoutInstances(startFrac, repeats, false), this.lattice);
      this.root.add(this.hopsLayer.group);
      this.updateHops();
    } else this.hopsLayer = null;
    if (this.neb) {
      this.trail = this.neb.trail();
      this.root.add(this.trail);
    }
    this.updatePositions();
    this.applyVisibility();
    if (this.selection && this.selection.kind !== 'hop') this.selection = null;
    this.updateHighlight();
    this.requestRender();
    this.emit('change');
  }

  private updatePositions(): void {
    this.atoms.update(this.pos);
    const partners = this.neb ? this.neb.partnersAt(this.nebT) : this.basePartners;
    this.bonds.update(this.pos, partners);
    this.updateHighlight();
  }

  updateHops(): void {
    if (!this.hopsLayer) return;
    const by = this.opts.hopColorBy;
    const range = valueRange(this.doc.hops, by);
    this.hopsLayer.update(by, range, this.percolationFilter());
    this.requestRender();
  }

  /** Which hops the percolation highlight keeps (null = no highlight). */
  percolationFilter(): ((h: SceneHop) => boolean) | null {
    const t = this.opts.percolationThreshold;
    if (t === null) return null;
    const entry = this.percolationEntry(t);
    if (entry && entry.hopIds.length) {
      const ids = new Set(entry.hopIds);
      return (h) => ids.has(h.id) || (h.group !== undefined && ids.has(h.group));
    }
    const by = this.opts.hopColorBy;
    return (h) => {
      const v = hopValue(h, by);
      return v !== undefined && v <= t + 1e-12;
    };
  }

  /** The scene's percolation entry in force at threshold t (largest threshold ≤ t). */
  percolationEntry(t: number): { threshold: number; dimensionality: number; hopIds: string[] } | null {
    let best: { threshold: number; dimensionality: number; hopIds: string[] } | null = null;
    for (const p of this.doc.percolation ?? []) if (p.threshold <= t + 1e-12 && (!best || p.threshold > best.threshold)) best = p;
    return best;
  }

  private applyVisibility(): void {
    const o = this.opts;
    this.bonds.group.visible = o.bonds;
    this.cell.group.visible = o.cell;
    if (this.sitesLayer) {
      this.sitesLayer.markers.visible = o.sites;
      this.sitesLayer.labels.visible = o.sites && o.labels;
    }
    if (this.hopsLayer) this.hopsLayer.group.visible = o.hops;
    this.requestRender();
  }

  set<K extends keyof ViewOptions>(key: K, value: ViewOptions[K]): void {
    this.opts[key] = value;
    if (key === 'repeats' || key === 'boundary') this.rebuild();
    else if (key === 'radiusMode' || key === 'radiusScale') {
      this.atoms.setRadii(this.opts.radiusMode, this.opts.radiusScale);
      this.updatePositions();
    } else if (key === 'hopColorBy' || key === 'percolationThreshold') this.updateHops();
    else if (key === 'dark') this.setDark(value as boolean);
    else this.applyVisibility();
    this.requestRender();
    this.emit('change');
  }

  setPolyhedron(type: string, visible: boolean): void {
    this.polyVisible.set(type, visible);
    this.polyhedra.setVisible(type, visible);
    this.requestRender();
  }

  private setDark(dark: boolean): void {
    this.opts.dark = dark;
    this.scene.background = new THREE.Color(dark ? 0x16181d : 0xffffff);
    this.cell.setDark(dark);
    document.body.classList.toggle('dark', dark);
  }

  // ---- camera -------------------------------------------------------------------------

  /** Look along a lattice direction ([100] = a, …, [111]); `fit` also frames the block. */
  viewAlong(preset: Preset, fit = true): void {
    const L = this.lattice;
    const v = (i: number) => new THREE.Vector3(...L[i]);
    const unit = (i: number) => v(i).normalize();
    const dir =
      preset === 'a' ? unit(0) : preset === 'b' ? unit(1) : preset === 'c' ? unit(2)
      : preset === '111' ? v(0).add(v(1)).add(v(2))
      : unit(0).multiplyScalar(1).add(unit(1).multiplyScalar(0.42)).add(unit(2).multiplyScalar(0.3)); // a tilted look (VESTA-like)
    dir.normalize();
    // Up: c, except b for the view along c; made perpendicular to dir.
    let up = preset === 'c' ? v(1) : v(2);
    up = up.sub(dir.clone().multiplyScalar(up.dot(dir)));
    if (up.lengthSq() < 1e-8) up = new THREE.Vector3(0, 1, 0);
    up.normalize();
    const center = new THREE.Vector3(...blockCenter(L, this.opts.repeats));
    const R = blockRadius(L, this.opts.repeats) + 1.5;
    const dist = fit ? R / Math.sin(((FOV / 2) * Math.PI) / 180) : this.camera.position.distanceTo(this.controls.target);
    for (const cam of [this.persp, this.ortho]) {
      cam.up.copy(up);
      cam.position.copy(center).addScaledVector(dir, dist);
      cam.lookAt(center);
    }
    if (fit) this.orthoHalf = R * 1.02;
    this.ortho.zoom = 1;
    this.controls.target.copy(center);
    this.makeControls();
    this.resize();
    this.requestRender();
  }

  private orthoHalf = 10;

  setProjection(kind: 'perspective' | 'orthographic'): void {
    const target = this.controls.target.clone();
    const tanHalf = Math.tan(((FOV / 2) * Math.PI) / 180);
    if (kind === 'orthographic' && this.camera !== this.ortho) {
      const d = this.persp.position.distanceTo(target);
      this.ortho.position.copy(this.persp.position);
      this.ortho.quaternion.copy(this.persp.quaternion);
      this.ortho.up.copy(this.persp.up);
      this.ortho.zoom = this.orthoHalf / (d * tanHalf);
      this.camera = this.ortho;
    } else if (kind === 'perspective' && this.camera !== this.persp) {
      const d = this.orthoHalf / (this.ortho.zoom * tanHalf);
      const dir = new THREE.Vector3().subVectors(this.ortho.position, target).normalize();
      this.persp.position.copy(target).addScaledVector(dir, d);
      this.persp.quaternion.copy(this.ortho.quaternion);
      this.persp.up.copy(this.ortho.up);
      this.camera = this.persp;
    }
    this.makeControls();
    this.resize();
    this.emit('change');
  }

  get projection(): 'perspective' | 'orthographic' {
    return this.camera === this.ortho ? 'orthographic' : 'perspective';
  }

  resize(): void {
    const w = Math.max(1, this.container.clientWidth);
    const h = Math.max(1, this.container.clientHeight);
    this.renderer.setSize(w, h);
    this.setAspect(w / h);
    this.requestRender();
  }

  private setAspect(aspect: number): void {
    this.persp.aspect = aspect;
    this.persp.updateProjectionMatrix();
    this.ortho.left = -this.orthoHalf * aspect;
    this.ortho.right = this.orthoHalf * aspect;
    this.ortho.top = this.orthoHalf;
    this.ortho.bottom = -this.orthoHalf;
    this.ortho.updateProjectionMatrix();
  }

  // ---- rendering -----------------------------------------------------------------------

  /** Draw the scene (and the axes gizmo in the lower-left corner) to the canvas. */
  render(): void {
    const t0 = performance.now();
    const r = this.renderer;
    r.info.reset();
    r.setRenderTarget(null);
    const size = r.getSize(new THREE.Vector2());
    r.setScissorTest(false);
    r.setViewport(0, 0, size.x, size.y);
    r.clear();
    const lite = this.interacting && this.fullFrameMs > LITER_MS;
    const hidden = lite ? [this.bonds.group, this.polyhedra.group].filter((g) => g.visible) : [];
    for (const g of hidden) g.visible = false;
    r.render(this.scene, this.camera);
    for (const g of hidden) g.visible = true;
    this.renderGizmo(size.x, size.y, null);
    if (!this.interacting) {
      // Wait for the GPU once per full frame to know what a full frame costs.
      const gl = r.getContext();
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, this.px);
      this.fullFrameMs = performance.now() - t0;
    }
    this.dirty = false;
    this.renderTimes.push(performance.now() - t0);
    if (this.renderTimes.length > 30) this.renderTimes.shift();
  }

  private readonly px = new Uint8Array(4);

  private renderGizmo(w: number, h: number, target: THREE.WebGLRenderTarget | null): void {
    const r = this.renderer;
    const s = Math.round(Math.min(w, h) * 0.16) || 1;
    this.gizmo.sync(this.camera, this.controls.target);
    r.clearDepth();
    if (target) {
      target.viewport.set(8, 8, s, s);
      target.scissor.set(8, 8, s, s);
      target.scissorTest = true;
      r.setRenderTarget(target);
    } else {
      r.setViewport(8, 8, s, s);
      r.setScissor(8, 8, s, s);
      r.setScissorTest(true);
    }
    r.render(this.gizmo.scene, this.gizmo.camera);
    if (target) {
      target.viewport.set(0, 0, target.width, target.height);
      target.scissorTest = false;
    } else {
      r.setScissorTest(false);
      r.setViewport(0, 0, w, h);
    }
  }

  /** Mean CPU time (ms) of the last ≤ 30 renders. */
  frameTime(): number {
    if (!this.renderTimes.length) return NaN;
    return this.renderTimes.reduce((a, b) => a + b, 0) / this.renderTimes.length;
  }

  /** Draw calls of one full frame (scene + gizmo). */
  drawCalls(): number {
    this.render();
    return this.renderer.info.render.calls;
  }

  /**
   * Render n frames while orbiting the camera, each finished with a 1-pixel readback so the
   * GPU work is counted; ms per frame (mean, median, max), draw calls and triangles.
   * `interactive`: as drawn while the user drags (lighter for slow scenes).
   */
  measureFrames(n: number, interactive = false): { meanMs: number; medianMs: number; maxMs: number; drawCalls: number; triangles: number } {
    if (interactive) this.setInteracting(true);
    try {
      return this.timeFrames(n);
    } finally {
      if (interactive) this.setInteracting(false);
    }
  }

  private timeFrames(n: number): { meanMs: number; medianMs: number; maxMs: number; drawCalls: number; triangles: number } {
    const gl = this.renderer.getContext();
    const px = new Uint8Array(4);
    const times: number[] = [];
    const target = this.controls.target;
    const axis = this.camera.up.clone().normalize();
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      this.camera.position.sub(target).applyAxisAngle(axis, (2 * Math.PI) / n).add(target);
      this.camera.lookAt(target);
      this.render();
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
      times.push(performance.now() - t0);
    }
    const sorted = [...times].sort((a, b) => a - b);
    return {
      meanMs: times.reduce((a, b) => a + b, 0) / n,
      medianMs: sorted[Math.floor(n / 2)],
      maxMs: sorted[n - 1],
      drawCalls: this.renderer.info.render.calls,
      triangles: this.renderer.info.render.triangles,
    };
  }

  /**
   * Render to an offscreen target of w×h pixels and return a PNG data URL. `overlay` can
   * draw on the final image (legend). The gizmo is included.
   */
  exportPng(w: number, h: number, transparent: boolean, overlay?: (ctx: CanvasRenderingContext2D, w: number, h: number) => void): string {
    const r = this.renderer;
    const max = r.capabilities.maxTextureSize;
    if (!(w >= 16 && h >= 16 && w <= max && h <= max)) throw new Error(`export size must be 16–${max} pixels per side, got ${w}×${h}`);
    const rt = new THREE.WebGLRenderTarget(w, h, { samples: 4, colorSpace: THREE.SRGBColorSpace, type: THREE.UnsignedByteType });
    const bg = this.scene.background;
    if (transparent) this.scene.background = null;
    const oldClear = r.getClearAlpha();
    r.setClearAlpha(transparent ? 0 : 1);
    this.setAspect(w / h);
    r.setRenderTarget(rt);
    r.clear();
    r.render(this.scene, this.camera);
    this.renderGizmo(w, h, rt);
    const buf = new Uint8Array(w * h * 4);
    r.readRenderTargetPixels(rt, 0, 0, w, h, buf);
    r.setRenderTarget(null);
    rt.dispose();
    this.scene.background = bg;
    r.setClearAlpha(oldClear);
    this.resize();
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d')!;
    const img = ctx.createImageData(w, h);
    const row = w * 4;
    for (let y = 0; y < h; y++) img.data.set(buf.subarray((h - 1 - y) * row, (h - y) * row), y * row); // flip: GL rows start at the bottom
    ctx.putImageData(img, 0, 0);
    overlay?.(ctx, w, h);
    this.render();
    return canvas.toDataURL('image/png');
  }

  // ---- picking & selection ---------------------------------------------------------------

  /** World ray through a client (CSS pixel) position. */
  rayAt(clientX: number, clientY: number): Ray {
    const rect = this.renderer.domElement.getBoundingClientRect();
    const ndc = new THREE.Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    const rc = new THREE.Raycaster();
    rc.setFromCamera(ndc, this.camera);
    const o = rc.ray.origin;
    const d = rc.ray.direction;
    return { origin: [o.x, o.y, o.z], dir: [d.x, d.y, d.z] };
  }

  /** What is under a client position: the nearest atom, site marker or hop tube. */
  pickAt(clientX: number, clientY: number): Selection | null {
    const ray = this.rayAt(clientX, clientY);
    const a = this.atoms;
    const atomHit = pickSpheres(ray, a.drawnPos, a.drawnCount, (k) => a.radii[a.inst.index[k]]);
    let best: { sel: Selection; t: number } | null = null;
    if (atomHit) {
      const k = atomHit.k;
      best = { sel: { kind: 'atom', index: a.inst.index[k], copy: k, shift: shiftOf(a.inst.shift, k) }, t: atomHit.t };
    }
    const s = this.sitesLayer;
    if (s && this.opts.sites) {
      const hit = pickSpheres(ray, s.drawnPos, s.inst.count, () => SITE_RADIUS * 1.2);
      // Nearest wins: an occupied site inside its atom is reported with the atom's info.
      if (hit && (!best || hit.t < best.t)) {
        best = { sel: { kind: 'site', index: s.inst.index[hit.k], copy: hit.k, shift: shiftOf(s.inst.shift, hit.k) }, t: hit.t };
      }
    }
    const h = this.hopsLayer;
    if (h && this.opts.hops) {
      const hit = pickSegments(ray, h.drawnEnds, h.drawnCount, HOP_RADIUS * 1.3);
      if (hit && (!best || hit.t < best.t)) best = { sel: { kind: 'hop', index: h.drawnHop[hit.k], copy: hit.k }, t: hit.t };
    }
    return best?.sel ?? null;
  }

  select(sel: Selection | null): void {
    this.selection = sel;
    this.updateHighlight();
    this.requestRender();
    this.emit('select', sel);
  }

  /** Select an atom by scene index (its copy in the first cell, else its first copy). */
  selectAtom(index: number): Selection | null {
    const inst = this.atoms.inst;
    let pick = -1;
    for (let k = 0; k < inst.count; k++) {
      if (inst.index[k] !== index) continue;
      if (pick < 0) pick = k;
      if (inst.shift[k * 3] === 0 && inst.shift[k * 3 + 1] === 0 && inst.shift[k * 3 + 2] === 0) {
        pick = k;
        break;
      }
    }
    const sel: Selection | null = pick < 0 ? null : { kind: 'atom', index, copy: pick, shift: shiftOf(inst.shift, pick) };
    this.select(sel);
    return sel;
  }

  private updateHighlight(): void {
    const s = this.selection;
    const h = this.highlight;
    h.visible = false;
    if (!s) return;
    if (s.kind === 'atom' && s.copy < this.atoms.drawnCount) {
      const r = this.atoms.radii[s.index] * 1.25 + 0.08;
      h.position.fromArray(this.atoms.drawnPos, s.copy * 3);
      h.scale.setScalar(r);
      h.visible = true;
    } else if (s.kind === 'site' && this.sitesLayer && s.copy < this.sitesLayer.inst.count) {
      h.position.fromArray(this.sitesLayer.drawnPos, s.copy * 3);
      h.scale.setScalar(SITE_RADIUS * 1.6);
      h.visible = true;
    } else if (s.kind === 'hop' && this.hopsLayer && s.copy < this.hopsLayer.drawnCount) {
      const e = this.hopsLayer.drawnEnds;
      h.position.set((e[s.copy * 6] + e[s.copy * 6 + 3]) / 2, (e[s.copy * 6 + 1] + e[s.copy * 6 + 4]) / 2, (e[s.copy * 6 + 2] + e[s.copy * 6 + 5]) / 2);
      h.scale.setScalar(HOP_RADIUS * 3);
      h.visible = true;
    }
  }

  /** Client (CSS pixel) position of a drawn atom copy, and whether it is in front of the camera. */
  projectCopy(copy: number): { x: number; y: number; visible: boolean } {
    this.camera.updateMatrixWorld();
    const p = new THREE.Vector3().fromArray(this.atoms.drawnPos, copy * 3).project(this.camera);
    const rect = this.renderer.domElement.getBoundingClientRect();
    return {
      x: rect.left + ((p.x + 1) / 2) * rect.width,
      y: rect.top + ((1 - p.y) / 2) * rect.height,
      visible: p.z > -1 && p.z < 1 && Math.abs(p.x) <= 1 && Math.abs(p.y) <= 1,
    };
  }

  // ---- NEB -------------------------------------------------------------------------------

  /** Show NEB image t (fractional t interpolates linearly between images). */
  setNeb(t: number): void {
    if (!this.neb) return;
    this.nebT = Math.min(Math.max(t, 0), this.neb.count - 1);
    this.neb.positionsAt(this.nebT, this.pos);
    this.updatePositions();
    this.requestRender();
    this.emit('neb', this.nebT);
  }

  play(): void {
    this.playing = true;
    this.lastTick = 0;
    this.emit('neb', this.nebT);
  }

  pause(): void {
    this.playing = false;
    this.emit('neb', this.nebT);
  }

  /** Bond partners in force now (for the info panel). */
  partners(): BondPartner[][] {
    return this.neb ? this.neb.partnersAt(this.nebT) : this.basePartners;
  }
}

function shiftOf(shift: Int16Array, k: number): V3 {
  return [shift[k * 3], shift[k * 3 + 1], shift[k * 3 + 2]];
}

export function invert3(m: M3): M3 {
  const [a, b, c] = m;
  const det = a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0]);
  return [
    [(b[1] * c[2] - b[2] * c[1]) / det, (a[2] * c[1] - a[1] * c[2]) / det, (a[1] * b[2] - a[2] * b[1]) / det],
    [(b[2] * c[0] - b[0] * c[2]) / det, (a[0] * c[2] - a[2] * c[0]) / det, (a[2] * b[0] - a[0] * b[2]) / det],
    [(b[0] * c[1] - b[1] * c[0]) / det, (a[1] * c[0] - a[0] * c[1]) / det, (a[0] * b[1] - a[1] * b[0]) / det],
  ];
}

/** Row vector times matrix: v · M (Cartesian → fractional with M = inverse lattice). */
export function mulVecMat(v: readonly number[], m: M3): V3 {
  return [
    v[0] * m[0][0] + v[1] * m[1][0] + v[2] * m[2][0],
    v[0] * m[0][1] + v[1] * m[1][1] + v[2] * m[2][1],
    v[0] * m[0][2] + v[1] * m[1][2] + v[2] * m[2][2],
  ];
}
