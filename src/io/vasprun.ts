/**
 * vasprun.xml reader: streaming (sax), gzip transparent. The document is never held in
 * memory: only small sub-trees are built, and what is kept is the result (every ionic step
 * by default; with `keepSteps: false` + `onStep` memory stays flat however big the file).
 * Strings and buffers in memory go through the same reader (parseVasprunString/Buffer):
 * xml2js would give a second code path with different answers on odd files, and no gain.
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
import { constants as zc, createGunzip } from 'node:zlib';
import { InputError } from '../core/errors.js';
import { VasprunBuilder } from './vasprun-builder.js';
import { Feeder } from './vasprun-feeder.js';
import type { VasprunOptions, VasprunResult } from './vasprun-types.js';

export type * from './vasprun-types.js';

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
