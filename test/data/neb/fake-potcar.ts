/**
 * Fake POTCAR libraries for tests (POTCARs are licensed and never shipped): each "POTCAR" is
 * a few header lines with the keywords the readers look at (TITEL, VRHFIN, End of Dataset)
 * and a marker line saying it is fake.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export function fakePotcarText(symbol: string, functional = 'PAW_PBE'): string {
  const el = symbol.split('_')[0];
  return [
    `  ${functional} ${symbol} 01Jan2000`,
    ' 1.00000000000000',
    ' parameters from PSCTR are:',
    `   VRHFIN =${el}: fake test dataset`,
    `   TITEL  = ${functional} ${symbol} 01Jan2000`,
    '   FAKE   = ionpath test data, not a real pseudopotential',
    ' End of Dataset',
    '',
  ].join('\n');
}

/**
 * Write a fake library under `root`: `<root>/PAW_PBE/<symbol>/POTCAR` (layout 'PAW_PBE') or
 * `<root>/<symbol>/POTCAR` ('flat'). `titel` overrides the TITEL symbol of given folders.
 */
export function makeFakePotcarLibrary(
  root: string,
  symbols: readonly string[],
  o: { layout?: 'PAW_PBE' | 'flat'; functional?: string; titel?: Record<string, string>; gzip?: readonly string[] } = {},
): string {
  for (const s of symbols) {
    const dir = o.layout === 'flat' ? join(root, s) : join(root, 'PAW_PBE', s);
    mkdirSync(dir, { recursive: true });
    const text = fakePotcarText(o.titel?.[s] ?? s, o.functional);
    if (o.gzip?.includes(s)) writeFileSync(join(dir, 'POTCAR.gz'), gzipSync(Buffer.from(text)));
    else writeFileSync(join(dir, 'POTCAR'), text);
  }
  return root;
}
