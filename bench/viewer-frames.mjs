#!/usr/bin/env node
/**
 * Viewer frame time, draw calls and load time for ~1,000 and ~20,000 atoms in headless
 * Chromium. Rendering here is SOFTWARE (SwiftShader via ANGLE, --disable-gpu): numbers are
 * far slower than on any GPU and only good for comparing versions on the same machine.
 *
 *   node scripts/build-viewer.mjs && node --import tsx bench/viewer-frames.mjs [--frames 10] [--json]
 *
 * Scenes: LiMn2O4 spinel supercells (atoms in the scene document, as `ionpath view` writes
 * for a big input file): 3×3×2 = 1,008 atoms and 6×6×10 = 20,160 atoms, each written as a
 * self-contained page and opened from disk. Load time = navigation start → first full frame
 * finished (HTML + JSON parse, scene build, first frame), from the page's own clock. Frame
 * time = one orbit step rendered and finished (1-pixel readback), mean/median over --frames
 * frames, at full quality and as drawn while dragging (slow scenes drop to half resolution
 * and atoms only while the mouse is down). Also the repeat path: the 56-atom cell drawn
 * 7×7×7 = 19,208 atoms by the viewer's a×b×c controls.
 */
import { mkdtempSync, writeFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { spinel } from '../test/e2e/scenes.ts';
import { buildScene } from '../src/scene/build-scene.ts';
import { selfContainedPage, loadViewerAssets } from '../src/scene/html-page.ts';

const args = process.argv.slice(2);
const frames = Number(args[args.indexOf('--frames') + 1]) || 6;
const asJson = args.includes('--json');
const CHROMIUM = process.env.IONPATH_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  process.stderr.write(`no Chromium at ${CHROMIUM}\n`);
  process.exit(2);
}
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const dir = mkdtempSync(join(tmpdir(), 'ionpath-bench-'));
const assets = loadViewerAssets();
const cases = [
  { name: '1k atoms (3×3×2 spinel)', scaling: [3, 3, 2] },
  { name: '20k atoms (6×6×10 spinel)', scaling: [6, 6, 10] },
];

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
const results = [];
const renderer = await (async () => {
  const p = await browser.newPage();
  const r = await p.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    return ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : 'unknown';
  });
  await p.close();
  return r;
})();

async function measure(name, url, atoms, setup) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => window.__ionpath?.ready || window.__ionpath?.error, null, { timeout: 300_000 });
  const wallMs = Date.now() - t0;
  // In-page: navigation start → scene parsed → view built → first full frame finished.
  const timings = await page.evaluate(() => window.__ionpath.timings);
  let setupMs = 0;
  if (setup) setupMs = await page.evaluate(setup);
  const r = await page.evaluate((n) => {
    const h = window.__ionpath;
    h.measureFrames(1); // warm-up
    const full = h.measureFrames(n);
    const drag = h.measureFrames(n, true); // as drawn while the user drags
    return { full, drag, drawnAtoms: h.drawnAtoms(), atomCount: h.atomCount, halfBonds: h.drawnBonds(), error: h.error };
  }, frames);
  await page.close();
  const loadMs = Math.round(timings.firstFrame);
  const row = { case: name, atoms, loadMs, parsedMs: Math.round(timings.parsed), builtMs: Math.round(timings.built), wallMs, setupMs: Math.round(setupMs), ...r, errors };
  results.push(row);
  if (!asJson) {
    const f = r.full;
    const d = r.drag;
    process.stdout.write(
      `${name.padEnd(32)} load ${String(loadMs).padStart(6)} ms (parsed ${row.parsedMs}, built ${row.builtMs})${setup ? ` + repeat ${row.setupMs} ms` : ''}\n` +
        `${''.padEnd(32)} full frame mean ${f.meanMs.toFixed(0).padStart(5)} ms (median ${f.medianMs.toFixed(0)}), ${f.drawCalls} draw calls, ${(f.triangles / 1e3).toFixed(0)} k triangles; ` +
        `dragging ${d.meanMs.toFixed(0)} ms, ${d.drawCalls} draw calls; ${r.drawnAtoms} atoms, ${r.halfBonds} half-bonds drawn${errors.length ? `; ERRORS: ${errors.join(' | ')}` : ''}\n`,
    );
  }
}

if (!asJson) process.stdout.write(`renderer: ${renderer} (software rendering), ${frames} frames per case, viewport 1280×800\n`);
for (const c of cases) {
  const s = spinel().supercell(c.scaling);
  const t = Date.now();
  const scene = buildScene(s, { title: c.name });
  const buildMs = Date.now() - t;
  const file = join(dir, `bench-${s.nsites}.html`);
  writeFileSync(file, selfContainedPage(scene, assets));
  if (!asJson) process.stdout.write(`  scene ${s.nsites} atoms, ${scene.bonds.length} bonds, ${scene.polyhedra.length} polyhedra: built in ${buildMs} ms (Node), page ${(statSync(file).size / 1e6).toFixed(1)} MB\n`);
  await measure(c.name, pathToFileURL(file).href, s.nsites);
}
const unit = join(dir, 'bench-unit.html');
writeFileSync(unit, selfContainedPage(buildScene(spinel(), { title: 'spinel unit cell' }), assets));
await measure('19k atoms (56 × 7×7×7 repeats)', pathToFileURL(unit).href, 56 * 343, () => {
  const t = performance.now();
  window.__ionpath.setRepeats(7, 7, 7);
  return performance.now() - t;
});
await browser.close();
if (asJson) process.stdout.write(JSON.stringify({ renderer, software: true, frames, results }, null, 2) + '\n');
