/**
 * From the analysis to an NEB: turn a hop class id ("H2") or a chain of site labels
 * ("8a>16c>8a", "1a>3c(1)>3c(2)") into concrete fractional positions — start, waypoints,
 * end — for neb/endpoints.ts. The chain is followed through actual hop instances, so each
 * step is a real elementary hop and the end is a different site from the start.
 */
import { InputError } from '../core/errors.js';
import type { Vec3 } from '../core/vec3.js';
import type { Hop, Mechanism } from '../neb/endpoints.js';
import type { PathsResult } from './paths.js';
import type { SitesResult } from './sites.js';

export interface SelectedHop extends Hop {
  /** Site labels along the hop. */
  labels: string[];
  /** Hop classes used, one per step. */
  classes: string[];
}

/** Select a hop for an NEB. `spec` is a hop class id (H1, H2 …) or a chain "8a>16c>8a". */
export function selectHop(sites: SitesResult, paths: PathsResult, spec: string, mechanism?: Mechanism): SelectedHop {
  const ion = sites.ion;
  const occupied = new Set(sites.sites.filter((s) => s.kind === 'occupied').map((s) => s.label));
  const mech = (startLabel: string): Mechanism => mechanism ?? (occupied.has(startLabel) ? 'vacancy' : 'interstitial');
  const idMatch = /^H\d+$/i.test(spec.trim());
  if (idMatch) {
    const id = spec.trim().toUpperCase();
    const cls = paths.hops.find((h) => h.id === id);
    if (!cls) throw new InputError(`no hop ${id}`, { hint: `hops: ${paths.hops.map((h) => h.id).join(', ')} (see ionpath paths)` });
    return { from: cls.fromFrac, to: cls.toFrac, ion, mechanism: mech(cls.from), label: `${id} ${cls.from}>${cls.to}`, labels: [cls.from, cls.to], classes: [id] };
  }
  const labels = spec.split('>').map((s) => s.trim()).filter(Boolean);
  if (labels.length < 2) throw new InputError(`hop "${spec}": give a hop id (H1, H2 …) or a chain of sites like 8a>16c>8a`);
  for (const l of labels) {
    if (!sites.sites.some((s) => s.label === l)) throw new InputError(`hop "${spec}": no site labelled ${l}`, { hint: `sites: ${sites.sites.map((s) => s.label).join(', ')}` });
  }
  // Instances as directed edges between position indices, with the lattice image.
  type Edge = { to: number; image: [number, number, number]; classId: string };
  const out = new Map<number, Edge[]>();
  const add = (a: number, e: Edge) => out.set(a, [...(out.get(a) ?? []), e]);
  for (const inst of paths.instances) {
    add(inst.i, { to: inst.j, image: inst.image, classId: inst.classId });
    add(inst.j, { to: inst.i, image: [-inst.image[0], -inst.image[1], -inst.image[2]], classId: inst.classId });
  }
  const peak = new Map(paths.hops.map((h) => [h.id, h.peakEnergy]));
  const pos = paths.positions;
  // depth-first through the chain from each position of the first site, lowest-peak hops first
  const starts = pos.map((p, i) => ({ p, i })).filter((x) => x.p.site === labels[0]);
  for (const s of starts) {
    const found = walk(s.i, [0, 0, 0], 1, [s.i], [[0, 0, 0]], []);
    if (found) {
      const frac = (k: number): Vec3 => {
        const [idx, img] = [found.nodes[k], found.images[k]];
        return [pos[idx].frac[0] + img[0], pos[idx].frac[1] + img[1], pos[idx].frac[2] + img[2]];
      };
      const n = found.nodes.length;
      return {
        from: frac(0),
        to: frac(n - 1),
        via: found.nodes.slice(1, -1).map((_, k) => frac(k + 1)),
        ion,
        mechanism: mech(labels[0]),
        label: labels.join('>'),
        labels,
        classes: found.classes,
      };
    }
  }
  throw new InputError(`hop "${spec}": no chain of hops ${labels.join(' → ')} within the hop length`, { hint: 'raise --max-hop, or check `ionpath paths` for the hops found' });

  function walk(at: number, img: [number, number, number], k: number, nodes: number[], images: [number, number, number][], classes: string[]):
    | { nodes: number[]; images: [number, number, number][]; classes: string[] }
    | null {
    if (k === labels.length) {
      // the end must be another site than the start (not the same atom, not a pure translation back)
      const same = nodes[0] === at && img.every((x) => x === 0);
      return same ? null : { nodes, images, classes };
    }
    const edges = (out.get(at) ?? []).filter((e) => pos[e.to].site === labels[k]).sort((a, b) => peak.get(a.classId)! - peak.get(b.classId)!);
    for (const e of edges) {
      const nimg: [number, number, number] = [img[0] + e.image[0], img[1] + e.image[1], img[2] + e.image[2]];
      // do not step straight back to the node we came from
      if (nodes.length >= 2 && e.to === nodes[nodes.length - 2] && nimg.every((x, d) => x === images[images.length - 2][d])) continue;
      const r = walk(e.to, nimg, k + 1, [...nodes, e.to], [...images, nimg], [...classes, e.classId]);
      if (r) return r;
    }
    return null;
  }
}
