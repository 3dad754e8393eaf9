/**
 * Streaming line reader for large text outputs (OUTCAR, vasprun.xml, XDATCAR …).
 *
 * - Compression is detected from the magic bytes, never from the file name: gzip
 *   (1f 8b), zlib (78 01/9c/da) are inflated with node:zlib; xz (fd 37 7a 58 5a 00) and
 *   bzip2 ("BZh") are piped through `xz -dc` / `bzip2 -dc` (a clear InputError when the
 *   program is not installed).
 * - Memory is bounded: the file is read in chunks (64 KiB by default) with backpressure;
 *   only the current chunk and one unfinished line are held. A line longer than
 *   `maxLineBytes` (1 MiB by default) is an InputError naming the file and line.
 * - Bytes are decoded as latin1 (one char per byte; never throws on binary garbage);
 *   a trailing "\r" is dropped, so CRLF files read like LF files.
 * - A compressed stream that ends early (a truncated .gz/.xz) yields every line it holds
 *   and reports `truncated: true` (plus a warning) instead of failing: truncated outputs
 *   parse to what they hold. Corrupt compressed data is an InputError.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { InputError } from '../core/errors.js';

export type Compression = 'none' | 'gzip' | 'zlib' | 'xz' | 'bzip2';

export interface TextLinesOptions {
  /** Longest accepted line in bytes (default 1 MiB). Longer → InputError. */
  maxLineBytes?: number;
  /** Read-chunk size in bytes (default 64 KiB). */
  chunkBytes?: number;
  /** Called for non-fatal problems (e.g. a truncated .gz). */
  onWarning?: (message: string) => void;
  /**
   * Drop NUL bytes (default true). Real OUTCARs of jobs killed on network filesystems hold
   * runs of NULs (a hole where the file was extended but never written); dropping them
   * keeps the text around the hole readable. A warning names the first line affected.
   */
  skipNul?: boolean;
  /** Program used for xz files (default `xz`); for tests. */
  xzCommand?: string;
  /** Program used for bzip2 files (default `bzip2`); for tests. */
  bzip2Command?: string;
}

/** Lines of one chunk: `lines[k]` is line number `firstLine + k` (1-based). */
export interface LineBatch {
  lines: string[];
  firstLine: number;
}

/** What a finished read saw. */
export interface ReadSummary {
  /** Number of lines read. */
  lines: number;
  /** Decompressed bytes read. */
  bytes: number;
  compression: Compression;
  /** True when a compressed stream ended before its end marker (file cut short). */
  truncated: boolean;
}

export const DEFAULT_MAX_LINE_BYTES = 1 << 20;
const DEFAULT_CHUNK = 1 << 16;

/** Compression of a file, from its first bytes. An empty file is 'none'. */
export async function detectCompression(path: string): Promise<Compression> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(6);
    const { bytesRead } = await fh.read(buf, 0, 6, 0);
    return compressionOfMagic(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** Compression from magic bytes (exported for tests). */
export function compressionOfMagic(b: Uint8Array): Compression {
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (b.length >= 6 && b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58 && b[4] === 0x5a && b[5] === 0x00) {
    return 'xz';
  }
  if (b.length >= 3 && b[0] === 0x42 && b[1] === 0x5a && b[2] === 0x68) return 'bzip2';
  // zlib: CMF 0x78 (deflate, 32K window) and a FLG byte that makes the header a multiple
  // of 31. Only the three common levels, so plain text starting with "x" is not mistaken.
  if (b.length >= 2 && b[0] === 0x78 && (b[1] === 0x01 || b[1] === 0x9c || b[1] === 0xda)) return 'zlib';
  return 'none';
}

interface ByteSource {
  stream: AsyncIterable<Buffer>;
  /** Resolves when the source finished; rejects with the reason it failed. */
  done: () => Promise<void>;
  /** Stop early (consumer broke out of the loop). */
  destroy: () => void;
}

function fileSource(path: string, chunkBytes: number): ByteSource {
  const s = createReadStream(path, { highWaterMark: chunkBytes });
  return { stream: s, done: async () => undefined, destroy: () => s.destroy() };
}

function zlibSource(path: string, kind: 'gzip' | 'zlib', chunkBytes: number): ByteSource {
  const file = createReadStream(path, { highWaterMark: chunkBytes });
  const z = kind === 'gzip' ? zlib.createGunzip({ chunkSize: 64 * 1024 }) : zlib.createInflate({ chunkSize: 64 * 1024 });
  file.on('error', (e) => z.destroy(e));
  file.pipe(z);
  return {
    stream: z,
    done: async () => undefined,
    destroy: () => {
      file.destroy();
      z.destroy();
    },
  };
}

function programSource(path: string, program: string, what: string): ByteSource {
  const child = spawn(program, ['-dc', '--', path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 4000) stderr += d;
  });
  const exit = new Promise<void>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') {
        reject(
          new InputError(`the file is ${what}-compressed but the \`${program}\` program is not installed`, {
            file: path,
            hint: `install ${what} (e.g. apt-get install ${what === 'xz' ? 'xz-utils' : 'bzip2'}) or decompress the file first`,
          }),
        );
      } else reject(e);
    });
    child.on('close', (code, signal) => {
      if (code === 0 || signal === 'SIGTERM') resolve();
      else reject(new ProgramFailed(stderr.trim() || `${program} exited with code ${code}`));
    });
  });
  // Keep an unhandled rejection from surfacing before done() is awaited.
  exit.catch(() => undefined);
  const stdout = child.stdout as Readable;
  return {
    stream: stdout,
    done: () => exit,
    destroy: () => {
      if (child.exitCode === null && !child.killed) child.kill('SIGTERM');
    },
  };
}

class ProgramFailed extends Error {}

function isTruncationMessage(msg: string): boolean {
  return /unexpected end of (file|input)|compressed data is truncated|file ends unexpectedly|Compressed file ends unexpectedly/i.test(msg);
}

function openSource(path: string, compression: Compression, opts: TextLinesOptions): ByteSource {
  const chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK;
  switch (compression) {
    case 'gzip':
    case 'zlib':
      return zlibSource(path, compression, chunkBytes);
    case 'xz':
      return programSource(path, opts.xzCommand ?? 'xz', 'xz');
    case 'bzip2':
      return programSource(path, opts.bzip2Command ?? 'bzip2', 'bzip2');
    default:
      return fileSource(path, chunkBytes);
  }
}

export interface TextChunksOptions extends TextLinesOptions {
  /**
   * How many lines the consumer has read so far (called when an error or warning needs a
   * line number). Without it, messages give no line.
   */
  linesSoFar?: () => number;
}

function countNewlines(s: string, end = s.length): number {
  let n = 0;
  for (let k = s.indexOf('\n'); k !== -1 && k < end; k = s.indexOf('\n', k + 1)) n++;
  return n;
}

/**
 * The file's text in chunks that hold whole lines only (each ends with "\n", except the
 * file's last line when it has none). The fastest way to scan a big file: the consumer
 * walks the lines of each chunk itself and slices only the lines it needs. Lines may end
 * in "\r" (CRLF files): the consumer strips it.
 * Returns (as the generator's return value) a ReadSummary.
 */
export async function* textChunks(path: string, opts: TextChunksOptions = {}): AsyncGenerator<string, ReadSummary, undefined> {
  const maxLine = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const compression = await detectCompression(path);
  const src = openSource(path, compression, opts);
  const base = () => (opts.linesSoFar ? opts.linesSoFar() : 0);

  let pending = '';
  let bytes = 0;
  let lines = 0;
  let truncated = false;
  const skipNul = opts.skipNul ?? true;
  let nulBytes = 0;
  let nulFirstLine = 0;
  const warn = (m: string) => opts.onWarning?.(m);
  const tooLong = (line: number, len: number) =>
    new InputError(`line ${line} is longer than ${maxLine} bytes (at least ${len}); this is not a text output file, or it is corrupt`, {
      file: path,
      line: opts.linesSoFar ? line : undefined,
      hint: 'check the file is the VASP output you meant (not binary data such as a WAVECAR)',
    });

  let finished = false;
  try {
    try {
      for await (const chunk of src.stream) {
        const buf = chunk as Buffer;
        bytes += buf.length;
        let text = buf.toString('latin1');
        if (skipNul && buf.indexOf(0) !== -1) {
          if (nulFirstLine === 0) {
            const at = buf.indexOf(0);
            let nls = 0;
            for (let k = buf.indexOf(10); k !== -1 && k < at; k = buf.indexOf(10, k + 1)) nls++;
            nulFirstLine = base() + 1 + nls;
          }
          const before = text.length;
          text = text.replace(/\0+/g, '');
          nulBytes += before - text.length;
        }
        const last = text.lastIndexOf('\n');
        if (last === -1) {
          if (pending.length + text.length > maxLine) throw tooLong(base() + 1, pending.length + text.length);
          pending += text;
          continue;
        }
        const firstNl = text.indexOf('\n');
        if (pending.length + firstNl > maxLine) throw tooLong(base() + 1, pending.length + firstNl);
        if (last - firstNl > maxLine) {
          // the chunk is bigger than a line may be: check every line in it
          for (let s0 = firstNl + 1, nl = text.indexOf('\n', s0); nl !== -1; s0 = nl + 1, nl = text.indexOf('\n', s0)) {
            if (nl - s0 > maxLine) throw tooLong(base() + 1 + countNewlines(text, s0), nl - s0);
          }
        }
        const out = pending ? pending + text.slice(0, last + 1) : last === text.length - 1 ? text : text.slice(0, last + 1);
        pending = last === text.length - 1 ? '' : text.slice(last + 1);
        if (pending.length > maxLine) throw tooLong(base() + 1 + countNewlines(out), pending.length);
        yield out;
      }
      await src.done();
    } catch (e) {
      if (e instanceof InputError) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      const code = (e as NodeJS.ErrnoException)?.code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') throw e;
      if (compression !== 'none' && (code === 'Z_BUF_ERROR' || isTruncationMessage(msg))) {
        truncated = true;
        warn(`${path}: the ${compression} stream ends early (file cut short) after ${bytes} decompressed bytes; reading what it holds`);
      } else if (compression !== 'none') {
        const line = base() + 1;
        throw new InputError(`corrupt ${compression} data after ${bytes} decompressed bytes: ${msg}`, {
          file: path,
          line: opts.linesSoFar ? line : undefined,
          hint: 'the compressed file is damaged; re-copy it from the cluster',
        });
      } else {
        throw e;
      }
    }
    if (nulBytes > 0) {
      warn(
        `${path}: skipped ${nulBytes} NUL bytes from line ${nulFirstLine} on (a hole in the file, typical of a job killed while writing on a network filesystem)`,
      );
    }
    if (pending) {
      const last = pending;
      pending = '';
      yield last;
    }
    lines = base();
    finished = true;
    return { lines, bytes, compression, truncated };
  } finally {
    if (!finished) src.destroy();
  }
}

/**
 * The file's text as batches of lines (one batch per chunk read); the consumer loops over
 * `batch.lines` synchronously. Returns (as the generator's return value) a ReadSummary.
 */
export async function* lineBatches(path: string, opts: TextLinesOptions = {}): AsyncGenerator<LineBatch, ReadSummary, undefined> {
  let lineNo = 0;
  const it = textChunks(path, { ...opts, linesSoFar: () => lineNo });
  try {
    for (;;) {
      const r = await it.next();
      if (r.done) return { ...r.value, lines: lineNo };
      const text = r.value;
      const lines: string[] = [];
      let start = 0;
      const n = text.length;
      while (start < n) {
        let nl = text.indexOf('\n', start);
        if (nl === -1) nl = n;
        lines.push(stripCR(text.slice(start, nl)));
        start = nl + 1;
      }
      const firstLine = lineNo + 1;
      lineNo += lines.length;
      yield { lines, firstLine };
    }
  } finally {
    await it.return({ lines: lineNo, bytes: 0, compression: 'none', truncated: false });
  }
}

function stripCR(s: string): string {
  return s.length > 0 && s.charCodeAt(s.length - 1) === 13 ? s.slice(0, -1) : s;
}

/** One line of text with its 1-based line number. */
export interface NumberedLine {
  text: string;
  line: number;
}

/** The file's lines one by one (convenient; `lineBatches` is faster for big files). */
export async function* textLines(path: string, opts: TextLinesOptions = {}): AsyncGenerator<NumberedLine, ReadSummary, undefined> {
  const it = lineBatches(path, opts);
  for (;;) {
    const r = await it.next();
    if (r.done) return r.value;
    const { lines, firstLine } = r.value;
    for (let k = 0; k < lines.length; k++) yield { text: lines[k], line: firstLine + k };
  }
}

/**
 * Call `fn(text, line)` for every line; return `false` from `fn` to stop early.
 * Resolves with what was read.
 */
export async function forEachLine(
  path: string,
  fn: (text: string, line: number) => boolean | void,
  opts: TextLinesOptions = {},
): Promise<ReadSummary> {
  const it = lineBatches(path, opts);
  for (;;) {
    const r = await it.next();
    if (r.done) return r.value;
    const { lines, firstLine } = r.value;
    for (let k = 0; k < lines.length; k++) {
      if (fn(lines[k], firstLine + k) === false) {
        const stopped: ReadSummary = { lines: firstLine + k, bytes: Number.NaN, compression: 'none', truncated: false };
        await it.return(stopped);
        return stopped;
      }
    }
  }
}
