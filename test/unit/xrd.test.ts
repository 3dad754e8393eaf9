/**
 * Powder XRD against pymatgen's XRDCalculator (expected numbers from
 * test/data/xrd/make_xrd_expected.py, committed in xrd-expected.json): peak positions to
 * 0.01° 2θ, d-spacings, and relative intensities to 1 % (of the peak, or 0.05 on the 0–100
 * scale for the weakest peaks).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeXrd, findPeak, intensityRatios, parseTwoThetaRange, resolveWavelength } from '../../src/analysis/xrd.js';
import { Lattice } from '../../src/core/lattice.js';
import { Structure } from '../../src/core/structure.js';
import { readStructure } from '../../src/io/read-structure.js';
import '../../src/build/builtins.js';
import { analyzeStructure } from '../../src/symmetry/analyze.js';
import { describeWithFixtures, fixture, projectRoot } from '../helpers/fixtures.js';

interface Case {
  key: string;
  fixture: string;
  read: string;
  nsites: number;
  wavelength: string | number;
  twoThetaRange: [number, number];
  debyeWaller: Record<string, number> | null;
  spacegroup: number;
  peaks: { twoTheta: number; d: number; intensity: number }[];
}
const expected = JSON.parse(readFileSync(join(projectRoot, 'test', 'data', 'xrd', 'xrd-expected.json'), 'utf8')) as { cases: Case[] };

/** The ordered-spinel model of the generator: Mn at these four 16d positions replaced by Ni. */
const NI_SITES = [
  [0.75, 0.5, 0.75],
  [0.5, 0.25, 0.25],
  [0.25, 0.75, 0.0],
  [0.0, 0.0, 0.5],
];

function structureFor(c: Case): Structure {
  const s = readStructure(fixture(c.fixture)).structure;
  if (c.read !== 'lnmo_model') return s;
  const near = (a: readonly number[], b: number[]) => a.every((x, k) => Math.abs(((x - b[k] + 0.5) % 1 + 1) % 1 - 0.5) < 1e-6);
  return s.withSites(
    s.sites.map((site) =>
      site.species[0].element === 'Mn' && NI_SITES.some((f) => near(site.frac, f)) ? { ...site, species: [{ element: 'Ni', occupancy: 1 }] } : site,
    ),
  );
}

describeWithFixtures('powder XRD vs pymatgen XRDCalculator', [...new Set(expected.cases.map((c) => c.fixture))], () => {
  for (const c of expected.cases) {
    it(`${c.key}, ${c.wavelength}, 2θ ${c.twoThetaRange.join('–')}°${c.debyeWaller ? ', Debye–Waller' : ''}: ${c.peaks.length} peaks`, () => {
      const s = structureFor(c);
      expect(s.nsites).toBe(c.nsites);
      const p = computeXrd(s, { wavelength: c.wavelength, twoThetaRange: c.twoThetaRange, debyeWaller: c.debyeWaller ?? undefined });
      expect(p.peaks.length).toBe(c.peaks.length);
      c.peaks.forEach((want, i) => {
        const got = p.peaks[i];
        expect(Math.abs(got.twoTheta - want.twoTheta), `peak ${i} 2θ`).toBeLessThan(0.01);
        expect(got.d).toBeCloseTo(want.d, 4);
        expect(Math.abs(got.intensity - want.intensity), `peak ${i} at ${want.twoTheta.toFixed(2)}°: I ${got.intensity} vs ${want.intensity}`).toBeLessThanOrEqual(
          Math.max(0.01 * want.intensity, 0.05),
        );
      });
    });
  }

  it('spinel d(111) is 4.72 Å for a = 8.1726 Å; I(311)/I(400) reported for the spinel', () => {
    const s = readStructure('builtin:lnmo-fd3m').structure;
    const p = computeXrd(s, { wavelength: 'CuKa', twoThetaRange: [10, 90] });
    const p111 = findPeak(p, s.lattice, [1, 1, 1])!;
    expect(p111.d).toBeCloseTo(8.1726 / Math.sqrt(3), 6);
    expect(p111.d.toFixed(2)).toBe('4.72');
    const r = intensityRatios(s, analyzeStructure(s).number, p);
    expect(r.structureType).toBe('spinel');
    const i311 = findPeak(p, s.lattice, [3, 1, 1])!.intensity;
    const i400 = findPeak(p, s.lattice, [4, 0, 0])!.intensity;
    expect(Object.values(r.ratios)).toContainEqual(expect.closeTo(i311 / i400, 10));
  });

  it('layered R-3m oxides report I(003)/I(104)', () => {
    const s = readStructure(fixture('cif/LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif')).structure;
    const p = computeXrd(s, { wavelength: 'CuKa' });
    const r = intensityRatios(s, 166, p);
    expect(r.structureType).toBe('layered-R-3m');
    expect(Object.keys(r.ratios).length).toBeGreaterThan(0);
  });
});

describe('XRD input checks', () => {
  it('wavelength names and numbers; clear errors for bad ones', () => {
    expect(resolveWavelength('CuKa').angstrom).toBeCloseTo(1.54184, 5);
    expect(resolveWavelength(1.5406).angstrom).toBe(1.5406);
    expect(() => resolveWavelength('Unobtainium')).toThrow();
    expect(() => resolveWavelength(-1)).toThrow();
    expect(parseTwoThetaRange('10,90')).toEqual([10, 90]);
    expect(() => parseTwoThetaRange('90,10')).toThrow();
    expect(() => parseTwoThetaRange('abc')).toThrow();
  });
  it('a simple cubic cell: (100) at the Bragg angle', () => {
    const s = new Structure(Lattice.cubic(4), [{ frac: [0, 0, 0], species: 'Cu' }]);
    const p = computeXrd(s, { wavelength: 1.5406, twoThetaRange: [10, 30] });
    const theta = Math.asin(1.5406 / (2 * 4));
    expect(p.peaks[0].twoTheta).toBeCloseTo((2 * theta * 180) / Math.PI, 8);
  });
});
