/**
 * Automatic k-point meshes and the KPOINTS text.
 *
 * Density rules (the same arithmetic as pymatgen's Kpoints.automatic_density, so meshes
 * agree with Materials Project inputs):
 *  - `kppa` (k-points per reciprocal atom): N_i = floor(max(mult / a_i, 1)) with
 *    mult = (kppa / nsites · a · b · c)^(1/3), a_i the real-space lengths (Å); when kppa is
 *    within 1 of a perfect cube it is raised by 1 % first (pymatgen's nudge).
 *  - `reciprocalDensity` (k-points per Å⁻³ of reciprocal volume, 2π included, MP's
 *    "reciprocal_density"): kppa = density · (2π)³ / V · nsites, then as above.
 *  - `spacing` (Å⁻¹, VASP's KSPACING rule): N_i = max(1, ceil(2π |b_i| / spacing)),
 *    b_i the reciprocal vectors without 2π.
 * Style: Γ-centred for hexagonal cells, for meshes with an odd division, or when forced;
 * Monkhorst-Pack otherwise (pymatgen's choice). One mesh is computed per NEB and shared
 * by the endpoints and the images.
 */
import type { Lattice } from '../core/lattice.js';
import { InputError } from '../core/errors.js';
import { norm } from '../core/vec3.js';

export type KpointStyle = 'Gamma' | 'Monkhorst-Pack';

export interface KpointMesh {
  mesh: [number, number, number];
  style: KpointStyle;
  shift: [number, number, number];
  /** First line of the KPOINTS file. */
  comment: string;
}

export type KpointSetting =
  | { kind: 'kppa'; value: number; forceGamma?: boolean }
  | { kind: 'reciprocalDensity'; value: number; forceGamma?: boolean }
  | { kind: 'spacing'; value: number; forceGamma?: boolean }
  | { kind: 'mesh'; value: [number, number, number]; forceGamma?: boolean };

/**
 * pymatgen's Lattice.is_hexagonal: two angles within 5° of 90°, the third within 5° of
 * 60° or 120°, and the two vectors at right angles to … (i.e. spanning the 60/120° angle)
 * equal in length within 0.01 Å.
 */
export function isHexagonal(lattice: Lattice, angleTolDeg = 5, lengthTolÅ = 0.01): boolean {
  const len = lattice.lengths;
  const ang = lattice.angles;
  const right = [0, 1, 2].filter((i) => Math.abs(ang[i] - 90) < angleTolDeg);
  const hex = [0, 1, 2].filter((i) => Math.abs(ang[i] - 60) < angleTolDeg || Math.abs(ang[i] - 120) < angleTolDeg);
  return right.length === 2 && hex.length === 1 && Math.abs(len[right[0]] - len[right[1]]) < lengthTolÅ;
}

function styleFor(lattice: Lattice, mesh: readonly number[], forceGamma: boolean): KpointStyle {
  const hasOdd = mesh.some((n) => n % 2 === 1);
  return hasOdd || forceGamma || isHexagonal(lattice) ? 'Gamma' : 'Monkhorst-Pack';
}

/** Mesh from k-points per reciprocal atom (pymatgen Kpoints.automatic_density). */
export function meshFromKppa(lattice: Lattice, nsites: number, kppa: number, forceGamma = false): KpointMesh {
  if (!(kppa > 0) || !Number.isFinite(kppa)) throw new InputError(`k-point density must be a positive number, got ${kppa}`);
  if (!(nsites > 0)) throw new Error('internal: a structure without sites has no k-point mesh');
  const comment = `ionpath: grid density = ${Math.round(kppa)} / number of atoms`;
  let k = kppa;
  if (Math.abs(Math.floor(Math.cbrt(k) + 0.5) ** 3 - k) < 1) k += k * 0.01;
  const [a, b, c] = lattice.lengths;
  const ngrid = k / nsites;
  const mult = (ngrid * a * b * c) ** (1 / 3);
  const mesh = [a, b, c].map((l) => Math.floor(Math.max(mult / l, 1))) as [number, number, number];
  return { mesh, style: styleFor(lattice, mesh, forceGamma), shift: [0, 0, 0], comment };
}

/** Mesh from k-points per Å⁻³ of reciprocal volume, 2π included (MP's reciprocal_density). */
export function meshFromReciprocalDensity(lattice: Lattice, nsites: number, density: number, forceGamma = false): KpointMesh {
  if (!(density > 0) || !Number.isFinite(density)) throw new InputError(`reciprocal k-point density must be a positive number, got ${density}`);
  const recipVolume = (2 * Math.PI) ** 3 / lattice.volume;
  const m = meshFromKppa(lattice, nsites, density * recipVolume * nsites, forceGamma);
  return { ...m, comment: `ionpath: reciprocal density ${density} per Å^-3 (kppa ${Math.round(density * recipVolume * nsites)})` };
}

/** Mesh from a spacing in Å⁻¹ (2π included), VASP's KSPACING rule. */
export function meshFromSpacing(lattice: Lattice, spacingInvÅ: number, forceGamma = false): KpointMesh {
  if (!(spacingInvÅ > 0) || !Number.isFinite(spacingInvÅ)) throw new InputError(`k-point spacing must be a positive number of 1/Å, got ${spacingInvÅ}`);
  const r = lattice.reciprocal.matrix;
  const mesh = [0, 1, 2].map((i) => Math.max(1, Math.ceil((2 * Math.PI * norm(r[i])) / spacingInvÅ - 1e-9))) as [number, number, number];
  return { mesh, style: styleFor(lattice, mesh, forceGamma), shift: [0, 0, 0], comment: `ionpath: k-point spacing ${spacingInvÅ} 1/Å` };
}

/** Mesh for a setting. */
export function kpointMesh(lattice: Lattice, nsites: number, setting: KpointSetting): KpointMesh {
  const fg = setting.forceGamma ?? false;
  switch (setting.kind) {
    case 'kppa':
      return meshFromKppa(lattice, nsites, setting.value, fg);
    case 'reciprocalDensity':
      return meshFromReciprocalDensity(lattice, nsites, setting.value, fg);
    case 'spacing':
      return meshFromSpacing(lattice, setting.value, fg);
    case 'mesh': {
      const mesh = setting.value;
      if (!mesh.every((n) => Number.isInteger(n) && n >= 1)) throw new InputError(`k-point mesh needs three positive integers, got ${mesh.join('x')}`);
      return { mesh: [mesh[0], mesh[1], mesh[2]], style: styleFor(lattice, mesh, fg), shift: [0, 0, 0], comment: `ionpath: mesh ${mesh.join('x')}` };
    }
  }
}

/** KPOINTS text of an automatic mesh. */
export function formatKpoints(k: KpointMesh): string {
  return [k.comment, '0', k.style, k.mesh.join(' '), k.shift.join(' '), ''].join('\n');
}

/** Parse an automatic-mesh KPOINTS (Gamma / Monkhorst-Pack); other kinds are an InputError. */
export function parseKpointMesh(text: string, file?: string): KpointMesh {
  const lines = text.split(/\r?\n/);
  if (lines.length < 4) throw new InputError('a mesh KPOINTS needs at least 4 lines', { file, line: lines.length });
  const n = Number(lines[1].trim().split(/\s+/)[0]);
  if (n !== 0) throw new InputError(`expected 0 (automatic mesh) on line 2, found "${lines[1].trim()}"`, { file, line: 2 });
  const c = lines[2].trim()[0]?.toUpperCase();
  const style: KpointStyle | null = c === 'G' ? 'Gamma' : c === 'M' ? 'Monkhorst-Pack' : null;
  if (!style) throw new InputError(`expected Gamma or Monkhorst-Pack on line 3, found "${lines[2].trim()}"`, { file, line: 3 });
  const mesh = lines[3].trim().split(/\s+/).map(Number);
  if (mesh.length < 3 || !mesh.slice(0, 3).every((x) => Number.isInteger(x) && x >= 1)) {
    throw new InputError(`expected three positive integers on line 4, found "${lines[3].trim()}"`, { file, line: 4 });
  }
  const sh = (lines[4] ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
  const shift: [number, number, number] = sh.length >= 3 && sh.slice(0, 3).every(Number.isFinite) ? [sh[0], sh[1], sh[2]] : [0, 0, 0];
  return { mesh: [mesh[0], mesh[1], mesh[2]], style, shift, comment: lines[0] };
}
