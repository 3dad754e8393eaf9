/**
 * `ionpath order FILE --supercell 1x1x1 --oxidation Li=1,Ni=2,Mn=4,O=-2 --keep 5 -o DIR`:
 * symmetry-distinct orderings of the partially occupied sites, ranked by Ewald energy; the
 * N lowest written as POSCAR (.vasp) and CIF with a summary (orderings.json).
 */
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { CommandModule } from 'yargs';
import { enumerateOrderings, type OrderingResult } from '../analysis/ordering.js';
import '../build/builtins.js'; // registers built-in names with readStructure
import { InputError } from '../core/errors.js';
import type { Mat3 } from '../core/vec3.js';
import { assertNoExistingInputs, writeFileAtomic } from '../io/atomic-write.js';
import { writeCif } from '../io/cif/index.js';
import { writePoscar } from '../io/poscar.js';
import { readStructure } from '../io/read-structure.js';
import { handler, printJson, println, showProgress, warn } from './common.js';

interface OrderArgs {
  file: string;
  supercell: string;
  oxidation?: string;
  keep: number;
  output?: string;
  random?: number;
  seed: number;
  max: number;
  symprec: number;
  force?: boolean;
  json?: boolean;
  cif: boolean;
}

/** '1x1x1', '2x1x1', '2 1 1', '2,0,0;0,1,0;0,0,1', '[[2,0,0],[0,1,0],[0,0,1]]' or 9 numbers. */
export function parseSupercellArg(text: string): Mat3 {
  const t = text.trim();
  const bad = () =>
    new InputError(`--supercell '${text}': expected NaxNbxNc (e.g. 2x1x1) or an integer matrix (2,0,0;0,1,0;0,0,1)`, {
      hint: 'rows of the matrix are the new cell vectors in units of the old ones',
    });
  let nums: number[];
  if (/^\d+\s*[x×*]\s*\d+\s*[x×*]\s*\d+$/i.test(t)) {
    const d = t.split(/\s*[x×*]\s*/i).map(Number);
    return [[d[0], 0, 0], [0, d[1], 0], [0, 0, d[2]]];
  }
  nums = t.replace(/[[\]]/g, ' ').split(/[\s,;]+/).filter((x) => x).map(Number);
  if (nums.length === 3) nums = [nums[0], 0, 0, 0, nums[1], 0, 0, 0, nums[2]];
  if (nums.length !== 9 || !nums.every((x) => Number.isInteger(x))) throw bad();
  return [[nums[0], nums[1], nums[2]], [nums[3], nums[4], nums[5]], [nums[6], nums[7], nums[8]]];
}

/** 'Li=1,Ni=2,Mn=4,O=-2' → { Li: 1, … }. */
export function parseOxidationArg(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(/[\s,;]+/).filter((x) => x)) {
    const m = /^([A-Z][a-z]?)\s*[=:]\s*([+-]?\d+(?:\.\d+)?)([+-]?)$/.exec(part);
    if (!m) {
      throw new InputError(`--oxidation '${part}': expected ELEMENT=CHARGE`, { hint: 'e.g. --oxidation Li=1,Ni=2,Mn=4,O=-2' });
    }
    out[m[1]] = Number(m[2]) * (m[3] === '-' ? -1 : 1);
  }
  return out;
}

export interface OrderJson {
  input: string;
  supercell: number[][];
  parentSpacegroup: { number: number; symbol: string };
  sublattices: { label: string; content: string; sites: number; species: { element: string | null; count: number; charge: number }[] }[];
  totalConfigurations: string;
  distinct: number;
  groupOrder: number;
  method: 'enumeration' | 'random';
  samples?: number;
  seed?: number;
  oxidation: Record<string, number>;
  netCharge: number;
  orderings: {
    rank: number;
    energy: number;
    relativeEnergy: number;
    energyPerAtom: number;
    degeneracy: number;
    hits?: number;
    spacegroup?: { number: number; symbol: string };
    formula: string;
    nsites: number;
    files?: { poscar: string; cif?: string };
  }[];
  output?: string;
  warnings: string[];
}

function toJson(input: string, r: OrderingResult, files: ({ poscar: string; cif?: string } | undefined)[], output?: string): OrderJson {
  return {
    input,
    supercell: r.supercellMatrix.map((row) => [...row]),
    parentSpacegroup: r.parentSpacegroup,
    sublattices: r.sublattices.map((s) => ({ label: s.label, content: s.content, sites: s.sites.length, species: s.species.map((x) => ({ ...x })) })),
    totalConfigurations: r.totalConfigurations,
    distinct: r.distinct,
    groupOrder: r.groupOrder,
    method: r.method,
    ...(r.samples !== undefined ? { samples: r.samples, seed: r.seed } : {}),
    oxidation: r.oxidation,
    netCharge: r.netCharge,
    orderings: r.orderings.map((o, k) => ({
      rank: o.rank,
      energy: o.energy,
      relativeEnergy: o.relativeEnergy,
      energyPerAtom: o.energyPerAtom,
      degeneracy: o.degeneracy,
      ...(o.hits !== undefined ? { hits: o.hits } : {}),
      ...(o.spacegroup ? { spacegroup: o.spacegroup } : {}),
      formula: o.structure.formula,
      nsites: o.structure.nsites,
      ...(files[k] ? { files: files[k] } : {}),
    })),
    ...(output ? { output } : {}),
    warnings: r.warnings,
  };
}

export const orderCommand: CommandModule<object, OrderArgs> = {
  command: 'order <file>',
  describe: 'Enumerate symmetry-distinct orderings of partially occupied sites, ranked by Ewald energy',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'structure file (CIF, POSCAR, JSON) or a built-in name' })
      .option('supercell', { type: 'string', default: '1x1x1', describe: 'supercell: 2x1x1, or a matrix 2,0,0;0,1,0;0,0,1' })
      .option('oxidation', { type: 'string', describe: 'charges per element, e.g. Li=1,Ni=2,Mn=4,O=-2 (default: from the file, else guessed)' })
      .option('keep', { type: 'number', default: 5, describe: 'how many of the lowest-energy orderings to keep' })
      .option('output', { alias: 'o', type: 'string', describe: 'folder for the orderings (order-001.vasp, order-001.cif, orderings.json)' })
      .option('random', { type: 'number', describe: 'sample this many random orderings instead of enumerating all (large cells)' })
      .option('seed', { type: 'number', default: 1, describe: 'random seed for --random' })
      .option('max', { type: 'number', default: 1e7, describe: 'refuse to enumerate more configurations than this' })
      .option('symprec', { type: 'number', default: 0.01, describe: 'symmetry tolerance (Å)' })
      .option('cif', { type: 'boolean', default: true, describe: 'also write CIFs (--no-cif to skip)' })
      .option('force', { type: 'boolean', describe: 'overwrite existing files in the output folder' })
      .option('json', { type: 'boolean', describe: 'print one JSON document' })
      .example('ionpath order lnmo-fd3m --keep 3 -o lnmo-orderings', 'LiNi0.5Mn1.5O4: 1,820 configurations, 22 distinct orderings')
      .example('ionpath order Li0.5CoO2.cif --supercell 2x2x1 --oxidation Li=1,Co=3.5,O=-2 -o out', 'Li/vacancy orderings')
      .example('ionpath order big.cif --supercell 2x2x2 --random 20000 --seed 3 -o out', 'too many to enumerate: sample'),
  handler: handler(async (args: OrderArgs) => {
    if (!(Number.isInteger(args.keep) && args.keep >= 1)) throw new InputError(`--keep must be a positive whole number, got ${args.keep}`);
    if (args.random !== undefined && !(Number.isInteger(args.random) && args.random >= 1)) throw new InputError(`--random must be a positive whole number, got ${args.random}`);
    const supercell = parseSupercellArg(args.supercell);
    const oxidation = args.oxidation ? parseOxidationArg(args.oxidation) : undefined;
    const read = readStructure(args.file);
    for (const w of read.warnings) warn(`${args.file}: ${w.line ? `line ${w.line}: ` : ''}${w.message}`);

    let bar: SingleBar | null = null;
    const progress = showProgress() && !args.json
      ? (done: number, total: number) => {
          if (!bar) {
            if (total < 50000) return;
            bar = new SingleBar({ format: `${args.random ? 'sampling' : 'enumerating'} |{bar}| {percentage}% {value}/{total} {eta}s`, stream: process.stderr });
            bar.start(total, 0);
          }
          bar.update(done);
        }
      : undefined;
    let r: OrderingResult;
    try {
      r = enumerateOrderings(read.structure, {
        supercell,
        oxidation,
        keep: args.keep,
        maxConfigurations: args.max,
        symprec: args.symprec,
        ...(args.random !== undefined ? { random: { samples: args.random, seed: args.seed } } : {}),
        progress,
      });
    } finally {
      (bar as SingleBar | null)?.stop();
    }

    // Files: order-NNN.vasp (+ .cif) and orderings.json, never over existing ones without --force.
    const files: ({ poscar: string; cif?: string } | undefined)[] = [];
    if (args.output) {
      const width = Math.max(3, String(r.orderings.length).length);
      const names = r.orderings.map((o) => `order-${String(o.rank).padStart(width, '0')}`);
      const planned = [...names.flatMap((n) => [`${n}.vasp`, ...(args.cif ? [`${n}.cif`] : [])]), 'orderings.json'];
      assertNoExistingInputs(args.output, planned, Boolean(args.force));
      r.orderings.forEach((o, k) => {
        const sg = o.spacegroup ? ` ${o.spacegroup.symbol} (${o.spacegroup.number})` : '';
        const comment = `${read.structure.reducedFormula} ordering ${o.rank}: E_Ewald = ${o.energy.toFixed(6)} eV, x${o.degeneracy}${sg}`;
        const st = o.structure.withTitle(comment);
        const poscar = `${names[k]}.vasp`;
        writeFileAtomic(join(args.output!, poscar), writePoscar(st, { comment }));
        let cif: string | undefined;
        if (args.cif) {
          cif = `${names[k]}.cif`;
          writeFileAtomic(join(args.output!, cif), writeCif(st));
        }
        files.push({ poscar, ...(cif ? { cif } : {}) });
      });
    }
    const json = toJson(args.file, r, files, args.output);
    if (args.output) writeFileAtomic(join(args.output, 'orderings.json'), JSON.stringify(json, null, 2) + '\n');
    if (args.json) {
      printJson(json);
      return;
    }
    for (const w of r.warnings) warn(w);
    const sub = r.sublattices.map((s) => `${s.label} ${s.content} × ${s.sites.length} → ${s.species.map((x) => `${x.count} ${x.element ?? 'vacancy'}`).join(' + ')}`).join('; ');
    println(`${read.structure.reducedFormula} (${r.parentSpacegroup.symbol}, No. ${r.parentSpacegroup.number}), supercell ${r.supercellMatrix.map((row) => row.join(' ')).join(' / ')}, ${r.supercell.nsites} sites`);
    println(`  disordered: ${sub}`);
    println(`  charges: ${Object.entries(r.oxidation).map(([e, q]) => `${e}${q >= 0 ? '+' : ''}${q}`).join(' ')}`);
    if (r.method === 'enumeration') {
      println(`  ${r.totalConfigurations} configurations, ${r.distinct} symmetry-distinct (${r.groupOrder} symmetry operations)`);
    } else {
      println(`  ${r.totalConfigurations} configurations: sampled ${r.samples} at random (seed ${r.seed}), ${r.distinct} distinct found`);
    }
    println('  rank   E_Ewald (eV)   ΔE (eV)   count  space group');
    r.orderings.forEach((o, k) => {
      const sg = o.spacegroup ? `${o.spacegroup.symbol} (${o.spacegroup.number})` : '';
      const f = files[k] ? `  ${files[k]!.poscar}` : '';
      println(`  ${String(o.rank).padStart(4)}  ${o.energy.toFixed(6).padStart(14)}  ${o.relativeEnergy.toFixed(4).padStart(8)}  ${String(o.degeneracy).padStart(6)}  ${sg}${f}`);
    });
    if (args.output) println(`wrote ${r.orderings.length} ordering(s) and orderings.json to ${args.output}`);
  }),
};
