/**
 * Where the shared fixtures live and how tests find them. Fixture tests skip with a message
 * when the folder is absent, unless IONPATH_REQUIRE_FIXTURES=1 (CI), where a missing
 * fixture is a failure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixturesRoot = resolve(process.env.IONPATH_FIXTURES ?? join(projectRoot, '..', 'shared', 'fixtures'));
export const requireFixtures = process.env.IONPATH_REQUIRE_FIXTURES === '1';

/** Absolute path of a fixture file, relative to the fixtures folder. */
export function fixture(rel: string): string {
  return join(fixturesRoot, rel);
}

/** True when the fixture exists; throws (fails the test) when fixtures are required. */
export function haveFixture(rel: string): boolean {
  const p = fixture(rel);
  if (existsSync(p)) return true;
  if (requireFixtures) throw new Error(`missing fixture ${p} (IONPATH_REQUIRE_FIXTURES=1)`);
  return false;
}

/** describe() that runs only when all named fixtures exist (skips with a message otherwise). */
export function describeWithFixtures(name: string, rels: string[], fn: () => void): void {
  const missing = rels.filter((r) => !existsSync(fixture(r)));
  if (missing.length && requireFixtures) {
    describe(name, () => {
      throw new Error(`missing fixtures (IONPATH_REQUIRE_FIXTURES=1): ${missing.join(', ')} under ${fixturesRoot}`);
    });
    return;
  }
  if (missing.length) {
    // eslint-disable-next-line no-console
    console.warn(`[skip] ${name}: fixtures not found under ${fixturesRoot} (${missing.join(', ')})`);
    describe.skip(name, fn);
    return;
  }
  describe(name, fn);
}

export function readJsonFixture<T = any>(rel: string): T {
  return JSON.parse(readFileSync(fixture(rel), 'utf8')) as T;
}

/** The 13 CIF files of fixtures/cif (names relative to that folder; see its PROVENANCE.md). */
export const CIF_FIXTURE_FILES: readonly string[] = [
  'CuSe_COD9011303_P-421m_DFT-model_omdb-findsym.cif',
  'Li2Fe3SbO8_AMCSD0013490_P63mc_mixed-sites_transcribed.cif',
  'Li2MnO3_Lee2012_ICSD187500_C2m_transcribed.cif',
  'Li2Pt3B_COD1511225_P4332_omdb-findsym.cif',
  'LiCo1-3Ni1-3Mn1-3O2_NCM111_Yin2006_ICSD171750_R-3m-H_transcribed.cif',
  'LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif',
  'LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif',
  'LiTi2O4_AMCSD0014220_Fd3m_origin1.cif',
  'NH4-2_VO_VPO7_COD1001731_P4bm_fresnoite-type_transcribed.cif',
  'amcsd_2-entries_grunerite_galena_multiblock.cif',
  'cod1000002_Sr-oxalate_Hall-only.cif',
  'cod2000000_special-values_cod-tools-test.cif',
  'salicylic-acid_CIF2.0_CrystalInfoFramework-test.cif',
];
