/**
 * Structure (+ optional sites, hops, polyhedra, NEB images) → SceneDocument, the JSON the
 * three.js viewer reads. Bonds come from Cordero covalent radii through the periodic
 * neighbour search; coordination polyhedra, when the analysis module does not supply them,
 * are built from those bonds (convex hull of the bonded ligands, src/geometry/hull.ts).
 *
 * Lengths in Å, energies in eV; `cart` is Cartesian, `frac` fractional.
 */
import type { Structure } from '../core/structure.js';
import type { Lattice } from '../core/lattice.js';
import type { Vec3 } from '../core/vec3.js';
import { element } from '../core/elements.js';
import { shannonRadius } from '../core/elements.js';
import { neighborList } from '../geometry/neighbors.js';
import { convexHull } from '../geometry/hull.js';
import { polyhedronType, type PolyhedraResult } from '../analysis/polyhedra.js';
import {
  SCENE_VERSION,
  type SceneAtom,
  type SceneBond,
  type SceneDocument,
  type SceneHop,
  type SceneNeb,
  type SceneNebImage,
  type ScenePolyhedron,
  type SceneSite,
  type SceneViewSettings,
} from './scene-document.js';

type V3 = [number, number, number];

/** Non-metals and metalloids: a bond needs at least one of these (no metal–metal bonds). */
const NON_METALS = new Set([
  'H', 'D', 'T', 'He', 'B', 'C', 'N', 'O', 'F', 'Ne', 'Si', 'P', 'S', 'Cl', 'Ar', 'Ge', 'As', 'Se', 'Br', 'Kr',
  'Sb', 'Te', 'I', 'Xe', 'At', 'Rn',
]);

export interface BondOptions {
  /** A pair bonds when d ≤ scale · (r_cov,i + r_cov,j). Default 1.15. */
  scale?: number;
  /** Draw bonds between two metals (default false: Mn–Mn at 2.9 Å is not a bond here). */
  metalMetal?: boolean;
  /** Pairs closer than this (Å) are split/disordered positions, not bonds. Default 0.5. */
  minLength?: number;
}

export interface SiteInputForScene {
  id: string;
  frac: Vec3 | readonly number[];
  /** Wyckoff label with orbit number, e.g. '8a', '3c(1)'. */
  wyckoff: string;
  kind: 'occupied' | 'interstitial';
  siteEnergy?: number;
  cn?: number;
}

export interface HopInputForScene {
  id: string;
  from: string;
  to: string;
  /** Fractional end points; `toFrac` is the periodic image actually reached (may lie outside [0,1)). */
  fromFrac: Vec3 | readonly number[];
  toFrac: Vec3 | readonly number[];
  /** Å; computed from the end points when omitted. */
  length?: number;
  barrierEstimate?: number;
  nebBarrier?: number;
  bottleneckRadius?: number;
  group?: string;
}

export interface NebInputForScene {
  /** Images in order, first and last the end points. Same atoms in the same order in each. */
  images: { energy: number; structure: Structure }[];
  /** The migrating ion; default: the atom that moves farthest from first to last image. */
  movingAtom?: number;
  /** Spline through the band: coordinate (Å) and ABSOLUTE energy (eV), like the images'. */
  spline?: { coordinate: number; energy: number }[];
  /** Spline maximum: coordinate (Å) and absolute energy (eV). */
  saddle?: { coordinate: number; energy: number };
  /** Barriers from the barrier analysis (spline); default: from the highest image. */
  barrier?: number;
  reverseBarrier?: number;
}

export interface BuildSceneOptions {
  title?: string;
  spacegroup?: { number: number; symbol: string };
  /** Wyckoff label per structure site (e.g. from the symmetry analysis). */
  wyckoff?: (string | undefined)[];
  /** false: no bonds. */
  bonds?: BondOptions | false;
  /** Polyhedra from the analysis module; 'auto' (default) builds them from the bonds; false: none. */
  polyhedra?: ScenePolyhedron[] | 'auto' | false;
  sites?: SiteInputForScene[];
  hops?: HopInputForScene[];
  percolation?: { threshold: number; dimensionality: number; hopIds: string[] }[];
  neb?: NebInputForScene;
  notes?: string[];
  view?: SceneViewSettings;
}

/** Build the scene document for a structure. */
export function buildScene(structure: Structure, opts: BuildSceneOptions = {}): SceneDocument {
  const lat = structure.lattice;
  const bonds = opts.bonds === false ? [] : findBonds(structure, opts.bonds ?? {});
  const polyhedra =
    opts.polyhedra === false ? [] : Array.isArray(opts.polyhedra) ? opts.polyhedra : polyhedraFromBonds(structure, bonds);
  const cnOf = new Map<number, number>();
  for (const p of polyhedra) cnOf.set(p.center, p.vertices.length);
  const atoms = sceneAtoms(structure, opts.wyckoff, cnOf);
  const doc: SceneDocument = {
    version: SCENE_VERSION,
    title: opts.title ?? (structure.title || structure.reducedFormula),
    formula: structure.reducedFormula,
    ...(opts.spacegroup ? { spacegroup: opts.spacegroup } : {}),
    lattice: lat.matrix.map((r) => [r[0], r[1], r[2]]) as SceneDocument['lattice'],
    atoms,
    bonds,
    polyhedra,
    sites: (opts.sites ?? []).map((s) => sceneSite(lat, s)),
    hops: (opts.hops ?? []).map((h) => sceneHop(lat, h)),
  };
  if (opts.percolation) doc.percolation = opts.percolation;
  if (opts.neb) doc.neb = sceneNeb(structure, opts.neb, opts.bonds === false ? null : (opts.bonds ?? {}));
  if (opts.notes?.length) doc.notes = opts.notes;
  if (opts.view) doc.view = opts.view;
  return doc;
}

function sceneAtoms(structure: Structure, wyckoff: (string | undefined)[] | undefined, cnOf: Map<number, number>): SceneAtom[] {
  const lat = structure.lattice;
  const anion = anionElement(structure);
  return structure.sites.map((s, i) => {
    const el = structure.majorityElement(i);
    const data = element(el);
    const sp = s.species.find((x) => x.element === el)!;
    const cn = cnOf.get(i);
    const ionic = ionicRadius(el, sp.oxidationState, el === anion, cn);
    const wy = wyckoff?.[i] ?? s.properties?.wyckoff;
    const atom: SceneAtom = {
      index: i,
      element: el,
      species: s.species.map((x) => ({ element: x.element, occupancy: x.occupancy })),
      label: s.label,
      frac: [s.frac[0], s.frac[1], s.frac[2]],
      cart: toV3(lat.toCartesian(s.frac)),
      color: s.species.length > 1 ? blendColor(s.species) : data.colorHex,
      covalentRadius: data.covalentRadius,
    };
    if (ionic !== null) atom.ionicRadius = ionic;
    if (wy) atom.wyckoff = wy;
    if (cn !== undefined) atom.cn = cn;
    return atom;
  });
}

/** The most electronegative element present, when it commonly forms anions (O, F, S …). */
function anionElement(structure: Structure): string | null {
  let best: string | null = null;
  let bestX = -Infinity;
  for (const el of structure.composition().keys()) {
    const x = element(el).electronegativity ?? -Infinity;
    if (x > bestX) {
      bestX = x;
      best = el;
    }
  }
  return best && element(best).commonOxidationStates.some((q) => q < 0) ? best : null;
}

/**
 * Shannon ionic radius (Å). Without an oxidation state in the file this is an estimate: the
 * anion takes its most negative common state, other elements their lowest positive one.
 */
function ionicRadius(el: string, ox: number | undefined, isAnion: boolean, cn: number | undefined): number | null {
  if (ox !== undefined) return shannonRadius(el, ox, cn);
  const states = element(el).commonOxidationStates;
  const candidates = isAnion ? states.filter((q) => q < 0).sort((a, b) => a - b) : states.filter((q) => q > 0).sort((a, b) => a - b);
  for (const q of candidates) {
    const r = shannonRadius(el, q, cn);
    if (r !== null) return r;
  }
  return null;
}

/**
 * Bonds by covalent radii: i–j (with the lattice translation of j) when
 * minLength < d ≤ scale · (r_i + r_j), never between two metals unless asked.
 * Each bond appears once (i < j, or i = j with a positive image).
 */
export function findBonds(structure: Structure, opts: BondOptions = {}): SceneBond[] {
  const scale = opts.scale ?? 1.15;
  const minLength = opts.minLength ?? 0.5;
  const n = structure.nsites;
  if (n === 0) return [];
  const els = Array.from({ length: n }, (_, i) => structure.majorityElement(i));
  const radius = els.map((e) => element(e).covalentRadius);
  const nonMetal = els.map((e) => NON_METALS.has(e));
  let rMax = 0;
  for (const r of radius) rMax = Math.max(rMax, r);
  const cutoff = 2 * rMax * scale;
  const nbrs = neighborList(structure, cutoff);
  const bonds: SceneBond[] = [];
  for (let i = 0; i < n; i++) {
    for (const nb of nbrs[i]) {
      const j = nb.index;
      const img = nb.image;
      if (j < i) continue;
      if (j === i && !positiveImage(img)) continue;
      if (!opts.metalMetal && !nonMetal[i] && !nonMetal[j]) continue;
      const d = nb.distance;
      if (d <= minLength || d > scale * (radius[i] + radius[j])) continue;
      bonds.push({ a: i, b: j, image: [img[0], img[1], img[2]], length: d });
    }
  }
  return bonds;
}

function positiveImage(img: readonly number[]): boolean {
  for (const x of img) {
    if (x > 0) return true;
    if (x < 0) return false;
  }
  return false;
}

/**
 * Scene polyhedra from the polyhedra analysis (src/analysis/polyhedra.ts): ligand positions
 * unwrapped next to the centre, hull faces, volume and the VESTA metrics.
 */
export function scenePolyhedra(result: PolyhedraResult): ScenePolyhedron[] {
  const out: ScenePolyhedron[] = [];
  for (const p of result.polyhedra) {
    const c = p.centerCart;
    const vertices = p.ligands.map((l) => [c[0] + l.vector[0], c[1] + l.vector[1], c[2] + l.vector[2]] as V3);
    const hull = convexHull(vertices);
    if (hull.dimension < 3) continue;
    out.push({
      center: p.center,
      type: p.type,
      vertices,
      faces: hull.faces,
      volume: p.volume,
      metrics: {
        cn: p.cn,
        meanBondLength: p.meanBondLength,
        distortionIndex: p.distortionIndex,
        quadraticElongation: p.quadraticElongation,
        bondAngleVariance: p.bondAngleVariance,
        effectiveCoordination: p.effectiveCoordination,
        bondValenceSum: p.bondValenceSum,
        shape: p.shape,
      },
    });
  }
  return out;
}

/**
 * Coordination polyhedra from bonds (the fallback when the analysis module is not used): a centre is an atom whose bonded neighbours are all more
 * electronegative than it (Mn in MnO6, P in PO4, Li in LiO4) with at least 4 of them. Types
 * named as the analysis module names them ('MnO6', 'TiO4F2').
 */
export function polyhedraFromBonds(structure: Structure, bonds: readonly SceneBond[]): ScenePolyhedron[] {
  const lat = structure.lattice;
  const n = structure.nsites;
  const cart = structure.cartArray();
  const ligands: { j: number; v: V3 }[][] = Array.from({ length: n }, () => []);
  const m = lat.matrix;
  for (const b of bonds) {
    const t = [0, 1, 2].map((c) => b.image[0] * m[0][c] + b.image[1] * m[1][c] + b.image[2] * m[2][c]);
    const v: V3 = [
      cart[b.b * 3] + t[0] - cart[b.a * 3],
      cart[b.b * 3 + 1] + t[1] - cart[b.a * 3 + 1],
      cart[b.b * 3 + 2] + t[2] - cart[b.a * 3 + 2],
    ];
    ligands[b.a].push({ j: b.b, v });
    if (b.a !== b.b || b.image.some((x) => x !== 0)) ligands[b.b].push({ j: b.a, v: [-v[0], -v[1], -v[2]] });
  }
  const chi = Array.from({ length: n }, (_, i) => element(structure.majorityElement(i)).electronegativity ?? Infinity);
  const out: ScenePolyhedron[] = [];
  for (let i = 0; i < n; i++) {
    const L = ligands[i];
    if (L.length < 4 || !L.every((l) => chi[l.j] > chi[i])) continue;
    const c: V3 = [cart[i * 3], cart[i * 3 + 1], cart[i * 3 + 2]];
    const vertices = L.map((l) => [c[0] + l.v[0], c[1] + l.v[1], c[2] + l.v[2]] as V3);
    const hull = convexHull(vertices);
    if (hull.dimension < 3) continue; // flat (e.g. square-planar): no volume to draw
    out.push({
      center: i,
      type: polyhedronType(structure.majorityElement(i), L.map((l) => structure.majorityElement(l.j))),
      vertices,
      faces: hull.faces,
      volume: hull.volume,
    });
  }
  return out;
}

function sceneSite(lat: Lattice, s: SiteInputForScene): SceneSite {
  const frac: V3 = [s.frac[0], s.frac[1], s.frac[2]];
  const out: SceneSite = { id: s.id, label: s.wyckoff, kind: s.kind, frac, cart: toV3(lat.toCartesian(frac)) };
  if (s.siteEnergy !== undefined) out.siteEnergy = s.siteEnergy;
  if (s.cn !== undefined) out.cn = s.cn;
  return out;
}

function sceneHop(lat: Lattice, h: HopInputForScene): SceneHop {
  const start = toV3(lat.toCartesian([h.fromFrac[0], h.fromFrac[1], h.fromFrac[2]]));
  const end = toV3(lat.toCartesian([h.toFrac[0], h.toFrac[1], h.toFrac[2]]));
  const out: SceneHop = {
    id: h.id,
    from: h.from,
    to: h.to,
    start,
    end,
    length: h.length ?? Math.hypot(end[0] - start[0], end[1] - start[1], end[2] - start[2]),
  };
  if (h.barrierEstimate !== undefined) out.barrierEstimate = h.barrierEstimate;
  if (h.nebBarrier !== undefined) out.nebBarrier = h.nebBarrier;
  if (h.bottleneckRadius !== undefined) out.bottleneckRadius = h.bottleneckRadius;
  if (h.group !== undefined) out.group = h.group;
  return out;
}

/**
 * NEB images → scene: positions unwrapped image by image (each atom follows its minimum-image
 * displacement from the previous image, so nothing jumps across the cell), reaction
 * coordinate = cumulative Cartesian distance between images √(Σ|Δr|²) (Å, as VTST's
 * nebresults), energies relative to the first image, per-image bonds of the moving ion.
 */
export function sceneNeb(first: Structure, neb: NebInputForScene, bondOpts: BondOptions | null): SceneNeb {
  const imgs = neb.images;
  if (imgs.length < 2) throw new Error('an NEB needs at least two images');
  const n = first.nsites;
  for (const [k, im] of imgs.entries()) {
    if (im.structure.nsites !== n) throw new Error(`NEB image ${k} has ${im.structure.nsites} atoms, image 0 has ${n}`);
  }
  const lat = first.lattice;
  const positions: V3[][] = [];
  const coords: number[] = [0];
  positions.push(Array.from({ length: n }, (_, i) => toV3(lat.toCartesian(first.sites[i].frac))));
  for (let k = 1; k < imgs.length; k++) {
    const prev = imgs[k - 1].structure;
    const cur = imgs[k].structure;
    const prevPos = positions[k - 1];
    let d2 = 0;
    const pos = prevPos.map((p, i) => {
      const v = cur.lattice.minimumImageVector(prev.sites[i].frac, cur.sites[i].frac);
      d2 += v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
      return [p[0] + v[0], p[1] + v[1], p[2] + v[2]] as V3;
    });
    positions.push(pos);
    coords.push(coords[k - 1] + Math.sqrt(d2));
  }
  let moving = neb.movingAtom;
  if (moving === undefined) {
    let best = -1;
    const last = positions[positions.length - 1];
    for (let i = 0; i < n; i++) {
      const d = Math.hypot(last[i][0] - positions[0][i][0], last[i][1] - positions[0][i][1], last[i][2] - positions[0][i][2]);
      if (d > best) {
        best = d;
        moving = i;
      }
    }
  }
  const e0 = imgs[0].energy;
  const eLast = imgs[imgs.length - 1].energy;
  const eMax = Math.max(...imgs.map((x) => x.energy));
  const images: SceneNebImage[] = imgs.map((im, k) => {
    const img: SceneNebImage = {
      index: k,
      energy: im.energy,
      relativeEnergy: im.energy - e0,
      coordinate: coords[k],
      positions: positions[k],
    };
    if (bondOpts && moving !== undefined) img.bonds = bondsOfAtom(first, positions[k], moving, bondOpts);
    return img;
  });
  const out: SceneNeb = { images, barrier: neb.barrier ?? eMax - e0, reverseBarrier: neb.reverseBarrier ?? eMax - eLast };
  if (moving !== undefined) {
    out.movingAtom = moving;
    out.migrating = [moving];
  }
  if (neb.spline) out.spline = neb.spline;
  if (neb.saddle) out.saddle = neb.saddle;
  return out;
}

/** Bonds of atom m at Cartesian positions `pos` (one NEB image), same rule as findBonds. */
function bondsOfAtom(structure: Structure, pos: readonly V3[], m: number, opts: BondOptions): SceneBond[] {
  const scale = opts.scale ?? 1.15;
  const minLength = opts.minLength ?? 0.5;
  const lat = structure.lattice;
  const mat = lat.matrix;
  const elM = structure.majorityElement(m);
  const rM = element(elM).covalentRadius;
  const out: SceneBond[] = [];
  for (let j = 0; j < pos.length; j++) {
    if (j === m) continue;
    const elJ = structure.majorityElement(j);
    if (!opts.metalMetal && !NON_METALS.has(elM) && !NON_METALS.has(elJ)) continue;
    const df = lat.toFractional([pos[j][0] - pos[m][0], pos[j][1] - pos[m][1], pos[j][2] - pos[m][2]]);
    const image: V3 = [-Math.round(df[0]), -Math.round(df[1]), -Math.round(df[2])];
    const f: V3 = [df[0] + image[0], df[1] + image[1], df[2] + image[2]];
    const v = [0, 1, 2].map((c) => f[0] * mat[0][c] + f[1] * mat[1][c] + f[2] * mat[2][c]);
    const d = Math.hypot(v[0], v[1], v[2]);
    if (d <= minLength || d > scale * (rM + element(elJ).covalentRadius)) continue;
    out.push({ a: m, b: j, image: [image[0] + 0, image[1] + 0, image[2] + 0], length: d });
  }
  return out;
}

/**
 * Colour of a disordered site: the occupancy-weighted mean of its species' Jmol colours
 * (e.g. the Co/Ni/Mn site of NCM111), so mixed sites stand apart from pure ones.
 */
export function blendColor(species: readonly { element: string; occupancy: number }[]): string {
  let w = 0;
  const rgb = [0, 0, 0];
  for (const sp of species) {
    const c = element(sp.element).color;
    for (let k = 0; k < 3; k++) rgb[k] += c[k] * sp.occupancy;
    w += sp.occupancy;
  }
  return '#' + rgb.map((x) => Math.round(x / w).toString(16).padStart(2, '0').toUpperCase()).join('');
}

function toV3(v: Vec3): V3 {
  return [v[0], v[1], v[2]];
}
