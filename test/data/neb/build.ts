/**
 * Test structures built from space-group operations (moyo tables), so the tests do not
 * depend on a CIF reader:
 *  - LiMn2O4 spinel, Fd-3m origin choice 2 (Hall 526), a = 8.251 Å, Li 8a (1/8,1/8,1/8),
 *    Mn 16d (1/2,1/2,1/2), O 32e x = 0.2628 (the values of the issue; cf. Berg et al. 1998).
 *  - A clearly synthetic P31m host (space group 157, Hall 447), K3V5O11: a = 8.70 Å,
 *    c = 5.00 Å, K 3c, V 3c + 2b, O 3c + 6d + 2b, free parameters from a random search that
 *    keeps cation–O ≥ 1.85 Å, O–O ≥ 2.6 Å, cation–cation ≥ 3.0 Å. Not a real compound; it
 *    exists to exercise hexagonal cells and interstitial (inserted-ion) hops.
 */
import { Lattice } from '../../../src/core/lattice.js';
import { Structure, type SiteInput } from '../../../src/core/structure.js';
import type { Vec3 } from '../../../src/core/vec3.js';
import { operationsOfHall } from '../../../src/symmetry/moyo.js';

/** Orbit of a fractional point under a Hall setting's operations (wrapped to [0,1), deduplicated). */
export function orbit(hall: number, p: Vec3, lattice: Lattice, tolÅ = 1e-3): Vec3[] {
  const out: Vec3[] = [];
  for (const op of operationsOfHall(hall)) {
    const r = op.rotation;
    const q: Vec3 = [
      r[0] * p[0] + r[1] * p[1] + r[2] * p[2] + op.translation[0],
      r[3] * p[0] + r[4] * p[1] + r[5] * p[2] + op.translation[1],
      r[6] * p[0] + r[7] * p[1] + r[8] * p[2] + op.translation[2],
    ];
    const w = q.map((x) => {
      const y = x - Math.floor(x);
      return y > 1 - 1e-12 ? 0 : y;
    }) as unknown as Vec3;
    if (!out.some((o) => lattice.minimumImageDistance(o, w) < tolÅ)) out.push(w);
  }
  return out;
}

export function fromWyckoff(hall: number, lattice: Lattice, sites: { el: string; p: Vec3; label: string }[], title: string): Structure {
  const all: SiteInput[] = [];
  for (const s of sites) for (const f of orbit(hall, s.p, lattice)) all.push({ frac: f, species: s.el, label: s.label });
  return new Structure(lattice, all, title);
}

/** LiMn2O4, conventional cell, 56 atoms. */
export function limn2o4(): Structure {
  const lat = Lattice.cubic(8.251);
  const x = 0.2628;
  return fromWyckoff(
    526,
    lat,
    [
      { el: 'Li', p: [0.125, 0.125, 0.125], label: 'Li8a' },
      { el: 'Mn', p: [0.5, 0.5, 0.5], label: 'Mn16d' },
      { el: 'O', p: [x, x, x], label: 'O32e' },
    ],
    'LiMn2O4 spinel Fd-3m (origin 2), a = 8.251 A',
  );
}

/** Synthetic P31m host (see header): K3V5O11, 19 atoms. */
export function p31mHost(): Structure {
  const lat = Lattice.fromParameters({ a: 8.7, b: 8.7, c: 5.0, alpha: 90, beta: 90, gamma: 120 });
  return fromWyckoff(
    447,
    lat,
    [
      { el: 'K', p: [0.784, 0, 0.5], label: 'K3c' },
      { el: 'V', p: [0.321, 0, 0.925], label: 'V3c' },
      { el: 'V', p: [1 / 3, 2 / 3, 0.598], label: 'V2b' },
      { el: 'O', p: [0.65, 0, 0.993], label: 'O3c' },
      { el: 'O', p: [0.76, 0.573, 0.428], label: 'O6d' },
      { el: 'O', p: [1 / 3, 2 / 3, 0.999], label: 'O2b' },
    ],
    'synthetic P31m host K3V5O11 (test data, not a real compound)',
  );
}
