/**
 * Fuzzing the vasprun.xml reader: truncations at many offsets, flipped bytes, random bytes,
 * entity bombs, deep nesting and 10 MB text nodes must give a result or an InputError —
 * never another exception, a hang or unbounded memory — and a truncated file must never
 * report a step the full file does not have.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputError } from '../../src/core/errors.js';
import { parseVasprunBuffer, parseVasprunString, readVasprun, type VasprunResult } from '../../src/io/vasprun.js';
import { describeWithFixtures, fixture } from '../helpers/fixtures.js';

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
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

type Outcome = { kind: 'result'; r: VasprunResult } | { kind: 'error'; e: InputError };

/** Run the parser; anything thrown other than an InputError fails the test (with the case named). */
function attempt(what: string, fn: () => VasprunResult): Outcome {
  try {
    return { kind: 'result', r: fn() };
  } catch (e) {
    if (e instanceof InputError) {
      expect(e.message.length, what).toBeGreaterThan(0);
      return { kind: 'error', e };
    }
    throw new Error(`${what}: threw ${(e as Error)?.stack ?? String(e)}`);
  }
}

const sigma0 = (r: VasprunResult) => r.steps.map((s) => s.energySigma0);

const SMALL = 'vasp/aiida-vasp/src/aiida_vasp/test_data/exit_codes/ionic-unconverged/out/vasprun.xml';
const FEO = 'vasp/custodian/tests/files/postprocess/vasprun.xml';
const GZ = 'vasp/custodian/tests/files/io/vasprun.xml.gz';

describeWithFixtures('vasprun.xml fuzzing on real files', [SMALL, FEO, GZ], () => {
  it('truncation at 200 offsets: a result (complete=false) whose steps are a prefix of the full file, or an InputError', () => {
    const text = readFileSync(fixture(FEO), 'latin1');
    const full = parseVasprunString(text);
    expect(full.nSteps).toBe(28);
    const rand = rng(1);
    const offsets = new Set<number>([0, 1, 10, 50, 100, text.length - 1, text.length - 5, text.length - 12]);
    while (offsets.size < 200) offsets.add(Math.floor(rand() * text.length));
    let results = 0;
    let errors = 0;
    const t0 = performance.now();
    for (const off of offsets) {
      const o = attempt(`truncated at ${off}`, () => parseVasprunString(text.slice(0, off), { dos: true, eigenvalues: true }));
      if (o.kind === 'error') {
        errors++;
        // only a cut before the root element opens is not a vasprun at all
        expect(off, o.e.message).toBeLessThan(text.indexOf('<modeling>') + 10);
        continue;
      }
      results++;
      const r = o.r;
      const whole = off >= text.lastIndexOf('</modeling>') + '</modeling>'.length; // only trailing blanks cut
      expect(r.complete, `offset ${off}`).toBe(whole);
      if (!whole) expect(r.incompleteReason, `offset ${off}`).toMatch(/ends/);
      expect(r.nSteps).toBeLessThanOrEqual(full.nSteps);
      expect(sigma0(r)).toEqual(sigma0(full).slice(0, r.nSteps));
      expect(r.finalEnergy).toBe(r.nSteps ? sigma0(full)[r.nSteps - 1] : null);
      if (r.nSteps) expect(r.steps[r.nSteps - 1].forces).toEqual(full.steps[r.nSteps - 1].forces);
    }
    expect(results).toBeGreaterThan(180);
    expect(errors).toBeGreaterThan(0);
    expect(performance.now() - t0).toBeLessThan(15_000);
  });

  it('200 files with flipped bytes: a result or an InputError, never a crash', () => {
    const buf = readFileSync(fixture(SMALL));
    const rand = rng(2);
    let errors = 0;
    for (let k = 0; k < 200; k++) {
      const b = Buffer.from(buf);
      const n = 1 + Math.floor(rand() * 4);
      const at: number[] = [];
      for (let j = 0; j < n; j++) {
        const i = Math.floor(rand() * b.length);
        b[i] ^= 1 << Math.floor(rand() * 8);
        at.push(i);
      }
      const o = attempt(`bytes flipped at ${at.join(',')}`, () => parseVasprunBuffer(b, { dos: true, eigenvalues: true }));
      if (o.kind === 'error') {
        errors++;
        expect(o.e.file).toBe('<buffer>');
      }
    }
    expect(errors).toBeGreaterThan(10);
  });

  it('random bytes and random tag soup are InputErrors', () => {
    const rand = rng(3);
    for (let k = 0; k < 50; k++) {
      const b = Buffer.alloc(2000 + Math.floor(rand() * 2000));
      for (let i = 0; i < b.length; i++) b[i] = Math.floor(rand() * 256);
      const o = attempt(`random bytes #${k}`, () => parseVasprunBuffer(b));
      expect(o.kind).toBe('error');
    }
    const parts = ['<modeling>', '</modeling>', '<calculation>', '</calculation>', '<v>', '</v>', '<i name="e_fr_energy">', '</i>', '1.5', ' ', '&amp;', '<![CDATA[x]]>', '<!-- c -->', '<?pi x?>', '<structure>', '</structure>'];
    for (let k = 0; k < 200; k++) {
      let s = '';
      const n = Math.floor(rand() * 60);
      for (let i = 0; i < n; i++) s += parts[Math.floor(rand() * parts.length)];
      attempt(`tag soup ${JSON.stringify(s)}`, () => parseVasprunString(s));
    }
  });

  it('gzip: truncated and damaged .gz files through the streaming reader', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ionpath-vasprun-fuzz-'));
    const gz = readFileSync(fixture(GZ));
    const rand = rng(4);
    for (let k = 0; k < 24; k++) {
      const b = Buffer.from(gz.subarray(0, k < 12 ? Math.floor(rand() * gz.length) : gz.length));
      if (k >= 12) for (let j = 0; j < 3; j++) b[10 + Math.floor(rand() * (b.length - 10))] ^= 0xff;
      const f = join(dir, `case${k}.xml.gz`);
      writeFileSync(f, b);
      try {
        const r = await readVasprun(f);
        if (k < 12) expect(r.complete).toBe(false);
      } catch (e) {
        if (!(e instanceof InputError)) throw new Error(`gzip case ${k}: ${(e as Error).stack}`);
        expect(e.file).toBe(f);
      }
    }
  });
});

describe('vasprun.xml hostile documents', () => {
  const head = '<?xml version="1.0" encoding="ISO-8859-1"?>\n';

  it('a billion-laughs entity bomb is refused at once, nothing expanded', () => {
    let dtd = '<!DOCTYPE modeling [\n <!ENTITY lol "lol">\n';
    for (let i = 1; i <= 9; i++) dtd += ` <!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">\n`;
    dtd += ']>\n';
    const bomb = `${head}${dtd}<modeling><generator><i name="program" type="string">&lol9;</i></generator></modeling>`;
    const t0 = performance.now();
    const o = attempt('entity bomb', () => parseVasprunString(bomb));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(o.kind).toBe('error');
    if (o.kind === 'error') {
      expect(o.e.message).toMatch(/DOCTYPE/);
      expect(o.e.line).toBe(13);
    }
    // the same references without the DTD: undefined entities are errors, not text
    const noDtd = `${head}<modeling><generator><i name="program" type="string">&lol9;&lol9;</i></generator></modeling>`;
    const o2 = attempt('entity refs without DTD', () => parseVasprunString(noDtd));
    expect(o2.kind === 'error' && /malformed XML/.test(o2.e.message)).toBe(true);
  });

  it('an external entity (XXE) is never fetched: DOCTYPE refused', () => {
    const xxe = `${head}<!DOCTYPE modeling [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<modeling><incar><i type="string" name="SYSTEM">&x;</i></incar></modeling>`;
    const o = attempt('xxe', () => parseVasprunString(xxe));
    expect(o.kind === 'error' && /DOCTYPE/.test(o.e.message)).toBe(true);
  });

  it('a 10 MB text node: InputError where it would be read, skipped in constant memory elsewhere', async () => {
    const big = '1.0 '.repeat(2_500_000); // 10 MB
    const t0 = performance.now();
    const inRead = `${head}<modeling><incar><v name="MAGMOM">${big}</v></incar></modeling>`;
    const o = attempt('10 MB in <incar>', () => parseVasprunString(inRead));
    expect(o.kind === 'error' && /longer than 1048576 characters/.test(o.e.message)).toBe(true);
    // inside an element the reader skips (no eigenvalues asked for): read past, result kept
    const inSkipped = `${head}<modeling><calculation><eigenvalues><array><set><r>${big}</r></set></array></eigenvalues></calculation></modeling>`;
    const o2 = attempt('10 MB in a skipped element', () => parseVasprunString(inSkipped));
    expect(o2.kind).toBe('result');
    if (o2.kind === 'result') {
      expect(o2.r.complete).toBe(true);
      expect(o2.r.nSteps).toBe(1);
      expect(o2.r.hasEigenvalues).toBe(true);
    }
    // the same through the streaming file reader, gzipped
    const dir = mkdtempSync(join(tmpdir(), 'ionpath-vasprun-fuzz-'));
    const f = join(dir, 'big.xml.gz');
    writeFileSync(f, gzipSync(inRead));
    let err: unknown;
    try {
      await readVasprun(f);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).file).toBe(f);
    // a 10 MB attribute value and a 10 MB comment: sax's 64 KiB buffer limit → InputError
    const attr = `${head}<modeling><incar><i name="${'A'.repeat(10_000_000)}">1</i></incar></modeling>`;
    expect(attempt('10 MB attribute', () => parseVasprunString(attr)).kind).toBe('error');
    const comment = `${head}<modeling><!--${'-x'.repeat(5_000_000)}--></modeling>`;
    expect(attempt('10 MB comment', () => parseVasprunString(comment)).kind).toBe('error');
    expect(performance.now() - t0).toBeLessThan(15_000);
  });

  it('nesting a million levels deep stops at the depth limit', () => {
    const deep = `${head}<modeling><calculation>${'<set>'.repeat(1_000_000)}`;
    const o = attempt('deep nesting', () => parseVasprunString(deep));
    expect(o.kind === 'error' && /nested deeper than 256 levels/.test(o.e.message)).toBe(true);
  });

  it('a huge number of tiny elements in a skipped region is fine', () => {
    const many = `${head}<modeling><calculation><projected>${'<r>1 2 3</r>'.repeat(500_000)}</projected></calculation></modeling>`;
    const o = attempt('many elements', () => parseVasprunString(many));
    expect(o.kind === 'result' && o.r.complete && o.r.nSteps === 1).toBe(true);
  });
});
