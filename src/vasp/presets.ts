/**
 * VASP input presets as readable tables, and the one function that turns a preset into an
 * INCAR for a given structure.
 *
 * A preset is a *base* (the electronic settings shared by every part of a study: functional,
 * cutoff, smearing, +U, MAGMOM, k-point density) combined with a *task* (what the run does:
 * relax, static, NEB endpoint relaxation, NEB). Precedence, lowest first:
 *   base.defaults  <  task  <  base.pinned (a study's stated settings)  <  --incar KEY=VALUE
 * Then the structure-dependent tags are added by rule: EDIFF from EDIFF_PER_ATOM, MAGMOM,
 * GGA+U (MP conventions, also in NEB runs), LMAXMIX, LASPH, and ISMEAR = 0 when the
 * tetrahedron method would get fewer than 4 k-points. A user override of any of these wins.
 *
 *   name        base        task          use
 *   relax       mp          relax         = pymatgen MPRelaxSet (ISIF 3 full relaxation)
 *   static      mp          static        = pymatgen MPStaticSet
 *   kvo-paper   kvo-paper   relax         the K3V5O14 study: PAW-PBE, ENCUT 400, EDIFF 1E-6, EDIFFG -0.005
 *   neb         mp          neb           VTST climbing-image NEB + endpoints (task neb-endpoint);
 *                                         `ionpath deck --preset neb` writes one neb-endpoint run
 */
import type { Structure } from '../core/structure.js';
import { InputError, type Warning } from '../core/errors.js';
import { type Incar, type IncarValue, KNOWN_TAGS, incarNumber } from './incar.js';
import { hubbardEntries, lasphRequired, lmaxmixFor, mpHubbard, mpMagmom } from './hubbard.js';
import type { KpointMesh, KpointSetting } from './kpoints.js';

/** One row of a preset table: tag, value, why. */
export type PresetRow = readonly [tag: string, value: IncarValue, why: string];

export interface BaseSettings {
  name: string;
  description: string;
  /** POTCAR family the settings assume. */
  potcarFunctional: 'PBE';
  /** MP +U / MAGMOM / LMAXMIX rules on. */
  mpRules: boolean;
  /** k-point density used for relaxations and NEBs (static runs use `staticKpoints`). */
  kpoints: KpointSetting;
  staticKpoints: KpointSetting;
  defaults: readonly PresetRow[];
  /** Settings a study states: they win over the task table. */
  pinned: readonly PresetRow[];
}

export type TaskName = 'relax' | 'static' | 'neb-endpoint' | 'neb' | 'neb-novtst';

export interface TaskSettings {
  name: TaskName;
  description: string;
  rows: readonly PresetRow[];
}

// ---------------------------------------------------------------------------------------
// Bases
// ---------------------------------------------------------------------------------------

/** Materials Project electronic settings (pymatgen MPRelaxSet.yaml + VASPIncarBase.yaml). */
const MP_DEFAULTS: readonly PresetRow[] = [
  ['PREC', 'Accurate', 'MP'],
  ['ENCUT', 520, 'plane-wave cutoff, eV (MP)'],
  ['EDIFF_PER_ATOM', 5e-5, 'SCF convergence, eV per atom (MP); written as EDIFF'],
  ['ALGO', 'Fast', 'MP'],
  ['ISPIN', 2, 'spin polarised (MP)'],
  ['ISMEAR', -5, 'tetrahedron method (MP); 0 when fewer than 4 k-points'],
  ['SIGMA', 0.05, 'eV (MP)'],
  ['LASPH', true, 'non-spherical PAW terms (needed with +U)'],
  ['LREAL', 'Auto', 'MP'],
  ['LORBIT', 11, 'projected moments (MP)'],
  ['LWAVE', false, 'MP'],
  ['NELM', 100, 'MP'],
];

export const BASES: Readonly<Record<'mp' | 'kvo-paper', BaseSettings>> = Object.freeze({
  mp: {
    name: 'mp',
    description: 'Materials Project settings (pymatgen MPRelaxSet): PAW-PBE, ENCUT 520 eV, EDIFF 5E-5 eV/atom, GGA+U for oxides/fluorides',
    potcarFunctional: 'PBE',
    mpRules: true,
    kpoints: { kind: 'reciprocalDensity', value: 64 },
    staticKpoints: { kind: 'reciprocalDensity', value: 100 },
    defaults: MP_DEFAULTS,
    pinned: [],
  },
  'kvo-paper': {
    name: 'kvo-paper',
    description:
      'settings of the K3V5O14 Li-insertion study (Ma, Yan et al., Nat. Commun. 2026): PAW-PBE, ENCUT 400 eV, EDIFF 1E-6 eV, EDIFFG -0.005 eV/Å; everything else (+U, MAGMOM, k-points) by MP conventions',
    potcarFunctional: 'PBE',
    mpRules: true,
    kpoints: { kind: 'reciprocalDensity', value: 64 },
    staticKpoints: { kind: 'reciprocalDensity', value: 100 },
    defaults: MP_DEFAULTS.filter(([t]) => t !== 'ENCUT' && t !== 'EDIFF_PER_ATOM'),
    pinned: [
      ['ENCUT', 400, 'eV (kvo-paper)'],
      ['EDIFF', 1e-6, 'eV (kvo-paper)'],
      ['EDIFFG', -0.005, 'force criterion, eV/Å (kvo-paper)'],
    ],
  },
});

// ---------------------------------------------------------------------------------------
// Tasks
// ---------------------------------------------------------------------------------------

export const TASKS: Readonly<Record<TaskName, TaskSettings>> = Object.freeze({
  relax: {
    name: 'relax',
    description: 'full relaxation of ions and cell (MPRelaxSet)',
    rows: [
      ['IBRION', 2, 'conjugate gradient'],
      ['ISIF', 3, 'relax ions, cell shape and volume'],
      ['NSW', 99, 'ionic steps'],
    ],
  },
  static: {
    name: 'static',
    description: 'single point with charge density (MPStaticSet)',
    rows: [
      ['IBRION', -1, 'no ionic steps'],
      ['NSW', 0, 'static'],
      ['ISIF', 3, 'as MPStaticSet (stress tensor; no ionic steps with NSW = 0)'],
      ['ISMEAR', -5, 'tetrahedron method'],
      ['ALGO', 'Normal', 'MPStaticSet'],
      ['LCHARG', true, 'write CHGCAR'],
      ['LAECHG', true, 'all-electron charge (Bader)'],
      ['LVHAR', true, 'Hartree potential'],
      ['LORBIT', 11, 'projected moments'],
      ['LWAVE', false, 'MPStaticSet'],
    ],
  },
  'neb-endpoint': {
    name: 'neb-endpoint',
    description: 'fixed-cell relaxation of an NEB endpoint: same functional, +U, MAGMOM, ENCUT and k-mesh as the NEB',
    rows: [
      ['IBRION', 2, 'conjugate gradient'],
      ['ISIF', 2, 'ions only: the supercell is shared with the NEB'],
      ['NSW', 200, 'ionic steps'],
      ['EDIFF', 1e-5, 'eV; forces need a tighter SCF than MP relaxations'],
      ['EDIFFG', -0.05, 'force criterion, eV/Å'],
      ['ISMEAR', 0, 'Gaussian smearing (as the NEB)'],
      ['SIGMA', 0.05, 'eV'],
      ['LCHARG', false, 'no CHGCAR'],
    ],
  },
  neb: {
    name: 'neb',
    description: 'climbing-image NEB with the VTST code (IBRION = 3, POTIM = 0: VTST optimisers)',
    rows: [
      ['IMAGES', 0, 'number of intermediate images (set per deck)'],
      ['SPRING', -5, 'nudged elastic band spring, eV/Å²'],
      ['LCLIMB', true, 'climbing image (VTST)'],
      ['ICHAIN', 0, 'NEB (VTST)'],
      ['IBRION', 3, 'with POTIM = 0: VTST optimiser IOPT'],
      ['POTIM', 0, 'VTST optimiser takes the steps'],
      ['IOPT', 3, 'VTST optimiser: 3 = FIRE, 1 = LBFGS'],
      ['ISIF', 2, 'ions only'],
      ['NSW', 200, 'ionic steps'],
      ['EDIFF', 1e-5, 'eV; NEB forces need a tight SCF'],
      ['EDIFFG', -0.05, 'force criterion on every image, eV/Å (< 0: forces)'],
      ['ISMEAR', 0, 'Gaussian smearing'],
      ['SIGMA', 0.05, 'eV'],
      ['ISYM', 0, 'images break the symmetry'],
      ['LCHARG', false, 'no CHGCAR per image'],
      ['LWAVE', false, 'no WAVECAR per image'],
    ],
  },
  'neb-novtst': {
    name: 'neb-novtst',
    description: 'plain-VASP NEB (no VTST, no climbing image): IBRION = 1 quasi-Newton',
    rows: [
      ['IMAGES', 0, 'number of intermediate images (set per deck)'],
      ['SPRING', -5, 'nudged elastic band spring, eV/Å²'],
      ['IBRION', 1, 'quasi-Newton (RMM-DIIS); plain VASP has no climbing image'],
      ['POTIM', 0.5, 'step scaling for IBRION = 1'],
      ['ISIF', 2, 'ions only'],
      ['NSW', 200, 'ionic steps'],
      ['EDIFF', 1e-5, 'eV; NEB forces need a tight SCF'],
      ['EDIFFG', -0.05, 'force criterion on every image, eV/Å (< 0: forces)'],
      ['ISMEAR', 0, 'Gaussian smearing'],
      ['SIGMA', 0.05, 'eV'],
      ['ISYM', 0, 'images break the symmetry'],
      ['LCHARG', false, 'no CHGCAR per image'],
      ['LWAVE', false, 'no WAVECAR per image'],
    ],
  },
});

/** Named presets of `ionpath deck`. */
export const DECK_PRESETS: Readonly<Record<string, { base: keyof typeof BASES; task: TaskName; description: string }>> = Object.freeze({
  relax: { base: 'mp', task: 'relax', description: 'MP relaxation (pymatgen MPRelaxSet)' },
  static: { base: 'mp', task: 'static', description: 'MP static run (pymatgen MPStaticSet)' },
  'kvo-paper': { base: 'kvo-paper', task: 'relax', description: 'relaxation with the K3V5O14 study settings' },
  neb: { base: 'mp', task: 'neb-endpoint', description: 'fixed-cell relaxation with the settings of an NEB deck (e.g. an endpoint CONTCAR)' },
});

/** Named presets of `ionpath neb` (the base; tasks are neb-endpoint and neb / neb-novtst). */
export const NEB_PRESETS: Readonly<Record<string, keyof typeof BASES>> = Object.freeze({
  neb: 'mp',
  mp: 'mp',
  'kvo-paper': 'kvo-paper',
});

export function baseSettings(name: string): BaseSettings {
  const b = (BASES as Record<string, BaseSettings>)[name];
  if (!b) throw new InputError(`unknown preset base "${name}" (expected ${Object.keys(BASES).join(', ')})`);
  return b;
}

// ---------------------------------------------------------------------------------------
// Building an INCAR
// ---------------------------------------------------------------------------------------

export interface BuildIncarOptions {
  /** The structure as written in the POSCAR (site order = MAGMOM order). */
  structure: Structure;
  /** Species in POSCAR order (LDAU* lists follow it). */
  speciesOrder: readonly string[];
  base: BaseSettings;
  task: TaskName;
  /** IMAGES for NEB tasks. */
  images?: number;
  /** VTST optimiser for the neb task: 3 = FIRE (default), 1 = LBFGS. */
  iopt?: 1 | 3;
  /** The k-point mesh these inputs go with (for the ISMEAR rule). */
  kpoints?: KpointMesh;
  /** --incar overrides; null removes a tag. */
  overrides?: ReadonlyMap<string, IncarValue | null>;
  /** SYSTEM line. */
  system?: string;
}

export interface BuiltIncar {
  incar: Incar;
  /** Why each tag has its value (INCAR comments). */
  comments: Map<string, string>;
  warnings: Warning[];
}

/** The INCAR for a structure, base and task (see the precedence in the header). */
export function buildIncar(o: BuildIncarOptions): BuiltIncar {
  const incar: Incar = new Map();
  const comments = new Map<string, string>();
  const warnings: Warning[] = [];
  const set = (k: string, v: IncarValue, why: string) => {
    incar.set(k, v);
    comments.set(k, why);
  };
  if (o.system) set('SYSTEM', o.system, 'ionpath');
  for (const [k, v, why] of o.base.defaults) set(k, v, why);
  const task = TASKS[o.task];
  for (const [k, v, why] of task.rows) set(k, v, why);
  for (const [k, v, why] of o.base.pinned) set(k, v, why);

  // EDIFF: absolute when some table sets it, else per atom
  const perAtom = incar.get('EDIFF_PER_ATOM');
  incar.delete('EDIFF_PER_ATOM');
  comments.delete('EDIFF_PER_ATOM');
  if (!incar.has('EDIFF') && typeof perAtom === 'number') {
    set('EDIFF', perAtom * o.structure.nsites, `${perAtom} eV/atom × ${o.structure.nsites} atoms (MP)`);
  }

  if (o.task === 'neb' || o.task === 'neb-novtst') {
    if (!(o.images && o.images >= 1)) throw new Error('internal: an NEB INCAR needs IMAGES ≥ 1');
    set('IMAGES', o.images, 'intermediate images (folders 01 … ' + String(o.images).padStart(2, '0') + ')');
    if (o.task === 'neb' && o.iopt !== undefined) set('IOPT', o.iopt, o.iopt === 3 ? 'VTST FIRE' : 'VTST LBFGS');
  }

  if (o.base.mpRules) {
    if (incar.get('ISPIN') === 2) set('MAGMOM', mpMagmom(o.structure), 'initial moments, μB (MP defaults)');
    const u = mpHubbard(o.speciesOrder);
    if (u) {
      const why = `GGA+U, MP values for ${u.anion === 'O' ? 'oxides' : 'fluorides'} (species ${o.speciesOrder.join(' ')})`;
      for (const [k, v] of hubbardEntries(u)) set(k, v, why);
    }
    const lmax = lmaxmixFor(o.speciesOrder);
    if (lmax !== undefined) set('LMAXMIX', lmax, lmax === 6 ? 'f electrons present' : 'd electrons present');
  }

  if (o.kpoints && incar.get('ISMEAR') === -5) {
    const n = o.kpoints.mesh[0] * o.kpoints.mesh[1] * o.kpoints.mesh[2];
    if (n < 4) set('ISMEAR', 0, `tetrahedron method needs ≥ 4 k-points, mesh has ${n}`);
  }

  // user overrides win, always
  for (const [k, v] of o.overrides ?? []) {
    if (!KNOWN_TAGS.has(k)) warnings.push({ message: `--incar ${k}: not a VASP tag ionpath knows (VASP ignores unknown tags silently; check the spelling)` });
    if (v === null) {
      incar.delete(k);
      comments.delete(k);
    } else set(k, v, 'user override (--incar)');
  }

  if (lasphRequired(incar) && incar.get('LASPH') !== true) {
    if (o.overrides?.has('LASPH')) warnings.push({ message: 'LASPH = .FALSE. was asked for, but +U / meta-GGA / hybrid / vdW-DF runs need LASPH = .TRUE.' });
    else set('LASPH', true, 'needed with +U / meta-GGA / hybrid / vdW-DF');
  }
  if (o.task === 'neb') {
    const ediffg = incarNumber(incar, 'EDIFFG');
    if (ediffg === undefined || !(ediffg < 0)) warnings.push({ message: `EDIFFG = ${ediffg}: the VTST optimisers need a force criterion (EDIFFG < 0)` });
    if (incarNumber(incar, 'IBRION') !== 3 || incarNumber(incar, 'POTIM') !== 0) {
      warnings.push({ message: 'the VTST optimisers (IOPT) run only with IBRION = 3 and POTIM = 0' });
    }
  }
  return { incar, comments, warnings };
}
