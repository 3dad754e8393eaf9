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
