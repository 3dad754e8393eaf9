/** `ionpath paths FILE --ion Li`: hops between sites, bottlenecks, BVSE barriers, percolation. */
import type { CommandModule } from 'yargs';
import { SingleBar } from 'cli-progress';
import { findSites } from '../analysis/sites.js';
import { findHops, namedPath, type PathsResult } from '../analysis/paths.js';
import { gridShape } from '../analysis/bvse.js';
import { bvseGridParallel } from '../analysis/bvse-parallel.js';
import { gridPercolation, type PercolationEnergies } from '../analysis/grid-percolation.js';
import { readStructure } from '../io/read-structure.js';
import { handler, printJson, println, roundDeep, showProgress, warn } from './common.js';
import { siteJson, sitesOptions, type SitesArgs } from './sites.js';

interface PathsArgs extends SitesArgs {
  'max-hop': number;
  'max-peak': number;
  sites?: string;
  path?: string[];
  resolution: number;
  grid: boolean;
  workers?: number;
}

export function formatPaths(p: PathsResult, grid: PercolationEnergies | null): string {
  const lines: string[] = [];
  lines.push(`  ${'hop'.padEnd(5)} ${'from → to'.padEnd(18)} ${'length'.padStart(7)} ${'mult'.padStart(5)} ${'window'.padStart(7)} ${'E_b'.padStart(7)} ${'E_b rev'.padStart(7)} ${'peak'.padStart(7)}  window atoms`);
  for (const h of p.hops) {
    const atoms = h.bottleneckAtoms.slice(0, 4).map((a) => `${a.element}${a.siteIndex}`).join(' ');
    lines.push(
      `  ${h.id.padEnd(5)} ${`${h.from} → ${h.to}`.padEnd(18)} ${h.length.toFixed(3).padStart(7)} ${String(h.multiplicity).padStart(5)} ${h.bottleneckRadius.toFixed(3).padStart(7)} ${h.barrierEstimate.toFixed(3).padStart(7)} ${h.reverseBarrier.toFixed(3).padStart(7)} ${h.peakEnergy.toFixed(3).padStart(7)}  ${atoms}`,
    );
  }
  lines.push('  length, window (bottleneck radius: distance to the framework minus its ionic radius) in Å; E_b (BVSE barrier), peak (BVSE above the lowest site) in eV');
  if (p.droppedAboveCap) lines.push(`  ${p.droppedAboveCap} hop classes with peak BVSE above ${p.maxPeakEnergy} eV left out (--max-peak)`);
  lines.push('  hop network percolation (hops added by peak energy):');
  let last = -1;
  p.percolation.forEach((s, k) => {
    const next = p.percolation[k + 1];
    if (next && next.threshold === s.threshold) return; // report a threshold once, with all its hops
    if (s.dimensionality === last) return;
    last = s.dimensionality;
    lines.push(`    ≤ ${s.threshold.toFixed(3)} eV: ${s.dimensionality}D  (${s.hopIds.join(', ')})`);
  });
  if (grid) {
    const f = (x: number | null) => (x === null ? 'none' : `${x.toFixed(3)} eV`);
    lines.push(`  BVSE landscape percolation energies: 1D ${f(grid.e1D)}, 2D ${f(grid.e2D)}, 3D ${f(grid.e3D)}`);
  }
  return lines.join('\n');
}

export const pathsCommand: CommandModule<object, PathsArgs> = {
  command: 'paths <file>',
  describe: 'Migration hops of the mobile ion: symmetry-distinct classes, bottlenecks, BVSE barriers, 1D/2D/3D percolation',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'structure file (CIF, POSCAR, JSON) or builtin:NAME' })
      .option('ion', { type: 'string', default: 'Li' })
      .option('json', { type: 'boolean' })
      .option('block', { type: 'string' })
      .option('interstitials', { type: 'boolean', default: true })
      .option('relax', { type: 'boolean', default: true })
      .option('min-anion', { type: 'number' })
      .option('min-cation', { type: 'number' })
      .option('oxidation', { type: 'string' })
      .option('symprec', { type: 'number', default: 0.01 })
      .option('max-hop', { type: 'number', default: 4.5, describe: 'longest hop (Å)' })
      .option('max-peak', { type: 'number', default: 5, describe: 'leave out hops whose BVSE peak is higher (eV above the lowest site)' })
      .option('sites', { type: 'string', describe: 'only hops between these sites, e.g. 8a,16c' })
      .option('path', { type: 'string', array: true, describe: 'a named chain of sites, e.g. "8a>16c>8a" (repeatable)' })
      .option('resolution', { type: 'number', default: 0.2, describe: 'BVSE grid spacing (Å) for the percolation energies' })
      .option('grid', { type: 'boolean', default: true, describe: 'compute the BVSE landscape percolation energies (--no-grid to skip)' })
      .option('workers', { type: 'number', describe: 'worker threads for the BVSE grid (default: all cores)' })
      .example('ionpath paths LiMn2O4.cif --ion Li', '8a→16c hops, 3D percolation')
      .example('ionpath paths host.cif --path "1a>3c(1)>3c(2)"', 'the barrier estimate of a chain of sites')
      .example('ionpath paths big.cif --no-grid --json', 'hops only, as JSON'),
  handler: handler(async (args: PathsArgs) => {
    const r0 = readStructure(args.file, { block: args.block });
    for (const w of r0.warnings) warn(`${args.file}: ${w.message}`);
    const s = r0.structure;
    const sites = findSites(s, sitesOptions(args));
    const p = findHops(s, sites, {
      maxHop: args['max-hop'],
      maxPeakEnergy: args['max-peak'],
      siteLabels: args.sites ? args.sites.split(',').map((x) => x.trim()) : undefined,
      symprec: args.symprec,
    });
    const named = (args.path ?? []).map((spec) => namedPath(spec, p.hops, sites.sites));
    let grid: PercolationEnergies | null = null;
    let shape: [number, number, number] | null = null;
    if (args.grid) {
      shape = gridShape(s, args.resolution);
      const bar = showProgress() ? new SingleBar({ format: 'BVSE grid |{bar}| {percentage}% {eta}s', stream: process.stderr }) : null;
      bar?.start(shape[0], 0);
      const g = await bvseGridParallel(sites.model, { resolutionÅ: args.resolution, workers: args.workers, onProgress: (d) => bar?.update(d) });
      bar?.stop();
      grid = gridPercolation(g.energies, shape);
    }
    if (args.json) {
      printJson(
        roundDeep({
          file: args.file,
          ion: sites.ion,
          formula: s.formula,
          spacegroup: sites.spacegroup,
          sites: sites.sites.map(siteJson),
          hops: p.hops,
          droppedAboveCap: p.droppedAboveCap,
          percolation: p.percolation.map((x) => ({ threshold: x.threshold, dimensionality: x.dimensionality, hopIds: x.hopIds })),
          percolationByLength: p.percolationByLength,
          bvsePercolation: grid ? { ...grid, grid: shape, resolution: args.resolution } : null,
          paths: named,
        }),
      );
      return;
    }
    println(`${sites.ion} hops in ${s.formula} (${sites.spacegroup.symbol}), sites: ${sites.sites.map((x) => `${x.label}${x.kind === 'interstitial' ? '*' : ''}`).join(', ')}  (* interstitial)`);
    println(formatPaths(p, grid));
    for (const n of named) {
      println(`  path ${n.path}: ${n.steps.map((st) => `${st.from}→${st.to} (${st.hop}, ${st.length.toFixed(3)} Å)`).join(', ')}; BVSE barrier ${n.barrierEstimate.toFixed(3)} eV`);
    }
  }),
};
