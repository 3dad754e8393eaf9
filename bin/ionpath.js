#!/usr/bin/env node
// The ionpath command: runs the compiled CLI (npm run build / npm install creates dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'cli', 'index.js');
if (!existsSync(entry)) {
  process.stderr.write('ionpath: not built yet — run `npm install` (or `npm run build`) in ' + root + '\n');
  process.exitCode = 1;
} else {
  const { main } = await import(entry);
  await main(process.argv.slice(2));
}
