import { describe, expect, it } from 'vitest';
import { Lattice } from '../../src/core/lattice.js';
import { InputError } from '../../src/core/errors.js';
import { allHallEntries, hallEntriesOf, operationsOfHall, spaceGroupType } from '../../src/symmetry/moyo.js';
import {
  applyOp,
  evaluateTriplet,
  fitTriplet,
  identifyWyckoff,
  orbitOf,
  parseLinearForm,
  parseTriplet,
  wyckoffPosition,
  wyckoffTable,
  type Params,
} from '../../src/symmetry/wyckoff.js';
import type { Vec3 } from '../../src/core/vec3.js';

/** A lattice with the metric of the setting's crystal system (so operations are isometries). */
function latticeFor(hall: number): Lattice {
  const e = allHallEntries().find((h) => h.hall_number === hall)!;
  const sys = spaceGroupType(e.number).crystal_system;
  if (sys === 'Cubic') return Lattice.cubic(9);
  if (sys === 'Hexagonal' || (sys === 'Trigonal' && e.setting !== 'R')) return Lattice.fromParameters({ a: 6, b: 6, c: 11, alpha: 90, beta: 90, gamma: 120 });
  if (sys === 'Trigonal') return Lattice.fromParameters({ a: 7, b: 7, c: 7, alpha: 70, beta: 70, gamma: 70 });
  if (sys === 'Tetragonal') return Lattice.fromParameters({ a: 7, b: 7, c: 10, alpha: 90, beta: 90, gamma: 90 });
  if (sys === 'Orthorhombic') return Lattice.fromParameters({ a: 7, b: 8, c: 10, alpha: 90, beta: 90, gamma: 90 });
  if (sys === 'Monoclinic') {
    const axis = e.setting.replace('-', '')[0];
    return Lattice.fromParameters({ a: 7, b: 8, c: 10, alpha: axis === 'a' ? 100 : 90, beta: axis === 'b' ? 100 : 90, gamma: axis === 'c' ? 100 : 90 });
  }
  return Lattice.fromParameters({ a: 7, b: 8, c: 10, alpha: 80, beta: 95, gamma: 105 });
}

describe('coordinate triplets', () => {
  it('parses the component forms that occur in the tables', () => {
    expect(parseLinearForm('-y+1/4')).toEqual({ coef: [0, -1, 0], constant: 0.25 });
    expect(parseLinearForm('2x')).toEqual({ coef: [2, 0, 0], constant: 0 });
    expect(parseLinearForm('5/8')).toEqual({ coef: [0, 0, 0], constant: 0.625 });
    expect(parseLinearForm('x+1/2')).toEqual({ coef: [1, 0, 0], constant: 0.5 });
    expect(evaluateTriplet(parseTriplet('1/8,y,-y+1/4'), { y: 0.3 })).toEqual([0.125, 0.3, -0.3 + 0.25]);
    expect(() => parseTriplet('x,y')).toThrow();
    expect(() => parseLinearForm('x+q')).toThrow();
  });
});

describe('Wyckoff tables', () => {
  it('Fd-3m origin 2: 16d at 1/2,1/2,1/2, 32e x,x,x, 48f x,1/8,1/8', () => {
    const hall = hallEntriesOf(227).find((h) => h.setting === '2')!.hall_number;
    expect(wyckoffPosition(hall, '16d').coordinates).toBe('1/2,1/2,1/2');
    expect(wyckoffPosition(hall, 'e').free).toEqual(['x']);
    expect(wyckoffPosition(hall, 'f').coordinates).toBe('x,1/8,1/8');
    expect(() => wyckoffPosition(hall, 'q')).toThrow(InputError);
    expect(() => wyckoffPosition(hall, 'q')).toThrow(/has no Wyckoff position 'q'/);
    expect(() => wyckoffPosition(hall, '8d')).toThrow(/multiplicity 16, not 8/);
  });

  it('orbits of the spinel positions have the table multiplicities (origin 1 and 2)', () => {
    const lat = Lattice.cubic(8.251);
    for (const h of hallEntriesOf(227)) {
      const ops = operationsOfHall(h.hall_number);
      for (const w of wyckoffTable(h.hall_number)) {
        const p = evaluateTriplet(w.triplet, { x: 0.2628, y: 0.0912, z: 0.3707 });
        expect(orbitOf(ops, p, lat).length).toBe(w.multiplicity);
      }
    }
  });

  it('every position of all 530 settings: generic parameters → orbit of the table multiplicity → identified back', () => {
    let n = 0;
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (const h of allHallEntries()) {
      const lat = latticeFor(h.hall_number);
      const ops = operationsOfHall(h.hall_number);
      for (const w of wyckoffTable(h.hall_number)) {
        const params: Params = { x: 0.05 + 0.4 * rnd(), y: 0.05 + 0.4 * rnd(), z: 0.05 + 0.4 * rnd() };
        const p = evaluateTriplet(w.triplet, params);
        // start from a random image of the representative
        const q = applyOp(ops[Math.floor(rnd() * ops.length)], p);
        const id = identifyWyckoff(h.hall_number, q, lat, 1e-4);
        expect(id, `${h.hall_number} ${w.letter}`).not.toBeNull();
        expect(id!.position.letter, `hall ${h.hall_number} ${w.multiplicity}${w.letter}`).toBe(w.letter);
        expect(id!.orbit.length).toBe(w.multiplicity);
        n++;
      }
    }
    expect(n).toBe(3467);
  });

  it('fits parameters only where the triplet allows: y=0.1 is not on x,1/8,1/8', () => {
    const hall = hallEntriesOf(227).find((h) => h.setting === '2')!.hall_number;
    const lat = Lattice.cubic(8.251);
    const f = wyckoffPosition(hall, 'f');
    expect(fitTriplet(f, [0.3, 0.125, 0.125] as Vec3, lat)).toEqual({ x: 0.3 });
    expect(fitTriplet(f, [0.3, 0.1, 0.125] as Vec3, lat)).toBeNull();
    // hexagonal x,2x,z (P6_3mc 6c is x,-x,z; P-6m2 6n is x,-x,z; P6/mmm 6l is x,2x,0)
    const p6 = hallEntriesOf(191)[0].hall_number;
    const l = wyckoffPosition(p6, 'l');
    expect(l.coordinates).toBe('x,2x,0');
    const hex = Lattice.fromParameters({ a: 5, b: 5, c: 4, alpha: 90, beta: 90, gamma: 120 });
    const fit = fitTriplet(l, [0.2, 0.4, 0] as Vec3, hex)!;
    expect(fit.x).toBeCloseTo(0.2, 12);
  });

  it('identifies the spinel sites of LiMn2O4 (origin 2) and snaps 0.333 to 1/3 in P6_3mc', () => {
    const hall = hallEntriesOf(227).find((h) => h.setting === '2')!.hall_number;
    const lat = Lattice.cubic(8.251);
    expect(identifyWyckoff(hall, [0.125, 0.125, 0.125], lat)!.position.letter).toBe('a');
    expect(identifyWyckoff(hall, [0.5, 0.5, 0.5], lat)!.position.letter).toBe('d');
    const o = identifyWyckoff(hall, [0.2628, 0.2628, 0.2628], lat)!;
    expect(o.position.letter).toBe('e');
    expect(o.orbit.length).toBe(32);
    // origin 1: the same numbers mean something else — 1/2,1/2,1/2 is 8b there
    const h1 = hallEntriesOf(227).find((h) => h.setting === '1')!.hall_number;
    expect(identifyWyckoff(h1, [0.5, 0.5, 0.5], lat)!.position.letter).toBe('b');
    const hex = Lattice.fromParameters({ a: 5.923, b: 5.923, c: 9.641, alpha: 90, beta: 90, gamma: 120 });
    const b = identifyWyckoff(hallEntriesOf(186)[0].hall_number, [0.333, 0.667, 0.48], hex)!;
    expect(b.position.letter).toBe('b');
    expect(b.representative[0]).toBeCloseTo(1 / 3, 12);
  });
});
