/**
 * Powder X-ray diffraction pattern of a structure, computed the way pymatgen's
 * `XRDCalculator.get_pattern` (pymatgen/analysis/diffraction/xrd.py, v2022.11.7) does, so the
 * two agree to floating-point noise:
 *
 * 1. every reciprocal-lattice point g_hkl (no 2π; |g| = 1/d in 1/Å) with
 *    2 sin(θmin)/λ ≤ |g| ≤ 2 sin(θmax)/λ;
 * 2. Bragg angle θ = asin(λ|g|/2), s = sinθ/λ = |g|/2;
 * 3. X-ray atomic scattering factor f(s) = Z − 41.78214 s² Σᵢ aᵢ exp(−bᵢ s²) (Mott–Bethe form
 *    of a Gaussian fit of the electron scattering factor; parameters in
 *    ./xrd-scattering-factors.ts, from pymatgen's atomic_scattering_params.json);
 * 4. structure factor F = Σ_j f_j occ_j exp(2πi h·x_j) exp(−B_j s²), summed over every species
 *    of every site (so occupancies weight mixed sites; B is a Debye–Waller factor in Å², per
 *    element, none by default);
 * 5. I = |F|² × Lorentz–polarisation (1 + cos²2θ)/(sin²θ cosθ);
 * 6. reflections within 1e-5° of 2θ are one peak (intensities added; the first reflection's
 *    2θ and d are kept); peaks below 1e-3 of the strongest (scale 100) are dropped (they are
 *    systematic absences that do not cancel exactly); intensities are scaled to 100.
 *
 * No multiplicity factor is applied: every member of a family {hkl} is summed separately, so
 * multiplicity is built in. Per peak the reflections are grouped into families the way
 * pymatgen's `get_unique_families` does — indices that are permutations of each other up to
 * sign (Miller–Bravais h k i l on hexagonal lattices) — each family named by its
 * lexicographically largest member and counted.
 */
import { InputError } from '../core/errors.js';
import { element } from '../core/elements.js';
import type { Lattice } from '../core/lattice.js';
import type { Structure } from '../core/structure.js';
import { XRD_SCATTERING_PARAMS, XRD_WAVELENGTHS } from './xrd-scattering-factors.js';

/** Peaks closer than this in 2θ (degrees) are one peak (pymatgen TWO_THETA_TOL). */
export const XRD_TWO_THETA_TOL_DEG = 1e-5;
/** Peaks weaker than this on the 0–100 scale are dropped (pymatgen SCALED_INTENSITY_TOL). */
export const XRD_SCALED_INTENSITY_TOL = 1e-3;
/** 8π²a₀ (Å): the Mott–Bethe constant pymatgen uses. */
const MOTT_BETHE = 41.78214;
const DEG = 180 / Math.PI;

export interface XrdOptions {
  /** Wavelength in Å, or a name such as 'CuKa', 'CuKa1', 'MoKa', 'CoKa' (default 'CuKa'). */
  wavelength?: number | string;
  /** 2θ range in degrees, [min, max] (default [0, 90], as pymatgen); null = the whole limiting sphere. */
  twoThetaRange?: readonly [number, number] | null;
  /** Debye–Waller B factors (Å²) by element symbol; elements not listed get none. */
  debyeWaller?: Readonly<Record<string, number>>;
}

/** One family of reflections contributing to a peak. */
export interface HklFamily {
  /** Representative Miller indices (h, k, l): the family's largest member, pymatgen's choice. */
  hkl: [number, number, number];
  /** The same as Miller–Bravais (h, k, i, l), on hexagonal lattices only. */
  hkil?: [number, number, number, number];
  /** Number of reflections of the family in this peak. */
  multiplicity: number;
}

export interface XrdPeak {
  /** Diffraction angle 2θ (degrees). */
  twoTheta: number;
  /** Interplanar spacing d (Å). */
  d: number;
  /** Representative hkl: that of the first family, as pymatgen lists them (see `families`). */
  hkl: [number, number, number];
  hkil?: [number, number, number, number];
  /** Multiplicity of the representative family. */
  multiplicity: number;
  /** Relative intensity, strongest peak = 100. */
  intensity: number;
  /** Every family in this peak (several when different families share a d, e.g. 333 and 511). */
  families: HklFamily[];
}

export interface XrdPattern {
  /** Wavelength used (Å). */
  wavelength: number;
  /** The name it was given by, when one was used ('CuKa'). */
  wavelengthName?: string;
  /** 2θ range (degrees) searched. */
  twoThetaRange: [number, number];
  /** True when the lattice is hexagonal (pymatgen's test) and families use h k i l. */
  hexagonal: boolean;
  /** Peaks by increasing 2θ. */
  peaks: XrdPeak[];
  /** Unscaled |F|²·LP of the strongest peak (electrons², arbitrary LP units). */
  maxRawIntensity: number;
}

/** Resolve a wavelength given as a name ('CuKa', case-insensitive) or a number of Å. */
export function resolveWavelength(w: number | string): { angstrom: number; name?: string } {
  if (typeof w === 'number') {
    if (!Number.isFinite(w) || !(w > 0)) throw new InputError(`wavelength must be a positive number of Å, got ${w}`);
    return { angstrom: w };
  }
  const t = w.trim();
  const byName = Object.keys(XRD_WAVELENGTHS).find((k) => k.toLowerCase() === t.toLowerCase().replace(/[-_\s]/g, '').replace('α', 'a').replace('β', 'b'));
  if (byName) return { angstrom: XRD_WAVELENGTHS[byName], name: byName };
  const x = /^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : NaN;
  if (Number.isFinite(x) && x > 0) return { angstrom: x };
  throw new InputError(`unknown wavelength "${w}"; expected a number of Å (e.g. 1.5406) or one of ${Object.keys(XRD_WAVELENGTHS).join(', ')}`);
}

/** pymatgen's `Lattice.is_hexagonal()` (angle tolerance 5°, length tolerance 0.01 Å). */
export function isHexagonalLattice(lattice: Lattice): boolean {
  const lengths = lattice.lengths;
  const angles = lattice.angles;
  const right = [0, 1, 2].filter((i) => Math.abs(angles[i] - 90) < 5);
  const hex = [0, 1, 2].filter((i) => Math.abs(angles[i] - 60) < 5 || Math.abs(angles[i] - 120) < 5);
  return right.length === 2 && hex.length === 1 && Math.abs(lengths[right[0]] - lengths[right[1]]) < 0.01;
}

/** X-ray scattering factor parameters and Z of an element (D and T use those of H). */
function scatteringOf(symbol: string): { Z: number; a: number[]; b: number[] } {
  const key = symbol === 'T' ? 'H' : symbol;
  const p = XRD_SCATTERING_PARAMS[key];
  if (!p) {
    throw new InputError(`no X-ray scattering factors for element ${symbol}`, {
      hint: `tabulated: ${Object.keys(XRD_SCATTERING_PARAMS).length} elements (pymatgen atomic_scattering_params.json)`,
    });
  }
  return { Z: element(symbol).Z, a: p.map((x) => x[0]), b: p.map((x) => x[1]) };
}

/** f(s²) = Z − 41.78214 s² Σ aᵢ exp(−bᵢ s²), s = sinθ/λ (1/Å). */
export function xrayScatteringFactor(symbol: string, s2: number): number {
  const { Z, a, b } = scatteringOf(symbol);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * Math.exp(-b[i] * s2);
  return Z - MOTT_BETHE * s2 * sum;
}

interface Reflection {
  hkl: [number, number, number];
  g: number;
}

/** Reciprocal-lattice points with gMin ≤ |g| ≤ gMax (1/Å), sorted as pymatgen sorts them. */
function reflections(lattice: Lattice, gMin: number, gMax: number): Reflection[] {
  const r = lattice.reciprocal.matrix;
  const [la, lb, lc] = lattice.lengths; // |h| ≤ |g|·|a| since h = g·a
  const hm = Math.ceil(gMax * la + 1e-9);
  const km = Math.ceil(gMax * lb + 1e-9);
  const lm = Math.ceil(gMax * lc + 1e-9);
  const out: Reflection[] = [];
  const gMax2 = gMax + 1e-8;
  for (let h = -hm; h <= hm; h++) {
    for (let k = -km; k <= km; k++) {
      for (let l = -lm; l <= lm; l++) {
        if (h === 0 && k === 0 && l === 0) continue;
        const x = h * r[0][0] + k * r[1][0] + l * r[2][0];
        const y = h * r[0][1] + k * r[1][1] + l * r[2][1];
        const z = h * r[0][2] + k * r[1][2] + l * r[2][2];
        const g = Math.sqrt(x * x + y * y + z * z);
        if (g <= gMax2 && g >= gMin) out.push({ hkl: [h, k, l], g });
      }
    }
  }
  out.sort((p, q) => p.g - q.g || q.hkl[0] - p.hkl[0] || q.hkl[1] - p.hkl[1] || q.hkl[2] - p.hkl[2]);
  return out;
}

/** True when two index tuples are permutations of each other up to sign (pymatgen's is_perm). */
export function isPermutationFamily(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const x = a.map(Math.abs).sort((p, q) => p - q);
  const y = b.map(Math.abs).sort((p, q) => p - q);
  return x.every((v, i) => v === y[i]);
}

function lexCompare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Group index tuples into permutation families, in order of first appearance (pymatgen get_unique_families). */
export function uniqueFamilies(hkls: readonly (readonly number[])[]): { rep: number[]; multiplicity: number }[] {
  const groups: number[][][] = [];
  for (const h of hkls) {
    const g = groups.find((grp) => isPermutationFamily(h, grp[0]));
    if (g) g.push([...h]);
    else groups.push([[...h]]);
  }
  return groups.map((grp) => ({ rep: grp.reduce((m, x) => (lexCompare(x, m) > 0 ? x : m)), multiplicity: grp.length }));
}

interface RawPeak {
  twoTheta: number;
  d: number;
  raw: number;
  members: { idx: number[]; hkl: readonly number[]; g: number }[];
}

/**
 * pymatgen's order of the reflections of one peak: by |g|, then largest h, k, l first — the
 * order families are listed in. Where different families share |g| exactly (333 and 511 of a
 * cubic cell) the last bit of the computed |g| decides, in pymatgen as here, so the first
 * (representative) family of such a peak may differ from pymatgen's; the list is the same.
 */
function memberOrder(p: { hkl: readonly number[]; g: number }, q: { hkl: readonly number[]; g: number }): number {
  return p.g - q.g || lexCompare(q.hkl, p.hkl);
}

/** The powder pattern of a structure (see the module comment for the method). */
export function computeXrd(structure: Structure, opts: XrdOptions = {}): XrdPattern {
  const wl = resolveWavelength(opts.wavelength ?? 'CuKa');
  const lambda = wl.angstrom;
  const range = opts.twoThetaRange === undefined ? ([0, 90] as const) : opts.twoThetaRange;
  if (range !== null) checkTwoThetaRange(range);
  const [tMin, tMax] = range ?? [0, 180];
  const gMin = (2 * Math.sin(tMin / DEG / 2)) / lambda;
  const gMax = (2 * Math.sin(tMax / DEG / 2)) / lambda;
  const dw = opts.debyeWaller ?? {};
  for (const [el, b] of Object.entries(dw)) {
    if (!Number.isFinite(b)) throw new InputError(`Debye–Waller factor of ${el} must be a number of Å², got ${b}`);
  }

  // flattened species: one entry per (site, species), as pymatgen does
  const n = structure.sites.reduce((acc, s) => acc + s.species.length, 0);
  const fx = new Float64Array(n);
  const fy = new Float64Array(n);
  const fz = new Float64Array(n);
  const occ = new Float64Array(n);
  const dwB = new Float64Array(n);
  const typeOf = new Int32Array(n);
  const types: { Z: number; a: number[]; b: number[] }[] = [];
  const typeIndex = new Map<string, number>();
  let j = 0;
  for (const site of structure.sites) {
    for (const sp of site.species) {
      let t = typeIndex.get(sp.element);
      if (t === undefined) {
        t = types.length;
        types.push(scatteringOf(sp.element));
        typeIndex.set(sp.element, t);
      }
      typeOf[j] = t;
      fx[j] = site.frac[0];
      fy[j] = site.frac[1];
      fz[j] = site.frac[2];
      occ[j] = sp.occupancy;
      dwB[j] = dw[sp.element] ?? 0;
      j++;
    }
  }

  const hexagonal = isHexagonalLattice(structure.lattice);
  const fType = new Float64Array(types.length);
  const peaks: RawPeak[] = [];
  for (const { hkl, g } of reflections(structure.lattice, gMin, gMax)) {
    const theta = Math.asin((lambda * g) / 2);
    const s2 = (g / 2) ** 2;
    for (let t = 0; t < types.length; t++) {
      const { Z, a, b } = types[t];
      let sum = 0;
      for (let i = 0; i < a.length; i++) sum += a[i] * Math.exp(-b[i] * s2);
      fType[t] = Z - MOTT_BETHE * s2 * sum;
    }
    let re = 0;
    let im = 0;
    const [h, k, l] = hkl;
    for (let q = 0; q < n; q++) {
      const phase = 2 * Math.PI * (h * fx[q] + k * fy[q] + l * fz[q]);
      const amp = fType[typeOf[q]] * occ[q] * (dwB[q] !== 0 ? Math.exp(-dwB[q] * s2) : 1);
      re += amp * Math.cos(phase);
      im += amp * Math.sin(phase);
    }
    const lp = (1 + Math.cos(2 * theta) ** 2) / (Math.sin(theta) ** 2 * Math.cos(theta));
    const intensity = (re * re + im * im) * lp;
    const twoTheta = 2 * theta * DEG;
    const idx = hexagonal ? [h, k, -(h + k) + 0, l] : [h, k, l];
    // the earliest peak within the tolerance (pymatgen compares with every peak so far)
    let match = -1;
    for (let p = peaks.length - 1; p >= 0 && peaks[p].twoTheta > twoTheta - 1; p--) {
      if (Math.abs(peaks[p].twoTheta - twoTheta) < XRD_TWO_THETA_TOL_DEG) match = p;
    }
    if (match >= 0) {
      peaks[match].raw += intensity;
      peaks[match].members.push({ idx, hkl, g });
    } else {
      peaks.push({ twoTheta, d: 1 / g, raw: intensity, members: [{ idx, hkl, g }] });
    }
  }

  const maxRaw = peaks.reduce((m, p) => Math.max(m, p.raw), 0);
  const out: XrdPeak[] = [];
  if (maxRaw > 0) {
    for (const p of [...peaks].sort((x, y) => x.twoTheta - y.twoTheta)) {
      const scaled = (p.raw / maxRaw) * 100;
      if (!(scaled > XRD_SCALED_INTENSITY_TOL)) continue;
      const families: HklFamily[] = uniqueFamilies([...p.members].sort(memberOrder).map((m) => m.idx)).map(({ rep, multiplicity }) =>
        rep.length === 4
          ? { hkl: [rep[0], rep[1], rep[3]], hkil: [rep[0], rep[1], rep[2], rep[3]], multiplicity }
          : { hkl: [rep[0], rep[1], rep[2]], multiplicity },
      );
      const first = families[0];
      out.push({
        twoTheta: p.twoTheta,
        d: p.d,
        hkl: first.hkl,
        ...(first.hkil ? { hkil: first.hkil } : {}),
        multiplicity: first.multiplicity,
        intensity: scaled,
        families,
      });
    }
  }
  return {
    wavelength: lambda,
    ...(wl.name ? { wavelengthName: wl.name } : {}),
    twoThetaRange: [tMin, tMax],
    hexagonal,
    peaks: out,
    maxRawIntensity: maxRaw,
  };
}

/** Throw an InputError unless 0 ≤ min < max ≤ 180 (degrees). */
export function checkTwoThetaRange(range: readonly number[]): void {
  const [a, b] = range;
  if (range.length !== 2 || !Number.isFinite(a) || !Number.isFinite(b)) {
    throw new InputError(`2θ range must be two numbers of degrees, min,max (e.g. 10,90); got ${range.join(',')}`);
  }
  if (!(a < b)) throw new InputError(`2θ range ${a},${b}: min must be below max (degrees, min,max)`, { hint: 'e.g. --two-theta 10,90' });
  if (!(a >= 0 && b <= 180)) throw new InputError(`2θ range ${a},${b} must lie within 0–180°`, { hint: 'e.g. --two-theta 10,90' });
}

/** Parse "10,90" (or "10:90", "10 90") into a 2θ range in degrees; InputError when it is not one. */
export function parseTwoThetaRange(text: string): [number, number] {
  const parts = text.trim().split(/\s*[,:]\s*|\s+/);
  const nums = parts.map((p) => (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(p) ? Number(p) : NaN));
  if (nums.length !== 2 || nums.some((x) => !Number.isFinite(x))) {
    throw new InputError(`2θ range must be two numbers of degrees, min,max (e.g. 10,90); got "${text}"`);
  }
  checkTwoThetaRange(nums);
  return [nums[0], nums[1]];
}

/** Parse "Li=0.5,O=0.8" into Debye–Waller B factors (Å²) by element. */
export function parseDebyeWaller(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Z][a-z]?)\s*=\s*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$/.exec(part);
    if (!m) throw new InputError(`expected ELEMENT=B pairs in Å², e.g. Li=1.0,O=0.5; got "${part}"`);
    element(m[1]);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/**
 * The peak holding reflection (h k l) of `lattice` (the cell the pattern was computed on), or
 * undefined (absent, extinct or out of range). The peak must list the family and lie at its d.
 */
export function findPeak(pattern: XrdPattern, lattice: Lattice, hkl: readonly [number, number, number]): XrdPeak | undefined {
  const idx = pattern.hexagonal ? [hkl[0], hkl[1], -(hkl[0] + hkl[1]) + 0, hkl[2]] : [...hkl];
  const d = lattice.dSpacing(hkl[0], hkl[1], hkl[2]);
  return pattern.peaks.find((p) => Math.abs(p.d - d) < 1e-6 * d + 1e-9 && p.families.some((f) => isPermutationFamily(f.hkil ?? f.hkl, idx)));
}

/** Structure types for which an intensity ratio is a standard quality check. */
export type RatioStructureType = 'spinel' | 'layered-R-3m';

export interface IntensityRatios {
  /** The type the rule recognised, or null (no ratio is meaningful). */
  structureType: RatioStructureType | null;
  /** Ratio name → value, e.g. {"I(311)/I(400)": 0.84}; intensities of the whole peaks. */
  ratios: Record<string, number>;
  /** Why a ratio is missing (peak out of range or absent). */
  notes: string[];
}

const ANIONS = new Set(['O', 'F', 'S', 'Se', 'Te', 'Cl', 'Br', 'I', 'N']);

/**
 * Which intensity ratio is meaningful, by space group + composition + cell (the rule):
 * - spinel: space group 227 (Fd-3m) or the ordered spinels 212/213 (P4₃32/P4₁32); oxygen the
 *   only anion; cations : O = 3 : 4 (±2 %); a cubic cell → I(311)/I(400) (the spinel-quality
 *   check: the 311 line weakens with cation disorder/ inversion on the 8a site).
 * - layered R-3m: space group 166; oxygen the only anion; cations : O = 1 : 1 (±2 %, LiMO₂);
 *   hexagonal axes (pymatgen's hexagonal-lattice test) → I(003)/I(104) (Li/Ni mixing check:
 *   the ratio falls as Ni²⁺ enters the Li layer; > 1.2 is read as little mixing).
 * Intensities are those of the whole peaks holding those reflections (on the 0–100 scale).
 */
export function intensityRatios(structure: Structure, spacegroupNumber: number, pattern: XrdPattern): IntensityRatios {
  const comp = structure.composition();
  let cations = 0;
  let oxygen = 0;
  let otherAnion = false;
  for (const [el, amt] of comp) {
    if (el === 'O') oxygen += amt;
    else if (ANIONS.has(el)) otherAnion = true;
    else cations += amt;
  }
  const near = (x: number, target: number) => Math.abs(x - target) <= 0.02 * target;
  const p = structure.lattice.parameters;
  const cubic = Math.abs(p.a - p.b) < 1e-3 && Math.abs(p.a - p.c) < 1e-3 && [p.alpha, p.beta, p.gamma].every((x) => Math.abs(x - 90) < 1e-3);
  let structureType: RatioStructureType | null = null;
  let pairs: [string, [number, number, number], [number, number, number]][] = [];
  if (oxygen > 0 && !otherAnion) {
    if ([227, 212, 213].includes(spacegroupNumber) && cubic && near(cations / oxygen, 0.75)) {
      structureType = 'spinel';
      pairs = [['I(311)/I(400)', [3, 1, 1], [4, 0, 0]]];
    } else if (spacegroupNumber === 166 && pattern.hexagonal && near(cations / oxygen, 1)) {
      structureType = 'layered-R-3m';
      pairs = [['I(003)/I(104)', [0, 0, 3], [1, 0, 4]]];
    }
  }
  const ratios: Record<string, number> = {};
  const notes: string[] = [];
  for (const [name, num, den] of pairs) {
    const a = findPeak(pattern, structure.lattice, num);
    const b = findPeak(pattern, structure.lattice, den);
    if (!a || !b) {
      notes.push(`${name}: no ${!a ? num.join('') : den.join('')} peak in ${pattern.twoThetaRange[0]}–${pattern.twoThetaRange[1]}° 2θ`);
      continue;
    }
    ratios[name] = a.intensity / b.intensity;
  }
  return { structureType, ratios, notes };
}
