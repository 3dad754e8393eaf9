/**
 * Linear and IDPP NEB bands against ASE 3.22.1 (test/data/neb/make_idpp_reference.py →
 * idpp-ase.json): linear images exact, IDPP images within 0.03 Å of ASE's idpp_interpolate
 * (mic, FIRE, fmax 1e-3). Also the minimum-image helper and the closest-pair report
 * against brute force.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Lattice } from '../../src/core/lattice.js';
import { Structure } from '../../src/core/structure.js';
import type { Vec3 } from '../../src/core/vec3.js';
import { MicHelper, closestPairs, idppImages, idppRelax, imageReports, linearBandCart, linearImages } from '../../src/neb/interpolate.js';
import { projectRoot } from '../helpers/fixtures.js';

interface AseCase {
  name: string;
  lattice: number[][];
  symbols: string[];
  initial: number[][];
  final: number[][];
  moving: number;
  nimages: number;
  linear: number[][][];
  idpp: number[][][];
  idpp_fmax: number;
  idpp_steps: number;
}
const ref = JSON.parse(readFileSync(join(projectRoot, 'test/data/neb/idpp-ase.json'), 'utf8')) as {
  ase_version: string;
  settings: { fmax: number; optimizer: string };
  cases: AseCase[];
};

function structureOf(c: AseCase, cart: number[][]): Structure {
  const lat = new Lattice(c.lattice);
  return new Structure(
    lat,
    cart.map((p, i) => ({ frac: lat.toFractional(p as unknown as Vec3), species: c.symbols[i] })),
  );
}

/** Largest per-atom minimum-image distance between two flat Cartesian arrays and ASE rows (Å). */
function maxDeviation(lat: Lattice, mine: Float64Array, ase: number[][]): number {
  const mic = new MicHelper(lat);
  const v = new Float64Array(3);
  let worst = 0;
  ase.forEach((p, i) => {
    mic.mic(mine[3 * i] - p[0], mine[3 * i + 1] - p[1], mine[3 * i + 2] - p[2], v, 0);
    worst = Math.max(worst, Math.hypot(v[0], v[1], v[2]));
  });
  return worst;
}

describe('NEB bands vs ASE ' + ref.ase_version, () => {
  it('reference file holds the two cases', () => {
    expect(ref.cases.map((c) => c.name)).toEqual(['limn2o4-conventional-8a-16c-8a', 'p31m-x113-li-interstitial']);
    expect(ref.cases.map((c) => c.symbols.length)).toEqual([55, 58]);
  });

  for (const c of ref.cases) {
    describe(c.name, () => {
      const lat = new Lattice(c.lattice);
      const ini = structureOf(c, c.initial);
      const fin = structureOf(c, c.final);

      it('linear images equal ase.neb.interpolate(mic=True) exactly', () => {
        const band = linearBandCart(ini, fin, c.nimages);
        expect(band.length).toBe(c.nimages + 2);
        let worst = 0;
        band.forEach((p, k) => {
          c.linear[k].forEach((q, i) => {
            for (let a = 0; a < 3; a++) worst = Math.max(worst, Math.abs(p[3 * i + a] - q[a]));
          });
        });
        // ASE's final image keeps its own (wrapped) positions; compare it modulo the lattice
        expect(maxDeviation(lat, band[band.length - 1], c.linear[c.nimages + 1])).toBeLessThan(1e-9);
        const interior = band.slice(0, -1);
        let w2 = 0;
        interior.forEach((p, k) => c.linear[k].forEach((q, i) => {
          for (let a = 0; a < 3; a++) w2 = Math.max(w2, Math.abs(p[3 * i + a] - q[a]));
        }));
        expect(w2).toBeLessThan(1e-9);
        expect(worst).toBeGreaterThanOrEqual(0);
      });

      it('IDPP images within 0.03 Å of ASE idpp_interpolate', () => {
        const start = linearBandCart(ini, fin, c.nimages);
        const r = idppRelax(lat, start, ini.nsites, { fmax: 1e-3, maxSteps: 5000 });
        expect(r.converged || r.stagnated).toBe(true);
        const dev = r.band.map((p, k) => maxDeviation(lat, p, c.idpp[k]));
        // endpoints untouched
        expect(dev[0]).toBeLessThan(1e-9);
        expect(dev[dev.length - 1]).toBeLessThan(1e-9);
        expect(Math.max(...dev)).toBeLessThan(0.03);
        // IDPP really moved the images away from the straight line somewhere
        const fromLinear = r.band.map((p, k) => maxDeviation(lat, p, c.linear[k]));
        expect(Math.max(...fromLinear)).toBeGreaterThan(0.1);
        // eslint-disable-next-line no-console
        console.log(`${c.name}: IDPP ${r.steps} steps, fmax ${r.fmax.toExponential(2)} (ASE ${c.idpp_fmax.toExponential(2)}), max deviation from ASE ${Math.max(...dev).toFixed(4)} Å, from linear ${Math.max(...fromLinear).toFixed(3)} Å`);
      });

      it('MDMin (ASE default optimiser) lands on the same band', () => {
        const start = linearBandCart(ini, fin, c.nimages);
        const r = idppRelax(lat, start, ini.nsites, { fmax: 3e-3, maxSteps: 3000, optimizer: 'mdmin' });
        const dev = r.band.map((p, k) => maxDeviation(lat, p, c.idpp[k]));
        expect(Math.max(...dev)).toBeLessThan(0.03);
      });
    });
  }

  it('idppImages keeps the endpoints as given and reports per image', () => {
    const c = ref.cases[0];
    const ini = structureOf(c, c.initial);
    const fin = structureOf(c, c.final);
    const { images, result } = idppImages(ini, fin, 5, { fmax: 0.005 });
    expect(result.converged).toBe(true);
    expect(images[0]).toBe(ini);
    expect(images[6]).toBe(fin);
    const rep = imageReports(images, c.moving);
    expect(rep.length).toBe(7);
    // the moving Li passes the 16c site (0,0,0) at the middle image (symmetric hop)
    const mid = rep[3].movingFrac!;
    expect(ini.lattice.minimumImageDistance(mid, [0, 0, 0])).toBeLessThan(0.02);
    for (const r of rep) expect(r.collisions).toEqual([]);
  });
});

describe('minimum image and closest pairs', () => {
  it('MicHelper agrees with Lattice.minimumImageVector in a skewed cell', () => {
    const lat = Lattice.fromParameters({ a: 5.1, b: 6.3, c: 7.7, alpha: 71, beta: 103, gamma: 117 });
    const mic = new MicHelper(lat);
    const out = new Float64Array(3);
    let seed = 11;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 4 - 2;
    for (let t = 0; t < 500; t++) {
      const a: Vec3 = [rnd(), rnd(), rnd()];
      const b: Vec3 = [rnd(), rnd(), rnd()];
      const ca = lat.toCartesian(a);
      const cb = lat.toCartesian(b);
      mic.mic(cb[0] - ca[0], cb[1] - ca[1], cb[2] - ca[2], out, 0);
      expect(Math.hypot(out[0], out[1], out[2])).toBeCloseTo(lat.minimumImageDistance(a, b), 10);
    }
  });

  it('closestPairs equals a brute-force scan over images', () => {
    const c = ref.cases[1];
    const s = structureOf(c, c.idpp[3]);
    const { closest } = closestPairs(s);
    let best = Infinity;
    for (let i = 0; i < s.nsites; i++) for (let j = i + 1; j < s.nsites; j++) best = Math.min(best, s.lattice.minimumImageDistance(s.sites[i].frac, s.sites[j].frac));
    expect(closest.distance).toBeCloseTo(best, 12);
  });

  it('flags a collision in the linear band of the P31m channel hop and none in IDPP', () => {
    const c = ref.cases[1];
    const ini = structureOf(c, c.initial);
    const fin = structureOf(c, c.final);
    const lin = imageReports(linearImages(ini, fin, 5), c.moving);
    const flagged = lin.filter((r) => r.collisions.length > 0).map((r) => r.index);
    expect(flagged.length).toBeGreaterThan(0);
    for (const r of lin.filter((x) => x.collisions.length)) {
      expect(r.collisions[0].elements.sort()).toEqual(['K', 'Li']);
      expect(r.collisions[0].distance).toBeLessThan(0.6 * (2.03 + 1.28));
    }
    const id = imageReports(idppImages(ini, fin, 5, { fmax: 0.005 }).images, c.moving);
    expect(id.every((r) => r.collisions.length === 0)).toBe(true);
  });
});
