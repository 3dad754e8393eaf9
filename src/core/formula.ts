/**
 * Chemical formulas: parsing ("K3V5O14", "LiNi0.5Mn1.5O4", "(NH4)2(VO)(VPO7)", "CuSO4·5H2O")
 * into element amounts, and molar masses from the element table.
 */
import { InputError } from './errors.js';
import { element, isElementSymbol } from './elements.js';

/** Element → amount (per formula unit), in order of first appearance. */
export type Composition = Map<string, number>;

/** Parse a formula. Throws InputError naming the position of the first bad character. */
export function parseFormula(formula: string): Composition {
  const text = formula.trim();
  if (!text) throw new InputError('empty formula', { hint: 'give a formula like K3V5O14 or LiNi0.5Mn1.5O4' });
  let pos = 0;

  const number = (): number | null => {
    const m = /^\d+(?:\.\d+)?|^\.\d+/.exec(text.slice(pos));
    if (!m) return null;
    pos += m[0].length;
    return Number(m[0]);
  };

  const group = (close: string | null): Composition => {
    const comp: Composition = new Map();
    const add = (el: string, n: number) => comp.set(el, (comp.get(el) ?? 0) + n);
    while (pos < text.length) {
      const c = text[pos];
      if (close && c === close) {
        pos++;
        return comp;
      }
      if (c === '(' || c === '[') {
        pos++;
        const inner = group(c === '(' ? ')' : ']');
        const n = number() ?? 1;
        for (const [el, k] of inner) add(el, k * n);
        continue;
      }
      if (c === '·' || c === '*' || c === '.') {
        // hydrate separator: "CuSO4·5H2O"
        pos++;
        const n = number() ?? 1;
        const rest = group(close);
        for (const [el, k] of rest) add(el, k * n);
        return comp;
      }
      if (c === ' ') {
        pos++;
        continue;
      }
      const m = /^[A-Z][a-z]?/.exec(text.slice(pos));
      if (!m) throw new InputError(`formula "${formula}": unexpected "${c}" at position ${pos + 1}`, { hint: 'element symbols start with a capital letter, e.g. LiMn2O4' });
      let sym = m[0];
      if (!isElementSymbol(sym) && sym.length === 2 && isElementSymbol(sym[0])) sym = sym[0];
      if (!isElementSymbol(sym)) throw new InputError(`formula "${formula}": unknown element "${sym}" at position ${pos + 1}`);
      pos += sym.length;
      add(sym, number() ?? 1);
    }
    if (close) throw new InputError(`formula "${formula}": missing "${close}"`);
    return comp;
  };

  const comp = group(null);
  for (const [el, n] of comp) if (!(n > 0)) throw new InputError(`formula "${formula}": amount of ${el} must be positive`);
  return comp;
}

/** Molar mass in g/mol from the element table's standard atomic weights. */
export function molarMass(comp: Composition): number {
  let m = 0;
  for (const [el, n] of comp) m += element(el).mass * n;
  return m;
}
