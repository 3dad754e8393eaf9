import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { readPoscar } from '../../src/io/poscar.js';

const dir = mkdtempSync(join(tmpdir(), 'ionpath-neb-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ionpath neb --path resolves site labels through the hop analysis', () => {
  it('builtin:limn2o4 --path "8a>16c>8a": vacancy hop, Li passes through the 16c site mid-band', async () => {
    const out = join(dir, 'deck');
    const saved = process.stdout.write;
    let text = '';
    process.stdout.write = ((s: string) => ((text += s), true)) as typeof process.stdout.write;
    try {
      await main(['neb', 'builtin:limn2o4', '--path', '8a>16c>8a', '--images', '5', '-o', out, '--json']);
    } finally {
      process.stdout.write = saved;
    }
    expect(process.exitCode ?? 0).toBe(0);
    const rec = JSON.parse(readFileSync(join(out, 'ionpath.json'), 'utf8'));
    expect(rec.hop.path).toBe('8a>16c>8a');
    expect(rec.hop.mechanism).toBe('vacancy');
    expect(rec.hop.via.length).toBe(1);
    for (const f of ['neb/INCAR', 'neb/KPOINTS', 'neb/00/POSCAR', 'neb/06/POSCAR', 'endpoints/initial/POSCAR', 'endpoints/final/job.sh']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    // the middle image (03) puts the moving Li (site 1) on the 16c octahedral site: 6 O at ~2.17 Å
    const mid = readPoscar(join(out, 'neb', '03', 'POSCAR')).structure;
    const li = mid.sites[0].frac;
    const dO = mid.sites
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => s.species[0].element === 'O')
      .map(({ s }) => mid.lattice.minimumImageDistance(li, s.frac))
      .sort((a, b) => a - b);
    expect(dO.slice(0, 6).every((d) => d > 1.9 && d < 2.35)).toBe(true);
    expect(dO[6]).toBeGreaterThan(3);
    expect(JSON.parse(text).images ?? JSON.parse(text)).toBeTruthy();
  });
});
