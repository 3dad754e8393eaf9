/**
 * Fuzzing the OUTCAR reader with seeded mutations of real files: truncations at many
 * offsets, flipped bytes, garbage lines, deleted/duplicated blocks, huge lines, random
 * bytes, and cut .gz files. Every case must give a result or an InputError (with the file
 * and, from the parser, a line) — never another exception and never a hang.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { parseOutcar, readOutcar, type OutcarResult } from '../../src/io/outcar.js';
import { describeWithFixtures, fixture } from '../helpers/fixtures.js';

const FILES = [
  'vasp/custodian/tests/files/io/OUTCAR.gz', // VASP 6.4.2, spin-polarised relaxation
  'vasp/dpdata/tests/poscars/OUTCAR.ch4.ml', // ML force field
  'vasp/custodian/tests/files/postprocess/OUTCAR', // VASP 5.3.5 GGA+U (first ~9 of its 28 steps)
  'vasp/dpdata/tests/poscars/Ti-aimd-nwrite0/OUTCAR', // NWRITE=0
];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function load(rel: string): Buffer {
  const raw = readFileSync(fixture(rel));
  return raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
}

function checkResult(r: OutcarResult, what: string): void {
  expect(Array.isArray(r.steps), what).toBe(true);
  r.steps.forEach((s, k) => expect(s.index, what).toBe(k + 1));
  if (r.steps.length === 0) expect(r.finalEnergy, what).toBeNull();
  else expect(r.finalEnergy, what).toBe(r.steps[r.steps.length - 1].energySigma0);
  if (r.complete) expect(r.timing?.elapsedSeconds, what).not.toBeNull();
  else expect(typeof r.incompleteReason, what).toBe('string');
}

/** Run one mutated text; returns 'ok' or 'input-error'; anything else fails the test. */
function attempt(text: string, what: string): 'ok' | 'input-error' {
  try {
    checkResult(parseOutcar(text, 'OUTCAR'), what);
    return 'ok';
  } catch (e) {
    if (e instanceof InputError) {
      expect(e.file, what).toBe('OUTCAR');
      expect(e.line === undefined || (Number.isInteger(e.line) && e.line >= 1), what).toBe(true);
      return 'input-error';
    }
    throw new Error(`${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
}

const GARBAGE = ['', '#!%&', '\u0000\u0001\u0002', '********', 'POSITION  TOTAL-FORCE', ' FREE ENERGIE OF THE ION-ELECTRON SYSTEM (eV)', '  free  energy   TOTEN  =  abc eV', ' magnetization (x)', '      direct lattice vectors', '  in kB  1 2', 'LOOP+:', '---- Iteration 9999999999(1) ----', 'x'.repeat(5000)];

describeWithFixtures('OUTCAR fuzz', FILES, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'ionpath-outcar-fuzz-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  for (const rel of FILES) {
    it(
      `mutations of ${rel.split('/').slice(-2).join('/')}`,
      () => {
        // at most the first 300 kB (header and several steps) keeps the run short
        const buf = load(rel).subarray(0, 300_000);
        const text = buf.toString('latin1');
        const lines = text.split('\n');
        const rnd = mulberry32(0x5eed ^ buf.length);
        const counts = { ok: 0, 'input-error': 0 };
        // 1. truncation at many offsets (and every line boundary near the end)
        for (let k = 0; k < 100; k++) {
          const cut = Math.floor(rnd() * text.length);
          counts[attempt(text.slice(0, cut), `truncate@${cut}`)]++;
        }
        // 2. flipped bytes
        for (let k = 0; k < 100; k++) {
          const b = Buffer.from(buf);
          const n = 1 + Math.floor(rnd() * 8);
          for (let j = 0; j < n; j++) b[Math.floor(rnd() * b.length)] ^= 1 << Math.floor(rnd() * 8);
          counts[attempt(b.toString('latin1'), `flip#${k}`)]++;
        }
        // 3. a line replaced by garbage
        for (let k = 0; k < 50; k++) {
          const l = [...lines];
          const at = Math.floor(rnd() * l.length);
          l[at] = GARBAGE[Math.floor(rnd() * GARBAGE.length)];
          counts[attempt(l.join('\n'), `garbage-line@${at}`)]++;
        }
        // 4. blocks deleted or duplicated
        for (let k = 0; k < 30; k++) {
          const l = [...lines];
          const at = Math.floor(rnd() * l.length);
          const len = 1 + Math.floor(rnd() * 200);
          if (k % 2) l.splice(at, len);
          else l.splice(at, 0, ...l.slice(at, at + len));
          counts[attempt(l.join('\n'), `${k % 2 ? 'delete' : 'duplicate'}@${at}+${len}`)]++;
        }
        expect(counts.ok + counts["input-error"]).toBe(280);
        // the untouched file reads
        expect(attempt(text, 'original')).toBe('ok');
      },
      20_000,
    );
  }

  it('random bytes and huge lines: InputError, never a crash', async () => {
    const rnd = mulberry32(42);
    for (let k = 0; k < 20; k++) {
      const b = Buffer.alloc(1 + Math.floor(rnd() * 5000));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(rnd() * 256);
      attempt(b.toString('latin1'), `random#${k}`);
    }
    const head = load(FILES[0]).subarray(0, 20000);
    const p = join(tmp, 'huge-line');
    writeFileSync(p, Buffer.concat([head, Buffer.from('\n'), Buffer.alloc(3 << 20, 0x37), Buffer.from('\nrest\n')]));
    const err = await readOutcar(p).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.file).toBe(p);
    expect(err.message).toMatch(/longer than/);
    // the huge line is the one after the head (whose last line the "\n" completes)
    expect(err.line).toBe(head.toString('latin1').split('\n').length + 1);
  });

  it('cut .gz files read what they hold', async () => {
    const raw = gzipSync(load(FILES[2]));
    const rnd = mulberry32(7);
    let partial = 0;
    for (let k = 0; k < 25; k++) {
      const cut = 20 + Math.floor(rnd() * (raw.length - 20));
      const p = join(tmp, `cut-${k}.gz`);
      writeFileSync(p, raw.subarray(0, cut));
      try {
        const r = await readOutcar(p);
        checkResult(r, `gz-cut@${cut}`);
        expect(r.complete).toBe(false);
        if (r.steps.length) partial++;
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
      }
    }
    expect(partial).toBeGreaterThan(10);
  });
});
