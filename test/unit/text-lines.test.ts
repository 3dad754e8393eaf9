import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import {
  compressionOfMagic,
  detectCompression,
  forEachLine,
  lineBatches,
  textChunks,
  textLines,
  type ReadSummary,
} from '../../src/io/text-lines.js';

const dir = mkdtempSync(join(tmpdir(), 'ionpath-text-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function collect(path: string, opts = {}): Promise<{ lines: string[]; numbers: number[]; summary: ReadSummary; warnings: string[] }> {
  const lines: string[] = [];
  const numbers: number[] = [];
  const warnings: string[] = [];
  const it = textLines(path, { ...opts, onWarning: (m: string) => warnings.push(m) });
  for (;;) {
    const r = await it.next();
    if (r.done) return { lines, numbers, summary: r.value, warnings };
    lines.push(r.value.text);
    numbers.push(r.value.line);
  }
}

const have = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;

const SAMPLE = ['first line', '', '  indented  ', 'last line'].join('\n');

describe('compression detection', () => {
  it('recognises gzip, xz, bzip2 and zlib magic bytes and nothing else', () => {
    expect(compressionOfMagic(Uint8Array.from([0x1f, 0x8b, 8, 0]))).toBe('gzip');
    expect(compressionOfMagic(Uint8Array.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))).toBe('xz');
    expect(compressionOfMagic(Buffer.from('BZh91AY'))).toBe('bzip2');
    expect(compressionOfMagic(Uint8Array.from([0x78, 0x9c]))).toBe('zlib');
    expect(compressionOfMagic(Buffer.from(' vasp.6.4.2'))).toBe('none');
    expect(compressionOfMagic(Buffer.from('x^2 is not zlib'))).toBe('none');
    expect(compressionOfMagic(new Uint8Array(0))).toBe('none');
  });
});

describe('plain text', () => {
  it('yields every line with 1-based numbers, keeping blank and indented lines', async () => {
    const r = await collect(file('plain.txt', SAMPLE + '\n'));
    expect(r.lines).toEqual(['first line', '', '  indented  ', 'last line']);
    expect(r.numbers).toEqual([1, 2, 3, 4]);
    expect(r.summary).toMatchObject({ lines: 4, compression: 'none', truncated: false, bytes: SAMPLE.length + 1 });
  });

  it('keeps a last line without newline, and CRLF reads like LF', async () => {
    expect((await collect(file('nonl.txt', SAMPLE))).lines).toEqual(['first line', '', '  indented  ', 'last line']);
    expect((await collect(file('crlf.txt', SAMPLE.replace(/\n/g, '\r\n')))).lines).toEqual(['first line', '', '  indented  ', 'last line']);
  });

  it('joins lines split across read chunks (tiny chunks)', async () => {
    const text = Array.from({ length: 200 }, (_, k) => `line ${k} ${'x'.repeat(k % 23)}`).join('\n');
    const p = file('chunks.txt', text);
    for (const chunkBytes of [1, 3, 7, 64]) {
      const r = await collect(p, { chunkBytes });
      expect(r.lines).toEqual(text.split('\n'));
      expect(r.numbers[199]).toBe(200);
    }
  });

  it('gives nothing for an empty file', async () => {
    const r = await collect(file('empty.txt', ''));
    expect(r.lines).toEqual([]);
    expect(r.summary.lines).toBe(0);
  });

  it('drops NUL holes (killed jobs on network filesystems) and says so', async () => {
    const withHole = Buffer.concat([Buffer.from('a\nb'), Buffer.alloc(5000), Buffer.from('c\nd\n')]);
    const r = await collect(file('hole.txt', withHole), { chunkBytes: 1024 });
    expect(r.lines).toEqual(['a', 'bc', 'd']);
    expect(r.warnings.join()).toMatch(/skipped 5000 NUL bytes from line 2 on/);
  });

  it('rejects an absurdly long line with an InputError naming file and line', async () => {
    const p = file('long.txt', `ok\nok\n${'y'.repeat(5000)}\nok\n`);
    const err = await collect(p, { maxLineBytes: 1000, chunkBytes: 256 }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.file).toBe(p);
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/line 3 is longer than 1000 bytes/);
    // also when the long line sits inside one chunk
    const err2 = await collect(p, { maxLineBytes: 1000 }).catch((e) => e);
    expect(err2.line).toBe(3);
    // and when it is the unterminated last line
    const err3 = await collect(file('long2.txt', `ok\n${'z'.repeat(3000)}`), { maxLineBytes: 1000 }).catch((e) => e);
    expect(err3.line).toBe(2);
  });

  it('uses bounded memory on a file of one endless line', async () => {
    const p = file('endless.txt', Buffer.alloc(8 << 20, 0x41));
    const before = process.memoryUsage().rss;
    const err = await collect(p).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.line).toBe(1);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 << 20);
  });

  it('reports a missing file as ENOENT (the CLI turns it into a clear message)', async () => {
    const err = await collect(join(dir, 'nope')).catch((e) => e);
    expect(err.code).toBe('ENOENT');
  });
});

describe('compressed files', () => {
  const text = Array.from({ length: 5000 }, (_, k) => `  ${k}  ${(k * 0.1).toFixed(5)}`).join('\n') + '\n';
  const lines = text.split('\n').slice(0, -1);

  it('gunzips gzip (including multi-member) and inflates zlib by magic bytes, whatever the name', async () => {
    const gz = file('OUTCAR', gzipSync(text));
    expect(await detectCompression(gz)).toBe('gzip');
    const r = await collect(gz);
    expect(r.lines).toEqual(lines);
    expect(r.summary.compression).toBe('gzip');
    const half = text.indexOf('\n', text.length / 2) + 1;
    const multi = file('multi.gz', Buffer.concat([gzipSync(text.slice(0, half)), gzipSync(text.slice(half))]));
    expect((await collect(multi)).lines).toEqual(lines);
    const z = file('OUTCAR.z', deflateSync(text));
    const rz = await collect(z);
    expect(rz.summary.compression).toBe('zlib');
    expect(rz.lines).toEqual(lines);
  });

  it('reads what a truncated .gz holds and flags it', async () => {
    const gz = gzipSync(text);
    const cut = file('cut.gz', gz.subarray(0, Math.floor(gz.length * 0.6)));
    const r = await collect(cut);
    expect(r.summary.truncated).toBe(true);
    expect(r.warnings.join()).toMatch(/ends early/);
    expect(r.lines.length).toBeGreaterThan(1000);
    expect(r.lines.length).toBeLessThan(5000);
    // every complete line read is a line of the original
    for (let k = 0; k < r.lines.length - 1; k++) expect(r.lines[k]).toBe(lines[k]);
  });

  it('rejects corrupt gzip data with an InputError', async () => {
    const gz = Buffer.from(gzipSync(text));
    for (let k = 20; k < 60; k++) gz[k] ^= 0x5a;
    const err = await collect(file('corrupt.gz', gz)).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/corrupt gzip data/);
  });

  it.skipIf(!have('xz'))('pipes xz through xz -dc, including truncated files', async () => {
    const xz = spawnSync('xz', ['-c'], { input: text }).stdout;
    const p = file('OUTCAR.xz', xz);
    const r = await collect(p);
    expect(r.summary.compression).toBe('xz');
    expect(r.lines).toEqual(lines);
    const cut = await collect(file('cut.xz', xz.subarray(0, Math.floor(xz.length / 2))));
    expect(cut.summary.truncated).toBe(true);
    expect(cut.lines.length).toBeGreaterThan(0);
    expect(cut.lines[0]).toBe(lines[0]);
  });

  it.skipIf(!have('bzip2'))('pipes bzip2 through bzip2 -dc', async () => {
    const bz = spawnSync('bzip2', ['-c'], { input: text }).stdout;
    const r = await collect(file('OUTCAR.bz2', bz));
    expect(r.summary.compression).toBe('bzip2');
    expect(r.lines).toEqual(lines);
  });

  it('says clearly when the xz program is missing', async () => {
    const p = file('fake.xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3]));
    const err = await collect(p, { xzCommand: join(dir, 'no-such-xz') }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/xz-compressed but the `.*no-such-xz` program is not installed/);
    expect(err.file).toBe(p);
  });

  it.skipIf(!have('xz'))('an xz stream that is not xz data is an InputError', async () => {
    const p = file('bad.xz', Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(100, 7)]));
    const err = await collect(p).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
  });
});

describe('batch and callback interfaces', () => {
  it('lineBatches numbers batches consistently; forEachLine stops early', async () => {
    const text = Array.from({ length: 1000 }, (_, k) => `L${k + 1}`).join('\n');
    const p = file('batches.txt', text);
    let expectNext = 1;
    for await (const b of lineBatches(p, { chunkBytes: 100 })) {
      expect(b.firstLine).toBe(expectNext);
      b.lines.forEach((l, k) => expect(l).toBe(`L${b.firstLine + k}`));
      expectNext += b.lines.length;
    }
    expect(expectNext).toBe(1001);
    const seen: number[] = [];
    const s = await forEachLine(p, (_t, n) => {
      seen.push(n);
      return n < 10;
    });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(s.lines).toBe(10);
  });

  it.skipIf(!have('xz'))('stopping early ends the xz child process', async () => {
    const big = Array.from({ length: 200000 }, (_, k) => `line ${k}`).join('\n');
    const p = file('big.xz', spawnSync('xz', ['-c', '-0'], { input: big }).stdout);
    const s = await forEachLine(p, (_t, n) => n < 5);
    expect(s.lines).toBe(5);
  });
});

describe('textChunks', () => {
  it('yields whole lines only, whatever the read size', async () => {
    const text = Array.from({ length: 500 }, (_, k) => `row ${k} ${'#'.repeat(k % 37)}`).join('\n') + '\nlast';
    const p = file('chunks2.txt', text);
    for (const chunkBytes of [5, 64, 1000]) {
      const parts: string[] = [];
      for await (const c of textChunks(p, { chunkBytes })) parts.push(c);
      expect(parts.join('')).toBe(text);
      parts.slice(0, -1).forEach((c) => expect(c.endsWith('\n')).toBe(true));
      expect(parts.at(-1)).toBe('last');
    }
  });

  it('numbers a too-long line with the consumer’s count, and gives no line without one', async () => {
    const p = file('long3.txt', `a\nb\nc\n${'q'.repeat(4000)}\nd\n`);
    let seen = 0;
    const counted = async () => {
      for await (const c of textChunks(p, { maxLineBytes: 1000, chunkBytes: 4096, linesSoFar: () => seen })) seen += c.split('\n').length - 1;
    };
    const e1 = await counted().catch((e) => e);
    expect(e1).toBeInstanceOf(InputError);
    expect(e1.line).toBe(4);
    const e2 = await (async () => {
      for await (const _c of textChunks(p, { maxLineBytes: 1000, chunkBytes: 64 })) void _c;
    })().catch((e) => e);
    expect(e2).toBeInstanceOf(InputError);
    expect(e2.line).toBeUndefined();
    expect(e2.message).toMatch(/longer than 1000 bytes/);
  });
});
