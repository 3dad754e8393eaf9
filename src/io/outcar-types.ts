/**
 * What `readOutcar` returns. Energies in eV, forces in eV/Å, lengths in Å (Cartesian),
 * stress in kB, magnetic moments in μB, times in seconds, memory in kB.
 */

/** Options for reading an OUTCAR. */
export interface OutcarOptions {
  /**
   * Keep per-step geometry (lattice, Cartesian positions, forces, site moments) on every
   * step. Off by default so memory stays flat on huge files: steps then carry scalars only
   * and `final` holds the last complete geometry.
   */
  keepSteps?: boolean;
  /** Longest accepted line in bytes (default 1 MiB). */
  maxLineBytes?: number;
  /** Largest number of warnings kept (default 100; the rest are counted). */
  maxWarnings?: number;
}

/** The run's set-up, from the lines before the first electronic step. */
export interface OutcarHeader {
  /** Version token from the first line, e.g. "vasp.6.4.2" or "vasp.5.4.4.18Apr17-6-g9f103f2a35". */
  vaspVersion: string | null;
  /** The whole first line, trimmed. */
  vaspVersionLine: string | null;
  /** The INCAR as echoed by VASP ≥ 5.4.4/6 (tag → text); empty when not printed. */
  incar: Record<string, string>;
  /**
   * The values VASP actually used ("Startparameter for this run" and the blocks after it):
   * tag → first value (number, boolean for T/F, or text).
   */
  parameters: Record<string, number | boolean | string>;
  /** TITEL line of each POTCAR, in type order, e.g. "PAW_PBE Si 05Jan2001". */
  potcars: string[];
  /** Element symbol of each type (from TITEL, else VRHFIN). */
  elements: string[];
  /** Ions of each type; null when VASP's line was cut off or disagrees with NIONS. */
  ionsPerType: number[] | null;
  /** Element of each ion (from elements × ionsPerType); null when unknown. */
  species: string[] | null;
  nions: number | null;
  nelect: number | null;
  nkpts: number | null;
  nbands: number | null;
  ispin: number | null;
  ibrion: number | null;
  isif: number | null;
  nsw: number | null;
  nelm: number | null;
  nwrite: number | null;
  /** eV. */
  ediff: number | null;
  /** eV (> 0: energy criterion) or eV/Å (< 0: force criterion, |EDIFFG|). */
  ediffg: number | null;
  /** eV. */
  encut: number | null;
  potim: number | null;
  /** LDA+U/GGA+U switched on. */
  ldau: boolean;
  /** U, J (eV) and l per type when +U is on. */
  ldauU: number[] | null;
  ldauJ: number[] | null;
  ldauL: number[] | null;
  /** Machine-learned force field on (ML_LMLFF / ML_MODE in the INCAR echo, or ML blocks seen). */
  mlff: boolean;
  /** Lattice vectors (rows a, b, c; Å) of the starting structure. */
  initialLattice: number[][] | null;
  /** Fractional positions of the starting structure. */
  initialFractional: number[][] | null;
}

/** One finished ionic step (one VASP "LOOP+"). */
export interface OutcarStep {
  /** 1-based, in the order the steps appear. */
  index: number;
  /** True when only the machine-learned force field was evaluated in this step (no DFT). */
  mlff: boolean;
  /** Free energy TOTEN (eV). */
  energy: number;
  /** Energy without entropy (eV). */
  energyWithoutEntropy: number;
  /** energy(sigma→0) (eV): the value VTST, pymatgen and ASE report. */
  energySigma0: number;
  /** Electronic (SCF) iterations in this step (0 for ML-only steps). */
  electronicSteps: number;
  /** SCF reached EDIFF; null when unknown (ML-only steps). */
  scfConverged: boolean | null;
  /** Largest |F| on any atom from the TOTAL-FORCE table (eV/Å); null when not printed (NWRITE=0). */
  maxForce: number | null;
  /** VTST builds: "FORCES: max atom" — the force the optimiser converges (NEB force on images), eV/Å. */
  vtstMaxForce: number | null;
  /** NEB: force along the tangent (eV/Å), "NEB: projections on to tangent (spring, REAL)". */
  tangentForce: number | null;
  /** Total magnetic moment (μB); null for ISPIN=1. */
  magnetization: number | null;
  /** Stress XX YY ZZ XY YZ ZX (kB). */
  stress: number[] | null;
  /** Fermi energy (eV). */
  efermi: number | null;
  /** Line of the step's energy block (1-based). */
  line: number;
  /** With keepSteps: lattice (rows, Å), Cartesian positions (Å), forces (eV/Å), site moments (μB). */
  lattice?: number[][];
  positions?: number[][];
  forces?: number[][];
  siteMagnetization?: number[];
}

export interface OutcarMessage {
  line: number;
  message: string;
}

export interface OutcarTiming {
  elapsedSeconds: number | null;
  cpuSeconds: number | null;
  maxMemoryKb: number | null;
}

export interface OutcarNeb {
  /** "3.2, (02/03/18)" from "VTST: version …". */
  vtstVersion: string | null;
  /** What CHAIN ran ("NEB", "dimer" …) when printed. */
  method: string | null;
  /** LCLIMB from the VTST header. */
  climbing: boolean | null;
  spring: number | null;
  /** Tangent force of the last complete step (eV/Å). */
  tangentForce: number | null;
}

export interface OutcarFinal {
  /** Index of the step the geometry belongs to. */
  step: number;
  lattice: number[][] | null;
  /** Cartesian positions (Å). */
  positions: number[][] | null;
  /** Forces (eV/Å). */
  forces: number[][] | null;
}

export interface OutcarMagnetization {
  /** Total moment (μB) of the last complete step; null for ISPIN=1. */
  total: number | null;
  /** "tot" column of the last site table (μB); null when VASP printed none (no LORBIT/RWIGS). */
  sites: number[] | null;
}

export interface OutcarResult {
  file: string;
  header: OutcarHeader;
  /** Complete ionic steps, in order (DFT and ML-only). */
  steps: OutcarStep[];
  /** Steps with a DFT energy. */
  nDftSteps: number;
  /** Steps where only the ML force field was evaluated. */
  nMlSteps: number;
  /** Raw count of "ML FREE ENERGIE" blocks (on-the-fly MLFF prints one or two per step). */
  mlEnergyBlocks: number;
  /**
   * energy(sigma→0) of the last complete ionic step (eV). On a truncated file this is the
   * last step that finished — not the last electronic iteration printed (pymatgen's
   * Outcar.final_energy returns that partial SCF value).
   */
  finalEnergy: number | null;
  /** Free energy TOTEN of the same step (eV). */
  finalFreeEnergy: number | null;
  /** Energy without entropy of the same step (eV). */
  finalEnergyWithoutEntropy: number | null;
  /** Index of the last complete step. */
  finalStep: number | null;
  /** The last step with a DFT energy (differs from the final step in ML force-field runs). */
  lastDftStep: { index: number; energy: number; energySigma0: number } | null;
  /** Geometry of the last complete step that printed one. */
  final: OutcarFinal | null;
  magnetization: OutcarMagnetization | null;
  neb: OutcarNeb | null;
  /** Fermi energy of the last complete step (eV). */
  efermi: number | null;
  timing: OutcarTiming | null;
  warnings: OutcarMessage[];
  /** Warnings beyond `maxWarnings` (counted, not kept). */
  warningsDropped: number;
  /** Error lines VASP printed (e.g. "Error EDDDAV: Call to ZHEGV failed"). */
  vaspErrors: OutcarMessage[];
  /** The run reached VASP's final timing block. */
  complete: boolean;
  /** Why `complete` is false (null when complete). */
  incompleteReason: string | null;
  /** Relaxations: "reached required accuracy" was printed; null for static and MD runs. */
  ionicConverged: boolean | null;
  /** SCF of the last complete step reached EDIFF. */
  electronicConverged: boolean | null;
  /** "soft stop encountered" (STOPCAR). */
  stopped: boolean;
  /** Lines read. */
  lines: number;
}
