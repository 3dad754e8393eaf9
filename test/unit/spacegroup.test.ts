import { describe, expect, it } from 'vitest';
import { allHallEntries, hallEntry, operationsOfHall, type SymOp } from '../../src/symmetry/moyo.js';
import {
  hallNumberFromHallSymbol,
  identifyHallNumber,
  settingFromHall,
  settingFromHermannMauguin,
  settingFromNumber,
  splitHermannMauguin,
} from '../../src/symmetry/spacegroup.js';
import { applySymop, closeGroup, formatSymop, parseSymop, symopKey, SymopSyntaxError } from '../../src/symmetry/symop.js';
import { expandOrbit, expandSites, orbitOf, PeriodicPointSet } from '../../src/symmetry/expand.js';
import { Lattice } from '../../src/core/lattice.js';

const opSet = (ops: readonly SymOp[]) => new Set(ops.map(symopKey));
const sameOps = (a: readonly SymOp[], b: readonly SymOp[]) => {
  const A = opSet(a);
  const B = opSet(b);
  return A.size === B.size && [...A].every((k) => B.has(k));
};

describe('Hermann–Mauguin spellings', () => {
  // Expected Hall numbers are moyo's (spglib's) numbering: 525/526 = Fd-3m origin 1/2,
  // 458/459 = R-3m hexagonal/rhombohedral axes, 81–89 the nine P2_1/c settings.
  const cases: [string, number, number][] = [
    ['F d -3 m Z', 526, 227],
    ['F d -3 m S', 525, 227],
    ['F d -3 m :2', 526, 227],
    ['Fd-3m:1', 525, 227],
    ['F d -3 m (origin choice 1)', 525, 227],
    ['F d 3 m', 526, 227],
    ['Fd3m', 526, 227],
    ['F m 3 m', 523, 225],
    ['Pm3m', 517, 221],
    ['Ia3d', 530, 230],
    ['R -3 m H', 458, 166],
    ['R -3 m :H', 458, 166],
    ['R -3 m :R', 459, 166],
    ['R -3 m R', 459, 166],
    ['P_1_21/a_1', 83, 14],
    ['P 1 21/n 1', 82, 14],
    ['P 21/n', 82, 14],
    ['P21/c', 81, 14],
    ['P 2(1)/c', 81, 14],
    ['P 1 1 21/b', 86, 14],
    ['P 43 3 2', 508, 212],
    ['P4_332', 508, 212],
    ['P 4_3 3 2', 508, 212],
    ['P 41 3 2', 509, 213],
    ['C 1 2/m 1', 63, 12],
    ['C2/m', 63, 12],
    ['A 1 2/m 1', 64, 12],
    ['P -4 21 m', 390, 113],
    ['P 63 m c', 480, 186],
    ['P 63/m m c', 488, 194],
    ['P 4 b m', 377, 100],
    ['Pnma', 292, 62],
    ['Pbnm', 294, 62],
    ['P 21 21 21', 115, 19],
    ['P2(1)2(1)2(1)', 115, 19],
    ['Cmca', 304, 64],
    ['Cmce', 304, 64],
    ['Abm2', 191, 39],
    ['Aba2', 203, 41],
    ['P 4/n m m Z', 409, 129],
    ['P 4/n m m S', 408, 129],
    ['I 41/a m d :1', 426, 141],
    ['P 3 1 2', 438, 149],
    ['P 3 2 1', 439, 150],
    ['P 31 2 1', 441, 152],
    ['P -1', 2, 2],
    ['P1', 1, 1],
  ];
  for (const [sym, hall, number] of cases) {
    it(`'${sym}' → Hall ${hall} (No. ${number})`, () => {
      const s = settingFromHermannMauguin(sym)!;
      expect(s).not.toBeNull();
      expect([s.hallNumber, s.number]).toEqual([hall, number]);
    });
  }

  it('defaults to origin choice 2 with a warning when the origin is not stated', () => {
    const s = settingFromHermannMauguin('F d -3 m')!;
    expect(s.hallNumber).toBe(526);
    expect(s.warnings.join()).toMatch(/assumed origin choice 2/);
    expect(settingFromHermannMauguin('F d -3 m Z')!.warnings).toEqual([]);
    expect(settingFromHermannMauguin('P n n n')!.hallNumber).toBe(229);
  });

  it('reads the origin or axes from a separate coordinate-system code', () => {
    expect(settingFromHermannMauguin('F d -3 m', { code: '1' })!.hallNumber).toBe(525);
    expect(settingFromHermannMauguin('R -3 m', { code: 'r' })!.hallNumber).toBe(459);
    expect(settingFromHermannMauguin('P 21/c', { code: 'c1' })!.hallNumber).toBe(84);
  });

  it('chooses rhombohedral axes from a rhombohedral cell, hexagonal from a hexagonal one', () => {
    const rh = { a: 5, b: 5, c: 5, alpha: 60, beta: 60, gamma: 60 };
    const hex = { a: 3, b: 3, c: 14, alpha: 90, beta: 90, gamma: 120 };
    expect(settingFromHermannMauguin('R -3 m', { cell: rh })!.hallNumber).toBe(459);
    const h = settingFromHermannMauguin('R -3 m', { cell: hex })!;
    expect(h.hallNumber).toBe(458);
    expect(h.warnings).toEqual([]);
    expect(settingFromHermannMauguin('R -3 m')!.warnings.join()).toMatch(/hexagonal axes/);
  });

  it('rejects what is not a symbol', () => {
    for (const s of ['F d -3 q', 'X 2 2 2', 'P 7', '', 'Q', 'P 2/q']) expect(settingFromHermannMauguin(s)).toBeNull();
  });

  it('splits setting suffixes off', () => {
    expect(splitHermannMauguin('F d -3 m Z')).toEqual({ symbol: 'F d -3 m', hints: { origin: 2 } });
    expect(splitHermannMauguin('R -3 m H')).toEqual({ symbol: 'R -3 m', hints: { axes: 'H' } });
    expect(splitHermannMauguin('P 4/n m m :1')).toEqual({ symbol: 'P 4/n m m', hints: { origin: 1 } });
  });

  it('finds every one of the 530 settings from its full symbol and setting code', () => {
    for (const e of allHallEntries()) {
      const s = settingFromHermannMauguin(e.hm_full, { code: e.setting || undefined });
      expect(s, `${e.hall_number} ${e.hm_full} ${e.setting}`).not.toBeNull();
      expect(sameOps(operationsOfHall(s!.hallNumber), operationsOfHall(e.hall_number)), `${e.hall_number} ${e.hm_full} ${e.setting}`).toBe(true);
    }
  });

  it('never maps one spelling to two different space-group types', () => {
    for (const e of allHallEntries()) {
      for (const sym of [e.hm_full, e.hm_short, e.hm_full.replace(/_/g, ''), e.hm_short.replace(/[\s_]/g, '')]) {
        const s = settingFromHermannMauguin(sym, { code: e.setting || undefined });
        // Short monoclinic symbols name the group type; everything else must be exact.
        expect(s?.number, `${sym} (Hall ${e.hall_number})`).toBe(e.number);
      }
    }
  });

  it('gives the standard setting for an IT number', () => {
    expect(settingFromNumber(227)!.hallNumber).toBe(526);
    expect(settingFromNumber(166)!.hallNumber).toBe(458);
    expect(settingFromNumber(14)!.hallNumber).toBe(81);
    expect(settingFromNumber(166, { cell: { a: 5, b: 5, c: 5, alpha: 50, beta: 50, gamma: 50 } })!.hallNumber).toBe(459);
    expect(settingFromNumber(0)).toBeNull();
    expect(settingFromNumber(231)).toBeNull();
  });
});

describe('Hall symbols', () => {
  it('matches spaces, underscores, case and double primes', () => {
    expect(hallNumberFromHallSymbol('-P_2yn')).toBe(82);
    expect(hallNumberFromHallSymbol('-p_2yab')).toBe(83);
    expect(hallNumberFromHallSymbol('P 4acd 2ab 3')).toBe(508);
    expect(hallNumberFromHallSymbol('P -4 2ab')).toBe(390);
    expect(hallNumberFromHallSymbol('-P2ybc')).toBe(81);
    expect(hallNumberFromHallSymbol('-R 3 2"')).toBe(458);
    expect(hallNumberFromHallSymbol(' -F 4vw 2vw 3 ')).toBe(526);
    expect(hallNumberFromHallSymbol('P 31 2 (0 0 4)')).toBe(440);
    expect(hallNumberFromHallSymbol('-P 2yq')).toBeNull();
  });

  it('finds every Hall symbol in the table', () => {
    for (const e of allHallEntries()) {
      const s = settingFromHall(e.hall_symbol)!;
      expect(sameOps(operationsOfHall(s.hallNumber), operationsOfHall(e.hall_number))).toBe(true);
    }
  });
});

describe('identifying operation sets', () => {
  it('recognises the operations of all 530 settings, in any order and with shifted translations', () => {
    for (const e of allHallEntries()) {
      const ops = operationsOfHall(e.hall_number).map((o, i) => ({ rotation: o.rotation, translation: o.translation.map((t) => t + (i % 3) - 1) as [number, number, number] }));
      ops.reverse();
      const h = identifyHallNumber(ops);
      expect(h).not.toBeNull();
      expect(sameOps(operationsOfHall(h!), operationsOfHall(e.hall_number))).toBe(true);
    }
    expect(identifyHallNumber([parseSymop('x,y,z'), parseSymop('-x,-y,-z+0.1234')])).toBeNull();
  });
});

describe('symmetry operation triplets', () => {
  it('parses the spellings found in CIFs', () => {
    expect(parseSymop('x,y+1/2,-z')).toEqual({ rotation: [1, 0, 0, 0, 1, 0, 0, 0, -1], translation: [0, 0.5, 0] });
    expect(parseSymop('1/2-y, X-Y ,+z+2/3')).toEqual({ rotation: [0, -1, 0, 1, -1, 0, 0, 0, 1], translation: [0.5, 0, 2 / 3] });
    expect(parseSymop('-x+0.25,y,z')).toEqual({ rotation: [-1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0.25, 0, 0] });
    expect(parseSymop('x,y,z,+1').translation).toEqual([0, 0, 0]);
    expect(parseSymop(' +x , +y , +z ').rotation).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('rejects what is not an operation, saying why', () => {
    const bad: [string, RegExp][] = [
      ['x,y', /three comma-separated/],
      ['x,y,y', /determinant 0/],
      ['2x,y,z', /determinant 2/],
      ['x,y,q', /unexpected "q"/],
      ['x,y,1/2x', /not an integer/],
      ['x,,z', /empty component/],
      ['x y,y,z', /expected \+ or -/],
      ['x,y,z+1/0', /bad fraction/],
    ];
    for (const [s, re] of bad) {
      expect(() => parseSymop(s), s).toThrow(SymopSyntaxError);
      expect(() => parseSymop(s), s).toThrow(re);
    }
  });

  it('formats and re-parses every operation of every setting exactly', () => {
    for (const e of allHallEntries()) {
      for (const op of operationsOfHall(e.hall_number)) {
        const back = parseSymop(formatSymop(op));
        expect(back.rotation).toEqual([...op.rotation]);
        back.translation.forEach((t, i) => expect(Math.abs(t - op.translation[i])).toBeLessThan(1e-12));
      }
    }
    expect(formatSymop(parseSymop('-y+1/4,x+3/4,z-1/2'), ', ')).toBe('-y+1/4, x+3/4, z-1/2');
  });

  it('closes a generating set to its group and refuses an infinite one', () => {
    const g = closeGroup([parseSymop('-x,-y,z'), parseSymop('x+1/2,y+1/2,z')])!;
    expect(g.length).toBe(4);
    expect(closeGroup([parseSymop("x+0.3141592653,y,z")], 192)).toBeNull();
  });
});

describe('orbits and merging', () => {
  const cubic = Lattice.cubic(8.251);

  it('gives the Wyckoff multiplicities of spinel in origin choice 2 (LiMn2O4: 8a, 16d, 32e)', () => {
    const ops = operationsOfHall(526);
    expect(expandOrbit([0.125, 0.125, 0.125], ops, cubic).length).toBe(8);
    expect(expandOrbit([0.5, 0.5, 0.5], ops, cubic).length).toBe(16);
    expect(expandOrbit([0.2628, 0.2628, 0.2628], ops, cubic).length).toBe(32);
    // The same coordinates with origin-1 operations (pymatgen's mistake): Li16 Mn8.
    const o1 = operationsOfHall(525);
    expect(expandOrbit([0.125, 0.125, 0.125], o1, cubic).length).toBe(16);
    expect(expandOrbit([0.5, 0.5, 0.5], o1, cubic).length).toBe(8);
  });

  it('merges images of a rounded special position and puts it back on the symmetry element', () => {
    const hex = Lattice.fromParameters({ a: 5.923, b: 5.923, c: 9.641, alpha: 90, beta: 90, gamma: 120 });
    const ops = operationsOfHall(488); // P6_3/mmc
    const o = orbitOf([0.3333, 0.6667, 0.25], ops, hex);
    expect(o.positions.length).toBe(2); // 2c
    expect(o.maxMergeA).toBeGreaterThan(0);
    expect(o.maxMergeA).toBeLessThan(0.002);
    for (const p of o.positions) expect([Math.abs(p[0] - 1 / 3) < 1e-9 || Math.abs(p[0] - 2 / 3) < 1e-9]).toEqual([true]);
    // With a tolerance far below the rounding, the images stay apart.
    expect(expandOrbit([0.3333, 0.6667, 0.25], ops, hex, 1e-5).length).toBeGreaterThan(2);
  });

  it('wraps positions into [0, 1)', () => {
    for (const p of expandOrbit([-0.25, 1.0, 1.5], operationsOfHall(2), cubic)) for (const x of p) expect(x >= 0 && x < 1).toBe(true);
  });

  it('point set finds exactly the points a brute-force search finds (skewed cell)', () => {
    const lat = Lattice.fromParameters({ a: 3.1, b: 4.7, c: 9.3, alpha: 71, beta: 104, gamma: 117 });
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const set = new PeriodicPointSet(lat, 0.3);
    const pts: number[][] = [];
    for (let i = 0; i < 300; i++) {
      const p = [rnd(), rnd(), rnd()];
      pts.push(p);
      set.add(p);
    }
    for (let i = 0; i < 300; i++) {
      const q = [rnd() * 3 - 1, rnd() * 3 - 1, rnd() * 3 - 1];
      let best = -1;
      let bestD = Infinity;
      pts.forEach((p, j) => {
        const d = lat.minimumImageDistance(p as never, q as never);
        if (d <= 0.3 && d < bestD) {
          best = j;
          bestD = d;
        }
      });
      const hit = set.find(q);
      expect(hit?.index ?? -1).toBe(best);
    }
  });

  it('merges atoms of different labels at one position into one site with several species', () => {
    const ops = operationsOfHall(480); // P6_3mc
    const hex = Lattice.fromParameters({ a: 5.923, b: 5.923, c: 9.641, alpha: 90, beta: 90, gamma: 120 });
    const ex = expandSites(
      [
        { frac: [1 / 3, 2 / 3, -0.072], label: 'Li1', species: [{ element: 'Li', occupancy: 0.55 }] },
        { frac: [1 / 3, 2 / 3, -0.072], label: 'Fe1', species: [{ element: 'Fe', occupancy: 0.45 }] },
        { frac: [0, 0, 0.304], label: 'O1', species: [{ element: 'O', occupancy: 1 }] },
      ],
      ops,
      hex,
    );
    expect(ex.sites.length).toBe(4);
    expect(ex.sites[0].species).toEqual([
      { element: 'Li', occupancy: 0.55 },
      { element: 'Fe', occupancy: 0.45 },
    ]);
    expect(ex.sources).toEqual([[0, 1], [0, 1], [2], [2]]);
    expect(ex.orbitSizes).toEqual([2, 2, 2]);
    expect(applySymop(ops[1], [0, 0, 0])).toHaveLength(3);
  });
});

describe('moyo rotation convention', () => {
  it('applies rotations row-major to column vectors (x\' = R x + t)', () => {
    // Hall 434 (R3, rhombohedral axes): the 3-fold permutes x → z → y.
    const ops = operationsOfHall(434);
    const images = ops.map((o) => applySymop(o, [0.1, 0.2, 0.3]).map((x) => Number(x.toFixed(6))));
    expect(images).toContainEqual([0.3, 0.1, 0.2]);
    expect(hallEntry(434).hall_symbol).toBe('P 3*');
  });
});
