/**
 * Random mutations of every POSCAR/CONTCAR fixture (truncations, flipped bytes, deleted,
 * duplicated and swapped lines; seeded PRNG) must give a structure or an InputError that
 * names the file and a line inside it — never another exception, never a hang.
 * Byte-identical files (many NEB inputs) get different seeds, so different mutations.
 */
import { expect, it } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { InputError } from '../../src/core/errors.js';
import { parsePoscar } from '../../src/io/poscar.js';
import { readText } from '../../src/io/read-text.js';
import { describeWithFixtures, fixture } from '../helpers/fixtures.js';

const MUTATIONS = 1000;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** Characters a flipped byte becomes: mostly ones that keep the file plausible. */
const NASTY = ['0', '1', '9', '-', '+', '.', 'e', 'E', 'D', ' ', '\t', '\n', '\r', 'S', 'C', 'K', 'T', 'F', 'x', '#', '!', '/', '_', '\u0000', '\ufffd', 'N'];

function mutate(text: string, r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const kind = Math.floor(r() * 7);
  switch (kind) {
    case 0: // truncate anywhere
      return text.slice(0, Math.floor(r() * text.length));
    case 1:
    case 2: {
      // flip 1–3 characters
      let t = text;
      const n = 1 + Math.floor(r() * 3);
      for (let k = 0; k < n; k++) {
        const i = Math.floor(r() * t.length);
        const c = r() < 0.7 ? pick(NASTY) : String.fromCharCode(Math.floor(r() * 256));
        t = t.slice(0, i) + c + t.slice(i + 1);
      }
      return t;
    }
    case 3: {
      // delete 1–2 lines (often in the header)
      const lines = text.split('\n');
      const n = 1 + Math.floor(r() * 2);
      for (let k = 0; k < n && lines.length > 0; k++) {
        const i = r() < 0.5 ? Math.floor(r() * Math.min(10, lines.length)) : Math.floor(r() * lines.length);
        lines.splice(i, 1);
      }
      return lines.join('\n');
    }
    case 4: {
      // duplicate a line
      const lines = text.split('\n');
      const i = Math.floor(r() * Math.min(12, lines.length));
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 5: {
      // swap two lines
      const lines = text.split('\n');
      const i = Math.floor(r() * Math.min(12, lines.length));
      const j = Math.floor(r() * lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
    default: {
      // replace a token with something else
      const lines = text.split('\n');
      const i = Math.floor(r() * Math.min(12, lines.length));
      const toks = (lines[i] ?? '').split(/(\s+)/);
      const j = Math.floor(r() * toks.length);
      toks[j] = pick(['-1', '0', '1e400', 'NaN', '99999999999', '3', 'Xx', 'Li', 'Selective', 'Cartesian', '', '1.0 1.0', 'T']);
      lines[i] = toks.join('');
      return lines.join('\n');
    }
  }
}

describeWithFixtures('POSCAR fuzz: mutated fixtures give a result or an InputError', ['vasp/reference.json'], () => {
  const root = fixture('vasp');
  const files = walk(root)
    .map((p) => relative(root, p))
    .filter((rel) => /(POSCAR|CONTCAR)/i.test(rel.split('/').pop()!) || rel.endsWith('.vasp'))
    .sort();
  const texts = files.map((rel) => ({ rel, text: readText(join(root, rel), { allowEmpty: true }) })).filter((x) => x.text !== '');
  const MUTATIONS_ENV = Number(process.env.IONPATH_FUZZ_MUTATIONS ?? MUTATIONS);

  it(`fuzzes ${MUTATIONS} mutations of each fixture`, () => {
    expect(texts.length).toBeGreaterThanOrEqual(70);
    const t0 = performance.now();
    let parsed = 0;
    let errors = 0;
    let seed = 1;
    for (const { rel, text } of texts) {
      const r = rng(seed++);
      for (let m = 0; m < MUTATIONS_ENV; m++) {
        const mutated = mutate(text, r);
        const nLines = mutated.split(/\r\n|\n|\r/).length;
        try {
          const res = parsePoscar(mutated, { file: rel });
          expect(res.structure.nsites).toBeGreaterThan(0);
          parsed++;
        } catch (e) {
          if (!(e instanceof InputError)) {
            throw new Error(`${rel} mutation ${m}: ${String(e)}\n--- input ---\n${mutated.slice(0, 2000)}`);
          }
          if (e.file !== rel || !(Number.isInteger(e.line) && e.line! >= 1 && e.line! <= nLines + 1)) {
            throw new Error(`${rel} mutation ${m}: InputError without a valid file/line (${e.file}:${e.line}): ${e.message}`);
          }
          errors++;
        }
      }
    }
    const ms = performance.now() - t0;
    // eslint-disable-next-line no-console
    console.log(`poscar fuzz: ${texts.length} files × ${MUTATIONS_ENV}: ${parsed} parsed, ${errors} InputErrors, ${(ms / 1000).toFixed(1)} s`);
    expect(parsed).toBeGreaterThan(0);
    expect(errors).toBeGreaterThan(0);
    if (MUTATIONS_ENV === MUTATIONS) expect(ms).toBeLessThan(20_000);
  });
});
