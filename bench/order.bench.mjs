#!/usr/bin/env node
/**
 * `ionpath order` on LiNi0.5Mn1.5O4 (builtin lnmo-fd3m, 56-atom conventional cell, 4 Ni + 12
 * Mn on the 16 sites of 16d: 1,820 configurations) against pymatgen's
 * OrderDisorderedStructureTransformation (bench/order_pymatgen.py).
 *
 * Two comparisons, each timed in-process after imports (fresh processes, run once):
 *   1. the KEEP lowest orderings with their space groups (ionpath: distinct orderings;
 *      pymatgen: its KEEP lowest, which may repeat symmetry-equivalent ones);
 *   2. all distinct orderings: ionpath enumerates the 22 classes directly; pymatgen ranks all
 *      1,820 configurations and needs StructureMatcher to group them (it does not remove
 *      duplicates itself).
 * Wall-clock times of the whole processes (interpreter start, imports) are shown too.
 *
 *   node --import tsx bench/order.bench.mjs [--keep 5]
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const KEEP = Number(opt('--keep', '5'));

async function child() {
  const t0 = performance.now();
  const { buildBuiltin } = await import('../src/build/builtins.ts');
  const { enumerateOrderings } = await import('../src/analysis/ordering.ts');
  const tImport = (performance.now() - t0) / 1000;
  const s = buildBuiltin('lnmo-fd3m').structure;
  let t = performance.now();
  const few = enumerateOrderings(s, { keep: KEEP });
  const keepS = (performance.now() - t) / 1000;
  t = performance.now();
  const all = enumerateOrderings(s, { keep: 1820 });
  const allS = (performance.now() - t) / 1000;
  process.stdout.write(
    JSON.stringify({
      import_s: tImport,
      keep_s: keepS,
      keep: KEEP,
      keep_energies: few.orderings.map((o) => o.energy),
      keep_spacegroups: few.orderings.map((o) => o.spacegroup.number),
      all_s: allS,
      distinct: all.distinct,
      total: all.totalConfigurations,
    }) + '\n',
  );
}

function run(cmd, argv) {
  const t0 = performance.now();
  const p = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (p.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed:\n${p.stderr}`);
  const line = p.stdout.trim().split('\n').pop();
  return { ...JSON.parse(line), wall_s: wall };
}

if (args.includes('--child')) {
  await child();
} else {
  const ion = run(process.execPath, ['--import', 'tsx', join(here, 'order.bench.mjs'), '--child', '--keep', String(KEEP)]);
  const pmg = run('/usr/bin/python3', [join(here, 'order_pymatgen.py'), String(KEEP)]);
  const f = (x) => x.toFixed(3).padStart(8);
  console.log(`LiNi0.5Mn1.5O4, 56-atom cell, ${ion.total} configurations; ionpath finds ${ion.distinct} distinct orderings, pymatgen+StructureMatcher ${pmg.distinct}`);
  console.log(`                                        ionpath (s)  pymatgen (s)  ratio`);
  console.log(`  ${KEEP} lowest + space groups               ${f(ion.keep_s)}     ${f(pmg.keep_s)}   ${(pmg.keep_s / ion.keep_s).toFixed(1)}x`);
  console.log(`  all distinct (pymatgen: all + dedupe) ${f(ion.all_s)}     ${f(pmg.all_plus_dedupe_s)}   ${(pmg.all_plus_dedupe_s / ion.all_s).toFixed(1)}x`);
  console.log(`     pymatgen: rank all ${pmg.all_returned} ${f(pmg.all_s)} s, StructureMatcher grouping ${f(pmg.dedupe_s)} s`);
  console.log(`  imports                               ${f(ion.import_s)}     ${f(pmg.import_s)}`);
  console.log(`  whole process (wall)                  ${f(ion.wall_s)}     ${f(pmg.wall_s)}   ${(pmg.wall_s / ion.wall_s).toFixed(1)}x`);
  console.log(`  lowest energies (eV): ionpath ${ion.keep_energies.map((e) => e.toFixed(4)).join(' ')}`);
  console.log(`                        pymatgen ${pmg.keep_energies.map((e) => e.toFixed(4)).join(' ')}`);
  console.log(`  space groups: ionpath ${ion.keep_spacegroups.join(' ')} | pymatgen ${pmg.keep_spacegroups.join(' ')}`);
}
