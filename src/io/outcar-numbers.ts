/**
 * Numbers as Fortran prints them in VASP output: "0.1E-02", "-.2E-01", "1.0D+00", fields
 * that run together when a value fills its width ("44-100.2139" is 44 and -100.2139), and
 * overflow stars ("********", read as NaN so the caller can flag it).
 */

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[EeDd][-+]?\d+)?$/;
const NUMBER_G = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[EeDd][-+]?\d+)?/g;

/** One Fortran number, or NaN for overflow stars; undefined when `s` is not a number. */
export function fortranNumber(s: string): number | undefined {
  if (NUMBER.test(s)) return Number(s.replace(/[Dd]/, 'E'));
  if (isStars(s)) return Number.NaN;
  return undefined;
}

function isStars(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 42) return false;
  return true;
}

/**
 * All numbers in `s` from character `start` on, whitespace-separated, splitting fields
 * that ran together. Returns null when some token is not a number (garbage).
 */
export function fortranNumbers(s: string, start = 0): number[] | null {
  const out: number[] = [];
  const n = s.length;
  let i = start;
  while (i < n) {
    let c = s.charCodeAt(i);
    while (c === 32 || c === 9) {
      i++;
      if (i >= n) return out;
      c = s.charCodeAt(i);
    }
    let j = i + 1;
    while (j < n) {
      const d = s.charCodeAt(j);
      if (d === 32 || d === 9) break;
      j++;
    }
    const tok = s.slice(i, j);
    if (!pushToken(tok, out)) return null;
    i = j;
  }
  return out;
}

function pushToken(tok: string, out: number[]): boolean {
  if (NUMBER.test(tok)) {
    out.push(Number(tok.replace(/[Dd]/, 'E')));
    return true;
  }
  if (isStars(tok)) {
    out.push(Number.NaN);
    return true;
  }
  // run-together fields: every character must belong to one of the numbers found
  NUMBER_G.lastIndex = 0;
  let covered = 0;
  const found: number[] = [];
  let m: RegExpExecArray | null;
  while ((m = NUMBER_G.exec(tok)) !== null) {
    if (m.index !== covered) return false;
    covered += m[0].length;
    found.push(Number(m[0].replace(/[Dd]/, 'E')));
  }
  if (covered !== tok.length || found.length === 0) return false;
  for (const v of found) out.push(v);
  return true;
}

/** The number after the first '=' in `s` (e.g. "free  energy   TOTEN  =   -10.83 eV"). */
export function numberAfterEquals(s: string, from = 0): number | undefined {
  const eq = s.indexOf('=', from);
  if (eq < 0) return undefined;
  let i = eq + 1;
  while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  let j = i;
  while (j < s.length && s.charCodeAt(j) !== 32 && s.charCodeAt(j) !== 9) j++;
  if (j === i) return undefined;
  return fortranNumber(s.slice(i, j));
}
