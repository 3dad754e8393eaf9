/**
 * CIF in and out. `readCif(path)` reads every structure block of a file (gzip ok);
 * `parseCif(text)` gives the raw document; `writeCif(structure)` writes P1 or symmetrized CIF.
 */
import { InputError, type Warning } from '../../core/errors.js';
import { readText } from '../read-text.js';
import { parseCif } from './parser.js';
import { cifBlockToStructure, type CifReadOptions, type CifStructureBlock } from './to-structure.js';

export { CifLexer, Tok, isCif2 } from './lexer.js';
export {
  parseCif,
  parseCifNumber,
  cifNumberValue,
  cifKey,
  CifBlock,
  UNKNOWN,
  INAPPLICABLE,
  type CifDocument,
  type CifItem,
  type CifLoop,
  type CifValue,
  type CifTable,
  type CifNumber,
} from './parser.js';
export {
  cifBlockToStructure,
  OCCUPANCY_TOLERANCE,
  type CifStructureBlock,
  type CifReadOptions,
  type SymmetrySource,
} from './to-structure.js';
export { writeCif, type CifWriteOptions } from './writer.js';

export interface CifReadResult {
  file?: string;
  /** Structure blocks in file order (blocks without atom sites are left out). */
  blocks: CifStructureBlock[];
  /** Names of blocks that were skipped because they hold no atom sites. */
  skipped: string[];
}

/**
 * Read every structure block of CIF text. Throws InputError when a structure block is
 * unreadable, or when the text holds no structure at all.
 */
export function readCifString(text: string, file?: string, opts: CifReadOptions = {}): CifReadResult {
  const doc = parseCif(text, file);
  const blocks: CifStructureBlock[] = [];
  const skipped: string[] = [];
  for (const b of doc.blocks) {
    const r = cifBlockToStructure(b, file, opts);
    if (r) blocks.push(r);
    else skipped.push(b.name);
  }
  if (blocks.length === 0) {
    throw new InputError(
      doc.blocks.length === 0
        ? 'no data block (data_NAME) in the file'
        : `no structure in the file: none of its ${doc.blocks.length} data block(s) has atom sites (_atom_site_fract_x)`,
      { file, line: doc.blocks[0]?.line ?? 1, hint: 'is this a CIF of a crystal structure?' },
    );
  }
  return { file, blocks, skipped };
}

/** Read a CIF file (gzip-compressed or not). */
export function readCif(path: string, opts: CifReadOptions = {}): CifReadResult {
  return readCifString(readText(path), path, opts);
}

/** All warnings of a read, in block order. */
export function cifWarnings(r: CifReadResult): Warning[] {
  return r.blocks.flatMap((b) => b.warnings);
}
