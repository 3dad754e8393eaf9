/**
 * Bytes → text → the SAX builder, for vasprun.xml.
 *
 * - Decoding: ISO-8859-1 as VASP declares it (every byte one character, chunk-safe), else UTF-8.
 * - NUL padding (a node killed while writing) ends the data: a truncation, not an error;
 *   anything but padding after it is an error.
 * - Fast skip: the bulky blocks the reader does not keep (`<projected>`, and `<eigenvalues>`
 *   or the DOS unless asked for) are often 90 % of a file. Once the builder has opened such
 *   an element to skip it, the feeder jumps to its closing tag with indexOf instead of
 *   running the SAX state machine over every character, and advances the parser's line
 *   counter by the newlines it passed, so later line numbers stay right. The skipped bytes
 *   are not checked for well-formedness (they are not read).
 */
import { InputError } from '../core/errors.js';
import type { VasprunBuilder } from './vasprun-builder.js';
import type { VasprunResult } from './vasprun-types.js';

/** A partial tag held back at a chunk end is flushed through once it exceeds this. */
const MAX_HOLD = 1 << 16;

export class Feeder {
  private decoder: TextDecoder | null = null;
  private latin1 = false;
  private nulSeen = false;
  private first = true;
  /** Text held back: a tag cut by the chunk boundary, or the tail of a skipped block. */
  private pending = '';
  private readonly candidate: RegExp;

  constructor(private readonly b: VasprunBuilder) {
    const names = [...b.fastSkipNames].join('|');
    this.candidate = new RegExp(`<(?:${names})[\\s>/]`, 'g');
  }

  bytes(buf: Buffer): void {
    if (this.first) {
      this.first = false;
      let start = 0;
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3; // UTF-8 BOM
      // The XML declaration names the encoding; VASP writes ISO-8859-1. Anything else: UTF-8.
      const head = buf.subarray(start, 200).toString('latin1');
      const m = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/.exec(head);
      const enc = m ? m[1].toLowerCase() : 'utf-8';
      this.latin1 = start === 0 && /^(iso-8859-1|iso8859-1|latin-?1|us-ascii|ascii)$/.test(enc);
      if (!this.latin1) this.decoder = new TextDecoder('utf-8');
      if (start) buf = buf.subarray(start);
    }
    this.text(this.latin1 ? buf.toString('latin1') : this.decoder!.decode(buf, { stream: true }));
  }

  text(s: string): void {
    if (this.nulSeen) {
      // After NUL padding only more padding may follow.
      if (/[^\0\s]/.test(s)) {
        throw new InputError('NUL bytes in the middle of the file (the disk or the copy is damaged)', { file: this.b.file });
      }
      return;
    }
    const z = s.indexOf('\0');
    if (z >= 0) {
      this.feed(s.slice(0, z));
      this.flush();
      this.nulSeen = true;
      this.text(s.slice(z + 1));
      return;
    }
    this.feed(s);
  }

  /** Text to the parser, jumping over blocks the builder skips. */
  private feed(chunk: string): void {
    const s = this.pending + chunk;
    this.pending = '';
    let i = 0;
    while (i < s.length) {
      const skipping = this.b.fastSkip;
      if (skipping !== null) {
        const close = this.findClose(s, i, skipping);
        if (close < 0) {
          // Keep a tail that could be the start of the closing tag; pass the rest.
          const keep = Math.max(i, s.length - (skipping.length + 3));
          this.b.skipped(s, i, keep);
          this.pending = s.slice(keep);
          return;
        }
        this.b.skipped(s, i, close);
        i = close;
        // the closing tag itself goes through the parser, which ends the skip
        const gt = s.indexOf('>', i);
        if (gt < 0) {
          this.pending = s.slice(i);
          return;
        }
        this.b.write(s.slice(i, gt + 1));
        i = gt + 1;
        continue;
      }
      this.candidate.lastIndex = i;
      const m = this.candidate.exec(s);
      if (!m) {
        // Hold back a tag cut at the end of the chunk (it may be a candidate).
        const lt = s.lastIndexOf('<');
        if (lt >= i && s.indexOf('>', lt) < 0 && s.length - lt < MAX_HOLD) {
          this.b.write(s.slice(i, lt));
          this.pending = s.slice(lt);
        } else {
          this.b.write(i === 0 ? s : s.slice(i));
        }
        return;
      }
      const gt = s.indexOf('>', m.index);
      if (gt < 0) {
        this.b.write(s.slice(i, m.index));
        this.pending = s.slice(m.index);
        if (this.pending.length >= MAX_HOLD) this.flush();
        return;
      }
      // Up to and including the candidate's open tag: the builder decides whether to skip.
      this.b.write(s.slice(i, gt + 1));
      i = gt + 1;
    }
  }

  /** Index of `</name` followed by a blank or `>`, from `from`; -1 when not in `s`. */
  private findClose(s: string, from: number, name: string): number {
    const needle = '</' + name;
    let k = s.indexOf(needle, from);
    while (k >= 0) {
      const c = s.charCodeAt(k + needle.length);
      if (c === 62 || c === 32 || c === 9 || c === 10 || c === 13) return k;
      if (Number.isNaN(c)) return -1; // at the very end: maybe cut; wait for more
      k = s.indexOf(needle, k + 1);
    }
    return -1;
  }

  private flush(): void {
    if (this.pending) {
      const p = this.pending;
      this.pending = '';
      if (this.b.fastSkip !== null) this.b.skipped(p, 0, p.length);
      else this.b.write(p);
    }
  }

  end(): VasprunResult {
    if (this.decoder) {
      const rest = this.decoder.decode();
      if (rest) this.text(rest);
    }
    this.flush();
    const r = this.b.finish();
    if (this.nulSeen && r.incompleteReason) r.incompleteReason += ' (the rest of the file is NUL bytes: the run was killed while writing)';
    return r;
  }
}
