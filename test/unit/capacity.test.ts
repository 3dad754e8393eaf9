import { describe, expect, it } from 'vitest';
import { capacity, chargeBalance, gravimetricCapacity } from '../../src/analysis/capacity.js';
import { molarMass, parseFormula } from '../../src/core/formula.js';

describe('formula parsing', () => {
  it('reads plain, fractional, grouped and hydrate formulas', () => {
    expect([...parseFormula('K3V5O14')]).toEqual([['K', 3], ['V', 5], ['O', 14]]);
    expect([...parseFormula('LiNi0.5Mn1.5O4')]).toEqual([['Li', 1], ['Ni', 0.5], ['Mn', 1.5], ['O', 4]]);
    expect(Object.fromEntries(parseFormula('(NH4)2(VO)(VPO7)'))).toEqual({ N: 2, H: 8, V: 2, O: 8, P: 1 });
    expect(Object.fromEntries(parseFormula('CuSO4·5H2O'))).toEqual({ Cu: 1, S: 1, O: 9, H: 10 });
  });
  it('rejects bad formulas with the position', () => {
    expect(() => parseFormula('K3Xx5')).toThrow(/unknown element "Xx"/);
    expect(() => parseFormula('k3V5')).toThrow(/position 1/);
    expect(() => parseFormula('(Li2O')).toThrow(/missing "\)"/);
    expect(() => parseFormula('')).toThrow(/empty/);
  });
  it('molar mass from the standard atomic weights in the element table', () => {
    // K 39.0983, V 50.9415, O 15.9994 (pymatgen's table)
    expect(molarMass(parseFormula('K3V5O14'))).toBeCloseTo(3 * 39.0983 + 5 * 50.9415 + 14 * 15.9994, 10);
  });
});

describe('theoretical capacity', () => {
  it('K3V5O14 with 10 Li per formula unit is 450 mAh/g (Ma, Yan et al. 2026: 1C = 450 mA/g)', () => {
    const r = capacity(parseFormula('K3V5O14'), 'K3V5O14', { electrons: 10 });
    expect(r.gravimetric).toBeCloseTo((10 * 96485.33212) / (3.6 * 595.994), 6);
    expect(Math.round(r.gravimetric)).toBe(450);
    expect(r.mode).toBe('insertion');
  });
  it('the same 10 e⁻ follow from reducing V5+ to V3+ by charge balance', () => {
    const r = capacity(parseFormula('K3V5O14'), 'K3V5O14', { reduceTo: { V: 3 } });
    expect(r.oxidationStates).toEqual({ K: 1, V: 5, O: -2 });
    expect(r.electrons).toBe(10);
    expect(r.gravimetricLithiated!).toBeLessThan(r.gravimetric);
  });
  it('LiCoO2 full delithiation is 273.8 mAh/g; LiFePO4 170 mAh/g', () => {
    expect(capacity(parseFormula('LiCoO2'), 'LiCoO2').gravimetric).toBeCloseTo(273.8, 1);
    expect(capacity(parseFormula('LiFePO4'), 'LiFePO4').gravimetric).toBeCloseTo(169.9, 1);
  });
  it('LiNi0.5Mn1.5O4 is 146.7 mAh/g', () => {
    expect(capacity(parseFormula('LiNi0.5Mn1.5O4'), 'LiNi0.5Mn1.5O4').gravimetric).toBeCloseTo(146.7, 1);
  });
  it('volumetric capacity = gravimetric × density', () => {
    const r = capacity(parseFormula('LiCoO2'), 'LiCoO2', { density: 5.05 });
    expect(r.volumetric!).toBeCloseTo(r.gravimetric * 5.05, 10);
  });
  it('asks for electrons when the host holds no Li', () => {
    expect(() => capacity(parseFormula('K3V5O14'), 'K3V5O14')).toThrow(/say how many electrons/);
  });
  it('charge balance refuses to guess between two redox elements', () => {
    expect(() => chargeBalance(parseFormula('LiNi0.5Mn1.5O4'))).toThrow(/Ni and Mn/);
    expect(chargeBalance(parseFormula('LiNi0.5Mn1.5O4'), { Ni: 2 }).Mn).toBeCloseTo(4, 12);
  });
  it('formula check: n F / 3.6 M', () => {
    expect(gravimetricCapacity(1, 96485.33212 / 3.6)).toBeCloseTo(1, 12);
  });
});
