/**
 * Structures and scenes built in code for the viewer tests and the frame benchmark:
 * the LiMn2O4 spinel (Fd-3m origin choice 2, a = 8.251 Å, Li 8a, Mn 16d, O 32e x = 0.2625,
 * expanded with the 192 operations of Hall setting 526), its Li sites (8a occupied, 16c
 * interstitial) and the 8a–16c hops, and a synthetic NEB (UI test only).
 */
import { Lattice } from '../../src/core/lattice.js';
import { Structure, type SiteInput } from '../../src/core/structure.js';
import type { Vec3 } from '../../src/core/vec3.js';
import { operationsOfHall } from '../../src/symmetry/moyo.js';
import { buildScene, type HopInputForScene, type SiteInputForScene } from '../../src/scene/build-scene.js';
import type { SceneDocument } from '../../src/scene/scene-document.js';

export const SPINEL_A = 8.251;

/** Orbit of a fractional position under the operations of a Hall setting (deduplicated). */
export function orbit(hall: number, p: Vec3, tol = 1e-6): Vec3[] {
  const out: Vec3[] = [];
  for (const op of operationsOfHall(hall)) {
    const R = op.rotation;
    const q = [0, 1, 2].map((r) => {
      const x = R[r * 3] * p[0] + R[r * 3 + 1] * p[1] + R[r * 3 + 2] * p[2] + op.translation[r];
      const w = x - Math.floor(x);
      return w > 1 - tol ? 0 : w;
    }) as unknown as Vec3;
    const dup = out.some((o) => o.every((v, c) => {
      const d = Math.abs(v - q[c]);
      return Math.min(d, 1 - d) < tol;
    }));
    if (!dup) out.push(q);
  }
  return out;
}

/** LiMn2O4 spinel, 56 atoms: Li 8a, Mn 16d, O 32e, with Wyckoff letters as site properties. */
export function spinel(): Structure {
  const sites: SiteInput[] = [];
  const add = (el: string, wy: string, p: Vec3) => orbit(526, p).forEach((f, i) => sites.push({ frac: f, species: el, label: `${el}${i + 1}`, properties: { wyckoff: wy } }));
  add('Li', '8a', [1 / 8, 1 / 8, 1 / 8]);
  add('Mn', '16d', [1 / 2, 1 / 2, 1 / 2]);
  add('O', '32e', [0.2625, 0.2625, 0.2625]);
  return new Structure(Lattice.cubic(SPINEL_A), sites, 'LiMn2O4 spinel');
}

/** Li sites of the spinel: 8a occupied (the Li atoms), 16c interstitial (origin 2: 0,0,0). */
export function spinelSites(): SiteInputForScene[] {
  const a = orbit(526, [1 / 8, 1 / 8, 1 / 8]).map((f, i) => ({ id: `8a-${i}`, frac: f, wyckoff: '8a', kind: 'occupied' as const }));
  const c = orbit(526, [0, 0, 0]).map((f, i) => ({ id: `16c-${i}`, frac: f, wyckoff: '16c', kind: 'interstitial' as const }));
  return [...a, ...c];
}

/** Every 8a→16c hop in the cell (each 8a has four 16c neighbours at √3/8·a = 1.786 Å). */
export function spinelHops(sites = spinelSites(), barrier?: (i: number) => number): HopInputForScene[] {
  const hops: HopInputForScene[] = [];
  const lat = Lattice.cubic(SPINEL_A);
  for (const s of sites.filter((x) => x.kind === 'occupied')) {
    for (const t of sites.filter((x) => x.kind === 'interstitial')) {
      const v = lat.minimumImageVector(s.frac as Vec3, t.frac as Vec3);
      const d = Math.hypot(...v);
      if (d > 1.9) continue;
      const toFrac = lat.toFractional([lat.toCartesian(s.frac as Vec3)[0] + v[0], lat.toCartesian(s.frac as Vec3)[1] + v[1], lat.toCartesian(s.frac as Vec3)[2] + v[2]]);
      const hop: HopInputForScene = { id: `h${hops.length}`, group: 'h8a-16c', from: s.id, to: t.id, fromFrac: s.frac, toFrac };
      if (barrier) hop.barrierEstimate = barrier(hops.length);
      hops.push(hop);
    }
  }
  return hops;
}

/**
 * The spinel scene with sites and hops. The hop barriers are SYNTHETIC (a made-up spread
 * 0.30–0.62 eV so the colour scale has a range) and the scene says so in its notes.
 */
export function spinelScene(): SceneDocument {
  const s = spinel();
  const sites = spinelSites();
  const hops = spinelHops(sites, (i) => 0.3 + 0.32 * ((i * 7) % 32) / 31);
  return buildScene(s, {
    title: 'LiMn2O4 spinel (test scene)',
    spacegroup: { number: 227, symbol: 'Fd-3m' },
    sites,
    hops,
    percolation: [{ threshold: 0.62, dimensionality: 3, hopIds: hops.map((h) => h.id) }],
    notes: ['Hop barriers in this scene are synthetic (UI test only), not computed.'],
  });
}

/**
 * A synthetic NEB (UI test only): the spinel with one Li moved in 5 images from its 8a site
 * through the neighbouring 16c site to the next 8a site, with made-up energies.
 */
export function syntheticNebScene(): SceneDocument {
  const s = spinel();
  const lat = s.lattice;
  const li = 0; // Li1 at 8a (1/8,1/8,1/8)
  const start = s.sites[li].frac;
  // 8a (1/8,1/8,1/8) → 16c (0,0,0) → 8a (−1/8,−1/8,−1/8) ≡ (7/8,7/8,7/8); that 8a site holds
  // a Li in the full cell, so it is removed (a vacancy-mediated hop).
  const endFrac: Vec3 = [start[0] - 0.25, start[1] - 0.25, start[2] - 0.25];
  const target = s.sites.findIndex((x, i) => i !== li && x.species[0].element === 'Li' && lat.minimumImageDistance(x.frac, endFrac) < 1e-6);
  const base = target >= 0 ? s.removeSites([target]) : s;
  const energies = [-400.0, -399.78, -399.55, -399.8, -400.02];
  const images = energies.map((energy, k) => {
    const u = k / (energies.length - 1);
    const f: Vec3 = [start[0] - 0.25 * u, start[1] - 0.25 * u, start[2] - 0.25 * u];
    const sites = base.sites.map((x, i) => (i === li ? { ...x, frac: f } : x));
    return { energy, structure: base.withSites(sites as SiteInput[]) };
  });
  return buildScene(images[0].structure, {
    title: 'Synthetic NEB (UI test only)',
    neb: { images, movingAtom: li },
    notes: ['Synthetic NEB: a Li moved linearly over 5 images with made-up energies — for testing the viewer only.'],
  });
}
