/**
 * Scene data from the analysis modules: the mobile ion's sites and hops for a structure
 * (analysis/sites.ts, analysis/paths.ts), and NEB images with energies for a run folder
 * (neb/neb-run.ts). The CLI passes them to buildScene; the viewer never parses files.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Lattice } from '../core/lattice.js';
import { Structure } from '../core/structure.js';
import type { Vec3 } from '../core/vec3.js';
import { InputError } from '../core/errors.js';
import { findSites } from '../analysis/sites.js';
import { findHops } from '../analysis/paths.js';
import { analyzeNebRun, type NebRunOptions } from '../neb/neb-run.js';
import { readStructure } from '../io/read-structure.js';
import type { HopInputForScene, NebInputForScene, SiteInputForScene } from './build-scene.js';

export interface IonSceneData {
  sites: SiteInputForScene[];
  hops: HopInputForScene[];
  percolation: { threshold: number; dimensionality: number; hopIds: string[] }[];
}

/**
 * Sites (every orbit position, labelled) and hops (every instance, grouped by class) of the
 * mobile ion. Hop thresholds are the peak BVSE energies (eV above the lowest site).
 */
export function ionSceneData(structure: Structure, ion = 'Li', maxHop = 4.5): IonSceneData {
  const sites = findSites(structure, { ion });
  const paths = findHops(structure, sites, { maxHop });
  const sceneSites: SiteInputForScene[] = [];
  for (const s of sites.sites) {
    s.positions.forEach((p, k) => sceneSites.push({ id: `${s.label}#${k + 1}`, frac: p, wyckoff: s.label, kind: s.kind, siteEnergy: s.siteEnergy, cn: s.cn }));
  }
  // Show the hop classes that matter: up to the peak energy at which the network first reaches
  // its full dimensionality, plus 0.25 eV (all of them when it never percolates).
  const full = Math.max(0, ...paths.percolation.map((p) => p.dimensionality));
  const reach = paths.percolation.find((p) => p.dimensionality === full && full > 0);
  const shown = new Set(paths.hops.filter((h) => !reach || h.peakEnergy <= reach.threshold + 0.25).map((h) => h.id));
  const byId = new Map(paths.hops.map((h) => [h.id, h]));
  const hops: HopInputForScene[] = paths.instances.filter((inst) => shown.has(inst.classId)).map((inst, k) => {
    const cls = byId.get(inst.classId)!;
    const a = paths.positions[inst.i];
    const b = paths.positions[inst.j];
    const to: Vec3 = [b.frac[0] + inst.image[0], b.frac[1] + inst.image[1], b.frac[2] + inst.image[2]];
    return {
      id: `${inst.classId}.${k + 1}`,
      from: a.site,
      to: b.site,
      fromFrac: a.frac,
      toFrac: to,
      length: cls.length,
      barrierEstimate: cls.barrierEstimate,
      bottleneckRadius: cls.bottleneckRadius,
      group: inst.classId,
    };
  });
  // percolation lists hop instance ids for the viewer's highlight
  const idsOf = (classIds: string[]) => hops.filter((h) => classIds.includes(h.group!)).map((h) => h.id);
  const percolation = paths.percolation.filter((p) => p.hopIds.every((id) => shown.has(id))).map((p) => ({ threshold: p.threshold, dimensionality: p.dimensionality, hopIds: idsOf(p.hopIds) }));
  return { sites: sceneSites, hops, percolation };
}

/** A VTST NEB run folder (00 … NN with OUTCARs) as images with energies for the viewer. */
export async function nebSceneData(dir: string, opts: NebRunOptions = {}): Promise<{ neb: NebInputForScene; barrier: number; warnings: string[] }> {
  const { run, analysis } = await analyzeNebRun(dir, opts);
  // species and site order from the first image's structure file
  const first = run.images[0];
  const candidates = [first.dir && join(first.dir, 'POSCAR'), first.dir && join(first.dir, 'CONTCAR'), join(dir, '00', 'POSCAR')].filter(
    (p): p is string => !!p && existsSync(p),
  );
  let template: Structure | null = null;
  for (const p of candidates) {
    try {
      template = readStructure(p, { format: 'poscar' }).structure;
      break;
    } catch {
      /* try the next */
    }
  }
  if (!template) throw new InputError('no readable POSCAR/CONTCAR in the first image folder to name the atoms', { file: dir });
  const images = run.images.map((im) => {
    const lat = new Lattice(im.geometry.lattice);
    if (im.geometry.cart.length !== template!.nsites) {
      throw new InputError(`image ${im.index} has ${im.geometry.cart.length} atoms, the first image ${template!.nsites}`, { file: im.outcar });
    }
    const sites = template!.sites.map((s, k) => ({ ...s, frac: lat.toFractional(im.geometry.cart[k] as unknown as Vec3) }));
    return { energy: im.energy, structure: new Structure(lat, sites, template!.title) };
  });
  const x = analysis.spline.x;
  const e0 = images[0].energy; // the spline holds energies relative to the initial state
  const spline: { coordinate: number; energy: number }[] = [];
  const n = 120;
  for (let k = 0; k <= n; k++) {
    const c = x[0] + ((x[x.length - 1] - x[0]) * k) / n;
    spline.push({ coordinate: c, energy: e0 + analysis.spline.value(c) });
  }
  return {
    neb: {
      images,
      spline,
      saddle: { coordinate: analysis.saddle.coordinate, energy: e0 + analysis.saddle.energy },
      barrier: analysis.barrier,
      reverseBarrier: analysis.reverseBarrier,
    },
    barrier: analysis.barrier,
    warnings: run.warnings,
  };
}
