/**
 * Structure → CIF text, in two forms:
 *  - P1 (default): every site, one operation 'x, y, z';
 *  - symmetrized: the asymmetric unit and the operations found by moyo (in the structure's
 *    own cell and origin), with Wyckoff letters and multiplicities. Disordered sites are
 *    typed by their full species + occupancy string, so only sites with the same contents
 *    are made equivalent. Representative positions are put exactly on their symmetry element.
 * Both forms read back (in ionpath and pymatgen) to the same structure.
 */
import { siteTypes as analyzeSiteTypes } from '../../symmetry/analyze.js';
import type { Lattice } from '../../core/lattice.js';
import type { Site, Species, Structure } from '../../core/structure.js';
import { formatAmount } from '../../core/structure.js';
import { analyzeCell, hallEntriesOf, hallEntry, type SymOp } from '../../symmetry/moyo.js';
import { identifyHallNumber } from '../../symmetry/spacegroup.js';
import { formatSymop } from '../../symmetry/symop.js';

export interface CifWriteOptions {
  /** Write the asymmetric unit + operations instead of P1 (default false). */
  symmetrized?: boolean;
  /** Distance tolerance (Å) of the symmetry search for `symmetrized` (default 0.01). */
  symprec?: number;
  /** Data block name (default: the structure title, else 'ionpath'). */
  blockName?: string;
}

/** A number with up to `decimals` decimals, trailing zeros dropped, never in exponent form. */
export function formatCifNumber(x: number, decimals = 10): string {
  let s = x.toFixed(decimals);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  if (s === '-0') s = '0';
  return s;
}

const RESERVED = /^(data_|loop_|save_|global_|stop_)/i;

/** Quote a CIF value when it needs quotes (spaces, leading special characters, reserved words). */
export function quoteCif(s: string): string {
  if (s === '') return "''";
  const needs = /[\s]/.test(s) || /^[_'"#$;[\]]/.test(s) || RESERVED.test(s) || s === '?' || s === '.';
  if (!needs) return s;
  if (s.includes('\n')) return `\n;\n${s}\n;\n`;
  if (!/'\s/.test(s) && !s.endsWith("'")) return `'${s}'`;
  if (!/"\s/.test(s) && !s.endsWith('"')) return `"${s}"`;
  return `\n;\n${s}\n;\n`;
}

function blockName(structure: Structure, opts: CifWriteOptions): string {
  const raw = opts.blockName ?? structure.title ?? '';
  const name = raw.trim().replace(/\s+/g, '_').replace(/[^\x21-\x7e]/g, '');
  return name || 'ionpath';
}

function typeSymbol(sp: Species): string {
  if (sp.oxidationState === undefined) return sp.element;
  const q = sp.oxidationState;
  if (q === 0) return `${sp.element}0+`;
  return `${sp.element}${formatAmount(Math.abs(q))}${q > 0 ? '+' : '-'}`;
}

function header(structure: Structure, opts: CifWriteOptions): string[] {
  const p = structure.lattice.parameters;
  const lines = [
    '# CIF written by ionpath',
    `data_${blockName(structure, opts)}`,
    `_chemical_formula_sum ${quoteCif(structure.formula)}`,
    `_cell_length_a ${formatCifNumber(p.a, 8)}`,
    `_cell_length_b ${formatCifNumber(p.b, 8)}`,
    `_cell_length_c ${formatCifNumber(p.c, 8)}`,
    `_cell_angle_alpha ${formatCifNumber(p.alpha, 8)}`,
    `_cell_angle_beta ${formatCifNumber(p.beta, 8)}`,
    `_cell_angle_gamma ${formatCifNumber(p.gamma, 8)}`,
    `_cell_volume ${formatCifNumber(structure.lattice.volume, 6)}`,
  ];
  return lines;
}

function atomTypeLoop(sites: readonly Site[]): string[] {
  const seen = new Map<string, number>();
  for (const s of sites) for (const sp of s.species) if (sp.oxidationState !== undefined) seen.set(typeSymbol(sp), sp.oxidationState);
  if (seen.size === 0) return [];
  const out = ['loop_', '_atom_type_symbol', '_atom_type_oxidation_number'];
  for (const [sym, q] of seen) out.push(`${sym} ${formatCifNumber(q, 6)}`);
  return out;
}

interface Row {
  label: string;
  site: Site;
  frac: readonly number[];
  multiplicity: number;
  wyckoff?: string;
}

/** Labels for sites: a label used by several sites gets `_1`, `_2`, … appended. */
function siteLabels(sites: readonly Site[]): string[] {
  const count = new Map<string, number>();
  for (const s of sites) count.set(s.label, (count.get(s.label) ?? 0) + 1);
  const seen = new Map<string, number>();
  return sites.map((s) => {
    const base = s.label.replace(/\s+/g, '_') || s.species[0].element;
    if (count.get(s.label)! === 1) return base;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return `${base}_${n}`;
  });
}

/** Make every label unique (CIF requires it) by appending a letter or number where needed. */
function dedupe(labels: string[]): string[] {
  const used = new Set<string>();
  return labels.map((l) => {
    let out = l;
    for (let k = 2; used.has(out); k++) out = `${l}-${k}`;
    used.add(out);
    return out;
  });
}

function atomSiteLoop(rows: Row[], withWyckoff: boolean): string[] {
  const withU = rows.some((r) => r.site.properties?.uIso !== undefined);
  const out = [
    'loop_',
    '_atom_site_label',
    '_atom_site_type_symbol',
    '_atom_site_symmetry_multiplicity',
    ...(withWyckoff ? ['_atom_site_Wyckoff_symbol'] : []),
    '_atom_site_fract_x',
    '_atom_site_fract_y',
    '_atom_site_fract_z',
    '_atom_site_occupancy',
    ...(withU ? ['_atom_site_U_iso_or_equiv'] : []),
  ];
  const labels = dedupe(rows.flatMap((r) => r.site.species.map((sp, k) => (k === 0 ? r.label : `${r.label}_${sp.element}`))));
  let li = 0;
  for (const r of rows) {
    for (const sp of r.site.species) {
      const cols = [
        quoteCif(labels[li++]),
        typeSymbol(sp),
        String(r.multiplicity),
        ...(withWyckoff ? [r.wyckoff ?? '?'] : []),
        formatCifNumber(r.frac[0]),
        formatCifNumber(r.frac[1]),
        formatCifNumber(r.frac[2]),
        formatCifNumber(sp.occupancy, 8),
        ...(withU ? [r.site.properties?.uIso !== undefined ? formatCifNumber(r.site.properties.uIso, 8) : '?'] : []),
      ];
      out.push(cols.join(' '));
    }
  }
  return out;
}

function symopLoop(ops: readonly SymOp[]): string[] {
  const out = ['loop_', '_space_group_symop_id', '_space_group_symop_operation_xyz'];
  ops.forEach((op, i) => out.push(`${i + 1} '${formatSymop(op, ', ')}'`));
  return out;
}

/** Integer types per site for symmetry analysis (equal contents → equal type): symmetry/analyze.ts. */
export function siteTypes(structure: Structure): number[] {
  return analyzeSiteTypes(structure).types;
}

/** Average of the images of p under the operations that map it onto itself (mod lattice) — p put exactly on its symmetry element. */
function symmetrizePosition(p: readonly number[], ops: readonly SymOp[], lattice: Lattice, tolA: number): number[] {
  const G = lattice.metric;
  const sum = [0, 0, 0];
  let n = 0;
  for (const op of ops) {
    const r = op.rotation;
    const t = op.translation;
    const q = [
      r[0] * p[0] + r[1] * p[1] + r[2] * p[2] + t[0],
      r[3] * p[0] + r[4] * p[1] + r[5] * p[2] + t[1],
      r[6] * p[0] + r[7] * p[1] + r[8] * p[2] + t[2],
    ];
    const d = [q[0] - p[0], q[1] - p[1], q[2] - p[2]].map((x) => x - Math.round(x));
    let d2 = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) d2 += d[i] * G[i][j] * d[j];
    if (d2 <= tolA * tolA * 4) {
      for (let i = 0; i < 3; i++) sum[i] += p[i] + d[i];
      n++;
    }
  }
  const wrap = (x: number) => {
    let y = x - Math.floor(x);
    if (y >= 1 - 1e-12) y = 0;
    return y;
  };
  return n ? sum.map((x) => wrap(x / n)) : p.map(wrap);
}

function spaceGroupLines(ops: readonly SymOp[], number: number): string[] {
  const hall = identifyHallNumber(ops);
  if (hall === null) {
    return [
      '# the operations below are in this cell and origin, which is not a tabulated setting',
      `_space_group_IT_number ${number}`,
    ];
  }
  const e = hallEntry(hall);
  const alternatives = hallEntriesOf(e.number);
  let hm = e.number >= 3 && e.number <= 15 ? e.hm_full : e.hm_short;
  if (/^[12]/.test(e.setting) && alternatives.some((a) => a.setting[0] !== e.setting[0] && a.hm_full === e.hm_full)) hm += `:${e.setting[0]}`;
  if (e.setting === 'H' || e.setting === 'R') hm += `:${e.setting}`;
  return [
    `_space_group_IT_number ${e.number}`,
    `_symmetry_Int_Tables_number ${e.number}`,
    `_space_group_name_H-M_alt ${quoteCif(hm.replace(/_/g, ''))}`,
    `_symmetry_space_group_name_H-M ${quoteCif(hm.replace(/_/g, ''))}`,
    `_space_group_name_Hall ${quoteCif(e.hall_symbol)}`,
  ];
}

/**
 * CIF text of a structure. P1 by default; `symmetrized: true` writes the asymmetric unit and
 * the operations of the space group found at `symprec` Å.
 */
export function writeCif(structure: Structure, opts: CifWriteOptions = {}): string {
  const lines = header(structure, opts);
  if (!opts.symmetrized) {
    const labels = siteLabels(structure.sites);
    lines.push("_space_group_name_H-M_alt 'P 1'", "_symmetry_space_group_name_H-M 'P 1'", '_space_group_IT_number 1', '_symmetry_Int_Tables_number 1');
    lines.push(...symopLoop([{ rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0] }]));
    lines.push(...atomTypeLoop(structure.sites));
    // Stated Wyckoff letters belong to the original setting, not to P 1: not written here.
    const rows: Row[] = structure.sites.map((site, i) => ({ label: labels[i], site, frac: site.frac, multiplicity: 1 }));
    lines.push(...atomSiteLoop(rows, false));
    return lines.join('\n') + '\n';
  }
  const symprec = opts.symprec ?? 0.01;
  const ds = analyzeCell(
    { lattice: structure.lattice.matrix as unknown as number[][], positions: structure.sites.map((s) => s.frac as unknown as number[]), types: siteTypes(structure) },
    symprec,
  );
  const ops: SymOp[] = ds.operations.map((o) => ({ rotation: [...o.rotation] as SymOp['rotation'], translation: [...o.translation] as SymOp['translation'] }));
  lines.push(...spaceGroupLines(ops, ds.number));
  lines.push(...symopLoop(ops));
  lines.push(...atomTypeLoop(structure.sites));
  const multiplicity = new Map<number, number>();
  for (const o of ds.orbits) multiplicity.set(o, (multiplicity.get(o) ?? 0) + 1);
  const reps = structure.sites.map((_, i) => i).filter((i) => ds.orbits[i] === i);
  const labels = siteLabels(reps.map((i) => structure.sites[i]));
  const rows: Row[] = [];
  reps.forEach((i, k) => {
    const site = structure.sites[i];
    rows.push({
      label: labels[k],
      site,
      frac: symmetrizePosition(site.frac, ops, structure.lattice, symprec),
      multiplicity: multiplicity.get(i)!,
      wyckoff: ds.wyckoffs[i] || undefined,
    });
  });
  lines.push(...atomSiteLoop(rows, true));
  return lines.join('\n') + '\n';
}
