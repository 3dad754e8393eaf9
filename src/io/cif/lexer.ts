/**
 * CIF tokenizer: a hand-written scanner over the whole text (one pass, charCodeAt, no regular
 * expression per character). Handles CIF 1.1 (reserved words, tags, unquoted/quoted values with
 * the "a quote closes only when followed by whitespace" rule, semicolon text fields, comments)
 * and CIF 2.0 (`#\#CIF_2.0` magic: triple-quoted strings, quotes that close at the first match,
 * list `[ ]` and table `{ }` delimiters, `'key':value` table entries).
 *
 * Lines and columns are 1-based. Errors are InputError with file, line and column.
 */
import { InputError } from '../../core/errors.js';

export enum Tok {
  EOF = 0,
  /** `data_NAME`; text = NAME. */
  Data,
  /** `save_NAME`; text = NAME. */
  SaveBegin,
  /** `save_` alone. */
  SaveEnd,
  Loop,
  Global,
  Stop,
  /** `_tag`; text = the tag as written. */
  Tag,
  /** A value; text = its content, `quoted` tells whether it was delimited. */
  Value,
  ListOpen,
  ListClose,
  TableOpen,
  TableClose,
  /** CIF 2.0 table key `'key':`; text = key. */
  TableKey,
}

const SP = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const HASH = 35;
const SQ = 39;
const DQ = 34;
const SEMI = 59;
const UNDERSCORE = 95;
const LBRACK = 91;
const RBRACK = 93;
const LBRACE = 123;
const RBRACE = 125;
const COLON = 58;

function isWs(c: number): boolean {
  return c === SP || c === TAB || c === LF || c === CR || c === 11 || c === 12;
}

/** True when the text starts with the CIF 2.0 magic code `#\#CIF_2.0`. */
export function isCif2(text: string): boolean {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  return text.startsWith('#\\#CIF_2.0', start);
}

/**
 * Pull-style lexer: call next() until it returns Tok.EOF. After each call, `text`, `quoted`,
 * `line` and `column` describe the token.
 */
export class CifLexer {
  readonly src: string;
  readonly file: string | undefined;
  readonly cif2: boolean;
  private pos: number;
  private lineNo = 1;
  private lineStart = 0;

  type: Tok = Tok.EOF;
  text = '';
  /** The value was quoted or a text field (so `?` and `.` are literal strings). */
  quoted = false;
  line = 1;
  column = 1;

  constructor(src: string, file?: string) {
    this.src = src;
    this.file = file;
    this.cif2 = isCif2(src);
    this.pos = src.charCodeAt(0) === 0xfeff ? 1 : 0;
    if (this.pos === 1) this.lineStart = 1;
  }

  private error(message: string, line = this.line, column = this.column): InputError {
    return new InputError(message, { file: this.file, line, column });
  }

  /** Consume a line break at pos (\n, \r\n or \r); returns true when there was one. */
  private newline(c: number): boolean {
    if (c === LF) {
      this.pos++;
    } else if (c === CR) {
      this.pos++;
      if (this.src.charCodeAt(this.pos) === LF) this.pos++;
    } else return false;
    this.lineNo++;
    this.lineStart = this.pos;
    return true;
  }

  /** Skip whitespace and comments. */
  private skipBlank(): void {
    const s = this.src;
    const n = s.length;
    while (this.pos < n) {
      const c = s.charCodeAt(this.pos);
      if (c === LF || c === CR) {
        this.newline(c);
      } else if (c === SP || c === TAB || c === 11 || c === 12) {
        this.pos++;
      } else if (c === HASH) {
        while (this.pos < n) {
          const d = s.charCodeAt(this.pos);
          if (d === LF || d === CR) break;
          this.pos++;
        }
      } else return;
    }
  }

  next(): Tok {
    this.skipBlank();
    const s = this.src;
    const n = s.length;
    this.line = this.lineNo;
    this.column = this.pos - this.lineStart + 1;
    this.quoted = false;
    if (this.pos >= n) {
      this.text = '';
      return (this.type = Tok.EOF);
    }
    const c = s.charCodeAt(this.pos);
    if (c === SEMI && this.pos === this.lineStart) return this.textField();
    if (c === SQ || c === DQ) return this.quotedString(c);
    if (this.cif2) {
      if (c === LBRACK) return this.punct(Tok.ListOpen);
      if (c === RBRACK) return this.punct(Tok.ListClose);
      if (c === LBRACE) return this.punct(Tok.TableOpen);
      if (c === RBRACE) return this.punct(Tok.TableClose);
    }
    // A bare word: runs to whitespace (CIF 2.0: also to a bracket or brace).
    const start = this.pos;
    let i = this.pos + 1;
    if (this.cif2) {
      while (i < n) {
        const d = s.charCodeAt(i);
        if (isWs(d) || d === LBRACK || d === RBRACK || d === LBRACE || d === RBRACE) break;
        i++;
      }
    } else {
      while (i < n && !isWs(s.charCodeAt(i))) i++;
    }
    this.pos = i;
    const word = s.slice(start, i);
    this.text = word;
    if (c === UNDERSCORE) return (this.type = Tok.Tag);
    // Reserved words are case-insensitive; check cheaply by first letter.
    const c0 = c | 0x20;
    if ((c0 === 0x64 || c0 === 0x6c || c0 === 0x73 || c0 === 0x67) && word.length >= 5) {
      const lower = word.slice(0, 7).toLowerCase();
      if (lower.startsWith('data_')) {
        this.text = word.slice(5);
        if (this.text === '') throw this.error('data block header "data_" needs a name');
        return (this.type = Tok.Data);
      }
      if (lower === 'loop_' && word.length === 5) return (this.type = Tok.Loop);
      if (lower.startsWith('save_')) {
        this.text = word.slice(5);
        return (this.type = this.text === '' ? Tok.SaveEnd : Tok.SaveBegin);
      }
      if (lower === 'global_' && word.length === 7) return (this.type = Tok.Global);
      if (lower === 'stop_' && word.length === 5) return (this.type = Tok.Stop);
    }
    return (this.type = Tok.Value);
  }

  private punct(t: Tok): Tok {
    this.text = this.src[this.pos];
    this.pos++;
    return (this.type = t);
  }

  /** `;` at the start of a line up to the next line starting with `;`. */
  private textField(): Tok {
    const s = this.src;
    const n = s.length;
    const startLine = this.line;
    const startCol = this.column;
    let i = this.pos + 1;
    const contentStart = i;
    // Find "\n;" or "\r;" (the closing semicolon must open a line).
    for (;;) {
      let j = i;
      while (j < n) {
        const d = s.charCodeAt(j);
        if (d === LF || d === CR) break;
        j++;
      }
      if (j >= n) throw this.error('text field (opened by ";" at the start of a line) is not closed by a line starting with ";"', startLine, startCol);
      // j at a line break; count it.
      let k = j + 1;
      if (s.charCodeAt(j) === CR && s.charCodeAt(k) === LF) k++;
      this.lineNo++;
      this.lineStart = k;
      if (s.charCodeAt(k) === SEMI) {
        let content = s.slice(contentStart, j);
        if (content.includes('\r')) content = content.replace(/\r\n?/g, '\n');
        this.text = content;
        this.pos = k + 1;
        this.quoted = true;
        return (this.type = Tok.Value);
      }
      i = k;
    }
  }

  private quotedString(q: number): Tok {
    const s = this.src;
    const n = s.length;
    const start = this.pos;
    if (this.cif2 && s.charCodeAt(start + 1) === q && s.charCodeAt(start + 2) === q) return this.tripleQuoted(q);
    let i = start + 1;
    for (;;) {
      if (i >= n) throw this.error(`quoted string opened by ${String.fromCharCode(q)} is not closed before the end of the file`);
      const d = s.charCodeAt(i);
      if (d === LF || d === CR) throw this.error(`quoted string opened by ${String.fromCharCode(q)} is not closed on its line`);
      if (d === q) {
        const after = i + 1 < n ? s.charCodeAt(i + 1) : SP;
        if (this.cif2) {
          // CIF 2.0: the first matching quote closes; a table key is followed by ':'.
          this.text = s.slice(start + 1, i);
          this.quoted = true;
          this.pos = i + 1;
          if (after === COLON) {
            this.pos++;
            return (this.type = Tok.TableKey);
          }
          if (!(isWs(after) || after === RBRACK || after === RBRACE || after === LBRACK || after === LBRACE)) {
            throw this.error('expected whitespace after the closing quote', this.lineNo, i + 2 - this.lineStart);
          }
          return (this.type = Tok.Value);
        }
        if (isWs(after)) {
          this.text = s.slice(start + 1, i);
          this.quoted = true;
          this.pos = i + 1;
          return (this.type = Tok.Value);
        }
      }
      i++;
    }
  }

  private tripleQuoted(q: number): Tok {
    const s = this.src;
    const n = s.length;
    const startLine = this.line;
    const startCol = this.column;
    let i = this.pos + 3;
    const contentStart = i;
    while (i < n) {
      const d = s.charCodeAt(i);
      if (d === q && s.charCodeAt(i + 1) === q && s.charCodeAt(i + 2) === q) {
        this.text = s.slice(contentStart, i);
        this.quoted = true;
        this.pos = i + 3;
        return (this.type = Tok.Value);
      }
      if (d === LF || d === CR) {
        this.pos = i;
        this.newline(d);
        i = this.pos;
      } else i++;
    }
    throw this.error('triple-quoted string is not closed before the end of the file', startLine, startCol);
  }
}
