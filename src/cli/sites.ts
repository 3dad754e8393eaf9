/** `ionpath sites FILE --ion Li`: occupied and interstitial sites of the mobile ion. */
import type { CommandModule } from 'yargs';
import { findSites, type IonSite, type SitesResult } from '../analysis/sites.js';
import { readStructure } from '../io/read-structure.js';
import { handler, parseNumberMap, printJson, println, roundDeep, warn } from './common.js';

export interface SitesArgs {
  file: string;
  ion: string;
  json?: boolean;
  block?: string;
  interstitials: boolean;
  relax: boolean;
  'min-anion'?: number;
  'min-cation'?: number;
  oxidation?: string;
  symprec: number;
}

export function siteJson(s: IonSite) {
  return {
    id: s.id,
    label: s.label,
    kind: s.kind,
    frac: s.frac,
    wyckoff: s.wyckoff,
    multiplicity: s.multiplicity,
    siteSymmetry: s.siteSymmetry,
    siteEnergy: s.siteEnergy,
    minDistance: s.minDistance,
    cn: s.cn,
    nearestAnion: s.nearestAnion,
    nearestCation: s.nearestCation,
    positions: s.positions,
  };
}

export function sitesJson(file: string, r: SitesResult) {
  return roundDeep({
    file,
    ion: r.ion,
    formula: r.model.structure.formula,
    spacegroup: r.spacegroup,
    oxidation: r.oxidation,
    thresholds: r.thresholds,
    candidates: r.candidates,
    sites: r.sites.map(siteJson),
  });
}

export function formatSites(r: SitesResult): string {
  const lines = [`${r.ion} sites in ${r.model.structure.formula} (${r.spacegroup.symbol}, No. ${r.spacegroup.number})`];
  lines.push(`  ${'site'.padEnd(8)} ${'kind'.padEnd(12)} ${'sym'.padEnd(7)} ${'x'.padStart(7)} ${'y'.padStart(7)} ${'z'.padStart(7)}  ${'E_BVSE'.padStart(7)}  CN  d(anion)  d(cation)`);
  for (const s of r.sites) {
    const an = s.nearestAnion ? `${s.nearestAnion.distance.toFixed(3)} ${s.nearestAnion.element}` : '-';
    const ca = s.nearestCation ? `${s.nearestCation.distance.toFixed(3)} ${s.nearestCation.element}` : '-';
    lines.push(
      `  ${s.label.padEnd(8)} ${s.kind.padEnd(12)} ${s.siteSymmetry.padEnd(7)} ${s.frac.map((x) => x.toFixed(4).padStart(7)).join(' ')}  ${s.siteEnergy.toFixed(3).padStart(7)}  ${String(s.cn).padStart(2)}  ${an.padEnd(8)}  ${ca}`,
    );
  }
  lines.push(`  E_BVSE: bond-valence site energy in eV above the lowest site (softBV parameters); distances in Å`);
  lines.push(`  ${r.candidates.voids} void centres examined; ${r.candidates.tooCloseToAnion} closer than ${r.thresholds.minAnionDistance} Å to an anion, ${r.candidates.tooCloseToCation} closer than ${r.thresholds.minCationDistance} Å to a cation`);
  return lines.join('\n');
}

export function sitesOptions(args: SitesArgs) {
  return {
    ion: args.ion,
    interstitials: args.interstitials,
    relax: args.relax,
    minAnionDistance: args['min-anion'],
    minCationDistance: args['min-cation'],
    oxidation: parseNumberMap(args.oxidation, '--oxidation'),
    symprec: args.symprec,
  };
}

export const sitesCommand: CommandModule<object, SitesArgs> = {
  command: 'sites <file>',
  describe: 'Sites of the mobile ion: occupied ones and interstitial candidates, Wyckoff-labelled, with bond-valence site energies',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'structure file (CIF, POSCAR, JSON) or builtin:NAME' })
      .option('ion', { type: 'string', default: 'Li', describe: 'mobile ion (Li, Na, K, Mg, Zn, Ca, Al, Ag, Cu)' })
      .option('json', { type: 'boolean' })
      .option('block', { type: 'string', describe: 'CIF data block' })
      .option('interstitials', { type: 'boolean', default: true, describe: 'look for interstitial sites (--no-interstitials: occupied only)' })
      .option('relax', { type: 'boolean', default: true, describe: 'move candidates to the bond-valence energy minimum' })
      .option('min-anion', { type: 'number', describe: 'smallest ion–anion distance of a site (Å; default 0.75 × sum of Shannon radii)' })
      .option('min-cation', { type: 'number', describe: 'smallest ion–framework-cation distance (Å; default sum of radii + 0.4)' })
      .option('oxidation', { type: 'string', describe: 'oxidation states, e.g. Li=1,Ni=2,Mn=4,O=-2 (default: from the file or charge balance)' })
      .option('symprec', { type: 'number', default: 0.01, describe: 'symmetry tolerance (Å)' })
      .example('ionpath sites LiMn2O4.cif --ion Li', 'Li on 8a, the empty 16c octahedra as interstitial sites')
      .example('ionpath sites host.cif --ion Li --json', 'Li sites in a Li-free host, as JSON'),
  handler: handler(async (args: SitesArgs) => {
    const r0 = readStructure(args.file, { block: args.block });
    for (const w of r0.warnings) warn(`${args.file}: ${w.message}`);
    const r = findSites(r0.structure, sitesOptions(args));
    if (args.json) printJson(sitesJson(args.file, r));
    else println(formatSites(r));
  }),
};
