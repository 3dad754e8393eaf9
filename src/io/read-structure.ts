/**
 * Structures in and out by file name: CIF (.cif), POSCAR/CONTCAR (also *.vasp, *.poscar),
 * pymatgen Structure JSON (.json), each optionally gzip-compressed (.gz); when the name says
 * nothing, the content decides. A built-in structure is read as `builtin:NAME` (or a bare
 * NAME when no such file exists).
 */
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError, type Warning } from '../core/errors.js';
import type { Structure } from '../core/structure.js';
import { readCifString, writeCif } from './cif/index.js';
import { parsePoscar, readPoscar, writePoscar } from './poscar.js';
import { parsePymatgenJson, writePymatgenJson } from './pymatgen-json.js';
import { readText } from './read-text.js';
import { writeFileAtomic } from './atomic-write.js';

export type StructureFormat = 'cif' | 'poscar' | 'json';

export interface ReadStructureOptions {
  format?: StructureFormat;
  /** CIF data block to take (name without `data_`); default: every block / the first. */
  block?: string;
  /** Species for VASP 4 POSCARs without a species line. */
  species?: string[];
}

export interface ReadResult {
  structure: Structure;
  warnings: Warning[];
  format: StructureFormat | 'builtin';
  /** CIF block name. */
  block?: string;
  /** Space-group number stated or implied by the file (CIF), for comparison. */
  statedSpacegroup?: number;
}

/** Resolver for built-in names, registered by the builder module (avoids an import cycle). */
let builtinResolver: ((name: string) => Structure | null) | null = null;
export function registerBuiltinResolver(fn: (name: string) => Structure | null): void {
  builtinResolver = fn;
}

/** Guess a format from a file name (null when the name says nothing). */
export function formatFromName(path: string): StructureFormat | null {
  const name = basename(path).replace(/\.gz$/i, '').toLowerCase();
  if (name.endsWith('.cif') || name.endsWith('.mcif')) return 'cif';
  if (name.endsWith('.json')) return 'json';
  if (/(^|[._-])(poscar|contcar)([._-]|$)/.test(name) || name.endsWith('.vasp') || name.endsWith('.poscar')) return 'poscar';
  return null;
}

/** Guess a format from the text. */
export function formatFromContent(text: string): StructureFormat {
  const head = text.slice(0, 4096);
  if (/^\s*[{[]/.test(head)) return 'json';
  if (/^\s*(#\\#CIF|data_)/im.test(head) || /_cell_length_a|_atom_site_/i.test(head)) return 'cif';
  return 'poscar';
}

/** Every structure in a file (several for a multi-block CIF). */
export function readStructures(path: string, opts: ReadStructureOptions = {}): ReadResult[] {
  const builtin = builtinName(path);
  if (builtin !== null) {
    const s = builtinResolver?.(builtin) ?? null;
    if (!s) throw new InputError(`no such file or built-in structure: ${path}`, { hint: 'ionpath build --list shows the built-in structures' });
    return [{ structure: s, warnings: [], format: 'builtin' }];
  }
  if (!existsSync(path)) throw new InputError('no such file', { file: path });
  if (statSync(path).isDirectory()) throw new InputError('is a folder; expected a structure file (CIF, POSCAR/CONTCAR or pymatgen JSON)', { file: path });
  const format = opts.format ?? formatFromName(path);
  if (format === 'poscar') {
    const r = readPoscar(path, { species: opts.species });
    return [{ structure: r.structure, warnings: r.warnings, format: 'poscar' }];
  }
  const text = readText(path);
  const fmt = format ?? formatFromContent(text);
  if (fmt === 'json') return [{ structure: parsePymatgenJson(text, path), warnings: [], format: 'json' }];
  if (fmt === 'poscar') {
    const r = parsePoscar(text, { file: path, species: opts.species });
    return [{ structure: r.structure, warnings: r.warnings, format: 'poscar' }];
  }
  const cif = readCifString(text, path);
  let blocks = cif.blocks;
  if (opts.block !== undefined) {
    blocks = blocks.filter((b) => b.name === opts.block || b.name.toLowerCase() === opts.block!.toLowerCase());
    if (blocks.length === 0) {
      throw new InputError(`no data block "${opts.block}"`, { file: path, hint: `blocks here: ${cif.blocks.map((b) => b.name).join(', ')}` });
    }
  }
  return blocks.map((b) => ({ structure: b.structure, warnings: b.warnings, format: 'cif' as const, block: b.name, statedSpacegroup: b.spacegroupNumber }));
}

/** The structure in a file (the first block of a multi-block CIF, with a warning). */
export function readStructure(path: string, opts: ReadStructureOptions = {}): ReadResult {
  const all = readStructures(path, opts);
  if (all.length > 1) {
    return {
      ...all[0],
      warnings: [...all[0].warnings, { message: `${all.length} data blocks; using the first (${all[0].block}); pick one with --block`, file: path }],
    };
  }
  return all[0];
}

export interface WriteStructureOptions {
  format?: StructureFormat;
  /** Overwrite an existing file. */
  force?: boolean;
  /** CIF: write the asymmetric unit and operators instead of P1. */
  symmetrized?: boolean;
  symprec?: number;
}

/** Text of a structure in a format. */
export function formatStructure(structure: Structure, format: StructureFormat, opts: WriteStructureOptions = {}): string {
  if (format === 'cif') return writeCif(structure, { symmetrized: opts.symmetrized, symprec: opts.symprec });
  if (format === 'json') return writePymatgenJson(structure);
  return writePoscar(structure);
}

/** Write a structure; the format from the name (POSCAR for names that say nothing). Atomic; refuses to overwrite without force. */
export function writeStructure(structure: Structure, path: string, opts: WriteStructureOptions = {}): StructureFormat {
  const format = opts.format ?? formatFromName(path) ?? 'poscar';
  if (existsSync(path) && !opts.force) throw new InputError('exists; not overwriting it', { file: path, hint: 'pass --force to replace it' });
  if (/\.gz$/i.test(path)) throw new InputError('writing gzip-compressed files is not supported; drop the .gz', { file: path });
  writeFileAtomic(path, formatStructure(structure, format, opts));
  return format;
}

function builtinName(path: string): string | null {
  if (path.startsWith('builtin:')) return path.slice(8);
  if (!existsSync(path) && /^[a-z0-9][a-z0-9-]*$/i.test(path) && builtinResolver?.(path)) return path;
  return null;
}
