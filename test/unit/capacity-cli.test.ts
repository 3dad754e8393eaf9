/**
 * `ionpath capacity FORMULA|FILE`: numbers against pymatgen (screen-expected.py →
 * screen-expected.json: n·F/(3.6·M) with pymatgen's atomic weights and scipy's Faraday
 * constant, density from pymatgen's Structure) and the literature's 450 mAh/g for K3V5O14.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import yargs from 'yargs';
import type { CommandModule } from 'yargs';
import { capacityCommand, isStructureArgument } from '../../src/cli/capacity.js';
import { describeWithFixtures, fixture } from '../helpers/fixtures.js';

const LMO = 'cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif';
const expected = JSON.parse(readFileSync(new URL('./screen-expected.json', import.meta.url), 'utf8')) as {
  structures: Record<string, { reducedFormula: string; density: number; gravimetric: number; volumetric: number }>;
  K3V5O14: { electrons: number; molarMass: number; gravimetric: number };
};

async function cli(argv: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  process.exitCode = 0;
  try {
    await yargs(argv)
      .strict()
      .command(capacityCommand as unknown as CommandModule)
      .fail((msg, error) => {
        throw error ?? new Error(msg);
      })
      .parseAsync();
    return { stdout: out.join(''), stderr: err.join(''), code: Number(process.exitCode ?? 0) };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = 0;
  }
}

describe('ionpath capacity FORMULA', () => {
  it('K3V5O14 --electrons 10 is 450 mAh/g (Ma, Yan et al. 2026: 1C = 450 mA/g), as pymatgen', async () => {
    const r = await cli(['capacity', 'K3V5O14', '--electrons', '10', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j).sort()).toEqual(['basis', 'electrons', 'formula', 'gravimetric', 'gravimetricLithiated', 'ion', 'mode', 'molarMass'].sort());
    expect(j).toMatchObject({ formula: 'K3V5O14', ion: 'Li', mode: 'insertion', electrons: 10 });
    expect(Math.round(j.gravimetric)).toBe(450);
    expect(j.gravimetric).toBeCloseTo(expected.K3V5O14.gravimetric, 3);
    expect(j.molarMass).toBeCloseTo(expected.K3V5O14.molarMass, 4);
    // per gram of Li10K3V5O14: 10 F / 3.6 / (M + 10 × 6.941)
    expect(j.gravimetricLithiated).toBeCloseTo((10 * 96485.33212) / 3.6 / (expected.K3V5O14.molarMass + 10 * 6.941), 2);
  });
  it('--to V=3 finds the same 10 electrons by charge balance; human output', async () => {
    const r = await cli(['capacity', 'K3V5O14', '--to', 'V=3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('K3V5O14: insertion of Li, 5 V 5+→3+ = 10 e⁻ per formula unit');
    expect(r.stdout).toContain('gravimetric       449.7 mAh/g');
    expect(r.stdout).toContain('oxidation states  K 1, V 5, O -2');
    expect(r.stdout).toContain('give a structure file instead of a formula for mAh/cm³');
  });
  it('says what is missing, exit 2', async () => {
    const none = await cli(['capacity', 'K3V5O14']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/holds no Li: say how many electrons[\s\S]*hint: use --electrons N/);
    const both = await cli(['capacity', 'K3V5O14', '--electrons', '10', '--to', 'V=3']);
    expect(both.stderr).toMatch(/give --electrons or --to, not both/);
    const bad = await cli(['capacity', 'K3Xx5O14']);
    expect(bad.stderr).toMatch(/unknown element "Xx"/);
    expect(bad.code).toBe(2);
    const missing = await cli(['capacity', 'nope/LiMn2O4.cif']);
    expect(missing.stderr).toMatch(/nope\/LiMn2O4\.cif: no such file/);
  });
  it('tells formulas from files', () => {
    expect(isStructureArgument('K3V5O14')).toBe(false);
    expect(isStructureArgument('(NH4)2(VO)(VPO7)')).toBe(false);
    expect(isStructureArgument('host.cif')).toBe(true);
    expect(isStructureArgument('run/CONTCAR')).toBe(true);
    expect(isStructureArgument('builtin:lnmo-fd3m')).toBe(true);
  });
});

describeWithFixtures('ionpath capacity FILE', [LMO], () => {
  it('LiMn2O4 CIF: extraction 148.2 mAh/g and 634 mAh/cm³ from the crystal density, as pymatgen', async () => {
    const x = expected.structures[LMO.slice(4)];
    const r = await cli(['capacity', fixture(LMO), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ file: fixture(LMO), formula: 'LiMn2O4', mode: 'extraction', electrons: 1, ion: 'Li' });
    expect(j.gravimetric).toBeCloseTo(x.gravimetric, 3);
    expect(Math.round(j.gravimetric)).toBe(148);
    expect(j.density).toBeCloseTo(x.density, 4);
    expect(j.volumetric).toBeCloseTo(x.volumetric, 2);
    const h = await cli(['capacity', fixture(LMO)]);
    expect(h.stdout).toContain('LiMn2O4 (');
    expect(h.stdout).toContain('gravimetric       148.2 mAh/g');
    expect(h.stdout).toContain('volumetric        634 mAh/cm³ (density 4.276 g/cm³)');
  });
});
