/**
 * The viewer as files: where the bundled viewer lives (viewer/dist: index.html + viewer.js,
 * built by scripts/build-viewer.mjs), and one self-contained HTML page with the bundle and
 * the scene document embedded, which opens from disk with no server.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { SceneDocument } from './scene-document.js';

export interface ViewerAssets {
  /** viewer/dist/index.html (CSS inlined, loads viewer.js, fetches scene.json). */
  html: string;
  /** The bundled viewer (IIFE). */
  js: string;
}

/** The package root: the nearest folder above this module holding ionpath's package.json. */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'ionpath') return dir;
      } catch {
        /* keep looking */
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('internal: cannot find the ionpath package root');
    dir = up;
  }
}

/** Folder of the built viewer (override with $IONPATH_VIEWER_DIST). */
export function viewerDistDir(): string {
  return resolve(process.env.IONPATH_VIEWER_DIST ?? join(packageRoot(), 'viewer', 'dist'));
}

/** Read the built viewer; a clear error when it has not been built. */
export function loadViewerAssets(dir = viewerDistDir()): ViewerAssets {
  const htmlPath = join(dir, 'index.html');
  const jsPath = join(dir, 'viewer.js');
  if (!existsSync(htmlPath) || !existsSync(jsPath)) {
    throw new InputError(`the viewer bundle is missing (expected index.html and viewer.js in ${dir})`, {
      hint: 'build it with `node scripts/build-viewer.mjs` (part of `npm run build`)',
    });
  }
  return { html: readFileSync(htmlPath, 'utf8'), js: readFileSync(jsPath, 'utf8') };
}

/**
 * JSON safe to place inside <script type="application/json">: '<' is escaped so no
 * `</script>` or `<!--` can end or confuse the element; U+2028/2029 escaped for old parsers.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const SCENE_SLOT = '<!--IONPATH_SCENE-->';
const SCRIPT_TAG = '<script src="viewer.js"></script>';

/** One HTML page with the viewer bundle and the scene inlined (no network, no server). */
export function selfContainedPage(scene: SceneDocument, assets: ViewerAssets = loadViewerAssets()): string {
  if (!assets.html.includes(SCENE_SLOT) || !assets.html.includes(SCRIPT_TAG)) {
    throw new Error('internal: viewer index.html lacks the scene slot or the script tag');
  }
  if (/<\/script/i.test(assets.js)) throw new Error('internal: the viewer bundle contains "</script" and cannot be inlined');
  const sceneTag = `<script type="application/json" id="ionpath-scene">${scriptSafeJson(scene)}</script>`;
  // Replacement functions: the bundle contains `$&`-like sequences that a string replacement would expand.
  return assets.html.replace(SCENE_SLOT, () => sceneTag).replace(SCRIPT_TAG, () => `<script>${assets.js}</script>`);
}

/**
 * Write the self-contained page atomically (temp file + rename). Refuses to replace an
 * existing file unless `force`.
 */
export function writeSelfContainedPage(path: string, scene: SceneDocument, opts: { force?: boolean; assets?: ViewerAssets } = {}): { path: string; bytes: number } {
  if (existsSync(path) && !opts.force) {
    throw new InputError(`${path} already exists`, { file: path, hint: 'pass --force to overwrite it, or choose another --out name' });
  }
  const html = selfContainedPage(scene, opts.assets);
  writeFileAtomic(path, html);
  return { path, bytes: Buffer.byteLength(html) };
}
