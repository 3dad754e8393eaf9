/**
 * Random mutations of every fixture CIF (truncations, flipped bytes, deleted, duplicated and
 * swapped lines) must give a structure or an InputError naming the file and a line inside it —
 * never another exception, never a hang. Seed-fixed, so failures reproduce.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { readCifString } from '../../src/io/cif/index.js';
import { describeWithFixtures, fixture, CIF_FIXTURE_FILES } from '../helpers/fixtures.js';

const FIXTURES = CIF_FIXTURE_FILES;

const MUTATIONS_PER_FILE = 1000;

/** Park–Miller style PRNG (deterministic). */
function prng(seed: number): () => number {
  let s = seed % 2147483647;
  if (s <= 0) s += 2147483646;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

const SPECIAL = ["'", '"', ';', '\n', '#', '_', ' ', '?', '.', '(', ')', '-', '/', ',', '[', ']', '{', '}', '0', '9', 'x', '\r', '\t', '\u0000', 'é'];

function mutate(text: string, rnd: () => number): { text: string; what: string } {
  const pick = (n: number) => Math.floor(rnd() * n);
  const kind = pick(6);
  if (kind === 0) {
    const at = pick(text.length + 1);
    return { text: text.slice(0, at), what: `truncated at ${at}` };
  }
  if (kind === 1 || kind === 2) {
    // Flip 1–4 characters: random byte values or CIF-significant characters.
    let t = text;
    const where: number[] = [];
    for (let k = 1 + pick(4); k > 0; k--) {
      const at = pick(t.length);
      const c = kind === 1 ? String.fromCharCode(pick(256)) : SPECIAL[pick(SPECIAL.length)];
      t = t.slice(0, at) + c + t.slice(at + 1);
      where.push(at);
    }
    return { text: t, what: `flipped bytes at ${where.join(',')}` };
  }
  const lines = text.split('\n');
  if (kind === 3) {
    const n = 1 + pick(3);
    const at = pick(lines.length);
    lines.splice(at, n);
    return { text: lines.join('\n'), what: `deleted ${n} line(s) at ${at + 1}` };
  }
  if (kind === 4) {
    const at = pick(lines.length);
    lines.splice(at, 0, lines[pick(lines.length)]);
    return { text: lines.join('\n'), what: `duplicated a line at ${at + 1}` };
  }
  const a = pick(lines.length);
  const b = pick(lines.length);
  [lines[a], lines[b]] = [lines[b], lines[a]];
  return { text: lines.join('\n'), what: `swapped lines ${a + 1} and ${b + 1}` };
}

describeWithFixtures('CIF fuzz: mutated fixtures give a structure or a located InputError', FIXTURES.map((f) => `cif/${f}`), () => {
  it(`${MUTATIONS_PER_FILE} mutations of each of ${FIXTURES.length} files`, () => {
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    let results = 0;
    let errors = 0;
    let slowest = 0;
    FIXTURES.forEach((name, fi) => {
      const original = readFileSync(fixture(`cif/${name}`), 'utf8');
      const rnd = prng(7919 * (fi + 1));
      for (let i = 0; i < MUTATIONS_PER_FILE; i++) {
        const m = mutate(original, rnd);
        const nlines = m.text.split(/\r\n|\r|\n/).length;
        const t0 = performance.now();
        try {
          const r = readCifString(m.text, name);
          results++;
          for (const b of r.blocks) {
            expect(b.structure.nsites, `${name}: ${m.what}`).toBeGreaterThan(0);
            for (const s of b.structure.sites) {
              for (const x of s.frac) expect(x >= 0 && x < 1, `${name}: ${m.what}`).toBe(true);
              expect(s.species.reduce((t, sp) => t + sp.occupancy, 0), `${name}: ${m.what}`).toBeLessThanOrEqual(1 + 1e-9);
            }
          }
        } catch (e) {
          if (!(e instanceof InputError)) {
            throw new Error(`${name}, mutation ${i} (${m.what}) threw ${e instanceof Error ? e.stack : String(e)}`);
          }
          errors++;
          expect(e.file, `${name}: ${m.what}: ${e.message}`).toBe(name);
          expect(Number.isInteger(e.line) && e.line! >= 1 && e.line! <= nlines + 1, `${name}: ${m.what}: line ${e.line} of ${nlines}: ${e.message}`).toBe(true);
          expect(e.message.length).toBeGreaterThan(10);
        }
        slowest = Math.max(slowest, performance.now() - t0);
      }
    });
    const total = performance.now() - started;
    const cpu = process.cpuUsage(cpu0);
    // CPU time of this process: wall time depends on what else the machine is running.
    const cpuMs = (cpu.user + cpu.system) / 1000;
    // eslint-disable-next-line no-console
    console.log(`[cif-fuzz] ${results} results, ${errors} InputErrors, slowest ${slowest.toFixed(1)} ms, wall ${(total / 1000).toFixed(1)} s, CPU ${(cpuMs / 1000).toFixed(1)} s`);
    expect(results + errors).toBe(FIXTURES.length * MUTATIONS_PER_FILE);
    expect(results).toBeGreaterThan(0);
    expect(errors).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(2000);
    expect(cpuMs).toBeLessThan(30_000);
  });
});
