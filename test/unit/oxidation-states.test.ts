import { describe, expect, it } from 'vitest';
import { guessOxidationStates } from '../../src/analysis/oxidation-states.js';
import { parseFormula } from '../../src/core/formula.js';

const g = (f: string, o?: Record<string, number>) => guessOxidationStates(parseFormula(f), o);

describe('oxidation-state guess by charge balance', () => {
  it('battery oxides', () => {
    expect(g('K3V5O14')).toEqual({ K: 1, V: 5, O: -2 });
    expect(g('LiNiO2')).toEqual({ Li: 1, Ni: 3, O: -2 });
    expect(g('Li2MnO3')).toEqual({ Li: 1, Mn: 4, O: -2 });
    expect(g('LiNi0.5Mn1.5O4')).toEqual({ Li: 1, Ni: 2, Mn: 4, O: -2 });
    expect(g('LiFePO4')).toEqual({ Li: 1, Fe: 2, P: 5, O: -2 });
    expect(g('K2MgV2O7')).toEqual({ K: 1, Mg: 2, V: 5, O: -2 });
  });
  it('mixed valence gives an average (LiMn2O4: Mn 3.5)', () => {
    expect(g('LiMn2O4').Mn).toBeCloseTo(3.5, 12);
  });
  it('sulfides, fluorides', () => {
    expect(g('Li3PS4')).toEqual({ Li: 1, P: 5, S: -2 });
    expect(g('LiF')).toEqual({ Li: 1, F: -1 });
  });
  it('overrides win', () => {
    expect(g('LiCoO2', { Co: 3 })).toEqual({ Li: 1, Co: 3, O: -2 });
  });
});
