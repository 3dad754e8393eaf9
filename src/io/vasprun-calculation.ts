/**
 * One `<calculation>` (ionic step) of vasprun.xml, assembled from its captured children,
 * plus the eigenvalue and DOS blocks.
 *
 * The σ→0 energy. VASP up to 5.4.4 writes the ionic `<energy>` block as
 * (e_fr_energy, e_0_energy labelled e_wo_entrp, EENTRO labelled e_0_energy); see
 * https://www.vasp.at/forum/viewtopic.php?f=3&t=16942. The last electronic step has the
 * right labels, so, like pymatgen and ASE, energy(σ→0) = e_fr(ionic) + (e_0 − e_fr)(last
 * SCF step), rounded to the 8 decimals VASP prints; where the ionic block agrees it is used
 * as written.
 */
import { InputError } from '../core/errors.js';
import { type XNode, child, children, namedItems } from './vasprun-node.js';
import type { RawStructure } from './vasprun-sections.js';
import type { ValueReader } from './vasprun-values.js';
import type { Dos, Eigenvalues } from './vasprun-types.js';

export interface ScEnergies {
  fr: number | null;
  wo: number | null;
  e0: number | null;
}

/** What a `<calculation>` has shown so far. */
export class CalcAccumulator {
  nScsteps = 0;
  lastSc: ScEnergies | null = null;
  structure: RawStructure | null = null;
  forces: (number | null)[][] | null = null;
  stress: (number | null)[][] | null = null;
  energy: Map<string, number | null> | null = null;
  constructor(readonly line: number) {}
}

/** `<energy>` items as numbers by name. */
export function readEnergyBlock(node: XNode, rd: ValueReader): Map<string, number | null> {
  const m = new Map<string, number | null>();
  for (const [name, item] of namedItems(node)) m.set(name, rd.float(item.text, item.line, `<i name="${name}">`));
  return m;
}

export function addScstep(acc: CalcAccumulator, node: XNode, rd: ValueReader): void {
  acc.nScsteps++;
  const en = child(node, 'energy');
  if (!en) return;
  const m = readEnergyBlock(en, rd);
  acc.lastSc = { fr: m.get('e_fr_energy') ?? null, wo: m.get('e_wo_entrp') ?? null, e0: m.get('e_0_energy') ?? null };
}

/** Rows of a `<varray>` of 3-vectors (forces, stress). */
export function readVectors(node: XNode, rd: ValueReader): (number | null)[][] {
  const where = `<varray name="${node.attrs.name ?? ''}">`;
  return children(node, 'v').map((v) => rd.floatsN(v.text, 3, v.line, where));
}

const round8 = (x: number): number => Math.round(x * 1e8) / 1e8;

/** Free energy, energy without entropy and energy(σ→0), with the VASP ≤5.4.4 bug undone. */
export function stepEnergies(acc: CalcAccumulator, rd: ValueReader): { energy: number | null; energyWithoutEntropy: number | null; energySigma0: number | null } {
  const E = acc.energy;
  const fr = E?.get('e_fr_energy') ?? null;
  let wo = E?.get('e_wo_entrp') ?? null;
  let e0 = E?.get('e_0_energy') ?? null;
  const sc = acc.lastSc;
  if (fr !== null && sc && sc.fr !== null && sc.e0 !== null) {
    const fixed = round8(fr + (sc.e0 - sc.fr));
    if (e0 === null || Math.abs(e0 - fixed) > 1e-7) {
      e0 = fixed;
      if (sc.wo !== null) wo = round8(sc.wo + (fr - sc.fr));
    }
  } else if (!E && sc) {
    // No ionic <energy> block at all: the last electronic step is the best there is.
    return { energy: sc.fr, energyWithoutEntropy: sc.wo, energySigma0: sc.e0 };
  } else if (sc) {
    // The block's e_0/e_wo cannot be checked against the SCF step (a value is unreadable),
    // and in VASP ≤ 5.4.4 they are wrong: report them as unknown rather than guess.
    if (e0 !== null || wo !== null) {
      rd.warnings.add(
        'e0unverified',
        'an ionic step\'s energy(σ→0) cannot be checked against its last electronic step (a value is missing); left out (null)',
        acc.line,
      );
    }
    wo = null;
    e0 = null;
  }
  return { energy: fr, energyWithoutEntropy: wo, energySigma0: e0 };
}

/** Largest |F| over atoms (eV/Å), leaving out components fixed by selective dynamics. */
export function maxForce(forces: (number | null)[][] | null, selective: (boolean | null)[][] | null): number | null {
  if (!forces || forces.length === 0) return null;
  let best = 0;
  for (let i = 0; i < forces.length; i++) {
    const f = forces[i];
    const sd = selective?.[i];
    let s = 0;
    for (let k = 0; k < 3; k++) {
      if (sd && sd[k] === false) continue;
      const x = f[k];
      if (x === null) return null;
      s += x * x;
    }
    if (s > best) best = s;
  }
  return Math.sqrt(best);
}

/** Field names of an `<array>` and its top `<set>`. */
function arrayParts(arr: XNode | undefined, where: string, rd: ValueReader): { fields: string[]; top: XNode } {
  const top = arr ? child(arr, 'set') : undefined;
  if (!arr || !top) throw new InputError(`${where} has no <array><set>`, { file: rd.file, line: arr?.line });
  return { fields: children(arr, 'field').map((f) => f.text.trim()), top };
}

/** Columns of the `<r>` rows of one innermost `<set>`: [field][row]. */
function columns(set: XNode, nFields: number, rd: ValueReader, where: string): number[][] {
  const cols: number[][] = Array.from({ length: nFields }, () => []);
  for (const r of set.children) {
    if (r.name !== 'r') continue;
    const v = rd.floatsN(r.text, nFields, r.line, where);
    for (let k = 0; k < nFields; k++) cols[k].push(v[k] ?? Number.NaN);
  }
  return cols;
}

/** `<eigenvalues>` → energies and occupations [spin][kpoint][band]. */
export function readEigenvalues(node: XNode, rd: ValueReader): Eigenvalues {
  const { fields, top } = arrayParts(child(node, 'array'), '<eigenvalues>', rd);
  const iE = fields.indexOf('eigene');
  const iO = fields.indexOf('occ');
  if (iE < 0) throw new InputError('<eigenvalues> has no field "eigene"', { file: rd.file, line: node.line });
  const energies: number[][][] = [];
  const occupations: number[][][] = [];
  for (const spin of children(top, 'set')) {
    const es: number[][] = [];
    const os: number[][] = [];
    for (const kp of children(spin, 'set')) {
      const cols = columns(kp, fields.length, rd, '<eigenvalues>');
      es.push(cols[iE]);
      os.push(iO >= 0 ? cols[iO] : []);
    }
    energies.push(es);
    occupations.push(os);
  }
  return { energies, occupations };
}

/** `<total>` of `<dos>` → energy grid, DOS and integrated DOS per spin. */
export function readTotalDos(node: XNode, rd: ValueReader): Pick<Dos, 'energies' | 'total' | 'integrated'> {
  const { fields, top } = arrayParts(child(node, 'array'), '<dos><total>', rd);
  const iEn = fields.indexOf('energy');
  const iT = fields.indexOf('total');
  const iI = fields.indexOf('integrated');
  if (iEn < 0 || iT < 0) throw new InputError('<dos><total> needs fields "energy" and "total"', { file: rd.file, line: node.line });
  let energies: number[] = [];
  const total: number[][] = [];
  const integrated: number[][] = [];
  for (const spin of children(top, 'set')) {
    const cols = columns(spin, fields.length, rd, '<dos><total>');
    energies = cols[iEn];
    total.push(cols[iT]);
    integrated.push(iI >= 0 ? cols[iI] : []);
  }
  return { energies, total, integrated };
}

/** `<partial>` of `<dos>` → orbital names and values [ion][spin][orbital][grid]. */
export function readPartialDos(node: XNode, rd: ValueReader): NonNullable<Dos['partial']> {
  const { fields, top } = arrayParts(child(node, 'array'), '<dos><partial>', rd);
  const iEn = fields.indexOf('energy');
  const orbitalIdx = fields.map((_, i) => i).filter((i) => i !== iEn);
  const values: number[][][][] = [];
  for (const ion of children(top, 'set')) {
    const perSpin: number[][][] = [];
    for (const spin of children(ion, 'set')) {
      const cols = columns(spin, fields.length, rd, '<dos><partial>');
      perSpin.push(orbitalIdx.map((i) => cols[i]));
    }
    values.push(perSpin);
  }
  return { orbitals: orbitalIdx.map((i) => fields[i]), values };
}
