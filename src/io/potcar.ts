/**
 * Reading side of POTCAR: which pseudopotentials, in which order. Only the header keywords
 * are looked at (TITEL, VRHFIN); the licensed data itself is never copied anywhere.
 *
 * A POTCAR is the concatenation of one dataset per species, each ending with a line
 * "End of Dataset". In each dataset:
 *   VRHFIN =Li: 1s2s2p          element before the colon
 *   TITEL  = PAW_PBE Li_sv 10Sep2004     functional, POTCAR symbol, date
 * The POTCAR symbol is the second TITEL word ("Li_sv"); when TITEL is missing it is the
 * VRHFIN element. VASP 4 POSCARs without a species line take their species from here.
 */
import { InputError } from '../core/errors.js';
import { parseElementSymbol } from '../core/elements.js';
import { readText } from './read-text.js';

export interface PotcarEntry {
  /** POTCAR symbol as in TITEL, e.g. 'Li_sv', 'Fe_pv', 'O'. */
  symbol: string;
  /** Element symbol, e.g. 'Li'. */
  element: string;
  /** The whole TITEL value, e.g. 'PAW_PBE Li_sv 10Sep2004' ('' when absent). */
  titel: string;
  /** 1-based line of the TITEL (or VRHFIN) line the entry was read from. */
  line: number;
}

/** Entries of a POTCAR text, in file order. Throws InputError when none is found. */
export function parsePotcarEntries(text: string, file?: string): PotcarEntry[] {
  const lines = text.split(/\r?\n/);
  const out: PotcarEntry[] = [];
  let titel: { value: string; line: number } | null = null;
  let vrhfin: { value: string; line: number } | null = null;
  const flush = () => {
    if (!titel && !vrhfin) return;
    let symbol = '';
    let el: string | null = null;
    if (titel) {
      const words = titel.value.split(/\s+/).filter(Boolean);
      // 'PAW_PBE Li_sv 10Sep2004' / 'US Li' → second word; a bare 'Li_sv' → first word.
      symbol = words.length >= 2 ? words[1]! : (words[0] ?? '');
      el = symbol ? parseElementSymbol(symbol.split('/')[0]!.split('_')[0]!) : null;
    }
    if (!el && vrhfin) {
      const m = /^\s*([A-Za-z]+)/.exec(vrhfin.value);
      el = m ? parseElementSymbol(m[1]!) : null;
      if (!symbol && m) symbol = m[1]!;
    }
    const where = titel ?? vrhfin!;
    if (!el) {
      throw new InputError(`cannot tell the element of POTCAR dataset ${out.length + 1} from "${where.value.trim()}"`, {
        file,
        line: where.line,
      });
    }
    out.push({ symbol, element: el, titel: titel ? titel.value.trim() : '', line: where.line });
    titel = null;
    vrhfin = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const s = lines[i]!;
    let m = /^\s*TITEL\s*=\s*(.*)$/.exec(s);
    if (m) {
      if (titel) flush(); // a second TITEL without "End of Dataset" between: new dataset
      titel = { value: m[1]!, line: i + 1 };
      continue;
    }
    m = /^\s*VRHFIN\s*=\s*(.*)$/.exec(s);
    if (m) {
      if (vrhfin) flush();
      vrhfin = { value: m[1]!, line: i + 1 };
      continue;
    }
    if (/^\s*End of Dataset/i.test(s)) flush();
  }
  flush();
  if (out.length === 0) {
    throw new InputError('no TITEL or VRHFIN line found: this is not a POTCAR', { file, line: 1 });
  }
  return out;
}

/** POTCAR symbols ('Li_sv', 'Fe_pv', 'O') of a POTCAR file (gzip allowed), in order. */
export function readPotcarSymbols(path: string): string[] {
  return parsePotcarEntries(readText(path), path).map((e) => e.symbol);
}
