/**
 * k-point meshes against pymatgen 2022.11.7 (Kpoints.automatic_density for several kppa,
 * MPRelaxSet / MPStaticSet meshes, Lattice.is_hexagonal; test/data/neb/pymatgen-sets.json),
 * the KSPACING rule, and the KPOINTS text (written and read, and the mesh fixtures).
 */
import { describe, expect, it } from 'vitest';
import { Lattice } from '../../src/core/lattice.js';
import {
  formatKpoints,
  isHexagonal,
  kpointMesh,
  meshFromKppa,
  meshFromReciprocalDensity,
  meshFromSpacing,
  parseKpointMesh,
} from '../../src/vasp/kpoints.js';
import { BASES } from '../../src/vasp/presets.js';
import { readText } from '../../src/io/read-text.js';
import { describeWithFixtures, fixture } from '../helpers/fixtures.js';
import { pmg, pmgStructure } from '../data/neb/pymatgen.js';

const style = (s: string) => (s === 'Gamma' ? 'Gamma' : 'Monkhorst-Pack');

describe(`meshes vs pymatgen ${pmg.pymatgen_version}`, () => {
  for (const c of pmg.cases) {
    it(c.name, () => {
      const s = pmgStructure(c);
      expect(isHexagonal(s.lattice)).toBe(c.is_hexagonal);
      for (const [kppa, k] of Object.entries(c.automatic_density)) {
        const m = meshFromKppa(s.lattice, s.nsites, Number(kppa));
        expect([kppa, ...m.mesh, m.style]).toEqual([kppa, ...k.mesh, style(k.style)]);
      }
      const r = meshFromReciprocalDensity(s.lattice, s.nsites, 64);
      expect([...r.mesh, r.style]).toEqual([...c.mprelax.kpoints.mesh, style(c.mprelax.kpoints.style)]);
      const st = kpointMesh(s.lattice, s.nsites, BASES.mp.staticKpoints);
      expect([...st.mesh, st.style]).toEqual([...c.mpstatic.kpoints.mesh, style(c.mpstatic.kpoints.style)]);
    });
  }
  it('the cases include hexagonal (Γ-centred) and Monkhorst-Pack meshes', () => {
    expect(pmg.cases.filter((c) => c.is_hexagonal).map((c) => c.name)).toEqual(['p31m-host', 'licoo2-ox']);
    expect(pmg.cases.some((c) => Object.values(c.automatic_density).some((k) => k.style === 'Monkhorst'))).toBe(true);
  });
});

describe('other rules', () => {
  it('hexagonal cells always get a Γ-centred mesh, even with even divisions', () => {
    const hex = Lattice.fromParameters({ a: 3, b: 3, c: 5, alpha: 90, beta: 90, gamma: 120 });
    const m = meshFromKppa(hex, 2, 400);
    expect(m.mesh.every((n) => n % 2 === 0)).toBe(true);
    expect(m.style).toBe('Gamma');
    const cubic = Lattice.cubic(4);
    expect(meshFromKppa(cubic, 1, 520).mesh).toEqual([8, 8, 8]);
    expect(meshFromKppa(cubic, 1, 520).style).toBe('Monkhorst-Pack'); // even, not hexagonal
    expect(meshFromKppa(cubic, 1, 520, true).style).toBe('Gamma');
  });

  it('KSPACING rule: N = max(1, ceil(2π|b|/spacing))', () => {
    const l = Lattice.fromParameters({ a: 5, b: 7.3, c: 12, alpha: 90, beta: 90, gamma: 90 });
    expect(meshFromSpacing(l, 0.5).mesh).toEqual([3, 2, 2]); // 2.51, 1.72, 1.05
    expect(meshFromSpacing(l, 0.25).mesh).toEqual([6, 4, 3]);
    expect(meshFromSpacing(l, 10).mesh).toEqual([1, 1, 1]);
    expect(() => meshFromSpacing(l, 0)).toThrow(/positive number of 1\/Å/);
  });

  it('explicit meshes are validated', () => {
    const l = Lattice.cubic(5);
    expect(kpointMesh(l, 2, { kind: 'mesh', value: [2, 2, 2] }).style).toBe('Monkhorst-Pack');
    expect(() => kpointMesh(l, 2, { kind: 'mesh', value: [2, 0, 2] })).toThrow(/three positive integers, got 2x0x2/);
  });

  it('KPOINTS text round trip', () => {
    const m = meshFromKppa(Lattice.cubic(8.251), 56, 1000);
    const text = formatKpoints(m);
    expect(text.split('\n').slice(1)).toEqual(['0', m.style, m.mesh.join(' '), '0 0 0', '']);
    expect(parseKpointMesh(text)).toEqual(m);
    expect(() => parseKpointMesh('x\n0\nLine-mode\n4 4 4\n', 'KPOINTS')).toThrow(/expected Gamma or Monkhorst-Pack on line 3/);
    expect(() => parseKpointMesh('x\n12\nGamma\n4 4 4\n', 'KPOINTS')).toThrow(/expected 0 \(automatic mesh\) on line 2/);
  });
});

describeWithFixtures('KPOINTS fixtures', ['vasp/custodian/tests/files/KPOINTS', 'vasp/custodian/tests/files/lobster/vasp_lobster_output_v51/KPOINTS'], () => {
  it('reads the Monkhorst-Pack 8x2x2 file without a shift line', () => {
    const k = parseKpointMesh(readText(fixture('vasp/custodian/tests/files/KPOINTS')));
    expect([...k.mesh, k.style, ...k.shift]).toEqual([8, 2, 2, 'Monkhorst-Pack', 0, 0, 0]);
  });
  it('reads the 5x5x5 file with a shift line', () => {
    const k = parseKpointMesh(readText(fixture('vasp/custodian/tests/files/lobster/vasp_lobster_output_v51/KPOINTS')));
    expect(k.mesh).toEqual([5, 5, 5]);
  });
});
