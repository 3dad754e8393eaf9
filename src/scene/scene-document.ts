/**
 * The scene document: the JSON the CLI builds from the analysis modules and the three.js
 * viewer reads. The viewer never parses VASP or CIF files itself. All lengths in Å,
 * energies in eV, positions Cartesian unless named `frac`.
 */

export const SCENE_VERSION = 1;

export interface SceneAtom {
  /** Index into the structure's sites. */
  index: number;
  /** Majority element (drives colour and radius). */
  element: string;
  /** All species on the site with occupancies (disordered sites show several). */
  species: { element: string; occupancy: number }[];
  label: string;
  frac: [number, number, number];
  cart: [number, number, number];
  /** Jmol colour '#RRGGBB'; for a disordered site the occupancy-weighted blend of its species' colours. */
  color: string;
  /** Radii in Å: covalent (Cordero 2008) and ionic (Shannon) when known. */
  covalentRadius: number;
  ionicRadius?: number;
  wyckoff?: string;
  /** Coordination number when polyhedra were computed. */
  cn?: number;
}

export interface SceneBond {
  a: number;
  b: number;
  /** Integer lattice translation applied to atom b so the bond is short. */
  image: [number, number, number];
  length: number;
}

export interface ScenePolyhedron {
  center: number;
  /** Polyhedron type, e.g. 'VO4', 'KO10', 'MnO6'. */
  type: string;
  /** Ligand positions (Cartesian Å, already unwrapped next to the centre). */
  vertices: [number, number, number][];
  /** Triangles as vertex index triplets into `vertices` (outward winding). */
  faces: [number, number, number][];
  volume: number;
  metrics?: Record<string, number | string | null>;
}

export interface SceneSite {
  id: string;
  /** Wyckoff label with orbit number, e.g. '1a', '3c(1)'. */
  label: string;
  kind: 'occupied' | 'interstitial';
  frac: [number, number, number];
  cart: [number, number, number];
  siteEnergy?: number;
  cn?: number;
}

export interface SceneHop {
  id: string;
  from: string;
  to: string;
  /** Cartesian end points (Å); `to` is the periodic image actually reached. */
  start: [number, number, number];
  end: [number, number, number];
  length: number;
  barrierEstimate?: number;
  nebBarrier?: number;
  bottleneckRadius?: number;
  /** Id of the symmetry-unique hop this instance belongs to (ids are per instance). */
  group?: string;
}

export interface SceneNebImage {
  index: number;
  energy: number;
  relativeEnergy: number;
  coordinate: number;
  /** Cartesian positions of all atoms in this image, same order as `atoms`. */
  positions: [number, number, number][];
  /**
   * Bonds of the migrating atoms in this image (`image` relative to `positions`). Bonds
   * between non-migrating atoms are the document's `bonds`, drawn at the image positions.
   */
  bonds?: SceneBond[];
}

export interface SceneNeb {
  images: SceneNebImage[];
  barrier: number;
  reverseBarrier: number;
  /** Index into `atoms` of the moving ion. */
  movingAtom?: number;
  /** Indices of every atom whose bonds are given per image (the moving ion(s)). */
  migrating?: number[];
  /** Spline through the band: coordinate (Å) and absolute energy (eV), like the images. */
  spline?: { coordinate: number; energy: number }[];
  saddle?: { coordinate: number; energy: number };
}

export interface SceneDocument {
  version: typeof SCENE_VERSION;
  title: string;
  formula: string;
  spacegroup?: { number: number; symbol: string };
  /** Lattice rows a, b, c (Å). */
  lattice: [[number, number, number], [number, number, number], [number, number, number]];
  atoms: SceneAtom[];
  bonds: SceneBond[];
  polyhedra: ScenePolyhedron[];
  sites: SceneSite[];
  hops: SceneHop[];
  /** Hop percolation: dimensionality at a threshold (eV for barriers, Å for lengths). */
  percolation?: { threshold: number; dimensionality: number; hopIds: string[] }[];
  neb?: SceneNeb;
  /** Free-text notes shown in the viewer (provenance, warnings, 'synthetic data'). */
  notes?: string[];
  /** Initial view settings; the viewer's controls change them. */
  view?: SceneViewSettings;
}

export interface SceneViewSettings {
  /** Unit-cell repeats along a, b, c (positive integers). */
  repeats?: [number, number, number];
  radius?: 'covalent' | 'ionic' | 'uniform';
  /** Factor applied to the chosen radius (Å for 'uniform'). */
  radiusScale?: number;
}
