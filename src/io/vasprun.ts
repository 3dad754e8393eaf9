/**
 * vasprun.xml reader: streaming (sax), gzip transparent, constant memory in the file size.
 *
 *   const run = await readVasprun('vasprun.xml.gz', { dos: true });
 *   run.finalEnergy      // eV, energy(σ→0) of the last complete ionic step
 *   run.steps[i]         // structure, forces (eV/Å), stress (kBar), energies (eV)
 *   run.complete         // false for a truncated file (then incompleteReason says where)
 *
 * Malformed XML is an InputError naming file, line and column; a file that simply stops
 * (a killed run) gives every complete ionic step it holds with `complete: false`.
 * DOCTYPE declarations are refused, so entity definitions ("billion laughs") never expand;
 * the text of any element that is read is capped (`maxTextLength`).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { constants as zc, createGunzip } from 'node:zlib';
import { InputError } from '../core/errors.js';
import { VasprunBuilder } from './vasprun-builder.js';
import type { VasprunOptions, VasprunResult } from './vasprun-types.js';

export type * from './vasprun-types.js';

/** Reads chunks of bytes, decodes them, stops at NUL padding, feeds the SAX builder. */
class Feeder {
  private decoder: StringDecoder | null = null;
  private latin1 = false;
  private nulSeen = false;
  private first = true;

  constructor(private readonly b: VasprunBuilder) {}

  bytes(buf: Buffer): void {
    if (this.first) {
      this.first = false;
      let start = 0;
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3; // UTF-8 BOM
      // The XML declaration names the encoding; VASP writes ISO-8859-1. Anything else: UTF-8.
      const head = buf.subarray(0, 200).toString('latin1');
      const m = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/.exec(head.slice(start));
      const enc = m ? m[1].toLowerCase() : 'utf-8';
      this.latin1 = start === 0 && /^(iso-8859-1|latin-?1|us-ascii|ascii)$/.test(enc);
      if (!this.latin1) this.decoder = new StringDecoder('utf8');
      if (start) buf = buf.subarray(start);
    }
    this.text(this.latin1 ? buf.toString('latin1') : this.decoder!.write(buf));
  }

  text(s: string): void {
    if (this.nulSeen) {
      // After NUL padding (a node died while writing) only more padding may follow.
      if (/[^\0\s]/.test(s)) {
        throw new InputError('NUL bytes in the middle of the file (the disk or the copy is damaged)', { file: this.b.file });
      }
      return;
    }
    const i = s.indexOf('\0');
    if (i >= 0) {
      this.nulSeen = true;
      this.b.write(s.slice(0, i));
      this.text(s.slice(i + 1));
      return;
    }
    this.b.write(s);
  }

  end(): VasprunResult {
    if (this.decoder) {
      const rest = this.decoder.end();
      if (rest) this.text(rest);
    }
    const r = this.b.finish();
    if (this.nulSeen && r.incompleteReason) r.incompleteReason += ' (the rest of the file is NUL bytes: the run was killed while writing)';
    return r;
  }
}

/** Parse vasprun.xml text already in memory (same reader as the streaming one). */
export function parseVasprunString(text: string, opts: VasprunOptions = {}, file = '<string>'): VasprunResult {
  const b = new VasprunBuilder(file, opts);
  const f = new Feeder(b);
  const CHUNK = 1 << 20;
  for (let i = 0; i < text.length; i += CHUNK) f.text(text.slice(i, i + CHUNK));
  return f.end();
}

/** Parse vasprun.xml bytes in memory (gzip not handled here; see readVasprun). */
export function parseVasprunBuffer(buf: Buffer, opts: VasprunOptions = {}, file = '<buffer>'): VasprunResult {
  const b = new VasprunBuilder(file, opts);
  const f = new Feeder(b);
  const CHUNK = 1 << 20;
  for (let i = 0; i < buf.length; i += CHUNK) f.bytes(buf.subarray(i, i + CHUNK));
  return f.end();
}

async function magic(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(6);
    const { bytesRead } = await fh.read(b, 0, 6, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Read a vasprun.xml (or vasprun.xml.gz, recognised by its magic bytes), streaming. */
export async function readVasprun(path: string, opts: VasprunOptions = {}): Promise<VasprunResult> {
  const head = await magic(path);
  const gz = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) {
    throw new InputError('xz-compressed; decompress it first (xz -d)', { file: path });
  }
  if (head.length >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') {
    throw new InputError('bzip2-compressed; decompress it first (bunzip2)', { file: path });
  }
  const raw = createReadStream(path, { highWaterMark: 1 << 18 });
  let src: Readable = raw;
  if (gz) {
    // Z_SYNC_FLUSH: a truncated .gz yields what it holds instead of an error.
    const gunzip = createGunzip({ finishFlush: zc.Z_SYNC_FLUSH });
    pipeline(raw, gunzip, () => {});
    src = gunzip;
  }
  const b = new VasprunBuilder(path, opts);
  const f = new Feeder(b);
  try {
    for await (const chunk of src) f.bytes(chunk as Buffer);
  } catch (e) {
    if (e instanceof InputError) throw e.inFile(path);
    const code = (e as NodeJS.ErrnoException).code;
    if (gz && typeof code === 'string' && code.startsWith('Z_')) {
      throw new InputError(`the gzip data is corrupt (${(e as Error).message})`, { file: path });
    }
    throw e;
  } finally {
    src.destroy();
    raw.destroy();
  }
  return f.end();
}
