import { describe, expect, it } from 'vitest';
import { CifLexer, Tok } from '../../src/io/cif/lexer.js';
import { CifBlock, INAPPLICABLE, UNKNOWN, parseCif, parseCifNumber } from '../../src/io/cif/parser.js';
import { InputError } from '../../src/core/errors.js';

function tokens(text: string): [Tok, string, number, number][] {
  const lx = new CifLexer(text, 't.cif');
  const out: [Tok, string, number, number][] = [];
  for (let t = lx.next(); t !== Tok.EOF; t = lx.next()) out.push([t, lx.text, lx.line, lx.column]);
  return out;
}

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('CIF lexer', () => {
  it('splits reserved words, tags and values with positions', () => {
    expect(tokens('DATA_x\n  _a 1\nLoop_\n_b\n2 # c\nsave_f\nsave_\n')).toEqual([
      [Tok.Data, 'x', 1, 1],
      [Tok.Tag, '_a', 2, 3],
      [Tok.Value, '1', 2, 6],
      [Tok.Loop, 'Loop_', 3, 1],
      [Tok.Tag, '_b', 4, 1],
      [Tok.Value, '2', 5, 1],
      [Tok.SaveBegin, 'f', 6, 1],
      [Tok.SaveEnd, '', 7, 1],
    ]);
  });

  it('closes a quote only when whitespace follows (CIF 1.1)', () => {
    const t = tokens("data_a _x 'Bour\\'ee, F.' _y 'it's' _z \"a\"b\" _w 'end'");
    expect(t.filter((x) => x[0] === Tok.Value).map((x) => x[1])).toEqual(["Bour\\'ee, F.", "it's", 'a"b', 'end']);
  });

  it('reads semicolon text fields, also with CRLF line ends, and keeps ; inside lines', () => {
    const t = tokens('data_a\r\n_t\r\n;line one\r\n  two; x\r\n;\r\n_u ;x\r\n');
    expect(t[2]).toEqual([Tok.Value, 'line one\n  two; x', 3, 1]);
    expect(t[3]).toEqual([Tok.Tag, '_u', 6, 1]);
    expect(t[4]).toEqual([Tok.Value, ';x', 6, 4]);
  });

  it('treats # inside a bare word as part of it, and as a comment after whitespace', () => {
    const t = tokens('data_a _x a#b #comment\n_y c');
    expect(t.map((x) => x[1])).toEqual(['a', '_x', 'a#b', '_y', 'c']);
  });

  it('reports unclosed quotes and text fields with line and column', () => {
    const e1 = errorOf(() => tokens("data_a\n_x  'abc\n_y 1"));
    expect([e1.file, e1.line, e1.column]).toEqual(['t.cif', 2, 5]);
    expect(e1.message).toMatch(/not closed/);
    const e2 = errorOf(() => tokens('data_a\n_x\n;abc\ndef\n'));
    expect([e2.line, e2.column]).toEqual([3, 1]);
    expect(e2.message).toMatch(/text field/);
  });

  it('CIF 2.0: triple quotes, first-match quotes, lists and tables', () => {
    const src = "#\\#CIF_2.0\ndata_a\n_x '''a 'q' \nb''' _y 'it' _l [1 'two' [3]] _t {'k':v 'n':[1 2]}\n";
    const t = tokens(src);
    expect(t[2]).toEqual([Tok.Value, "a 'q' \nb", 3, 4]);
    expect(t[4][1]).toBe('it');
    expect(t.slice(5).map((x) => x[0])).toEqual([
      Tok.Tag, Tok.ListOpen, Tok.Value, Tok.Value, Tok.ListOpen, Tok.Value, Tok.ListClose, Tok.ListClose,
      Tok.Tag, Tok.TableOpen, Tok.TableKey, Tok.Value, Tok.TableKey, Tok.ListOpen, Tok.Value, Tok.Value, Tok.ListClose, Tok.TableClose,
    ]);
  });
});

describe('CIF parser', () => {
  it('reads items, loops, ? and . and keeps quoted ? as text', () => {
    const doc = parseCif("data_one\n_a ?\n_b .\n_c '?'\nloop_\n_x _y\n1 2\n3 ?\n", 'f.cif');
    const b = doc.blocks[0];
    expect(b.value('_a')).toBe(UNKNOWN);
    expect(b.value('_b')).toBe(INAPPLICABLE);
    expect(b.value('_c')).toBe('?');
    const loop = b.loopOf('_Y')!;
    expect(loop.nrows).toBe(2);
    expect(CifBlock.column(loop, '_x')).toEqual(['1', '3']);
    expect(CifBlock.column(loop, '_y')).toEqual(['2', UNKNOWN]);
    expect(loop.rowLines).toEqual([7, 8]);
    expect(b.item('_x')!.line).toBe(6);
  });

  it('treats DDLm dotted tags as the underscore names', () => {
    const doc = parseCif('#\\#CIF_2.0\ndata_a\n_cell.length_a 5.1(2)\nloop_\n_space_group_symop.operation_xyz\nx,y,z -x,-y,-z\n');
    const b = doc.blocks[0];
    expect(doc.cif2).toBe(true);
    expect(b.text('_cell_length_a')).toBe('5.1(2)');
    expect(b.item('_space_group_symop_operation_xyz')!.values).toEqual(['x,y,z', '-x,-y,-z']);
  });

  it('reads several blocks and skips save frames and global_', () => {
    const doc = parseCif('global_ _g 1\ndata_a _x 1\nsave_frame _x 2 _y 3\nsave_\n_z 4\ndata_b _x 5\n');
    expect(doc.blocks.map((b) => b.name)).toEqual(['a', 'b']);
    expect(doc.blocks[0].text('_x')).toBe('1');
    expect(doc.blocks[0].item('_y')).toBeUndefined();
    expect(doc.blocks[0].text('_z')).toBe('4');
    expect(doc.blocks[1].text('_x')).toBe('5');
  });

  it('warns on a repeated tag and keeps the first value', () => {
    const b = parseCif('data_a\n_x 1\n_x 2\n').blocks[0];
    expect(b.text('_x')).toBe('1');
    expect(b.warnings[0]).toMatchObject({ line: 3 });
  });

  it('names the row of a loop with a missing value', () => {
    const e = errorOf(() => parseCif('data_a\nloop_\n_a\n_b\n_c\n1 2 3\n4 5\n6 7 8\n', 'x.cif'));
    expect(e.message).toBe('loop has 8 values for 3 tags (_a, _b, _c): the row at line 7 has 2 values');
    expect([e.file, e.line]).toEqual(['x.cif', 7]);
    const e2 = errorOf(() => parseCif('data_a\nloop_\n_a _b _c\n1 2 3 4 5 6 7\n'));
    expect(e2.message).toMatch(/^loop has 7 values for 3 tags/);
  });

  it('reports a tag without a value, a value without a tag and data before data_', () => {
    const e1 = errorOf(() => parseCif('data_a\n_x\n_y 1\n'));
    expect(e1.message).toMatch(/expected a value for _x/);
    expect(e1.line).toBe(3);
    const e2 = errorOf(() => parseCif('data_a\n_x 1 2\n'));
    expect(e2.message).toMatch(/expected a tag or loop_ before a value "2"/);
    expect([e2.line, e2.column]).toEqual([2, 6]);
    const e3 = errorOf(() => parseCif('_x 1\n'));
    expect(e3.message).toMatch(/data_/);
    expect(e3.line).toBe(1);
  });
});

describe('CIF numbers', () => {
  it('reads values with standard uncertainties and leading/trailing dots', () => {
    expect(parseCifNumber('0.2628(2)')).toEqual({ value: 0.2628, su: 0.0002 });
    expect(parseCifNumber('.975(1)')!.value).toBe(0.975);
    expect(parseCifNumber('.975(1)')!.su).toBeCloseTo(0.001, 12);
    expect(parseCifNumber('109.373(2)')!.su).toBeCloseTo(0.002, 12);
    expect(parseCifNumber('16.880(2)')).toMatchObject({ value: 16.88 });
    expect(parseCifNumber('1.')).toEqual({ value: 1 });
    expect(parseCifNumber('-1.')).toEqual({ value: -1 });
    expect(parseCifNumber('1.5e-3(2)')!.su).toBeCloseTo(0.0002, 12);
    expect(parseCifNumber('12(3)')).toEqual({ value: 12, su: 3 });
    for (const bad of ['293?', '.?', '.mistake', 'insert?', '', '1.2.3', 'x', '1e', '(2)']) expect(parseCifNumber(bad)).toBeNull();
    expect(parseCifNumber(UNKNOWN)).toBeNull();
  });
});
