/**
 * Read a whole (small) input file as text. Gzip is undone transparently: a file is
 * gunzipped when its first two bytes are the gzip magic (1f 8b), whatever its name, so
 * `POSCAR.gz`, `CONTCAR.gz` and a gzipped file without the suffix all work; a `.gz` file
 * that is not actually gzip-compressed is read as plain text. A UTF-8 byte-order mark is
 * dropped. A 0-byte file is an InputError naming it (unless `allowEmpty`).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../core/errors.js';

export interface ReadTextOptions {
  /** Return '' for a 0-byte file instead of throwing (the caller gives a better message). */
  allowEmpty?: boolean;
}

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decode file bytes to text: gunzip when gzip-compressed, UTF-8, BOM removed. */
export function decodeText(bytes: Uint8Array, file?: string): string {
  let raw: Uint8Array = bytes;
  if (isGzip(bytes)) {
    try {
      raw = gunzipSync(bytes);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new InputError(`cannot decompress gzip data: ${why}`, {
        file,
        hint: 'the .gz file is damaged or was cut off while copying; copy it again',
      });
    }
  }
  let text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text;
}

/** The whole file as text (gunzipped when compressed). */
export function readText(path: string, opts: ReadTextOptions = {}): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new InputError(`cannot read file: ${why}`, { file: path });
  }
  if (bytes.length === 0) {
    if (opts.allowEmpty) return '';
    throw new InputError('file is empty (0 bytes)', { file: path });
  }
  const text = decodeText(bytes, path);
  if (text.length === 0 && !opts.allowEmpty) {
    throw new InputError('file is empty (0 bytes after decompression)', { file: path });
  }
  return text;
}
