/**
 * Browser tests of the viewer: Playwright (playwright-core) driving Debian's Chromium
 * headless (software WebGL). Skipped with a message when /usr/bin/chromium is missing,
 * unless IONPATH_REQUIRE_BROWSER=1. The bundle is (re)built first when viewer/dist is
 * missing or older than the viewer sources. Screenshots go to test/e2e/out/ (curated copies in test/e2e/screenshots/).
 *
 * Scenes: the LiMn2O4 spinel built in code (sites, hops; hop barriers synthetic and
 * labelled so) and a synthetic NEB (UI test only: a Li moved over 5 images, made-up energies).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../helpers/fixtures.js';
import { spinelScene, syntheticNebScene, SPINEL_A } from './scenes.js';
import { loadViewerAssets, selfContainedPage } from '../../src/scene/html-page.js';
import { startServer, viewerFiles, type ViewerServer } from '../../src/server/static-server.js';
import type { SceneDocument } from '../../src/scene/scene-document.js';

const CHROMIUM = process.env.IONPATH_CHROMIUM ?? '/usr/bin/chromium';
const requireBrowser = process.env.IONPATH_REQUIRE_BROWSER === '1';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && !requireBrowser) console.warn(`[skip] viewer e2e: no Chromium at ${CHROMIUM} (set IONPATH_REQUIRE_BROWSER=1 to fail instead)`);
// Fresh screenshots go to test/e2e/out/ (git-ignored); a curated few are kept in test/e2e/screenshots/.
const SHOTS = join(projectRoot, 'test', 'e2e', 'out');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Newest modification time (ms) under a folder. */
function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    t = Math.max(t, st.isDirectory() ? newest(p) : st.mtimeMs);
  }
  return t;
}

/** Build viewer/dist when missing or older than viewer/src, index.html or the scene schema. */
export function ensureViewerBuilt(): void {
  const js = join(projectRoot, 'viewer', 'dist', 'viewer.js');
  const src = Math.max(
    newest(join(projectRoot, 'viewer', 'src')),
    statSync(join(projectRoot, 'viewer', 'index.html')).mtimeMs,
    statSync(join(projectRoot, 'src', 'scene', 'scene-document.ts')).mtimeMs,
  );
  if (existsSync(js) && statSync(js).mtimeMs >= src) return;
  const r = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'build-viewer.mjs')], { cwd: projectRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`viewer build failed: ${r.stderr}`);
}

interface Hook {
  ready: boolean;
  error: string | null;
  atomCount: number;
  siteCount: number;
  hopCount: number;
  bondCount: number;
  polyhedronCount: number;
  nebCount: number;
  drawnAtoms(): number;
  drawnBonds(): number;
  drawCalls(): number;
  drawables(): string[];
  frameTime(): number;
  measureFrames(n: number, interactive?: boolean): { meanMs: number; drawCalls: number; triangles: number };
  fullFrameMs(): number;
  select(i: number): Record<string, unknown> | null;
  selected(): ({ kind: string; index: number } & Record<string, unknown>) | null;
  project(i: number): { x: number; y: number; visible: boolean } | null;
  pickAt(x: number, y: number): { kind: string; index: number } | null;
  nebStep(i: number): number;
  nebIndex(): number;
  nebPlay(): void;
  nebPause(): void;
  nebPlaying(): boolean;
  movingAtomPosition(): [number, number, number] | null;
  setRepeats(a: number, b: number, c: number): number;
  viewAlong(p: string): void;
  setProjection(p: string): void;
  setPolyhedron(t: string, v: boolean): void;
  setPercolation(t: number | null): void;
  exportPng(w: number, h: number, transparent?: boolean): string;
}
declare global {
  interface Window {
    __ionpath: Hook;
  }
}

/** Pixel statistics of a PNG (data URL or base64) computed in the page: size and luminance variance. */
async function pngStats(page: Page, dataUrl: string): Promise<{ w: number; h: number; variance: number; distinct: number }> {
  return page.evaluate(async (url) => {
    const img = new Image();
    img.src = url;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let s = 0;
    let s2 = 0;
    const colours = new Set<number>();
    const n = d.length / 4;
    for (let i = 0; i < d.length; i += 4) {
      const y = 0.2126 * d[i] + 0.7152 * d[i + 1] + 0.0722 * d[i + 2];
      s += y;
      s2 += y * y;
      if (i % 64 === 0) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    }
    return { w: img.width, h: img.height, variance: s2 / n - (s / n) ** 2, distinct: colours.size };
  }, dataUrl);
}

async function canvasShot(page: Page, name: string): Promise<{ w: number; h: number; variance: number; distinct: number }> {
  const buf = await page.locator('#view canvas').screenshot({ path: join(SHOTS, name) });
  return pngStats(page, `data:image/png;base64,${buf.toString('base64')}`);
}

describe.skipIf(!haveBrowser && !requireBrowser)('viewer in Chromium', () => {
  let browser: Browser;
  let dir: string;
  let spinel: SceneDocument;
  let neb: SceneDocument;
  let server: ViewerServer | null = null;
  const pages: { page: Page; errors: string[] }[] = [];

  beforeAll(async () => {
    if (!haveBrowser) throw new Error(`IONPATH_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM}`);
    ensureViewerBuilt();
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'ionpath-e2e-'));
    spinel = spinelScene();
    neb = syntheticNebScene();
    const assets = loadViewerAssets();
    writeFileSync(join(dir, 'spinel.html'), selfContainedPage(spinel, assets));
    writeFileSync(join(dir, 'neb.html'), selfContainedPage(neb, assets));
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await server?.close();
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Open a URL, wait for the hook, and collect console errors and page errors. */
  async function open(url: string, viewport = { width: 1200, height: 800 }): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('requestfailed', (r) => {
      if (!r.url().endsWith('/favicon.ico')) errors.push(`request failed: ${r.url()}`);
    });
    await page.goto(url);
    await page.waitForFunction(() => window.__ionpath?.ready === true || !!window.__ionpath?.error, null, { timeout: 30_000 });
    expect(await page.evaluate(() => window.__ionpath.error)).toBeNull();
    const p = { page, errors };
    pages.push(p);
    return p;
  }

  describe('spinel page (self-contained, from disk)', () => {
    let page: Page;
    let errors: string[];
    beforeAll(async () => {
      ({ page, errors } = await open(pathToFileURL(join(dir, 'spinel.html')).href));
    });

    it('loads with no console errors and reports the counts', async () => {
      const c = await page.evaluate(() => {
        const h = window.__ionpath;
        return { atoms: h.atomCount, sites: h.siteCount, hops: h.hopCount, bonds: h.bondCount, polys: h.polyhedronCount, drawn: h.drawnAtoms(), halfBonds: h.drawnBonds() };
      });
      // drawn: every atom once, plus a copy on the far face for each cell face it sits on
      const onFaces = spinel.atoms.reduce((n, a) => n + a.frac.reduce((m, f) => m * (Math.abs(f - Math.round(f)) < 1e-3 ? 2 : 1), 1), 0);
      expect(c).toEqual({ atoms: 56, sites: 24, hops: 32, bonds: 128, polys: 24, drawn: onFaces, halfBonds: c.halfBonds });
      expect(onFaces).toBeGreaterThan(56);
      expect(c.halfBonds).toBeGreaterThanOrEqual(2 * 128); // both halves of each bond, more for the face copies
      expect(errors).toEqual([]);
      expect(await page.getByTestId('notes').textContent()).toContain('synthetic');
      expect(await page.getByTestId('legend-bar').isVisible()).toBe(true);
    });

    it('renders a non-blank picture and a PNG export of the chosen size', async () => {
      const shot = await canvasShot(page, 'spinel.png');
      expect(shot.variance).toBeGreaterThan(200);
      expect(shot.distinct).toBeGreaterThan(50);
      const url = await page.evaluate(() => window.__ionpath.exportPng(1200, 800));
      const exp = await pngStats(page, url);
      expect([exp.w, exp.h]).toEqual([1200, 800]);
      expect(exp.variance).toBeGreaterThan(200);
      writeFileSync(join(SHOTS, 'spinel-export-1200x800.png'), Buffer.from(url.split(',')[1], 'base64'));
      expect(errors).toEqual([]);
    });

    it('selects the atom under a mouse click and shows its info', async () => {
      const target = await page.evaluate(() => {
        const h = window.__ionpath;
        for (let i = 0; i < h.atomCount; i++) {
          const p = h.project(i);
          if (!p?.visible) continue;
          const hit = h.pickAt(p.x, p.y);
          if (hit?.kind === 'atom' && hit.index === i) return { i, x: p.x, y: p.y };
        }
        return null;
      });
      expect(target).not.toBeNull();
      await page.mouse.click(target!.x, target!.y);
      const sel = await page.evaluate(() => window.__ionpath.selected());
      expect(sel?.kind).toBe('atom');
      expect(sel?.index).toBe(target!.i);
      const atom = spinel.atoms[target!.i];
      expect(sel?.element).toBe(atom.element);
      expect(sel?.wyckoff).toBe(atom.wyckoff);
      const nbrs = sel?.neighbours as { element: string; distance: number }[];
      expect(nbrs.length).toBe(atom.element === 'Li' ? 4 : atom.element === 'Mn' ? 6 : nbrs.length);
      if (atom.element !== 'O') for (const n of nbrs) expect(n.distance).toBeCloseTo(1.965033, 5);
      const info = page.getByTestId('info');
      expect(await info.isVisible()).toBe(true);
      expect(await info.textContent()).toContain(atom.label);
      // select() through the hook: Mn on 16d, CN 6
      const mn = spinel.atoms.findIndex((a) => a.element === 'Mn');
      const r = await page.evaluate((i) => window.__ionpath.select(i), mn);
      expect(r).toMatchObject({ kind: 'atom', element: 'Mn', wyckoff: '16d', cn: 6, polyhedron: { type: 'MnO6' } });
      expect((r?.polyhedron as { volume: number }).volume).toBeCloseTo(9.952973, 5); // scipy hull volume (scene-expected.json)
      expect(await info.textContent()).toContain('MnO6');
      // a drag rotates and does not select
      await page.mouse.move(600, 400);
      await page.mouse.down();
      await page.mouse.move(700, 450, { steps: 5 });
      await page.mouse.up();
      expect((await page.evaluate(() => window.__ionpath.selected()))?.index).toBe(mn);
      expect(errors).toEqual([]);
    });

    it('keeps draw calls constant as the supercell grows to 19,208 atoms', async () => {
      // 3×3×3 (1,512 atoms, block outline drawn, everything in view) vs 7×7×7: not one draw call more
      const small = await page.evaluate(() => (window.__ionpath.setRepeats(3, 3, 3), { calls: window.__ionpath.drawCalls(), objects: window.__ionpath.drawables() }));
      const big = await page.evaluate(() => {
        const h = window.__ionpath;
        const t0 = performance.now();
        const n = h.setRepeats(7, 7, 7); // rebuilds and draws one full frame
        const build = performance.now() - t0;
        return { n, build, calls: h.drawCalls(), objects: h.drawables(), frame: h.fullFrameMs(), drawn: h.drawnAtoms() };
      });
      try {
        expect(big.n).toBe(56 * 343);
        expect(big.drawn).toBeGreaterThanOrEqual(56 * 343);
        expect(big.objects).toEqual(small.objects); // the same objects, whatever the atom count
        expect(big.calls).toBe(small.calls);
        expect(big.calls).toBeLessThan(60); // 3 elements, bonds, 2 polyhedron types, sites, hops, cell, labels, gizmo
        expect(big.frame).toBeGreaterThan(0);
        await canvasShot(page, 'spinel-7x7x7.png');
      } finally {
        await page.evaluate(() => window.__ionpath.setRepeats(1, 1, 1));
      }
      expect(errors).toEqual([]);
    });

    it('switches camera presets, projection, polyhedra and the percolation highlight', async () => {
      const before = await canvasShot(page, 'spinel-default.png');
      await page.evaluate(() => {
        const h = window.__ionpath;
        h.viewAlong('c');
        h.setProjection('orthographic');
        h.setPolyhedron('LiO4', true);
        h.setPolyhedron('MnO6', false);
        h.setPercolation(0.45);
      });
      const after = await canvasShot(page, 'spinel-ortho-c-LiO4-percolation.png');
      expect(after.variance).toBeGreaterThan(200);
      expect(after.variance).not.toBeCloseTo(before.variance, 0);
      await page.getByTestId('view-111').click();
      await page.getByTestId('projection').selectOption('perspective');
      expect(errors).toEqual([]);
    });
  });

  describe('synthetic NEB page (UI test only)', () => {
    let page: Page;
    let errors: string[];
    beforeAll(async () => {
      ({ page, errors } = await open(pathToFileURL(join(dir, 'neb.html')).href));
    });

    it('steps through the images and moves the Li along its path', async () => {
      expect(await page.evaluate(() => window.__ionpath.nebCount)).toBe(5);
      const a = SPINEL_A;
      const at = async (i: number) => page.evaluate((k) => (window.__ionpath.nebStep(k), window.__ionpath.movingAtomPosition()), i);
      const p0 = await at(0);
      const p2 = await at(2);
      const p4 = await at(4);
      for (let c = 0; c < 3; c++) {
        expect(p0![c]).toBeCloseTo(a / 8, 9);
        expect(p2![c]).toBeCloseTo(0, 9); // the 16c site
        expect(p4![c]).toBeCloseTo(-a / 8, 9);
      }
      expect(await page.evaluate(() => window.__ionpath.nebIndex())).toBe(4);
      // hovering a point of the energy plot shows that image
      await page.getByTestId('neb-point-1').hover();
      expect(await page.evaluate(() => window.__ionpath.nebIndex())).toBe(1);
      await page.getByTestId('neb-point-2').hover();
      expect(await page.evaluate(() => window.__ionpath.nebIndex())).toBe(2);
      // the moving Li's bonds follow the image: 6 O at the 16c site
      const sel = await page.evaluate(() => window.__ionpath.select(0));
      expect((sel?.neighbours as unknown[]).length).toBe(6);
      await canvasShot(page, 'neb-image2.png');
      await page.locator('#panel').screenshot({ path: join(SHOTS, 'neb-panel.png') });
      expect(errors).toEqual([]);
    });

    it('plays and pauses, and the slider scrubs', async () => {
      await page.evaluate(() => window.__ionpath.nebStep(0));
      await page.getByTestId('neb-play').click();
      expect(await page.evaluate(() => window.__ionpath.nebPlaying())).toBe(true);
      await page.waitForFunction(() => window.__ionpath.nebIndex() >= 1, null, { timeout: 10_000 });
      await page.getByTestId('neb-play').click();
      expect(await page.evaluate(() => window.__ionpath.nebPlaying())).toBe(false);
      await page.getByTestId('neb-slider').fill('3');
      expect(await page.evaluate(() => window.__ionpath.nebIndex())).toBe(3);
      const shot = await canvasShot(page, 'neb-image3.png');
      expect(shot.variance).toBeGreaterThan(200);
      expect(errors).toEqual([]);
    });
  });

  describe('served by the local server', () => {
    it('loads the scene from /scene.json and refuses traversal', async () => {
      const assets = loadViewerAssets();
      server = await startServer({ files: viewerFiles(assets.html, assets.js, JSON.stringify(spinel)) });
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const { page, errors } = await open(server.url);
      expect(await page.evaluate(() => [window.__ionpath.atomCount, window.__ionpath.hopCount])).toEqual([56, 32]);
      expect(await page.evaluate(() => document.getElementById('ionpath-scene'))).toBeNull(); // fetched, not embedded
      expect(errors).toEqual([]);
      // (the 404s below are logged by Chromium as console errors, so errors are checked before)
      const statuses = await page.evaluate(async () => {
        const out: number[] = [];
        for (const p of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/package.json', '/scene.json']) {
          out.push((await fetch(p)).status);
        }
        return out;
      });
      expect(statuses.slice(0, 4).every((s) => s === 404 || s === 403)).toBe(true);
      expect(statuses[4]).toBe(200);
    });
  });
});
