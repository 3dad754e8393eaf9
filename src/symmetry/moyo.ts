/**
 * The one place that touches @spglib/moyo-wasm: symmetry detection of a cell, space-group
 * tables (Hall settings, operations, Wyckoff positions). Loaded synchronously on first use.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as moyo from '@spglib/moyo-wasm';
import type { MoyoDataset, MoyoHallSymbolEntry, MoyoWyckoffPosition, MoyoSpaceGroupType } from '@spglib/moyo-wasm';

let ready = false;

function ensureReady(): void {
  if (ready) return;
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve('@spglib/moyo-wasm/moyo_wasm_bg.wasm');
  moyo.initSync({ module: readFileSync(wasmPath) });
  ready = true;
}

/**
 * A symmetry operation on fractional coordinates: x' = R x + t, with R given ROW-major
 * (rotation[3*i + j] = R[i][j]). Note: moyo-wasm itself returns rotations column-major
 * (nalgebra's storage order); every function here converts, so callers see row-major.
 */
export interface SymOp {
  readonly rotation: readonly [number, number, number, number, number, number, number, number, number];
  readonly translation: readonly [number, number, number];
}

export type HallEntry = MoyoHallSymbolEntry;
export type WyckoffEntry = MoyoWyckoffPosition;
export type SpaceGroupType = MoyoSpaceGroupType;
/** moyo's dataset with operations converted to row-major rotations. */
export type SymmetryDataset = Omit<MoyoDataset, 'operations'> & { operations: SymOp[] };

const hallCache = new Map<number, HallEntry[]>();

/** All settings (Hall entries) of an ITA space group number 1–230, ordered by Hall number. */
export function hallEntriesOf(number: number): HallEntry[] {
  if (!Number.isInteger(number) || number < 1 || number > 230) throw new Error(`space group number must be 1–230, got ${number}`);
  ensureReady();
  let e = hallCache.get(number);
  if (!e) {
    e = moyo.hall_symbol_entries_from_number(number);
    hallCache.set(number, e);
  }
  return e;
}

/** The Hall entry for a Hall number 1–530. */
export function hallEntry(hallNumber: number): HallEntry {
  if (!Number.isInteger(hallNumber) || hallNumber < 1 || hallNumber > 530) throw new Error(`Hall number must be 1–530, got ${hallNumber}`);
  ensureReady();
  return moyo.hall_symbol_entry(hallNumber);
}

/** Every Hall entry (1–530). */
export function allHallEntries(): HallEntry[] {
  const out: HallEntry[] = [];
  for (let n = 1; n <= 230; n++) out.push(...hallEntriesOf(n));
  return out;
}

/** The ITA standard setting's type description (number 1–230). */
export function spaceGroupType(number: number): SpaceGroupType {
  hallEntriesOf(number); // validates
  return moyo.space_group_type(number);
}

const opsCache = new Map<number, SymOp[]>();

/** All operations of a setting in its conventional cell (centring translations included). */
export function operationsOfHall(hallNumber: number): SymOp[] {
  let ops = opsCache.get(hallNumber);
  if (!ops) {
    const h = hallEntry(hallNumber);
    ops = moyo.operations_from_number(h.number, { type: 'HallNumber', value: hallNumber }, false).map(toRowMajor);
    opsCache.set(hallNumber, ops);
  }
  return ops;
}

/** Wyckoff positions of a setting, general position first, then by decreasing multiplicity. */
export function wyckoffPositionsOfHall(hallNumber: number): WyckoffEntry[] {
  hallEntry(hallNumber);
  return moyo.wyckoff_positions(hallNumber);
}

/** A cell for symmetry analysis: lattice rows (Å), fractional positions, integer types. */
export interface SymmetryCell {
  lattice: readonly (readonly number[])[];
  positions: readonly (readonly number[])[];
  types: readonly number[];
}

/**
 * Symmetry of a cell. `symprec` is the distance tolerance in Å; `setting` 'Standard'
 * (ITA standard settings) or 'Spglib' (spglib's choices).
 */
export function analyzeCell(cell: SymmetryCell, symprec = 0.01, setting: 'Standard' | 'Spglib' = 'Standard'): SymmetryDataset {
  ensureReady();
  const basis = cell.lattice.flat() as number[];
  const json = JSON.stringify({
    lattice: { basis },
    positions: cell.positions.map((p) => [p[0], p[1], p[2]]),
    numbers: [...cell.types],
  });
  try {
    const ds = moyo.analyze_cell(json, symprec, setting);
    // moyo-wasm 0.15 can return rotations that are not isometries of a supercell whose lattice
    // breaks the point symmetry (upstream spglib/moyo#445, fixed in #446): keep only those
    // that preserve the metric, Wᵀ G W = G.
    const ops = ds.operations.map(toRowMajor).filter((op) => preservesMetric(op, cell.lattice));
    return { ...ds, operations: ops };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(`symmetry analysis failed (symprec ${symprec} Å): ${msg}`);
  }
}

/** moyo's column-major rotation → row-major (see SymOp). */
function toRowMajor(op: { rotation: readonly number[]; translation: readonly number[] }): SymOp {
  const r = op.rotation;
  return {
    rotation: [r[0], r[3], r[6], r[1], r[4], r[7], r[2], r[5], r[8]],
    translation: [op.translation[0], op.translation[1], op.translation[2]],
  };
}

/** Does the rotation (fractional basis, row-major) keep the metric G = M Mᵀ of the lattice rows? */
function preservesMetric(op: SymOp, lattice: readonly (readonly number[])[]): boolean {
  const G = [0, 1, 2].map((i) => [0, 1, 2].map((j) => lattice[i][0] * lattice[j][0] + lattice[i][1] * lattice[j][1] + lattice[i][2] * lattice[j][2]));
  const W = op.rotation;
  const scale = Math.max(G[0][0], G[1][1], G[2][2]);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      // (Wᵀ G W)_ij = Σ_kl W_ki G_kl W_lj
      let v = 0;
      for (let k = 0; k < 3; k++) for (let l = 0; l < 3; l++) v += W[3 * k + i] * G[k][l] * W[3 * l + j];
      if (Math.abs(v - G[i][j]) > 1e-3 * scale) return false;
    }
  }
  return true;
}
