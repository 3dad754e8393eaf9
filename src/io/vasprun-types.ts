/**
 * What `readVasprun` returns. Units: energies eV, forces eV/Å, stress kBar (as VASP writes
 * it), lattice rows Å, positions fractional, k-points in reciprocal-lattice units.
 */
import type { Structure } from '../core/structure.js';
import type { Warning } from '../core/errors.js';

/** A typed INCAR/parameters value, by the `type` attribute VASP writes (none = float). */
export type ParamValue =
  | number
  | boolean
  | string
  | null
  | (number | null)[]
  | (boolean | null)[]
  | string[];

export interface VasprunOptions {
  /** Read eigenvalues and occupations of the last ionic step (large). */
  eigenvalues?: boolean;
  /** Read the total and partial (projected) DOS (large). */
  dos?: boolean;
  /** Called with each complete ionic step as soon as it has been read. */
  onStep?: (step: IonicStep) => void;
  /**
   * Keep every ionic step in `steps` (default true). With false only the last one is kept,
   * so memory stays flat however long the run (use `onStep` to see them all).
   */
  keepSteps?: boolean;
  /** Longest text allowed inside one element that is read (characters; default 1 MiB). */
  maxTextLength?: number;
}

/** The `<generator>` block, strings as written (trimmed). */
export interface Generator {
  program: string | null;
  version: string | null;
  subversion: string | null;
  platform: string | null;
  date: string | null;
  time: string | null;
}

/** One POTCAR type of `<atominfo>`. */
export interface AtomType {
  /** Element symbol (normalised, e.g. 'Fe' for a 'Fe_pv' entry). */
  element: string | null;
  /** The symbol as VASP wrote it. */
  rawElement: string;
  count: number;
  /** Atomic mass (u) from the POTCAR. */
  mass: number | null;
  /** Number of valence electrons (ZVAL). */
  valence: number | null;
  /** POTCAR title, e.g. 'PAW_PBE Fe_pv 06Sep2000'. */
  pseudopotential: string;
}

export interface AtomInfo {
  /** Element symbol of each atom, in order (null when VASP's name is not an element). */
  elements: (string | null)[];
  /** 0-based index into `types` of each atom. */
  typeIndex: number[];
  types: AtomType[];
}

export interface Kpoints {
  /** `param` of `<generation>`: 'Monkhorst-Pack', 'Gamma', 'Auto', 'listgenerated', …; null for an explicit list. */
  scheme: string | null;
  /** Subdivisions along the reciprocal vectors (or, for line mode, points per line). */
  divisions: number[] | null;
  /** Length parameter of a fully automatic mesh (Å). */
  length: number | null;
  usershift: (number | null)[] | null;
  shift: (number | null)[] | null;
  /** Generating vectors genvec1..3 (reciprocal units). */
  genvec: (number | null)[][] | null;
  /** Irreducible k-points used, fractional reciprocal coordinates. */
  points: (number | null)[][];
  weights: (number | null)[];
}

/** One complete ionic step (`<calculation>`). */
export interface IonicStep {
  /** 1-based position in the file. */
  index: number;
  structure: Structure | null;
  /** eV/Å, one row per atom. */
  forces: (number | null)[][] | null;
  /** kBar, 3×3. */
  stress: (number | null)[][] | null;
  /** Free energy TOTEN (`e_fr_energy`), eV. */
  energy: number | null;
  /** Energy without entropy (`e_wo_entrp`), eV. */
  energyWithoutEntropy: number | null;
  /** Energy extrapolated to σ→0 (`e_0_energy`), eV; see the note on the VASP bug in vasprun-calculation.ts. */
  energySigma0: number | null;
  /** Largest force norm on an atom, eV/Å (components fixed by selective dynamics left out). */
  maxForce: number | null;
  /** Number of electronic (SCF) steps. */
  electronicSteps: number;
  /** Fewer electronic steps than NELM (pymatgen's and custodian's test). */
  scfConverged: boolean;
  /** Ionic kinetic energy (MD runs), eV. */
  kineticEnergy: number | null;
}

export interface Eigenvalues {
  /** eV, [spin][kpoint][band]. */
  energies: number[][][];
  /** [spin][kpoint][band]. */
  occupations: number[][][];
}

export interface Dos {
  /** Fermi energy, eV. */
  efermi: number | null;
  /** Energy grid, eV (absolute, not shifted by efermi). */
  energies: number[];
  /** States/eV per cell, [spin][grid]. */
  total: number[][];
  /** Integrated DOS, [spin][grid]. */
  integrated: number[][];
  /** Projected DOS: orbital names (s, py, pz, px, dxy, …) and values [ion][spin][orbital][grid]. */
  partial: { orbitals: string[]; values: number[][][][] } | null;
}

export interface VasprunResult {
  file: string;
  /** The document closed properly (`</modeling>` was read). */
  complete: boolean;
  /** Why `complete` is false (null when complete). */
  incompleteReason: string | null;
  generator: Generator;
  /** The version token, e.g. '6.4.2' or '5.4.4.18Apr17-6-g9f103f2a35'. */
  vaspVersion: string | null;
  /** The INCAR as VASP read it (`<incar>`). */
  incar: Record<string, ParamValue>;
  /** Every parameter VASP used (`<parameters>`, separators flattened). */
  parameters: Record<string, ParamValue>;
  atominfo: AtomInfo | null;
  nions: number | null;
  kpoints: Kpoints | null;
  /** `<structure name="initialpos">`. */
  initialStructure: Structure | null;
  /** `<structure name="finalpos">`, or the last complete ionic step's structure when the file ends before it. */
  finalStructure: Structure | null;
  /** Complete ionic steps (only the last one when `keepSteps` is false). */
  steps: IonicStep[];
  /** Number of complete ionic steps in the file. */
  nSteps: number;
  /** energy(σ→0) of the last complete ionic step, eV. */
  finalEnergy: number | null;
  /** Free energy TOTEN of the last complete ionic step, eV. */
  finalFreeEnergy: number | null;
  /** Fermi energy (from `<dos>`), eV. */
  efermi: number | null;
  /** ISPIN = 2. */
  isSpin: boolean;
  hasEigenvalues: boolean;
  hasTotalDos: boolean;
  hasPartialDos: boolean;
  /** The last complete ionic step needed fewer than NELM electronic steps. */
  convergedElectronic: boolean;
  /**
   * pymatgen's test: NSW ≤ 1, or the run stopped before NSW ionic steps. A relaxation in a
   * truncated file is not converged (it was stopped); a static run whose one step is complete
   * is. For MD (IBRION = 0) this is false once all NSW steps ran — look at `complete` there.
   */
  convergedIonic: boolean;
  converged: boolean;
  /** Only with `opts.eigenvalues`. */
  eigenvalues: Eigenvalues | null;
  /** Only with `opts.dos`. */
  dos: Dos | null;
  warnings: Warning[];
}
