/**
 * CIF document model and parser (CIF 1.1 and CIF 2.0). Produces data blocks with their items
 * (tag → value or loop column, with line numbers) and loops. Save frames are parsed and
 * skipped; `global_` blocks are skipped.
 *
 * Tags are looked up by a canonical key: lower case, with DDLm dots turned into underscores,
 * so `_space_group_symop.operation_xyz` and `_Space_Group_Symop_Operation_xyz` are the same item.
 */
import { InputError, type Warning } from '../../core/errors.js';
import { CifLexer, Tok } from './lexer.js';

/** Unquoted `?`: the value is unknown. */
export const UNKNOWN: unique symbol = Symbol('cif ?');
/** Unquoted `.`: the item does not apply. */
export const INAPPLICABLE: unique symbol = Symbol('cif .');

/** A CIF value: a string, `?`, `.`, or (CIF 2.0) a list or a table. */
export type CifValue = string | typeof UNKNOWN | typeof INAPPLICABLE | CifValue[] | CifTable;
export type CifTable = Map<string, CifValue>;

/** An item: one value, or a loop column. */
export interface CifItem {
  /** The tag as written in the file. */
  readonly tag: string;
  /** One value for a single item; the whole column for a looped one. */
  readonly values: readonly CifValue[];
  /** Line of each value (for a looped item: the line where its row starts). */
  readonly lines: readonly number[];
  /** Line of the tag. */
  readonly line: number;
  readonly loop?: CifLoop;
}

export interface CifLoop {
  /** Canonical keys of the loop's tags, in order. */
  readonly keys: readonly string[];
  /** Tags as written. */
  readonly tags: readonly string[];
  /** Line of `loop_`. */
  readonly line: number;
  /** Column-major values: columns[k][row]. */
  readonly columns: readonly CifValue[][];
  /** Line where each row starts. */
  readonly rowLines: readonly number[];
  readonly nrows: number;
}

/** Canonical lookup key of a tag: lower case, DDLm '.' → '_'. */
export function cifKey(tag: string): string {
  let k = tag.toLowerCase();
  if (k.includes('.')) k = k.replace(/\./g, '_');
  return k;
}

export class CifBlock {
  readonly name: string;
  /** Line of the `data_` header. */
  readonly line: number;
  readonly items = new Map<string, CifItem>();
  readonly loops: CifLoop[] = [];
  readonly warnings: Warning[] = [];

  constructor(name: string, line: number) {
    this.name = name;
    this.line = line;
  }

  item(tag: string): CifItem | undefined {
    return this.items.get(cifKey(tag));
  }

  /** First value of an item (undefined when absent). */
  value(tag: string): CifValue | undefined {
    return this.items.get(cifKey(tag))?.values[0];
  }

  /** First value as a string; undefined when absent, `?` or `.` (lists/tables are not strings). */
  text(tag: string): string | undefined {
    const v = this.value(tag);
    return typeof v === 'string' ? v : undefined;
  }

  /** The first of several alternative tags that is present with a string value. */
  firstText(tags: readonly string[]): { tag: string; text: string; line: number } | undefined {
    for (const t of tags) {
      const it = this.items.get(cifKey(t));
      if (it && typeof it.values[0] === 'string') return { tag: it.tag, text: it.values[0], line: it.lines[0] };
    }
    return undefined;
  }

  /** The loop that holds a tag (undefined when the tag is absent or not looped). */
  loopOf(tag: string): CifLoop | undefined {
    return this.items.get(cifKey(tag))?.loop;
  }

  /** A loop's column by tag (undefined when the loop lacks it). */
  static column(loop: CifLoop, tag: string): CifValue[] | undefined {
    const i = loop.keys.indexOf(cifKey(tag));
    return i < 0 ? undefined : loop.columns[i];
  }
}

export interface CifDocument {
  readonly file?: string;
  readonly cif2: boolean;
  readonly blocks: CifBlock[];
}

function isValueStart(t: Tok): boolean {
  return t === Tok.Value || t === Tok.ListOpen || t === Tok.TableOpen;
}

const TOKEN_NAMES: Record<number, string> = {
  [Tok.EOF]: 'the end of the file',
  [Tok.Data]: 'a data_ block header',
  [Tok.SaveBegin]: 'a save_ frame header',
  [Tok.SaveEnd]: 'save_',
  [Tok.Loop]: 'loop_',
  [Tok.Global]: 'global_',
  [Tok.Stop]: 'stop_',
  [Tok.Tag]: 'a tag',
  [Tok.Value]: 'a value',
  [Tok.ListOpen]: '[',
  [Tok.ListClose]: ']',
  [Tok.TableOpen]: '{',
  [Tok.TableClose]: '}',
  [Tok.TableKey]: 'a table key',
};

function describe(lx: CifLexer): string {
  if (lx.type === Tok.Tag || lx.type === Tok.Value) return `${TOKEN_NAMES[lx.type]} "${lx.text.length > 40 ? lx.text.slice(0, 40) + '…' : lx.text}"`;
  return TOKEN_NAMES[lx.type];
}

/**
 * Parse CIF text into blocks. Throws InputError (file, line, column, what was expected) for
 * text that is not CIF: a value without a tag, a tag without a value, a loop whose values do
 * not fill its rows, unclosed quotes or text fields.
 */
export function parseCif(text: string, file?: string): CifDocument {
  const lx = new CifLexer(text, file);
  const blocks: CifBlock[] = [];
  let cur: CifBlock | null = null;
  /** Where items go while inside a save frame or global_ block (discarded). */
  let sink: CifBlock | null = null;
  let saveLine = 0;
  let tok = lx.next();

  const err = (message: string, line = lx.line, column = lx.column, hint?: string) =>
    new InputError(message, { file, line, column, hint });

  const target = (): CifBlock => {
    if (sink) return sink;
    if (!cur) throw err(`expected a data_ block header before ${describe(lx)}`);
    return cur;
  };

  /** Read one value starting at the current token; leaves the lexer on the next token. */
  const readValue = (): CifValue => {
    if (lx.type === Tok.Value) {
      const t = lx.text;
      let v: CifValue = t;
      if (!lx.quoted && t.length === 1) {
        if (t === '?') v = UNKNOWN;
        else if (t === '.') v = INAPPLICABLE;
      }
      tok = lx.next();
      return v;
    }
    if (lx.type === Tok.ListOpen) {
      const line = lx.line;
      const col = lx.column;
      const list: CifValue[] = [];
      tok = lx.next();
      while (tok !== Tok.ListClose) {
        if (!isValueStart(tok)) throw err(`expected a value or "]" to close the list opened at line ${line}, column ${col}, found ${describe(lx)}`);
        list.push(readValue());
      }
      tok = lx.next();
      return list;
    }
    if (lx.type === Tok.TableOpen) {
      const line = lx.line;
      const col = lx.column;
      const table: CifTable = new Map();
      tok = lx.next();
      while (tok !== Tok.TableClose) {
        if (tok !== Tok.TableKey) throw err(`expected a 'key': entry or "}" to close the table opened at line ${line}, column ${col}, found ${describe(lx)}`);
        const key = lx.text;
        tok = lx.next();
        if (!isValueStart(tok)) throw err(`expected a value for table key '${key}', found ${describe(lx)}`);
        table.set(key, readValue());
      }
      tok = lx.next();
      return table;
    }
    throw err(`expected a value, found ${describe(lx)}`);
  };

  const addItem = (block: CifBlock, item: CifItem) => {
    const key = cifKey(item.tag);
    const prev = block.items.get(key);
    if (prev) {
      block.warnings.push({
        message: `${item.tag} appears again (first at line ${prev.line}); the first value is used`,
        file,
        line: item.line,
      });
      return;
    }
    block.items.set(key, item);
  };

  while (tok !== Tok.EOF) {
    switch (tok) {
      case Tok.Data: {
        if (sink && saveLine) throw err(`save frame opened at line ${saveLine} is not closed by save_ before this data block`);
        sink = null;
        cur = new CifBlock(lx.text, lx.line);
        blocks.push(cur);
        tok = lx.next();
        break;
      }
      case Tok.Global: {
        if (saveLine) throw err(`save frame opened at line ${saveLine} is not closed by save_`);
        sink = new CifBlock('global_', lx.line);
        tok = lx.next();
        break;
      }
      case Tok.SaveBegin: {
        if (!cur && !sink) throw err('expected a data_ block header before the save frame');
        if (saveLine) throw err(`save frame opened at line ${saveLine} is not closed by save_ before this one`);
        saveLine = lx.line;
        sink = new CifBlock(lx.text, lx.line);
        tok = lx.next();
        break;
      }
      case Tok.SaveEnd: {
        if (!saveLine) throw err('save_ without a save frame to close');
        saveLine = 0;
        sink = null;
        tok = lx.next();
        break;
      }
      case Tok.Stop: {
        tok = lx.next();
        break;
      }
      case Tok.Tag: {
        const block = target();
        const tag = lx.text;
        const line = lx.line;
        const col = lx.column;
        tok = lx.next();
        if (!isValueStart(tok)) {
          throw err(`expected a value for ${tag} (line ${line}, column ${col}), found ${describe(lx)}`, lx.line, lx.column,
            'values with spaces must be quoted; a value may also be ? (unknown) or . (not applicable)');
        }
        const vline = lx.line;
        const value = readValue();
        addItem(block, { tag, values: [value], lines: [vline], line });
        break;
      }
      case Tok.Loop: {
        const block = target();
        const loopLine = lx.line;
        const loopCol = lx.column;
        const tags: string[] = [];
        const tagLines: number[] = [];
        tok = lx.next();
        while (tok === Tok.Tag) {
          tags.push(lx.text);
          tagLines.push(lx.line);
          tok = lx.next();
        }
        if (tags.length === 0) throw err(`expected tags after loop_ (line ${loopLine}), found ${describe(lx)}`);
        const k = tags.length;
        const columns: CifValue[][] = tags.map(() => []);
        const rowLines: number[] = [];
        const valueLines: number[] = [];
        let count = 0;
        while (isValueStart(tok)) {
          const line = lx.line;
          const col = count % k;
          if (col === 0) rowLines.push(line);
          valueLines.push(line);
          columns[col].push(readValue());
          count++;
        }
        if (count % k !== 0) throw loopCountError(tags, loopLine, loopCol, valueLines, count, file);
        const loop: CifLoop = {
          keys: tags.map(cifKey),
          tags,
          line: loopLine,
          columns,
          rowLines,
          nrows: count / k,
        };
        block.loops.push(loop);
        for (let i = 0; i < k; i++) addItem(block, { tag: tags[i], values: columns[i], lines: rowLines, line: tagLines[i], loop });
        break;
      }
      default:
        if (isValueStart(tok)) throw err(`expected a tag or loop_ before ${describe(lx)}`, lx.line, lx.column, 'values with spaces must be quoted');
        throw err(`unexpected ${describe(lx)}`);
    }
  }
  if (saveLine) throw err(`save frame opened at line ${saveLine} is not closed by save_`, saveLine, 1);
  return { file, cif2: lx.cif2, blocks };
}

/** The error for a loop whose values do not fill its rows, pointing at the first bad row when rows are one per line. */
function loopCountError(tags: string[], loopLine: number, loopCol: number, valueLines: number[], count: number, file?: string): InputError {
  const k = tags.length;
  const head = `loop has ${count} values for ${k} tags (${tags.slice(0, 3).join(', ')}${k > 3 ? ', …' : ''})`;
  const hint = `every row needs ${k} values; quote values that contain spaces, and use ? for an unknown value`;
  // If the first row sits on one line, assume one row per line and find the first line that differs.
  if (count >= k && valueLines[0] === valueLines[k - 1] && (count === k || valueLines[k] !== valueLines[k - 1])) {
    let i = 0;
    while (i < count) {
      const line = valueLines[i];
      let j = i;
      while (j < count && valueLines[j] === line) j++;
      if (j - i !== k) {
        return new InputError(`${head}: the row at line ${line} has ${j - i} values`, { file, line, hint });
      }
      i = j;
    }
  }
  return new InputError(head, { file, line: count > 0 ? valueLines[count - 1] : loopLine, column: count > 0 ? undefined : loopCol, hint });
}

/** A CIF number: its value and standard uncertainty (su, same units; undefined when not given). */
export interface CifNumber {
  value: number;
  su?: number;
}

const NUMBER_RE = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+))?(?:\((\d+)\))?$/;

/**
 * Parse a CIF numeric value: `0.2628(2)` → {value 0.2628, su 0.0002}; `.975(1)`, `1.`, `-1.5e-3`.
 * Returns null for `?`, `.`, lists, tables and anything that is not a number (`293?`, `.mistake`).
 */
export function parseCifNumber(v: CifValue | undefined): CifNumber | null {
  if (typeof v !== 'string') return null;
  const m = NUMBER_RE.exec(v);
  if (!m) return null;
  const value = Number(m[2] === undefined ? m[1] : `${m[1]}e${m[2]}`);
  if (!Number.isFinite(value)) return null;
  if (m[3] === undefined) return { value };
  const dot = m[1].indexOf('.');
  const decimals = dot < 0 ? 0 : m[1].length - dot - 1;
  const exp = m[2] === undefined ? 0 : Number(m[2]);
  return { value, su: Number(`${m[3]}e${exp - decimals}`) };
}

/** The number's value, or null (see parseCifNumber). */
export function cifNumberValue(v: CifValue | undefined): number | null {
  const n = parseCifNumber(v);
  return n ? n.value : null;
}
