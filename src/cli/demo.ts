/**
 * `ionpath demo [-o DIR]`: the whole path on the built-in LiNi0.5Mn1.5O4 spinel, no input
 * files needed — order the 16d site, find Li sites and hops (8a→16c→8a), write the NEB deck
 * for the lowest hop with its endpoint relaxations, measure the polyhedra, simulate the XRD
 * pattern, write the viewer page — each step summarised with where its files are.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yargs from 'yargs';
import type { CommandModule } from 'yargs';
import { buildBuiltin } from '../build/builtins.js';
import { enumerateOrderings } from '../analysis/ordering.js';
import { findSites } from '../analysis/sites.js';
import { findHops, namedPath } from '../analysis/paths.js';
import { bvseGridParallel } from '../analysis/bvse-parallel.js';
import { gridPercolation } from '../analysis/grid-percolation.js';
import { polyhedra } from '../analysis/polyhedra.js';
import { computeXrd, findPeak } from '../analysis/xrd.js';
import { xrdSvg } from "../analysis/xrd-svg.js";
import { InputError } from '../core/errors.js';
import type { Structure } from '../core/structure.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { writeCif } from '../io/cif/index.js';
import { writePoscar } from '../io/poscar.js';
import { analyzeStructure } from '../symmetry/analyze.js';
import { writeSelfContainedPage } from '../scene/html-page.js';
import { ionSceneData } from '../scene/scene-sources.js';
import { handler, printJson, println, roundDeep } from './common.js';
import { nebCommand, runNeb, type NebResultSummary } from './neb.js';
import { sceneForStructure } from './view.js';
import './hop-resolver.js';

interface DemoArgs {
  output: string;
  force?: boolean;
  json?: boolean;
  images: number;
}

interface Step {
  step: string;
  summary: string[];
  files: string[];
}

const fmt = (x: number, d = 3) => x.toFixed(d);

/** Parse `ionpath neb …` arguments with the command's own defaults (no handler runs). */
async function nebArgs(argv: string[]) {
  let captured: unknown = null;
  await yargs(argv)
    .command({ ...nebCommand, handler: (a: unknown) => void (captured = a) })
    .strict()
    .parseAsync();
  return captured as Parameters<typeof runNeb>[0];
}

export async function runDemo(args: DemoArgs): Promise<{ dir: string; steps: Step[] }> {
  const dir = resolve(args.output);
  if (existsSync(dir) && readdirSync(dir).length > 0 && !args.force) {
    throw new InputError('exists and is not empty; not writing the demo into it', { file: dir, hint: 'pick another folder with -o, or pass --force' });
  }
  mkdirSync(dir, { recursive: true });
  const steps: Step[] = [];
  const rel = (p: string) => p.slice(dir.length + 1);
  const say = (s: Step) => {
    steps.push(s);
    if (!args.json) {
      println(`\n${s.step}`);
      for (const l of s.summary) println(`  ${l}`);
      if (s.files.length) println(`  → ${s.files.map((f) => `${args.output}/${f}`).join(', ')}`);
    }
  };

  // 1. The structure.
  const fd3m = buildBuiltin('lnmo-fd3m').structure;
  const sym = analyzeStructure(fd3m);
  const f1 = join(dir, '1-lnmo-fd3m.cif');
  writeFileAtomic(f1, writeCif(fd3m, { symmetrized: true }));
  say({
    step: '1. Structure: LiNi0.5Mn1.5O4, disordered spinel (built in: ionpath build lnmo-fd3m)',
    summary: [
      `${fd3m.formula}, ${sym.symbol} (No. ${sym.number}), a = ${fmt(fd3m.lattice.parameters.a, 4)} Å; 16d = Ni0.25Mn0.75`,
      `sites: ${[...new Set(sym.sites.map((s, i) => `${fd3m.sites[i].species.map((x) => x.element).join('/')} ${s.wyckoffLabel}`))].join(', ')}`,
    ],
    files: [rel(f1)],
  });

  // 2. Ordering of the 16d site.
  const ord = enumerateOrderings(fd3m, { supercell: [1, 1, 1], oxidation: { Li: 1, Ni: 2, Mn: 4, O: -2 }, keep: 25 });
  const d2 = join(dir, '2-orderings');
  mkdirSync(d2, { recursive: true });
  const p4332 = ord.orderings.find((o) => o.spacegroup?.number === 212 || o.spacegroup?.number === 213);
  const files2: string[] = [];
  for (const o of ord.orderings.slice(0, 3)) {
    const f = join(d2, `rank${o.rank}-${(o.spacegroup?.symbol ?? 'P1').replace(/[/ ]/g, '')}.vasp`);
    writeFileAtomic(f, writePoscar(o.structure, { comment: `ionpath demo ordering rank ${o.rank}, E = ${o.energy.toFixed(6)} eV` }));
    files2.push(rel(f));
  }
  if (!p4332) throw new Error('internal: the ordered P4_332 spinel is missing from the orderings');
  const fP = join(d2, 'lnmo-p4332.vasp');
  writeFileAtomic(fP, writePoscar(p4332.structure, { comment: `ionpath demo: ordered LiNi0.5Mn1.5O4, ${p4332.spacegroup?.symbol}` }));
  files2.push(rel(fP));
  say({
    step: '2. Ordering the 16d site (ionpath order, Ewald-ranked)',
    summary: [
      `${ord.totalConfigurations} ways to put 4 Ni on 16 sites → ${ord.distinct} symmetry-distinct orderings (${ord.groupOrder} operations)`,
      `lowest: ${ord.orderings.slice(0, 3).map((o) => `${o.spacegroup?.symbol ?? '?'} (+${fmt(o.relativeEnergy)} eV)`).join(', ')}`,
      `ordered spinel ${p4332.spacegroup?.symbol} (Ni 4b, Mn 12d) is rank ${p4332.rank}, +${fmt(p4332.relativeEnergy)} eV, stands for ${p4332.degeneracy} configurations`,
    ],
    files: files2,
  });

  // 3. Li sites and hops in the disordered spinel.
  const sites = findSites(fd3m, { ion: 'Li' });
  const hops = findHops(fd3m, sites);
  const chain = namedPath('8a>16c>8a', hops.hops, sites.sites);
  const grid = await bvseGridParallel(sites.model, { resolutionÅ: 0.25 });
  const perc = gridPercolation(grid.energies, grid.shape);
  const d3 = join(dir, '3-sites-paths.json');
  writeFileAtomic(
    d3,
    JSON.stringify(roundDeep({ sites: sites.sites.map(({ positions: _p, ...s }) => s), hops: hops.hops, percolation: hops.percolation, path: chain, bvsePercolation: perc }), null, 2) + '\n',
  );
  const maxDim = Math.max(...hops.percolation.map((p) => p.dimensionality));
  say({
    step: '3. Li sites and hops (ionpath sites / ionpath paths)',
    summary: [
      ...sites.sites.map((s) => `${s.label.padEnd(4)} ${s.kind.padEnd(12)} CN ${s.cn}, bond-valence site energy ${fmt(s.siteEnergy)} eV`),
      `8a→16c→8a: hops of ${chain.steps.map((s) => fmt(s.length)).join(' + ')} Å, BVSE barrier ${fmt(chain.barrierEstimate)} eV`,
      `hop network: ${maxDim}D; BVSE landscape percolation energies 1D/2D/3D = ${[perc.e1D, perc.e2D, perc.e3D].map((x) => (x === null ? '–' : fmt(x))).join(' / ')} eV (0.25 Å grid)`,
    ],
    files: [rel(d3)],
  });

  // 4. NEB deck on the ordered spinel, for the lowest Li hop through an empty octahedral site.
  const ordered = p4332.structure;
  const oSites = findSites(ordered, { ion: 'Li' });
  const oHops = findHops(ordered, oSites);
  const occ = oSites.sites.filter((s) => s.kind === 'occupied').map((s) => s.label);
  const inter = oSites.sites.filter((s) => s.kind === 'interstitial').map((s) => s.label);
  let best: { spec: string; barrier: number } | null = null;
  for (const a of occ) {
    for (const x of inter) {
      try {
        const p = namedPath(`${a}>${x}>${a}`, oHops.hops, oSites.sites);
        if (!best || p.barrierEstimate < best.barrier) best = { spec: `${a}>${x}>${a}`, barrier: p.barrierEstimate };
      } catch {
        /* no such chain */
      }
    }
  }
  if (!best) throw new Error('internal: no occupied→interstitial→occupied chain in the ordered spinel');
  const d4 = join(dir, '4-neb');
  // The default rule (the ion 9 Å from its own images and from the vacancy's) needs the 2×2×2
  // cell here (447 atoms): the 56-atom cell leaves only 6.8 Å to the vacancy's images.
  const nargs = await nebArgs(['neb', fP, '--path', best.spec, '--images', String(args.images), '--max-atoms', '500', '-o', d4, '--force']);
  const neb: NebResultSummary = runNeb(nargs);
  say({
    step: `4. NEB deck for the lowest Li hop in the ordered spinel (ionpath neb --path "${best.spec}")`,
    summary: [
      `BVSE estimate ${fmt(best.barrier)} eV; vacancy mechanism in a ${neb.natoms}-atom supercell (Li–image distance ${fmt(neb.imageDistance ?? NaN, 2)} Å)`,
      `${args.images} IDPP images, closest distance per image ${neb.closest.map((d) => fmt(d, 2)).join(' ')} Å`,
      `endpoint relaxations + climbing-image NEB with the same functional, +U, MAGMOM, ENCUT and k-mesh; ${neb.potcarNote}`,
    ],
    files: [rel(d4) + '/README.md', rel(d4) + '/endpoints/', rel(d4) + '/neb/'],
  });

  // 5. Polyhedra.
  const poly = polyhedra(ordered);
  const d5 = join(dir, '5-polyhedra.json');
  writeFileAtomic(d5, JSON.stringify(roundDeep({ types: poly.types, polyhedra: poly.polyhedra }), null, 2) + '\n');
  say({
    step: '5. Coordination polyhedra of the ordered spinel (ionpath polyhedra)',
    summary: poly.types.map(
      (t) => `${t.type.padEnd(6)} ×${String(t.count).padStart(2)}  volume ${fmt(t.volume.mean)} Å³, ${t.shape ?? ""}`.trimEnd(),
    ),
    files: [rel(d5)],
  });

  // 6. XRD.
  const xrd = computeXrd(fd3m, { wavelength: 'CuKa', twoThetaRange: [10, 90] });
  const p111 = findPeak(xrd, fd3m.lattice, [1, 1, 1]);
  const p311 = findPeak(xrd, fd3m.lattice, [3, 1, 1]);
  const p400 = findPeak(xrd, fd3m.lattice, [4, 0, 0]);
  const d6 = join(dir, '6-xrd.svg');
  writeFileAtomic(d6, xrdSvg(xrd, { title: "LiNi0.5Mn1.5O4 (Fd-3m), Cu Kα" }));
  say({
    step: '6. Powder XRD, Cu Kα (ionpath xrd)',
    summary: [
      `(111) at 2θ = ${p111 ? fmt(p111.twoTheta, 2) : '?'}°, d = ${p111 ? fmt(p111.d, 3) : '?'} Å; ${xrd.peaks.length} peaks between 10° and 90°`,
      p311 && p400 ? `I(311)/I(400) = ${fmt(p311.intensity / p400.intensity, 2)} (spinel quality indicator)` : '',
    ].filter(Boolean),
    files: [rel(d6)],
  });

  // 7. The viewer page.
  const d7 = join(dir, '7-view.html');
  const scene = sceneForStructure(fd3m, { title: 'LiNi0.5Mn1.5O4 (Fd-3m): Li sites and hops', ...ionSceneData(fd3m, 'Li') });
  writeSelfContainedPage(d7, scene, { force: true });
  say({
    step: '7. 3D viewer page (ionpath view)',
    summary: [`${scene.atoms.length} atoms, ${scene.sites.length} Li site positions, ${scene.hops.length} hops coloured by BVSE barrier`, `open it in a browser: no server needed`],
    files: [rel(d7)],
  });
  return { dir, steps };
}

export const demoCommand: CommandModule<object, DemoArgs> = {
  command: 'demo',
  describe: 'The whole path on the built-in LiNi0.5Mn1.5O4 spinel: ordering, Li sites and hops, NEB deck, polyhedra, XRD, viewer',
  builder: (y) =>
    y
      .option('output', { alias: 'o', type: 'string', default: 'ionpath-demo', describe: 'folder for the results' })
      .option('force', { type: 'boolean', describe: 'write into a folder that is not empty' })
      .option('images', { type: 'number', default: 5, describe: 'NEB images' })
      .option('json', { type: 'boolean', describe: 'print a JSON summary' })
      .example('ionpath demo', 'writes ./ionpath-demo/')
      .example('ionpath demo -o /tmp/lnmo --json', 'the same, summary as JSON'),
  handler: handler(async (args: DemoArgs) => {
    const t0 = Date.now();
    if (!args.json) println('ionpath demo: LiNi0.5Mn1.5O4 from a structure to an NEB deck');
    const r = await runDemo(args);
    if (args.json) printJson({ dir: r.dir, seconds: (Date.now() - t0) / 1000, steps: r.steps });
    else {
      println(`\ndone in ${((Date.now() - t0) / 1000).toFixed(1)} s. Look at it in 3D:`);
      println(`  open ${args.output}/7-view.html            (a self-contained page)`);
      println(`  ionpath view ${args.output}/4-neb           (the NEB images)`);
    }
  }),
};

export type { Structure };
