/**
 * Barrier analysis of one NEB band: energies relative to the initial state, the VTST
 * force-based cubic Hermite spline (natural cubic when a tangential force is missing),
 * forward and reverse barriers, the saddle, and the highest image beside the spline
 * maximum with a flag when the two disagree. Energies in eV, coordinates in Å, forces in eV/Å.
 */
import { InputError } from '../core/errors.js';
import { hermiteSpline, naturalCubicSpline, type Extremum, type PiecewiseCubic } from './spline.js';

/** One image of the band as the analysis needs it. */
export interface BarrierImageInput {
  /** Image number (00 → 0 …). */
  index: number;
  /** Absolute energy (eV). */
  energy: number;
  /** Cumulative distance along the band (Å). */
  coordinate: number;
  /**
   * Force along the band tangent (eV/Å; VASP/VTST "projections on to tangent", REAL part);
   * positive pushes towards the final state. dE/dR = −F∥. Endpoints: 0 (relaxed minima).
   */
  tangentForce: number | null;
  /** Force the optimiser converges (VTST "FORCES: max atom" or max |F|), eV/Å. */
  maxForce?: number | null;
  /** Convergence of this image (max force ≤ |EDIFFG|, or "reached required accuracy"). */
  converged?: boolean | null;
  /** Its OUTCAR reached VASP's final timing block. */
  complete?: boolean;
  /** Free-form origin notes (paths of the OUTCAR and geometry used). */
  source?: Record<string, string | null>;
}

export interface BarrierOptions {
  /**
   * The spline maximum and the highest image "agree" when the spline lies at most this far
   * above the highest image (eV; default 0.01) and sits next to an image within this of
   * the highest energy.
   */
  agreementTolerance?: number;
  /** Force the natural cubic spline even when forces are present. */
  interpolation?: 'auto' | 'hermite' | 'natural';
}

export interface BarrierImage {
  index: number;
  energy: number;
  relativeEnergy: number;
  coordinate: number;
  tangentForce: number | null;
  maxForce: number | null;
  converged: boolean | null;
  complete: boolean;
  source?: Record<string, string | null>;
}

export interface BarrierAnalysis {
  images: BarrierImage[];
  /** 'hermite' = VTST force-based spline; 'natural' = natural cubic (forces missing). */
  interpolation: 'hermite' | 'natural';
  /** Forward barrier: saddle − initial (eV). */
  barrier: number;
  /** Reverse barrier: saddle − final (eV). */
  reverseBarrier: number;
  /** Final − initial (eV). */
  reactionEnergy: number;
  /** Spline maximum: coordinate (Å), energy relative to the initial state (eV), fractional image index. */
  saddle: { coordinate: number; energy: number; image: number };
  /** The highest image and the barriers it gives. */
  highestImage: { index: number; coordinate: number; energy: number; barrier: number; reverseBarrier: number };
  /** Spline maximum and highest image agree (see BarrierOptions.agreementTolerance). */
  splineAgreesWithImages: boolean;
  /** Why they disagree (null when they agree). */
  disagreement: string | null;
  /** Interior extrema of the spline (VTST exts.dat): coordinate (Å), fractional image, energy relative to the initial state (eV). */
  extrema: { coordinate: number; image: number; energy: number; kind: 'max' | 'min' }[];
  /** Every image OUTCAR finished. */
  complete: boolean;
  /** Every image converged (null when unknown for some). */
  converged: boolean | null;
  /** The fitted profile (relative energies vs coordinate). */
  spline: PiecewiseCubic;
}

/** Analyse one band (at least three images: two endpoints and one image). */
export function analyzeBarrier(input: readonly BarrierImageInput[], opts: BarrierOptions = {}): BarrierAnalysis {
  if (input.length < 3) {
    throw new InputError(`a NEB band needs the two endpoints and at least one image; got ${input.length} point${input.length === 1 ? '' : 's'}`);
  }
  const tol = opts.agreementTolerance ?? 0.01;
  for (let k = 0; k + 1 < input.length; k++) {
    const dx = input[k + 1].coordinate - input[k].coordinate;
    if (!(dx > 1e-8)) {
      throw new InputError(
        `images ${pad(input[k].index)} and ${pad(input[k + 1].index)} have the same geometry (distance ${dx.toFixed(6)} Å along the band): the reaction coordinate does not advance`,
        { hint: 'check the image folders hold different structures (an interpolation that was never run, or copied POSCARs)' },
      );
    }
  }
  for (const im of input) {
    if (!Number.isFinite(im.energy)) throw new InputError(`image ${pad(im.index)} has no finite energy (${im.energy})`);
  }
  const e0 = input[0].energy;
  const eN = input[input.length - 1].energy;
  const images: BarrierImage[] = input.map((im) => ({
    index: im.index,
    energy: im.energy,
    relativeEnergy: im.energy - e0,
    coordinate: im.coordinate,
    tangentForce: im.tangentForce,
    maxForce: im.maxForce ?? null,
    converged: im.converged ?? null,
    complete: im.complete ?? true,
    ...(im.source ? { source: im.source } : {}),
  }));
  const x = images.map((im) => im.coordinate);
  const y = images.map((im) => im.relativeEnergy);
  // endpoints are relaxed minima: zero tangential force (VTST neb.dat, pymatgen)
  const forces = images.map((im, k) => (k === 0 || k === images.length - 1 ? (im.tangentForce ?? 0) : im.tangentForce));
  const haveForces = forces.every((f) => f !== null && Number.isFinite(f));
  const mode = opts.interpolation ?? 'auto';
  if (mode === 'hermite' && !haveForces) {
    const missing = images.filter((_, k) => forces[k] === null).map((im) => pad(im.index));
    throw new InputError(`the force-based spline needs the tangential force of every image; missing for ${missing.join(', ')}`);
  }
  const interpolation: 'hermite' | 'natural' = mode === 'natural' || !haveForces ? 'natural' : 'hermite';
  const spline =
    interpolation === 'hermite' ? hermiteSpline(x, y, forces.map((f) => -(f as number))) : naturalCubicSpline(x, y);

  const max = spline.maximum();
  const reaction = eN - e0;
  let hi = 0;
  images.forEach((im, k) => {
    if (im.relativeEnergy > images[hi].relativeEnergy) hi = k;
  });
  const highest = images[hi];

  // agreement: not much above the highest image, and next to an image that is (nearly) as high
  const above = max.y - highest.relativeEnergy;
  const nearTop = images.map((im, k) => ({ k, e: im.relativeEnergy })).filter((p) => highest.relativeEnergy - p.e <= tol);
  const nextToTop = nearTop.some((p) => Math.abs(max.knot - p.k) < 1 + 1e-9);
  let disagreement: string | null = null;
  if (above > tol) {
    disagreement = `the spline maximum (${fmt(max.y)} eV at image ${max.knot.toFixed(2)}) lies ${fmt(above)} eV above the highest image (${pad(highest.index)}, ${fmt(highest.relativeEnergy)} eV): the saddle falls between images — add images there or use a climbing image`;
  } else if (!nextToTop) {
    disagreement = `the spline maximum (image ${max.knot.toFixed(2)}) is not next to the highest image (${pad(highest.index)})`;
  }

  const complete = images.every((im) => im.complete);
  const conv = images.map((im) => im.converged);
  const converged = conv.some((c) => c === false) ? false : conv.every((c) => c === true) ? true : null;

  return {
    images,
    interpolation,
    barrier: max.y,
    reverseBarrier: max.y - reaction,
    reactionEnergy: reaction,
    saddle: { coordinate: max.x, energy: max.y, image: max.knot },
    highestImage: {
      index: highest.index,
      coordinate: highest.coordinate,
      energy: highest.relativeEnergy,
      barrier: highest.relativeEnergy,
      reverseBarrier: highest.relativeEnergy - reaction,
    },
    splineAgreesWithImages: disagreement === null,
    disagreement,
    extrema: spline.extrema().map((e: Extremum) => ({ coordinate: e.x, image: e.knot, energy: e.y, kind: e.kind })),
    complete,
    converged,
    spline,
  };
}

function pad(i: number): string {
  return String(i).padStart(2, '0');
}

function fmt(x: number): string {
  return x.toFixed(4);
}
