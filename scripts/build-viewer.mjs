#!/usr/bin/env node
/**
 * Bundle the three.js viewer: viewer/src/main.ts → viewer/dist/viewer.js (one IIFE, no
 * external requests) and viewer/index.html (with the CSS inlined) → viewer/dist/index.html.
 * Usage: node scripts/build-viewer.mjs [--dev]   (--dev: no minification, inline source map)
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const viewer = join(root, 'viewer');
const out = join(viewer, 'dist');
const dev = process.argv.includes('--dev');

export async function buildViewer({ quiet = false } = {}) {
  mkdirSync(out, { recursive: true });
  const t0 = Date.now();
  const res = await build({
    entryPoints: [join(viewer, 'src', 'main.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    minify: !dev,
    sourcemap: dev ? 'inline' : false,
    legalComments: 'eof',
    write: false,
    logLevel: 'warning',
    tsconfig: join(viewer, 'tsconfig.json'),
  });
  let js = res.outputFiles[0].text;
  // The bundle is also inlined into self-contained pages: it must not close its <script>.
  js = js.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
  const css = readFileSync(join(viewer, 'src', 'style.css'), 'utf8');
  const html = readFileSync(join(viewer, 'index.html'), 'utf8').replace('/*IONPATH_CSS*/', () => css);
  for (const [name, text] of [['viewer.js', js], ['index.html', html]]) {
    const tmp = join(out, `.${name}.${process.pid}.tmp`);
    writeFileSync(tmp, text);
    renameSync(tmp, join(out, name));
  }
  if (!quiet) process.stderr.write(`viewer: ${(js.length / 1024).toFixed(0)} kB bundle → ${out} in ${Date.now() - t0} ms\n`);
  return { js: join(out, 'viewer.js'), html: join(out, 'index.html') };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildViewer().catch((e) => {
    process.stderr.write(`build-viewer: ${e.message}\n`);
    process.exitCode = 1;
  });
}
