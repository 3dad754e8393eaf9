import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';

const root = mkdtempSync(join(tmpdir(), 'ionpath-demo-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ionpath demo', () => {
  it('runs the whole path on the built-in LiNi0.5Mn1.5O4 spinel and writes every step', async () => {
    const out = join(root, 'demo');
    const r = await runDemo({ output: out, json: true, images: 3 });
    expect(r.steps.map((s) => s.step.slice(0, 2))).toEqual(['1.', '2.', '3.', '4.', '5.', '6.', '7.']);
    // ordering: 1,820 configurations, 22 distinct, the P4_332 spinel among them
    expect(r.steps[1].summary[0]).toMatch(/^1820 ways .* 22 symmetry-distinct/);
    expect(r.steps[1].summary[2]).toMatch(/P4_332/);
    // sites: Li 8a occupied, 16c interstitial, 3D network
    const sp = JSON.parse(readFileSync(join(out, '3-sites-paths.json'), 'utf8'));
    expect(sp.sites.map((s: { label: string }) => s.label)).toEqual(['8a', '16c']);
    expect(sp.path.path).toBe('8a>16c>8a');
    expect(Math.max(...sp.percolation.map((p: { dimensionality: number }) => p.dimensionality))).toBe(3);
    // the NEB deck is complete
    for (const f of ['4-neb/ionpath.json', '4-neb/README.md', '4-neb/neb/INCAR', '4-neb/neb/00/POSCAR', '4-neb/neb/04/POSCAR', '4-neb/endpoints/initial/INCAR', '4-neb/endpoints/final/job.sh']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(readFileSync(join(out, '4-neb/neb/INCAR'), 'utf8')).toMatch(/LDAUU\s*=/);
    // XRD: spinel (111) at d = a/√3 = 4.718 Å
    expect(r.steps[5].summary[0]).toMatch(/d = 4\.718 Å/);
    expect(readFileSync(join(out, '6-xrd.svg'), 'utf8')).toMatch(/^<svg|<\?xml/);
    expect(readFileSync(join(out, '7-view.html'), 'utf8')).toMatch(/<html/i);
    expect(readdirSync(join(out, '2-orderings')).length).toBe(4);
  });

  it('refuses a folder that is not empty', async () => {
    await expect(runDemo({ output: join(root, 'demo'), json: true, images: 3 })).rejects.toThrow(/not empty/);
  });
});
