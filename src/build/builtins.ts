/**
 * Built-in structures: one YAML build spec per structure in `structures/` at the package
 * root, each citing its published source (paper and database entry) in a comment and in
 * its `source` fields. `ionpath build NAME` builds one; `ionpath build --list` lists them.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.js';
import { buildStructure, type BuildOptions, type BuildResult } from './builder.js';
import { readSpecFile, type BuildSpec } from './spec.js';
import { registerBuiltinResolver } from '../io/read-structure.js';

/** The folder holding the builtin YAML files (`<package>/structures`). */
export function builtinDir(): string {
  // src/build/builtins.ts and dist/build/builtins.js are both two levels below the root.
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '..', '..', 'structures'), resolve(here, '..', '..', '..', 'structures')];
  return candidates.find((d) => existsSync(d)) ?? candidates[0];
}

/** Names of the builtins (file names without .yaml), sorted. */
export function builtinNames(): string[] {
  const dir = builtinDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** Path of a builtin's YAML file, or an InputError listing the names. */
export function builtinPath(name: string): string {
  const names = builtinNames();
  const key = name.trim().toLowerCase();
  if (!names.includes(key)) {
    const close = names.filter((n) => n.includes(key) || key.includes(n) || n.replace(/-/g, '') === key.replace(/[-_]/g, ''));
    throw new InputError(`no builtin structure '${name}'`, {
      hint: `${close.length ? `did you mean ${close.join(' or ')}? ` : ''}builtins: ${names.join(', ')} (ionpath build --list)`,
    });
  }
  return join(builtinDir(), `${key}.yaml`);
}

export function isBuiltinName(name: string): boolean {
  return builtinNames().includes(name.trim().toLowerCase());
}

/** The spec of a builtin. */
export function builtinSpec(name: string): BuildSpec {
  return readSpecFile(builtinPath(name));
}

/** Build a builtin structure. */
export function buildBuiltin(name: string, opts: BuildOptions = {}): BuildResult {
  return buildStructure(builtinSpec(name), opts);
}

export interface BuiltinInfo {
  name: string;
  title: string;
  /** As published (the spec's `formula`). */
  formula: string;
  /** e.g. 'Fd-3m (227:2)'. */
  spacegroup: string;
  number: number;
  setting: string;
  /** Short citation: the `derived` note (if any), then paper and database entry. */
  source: string;
  sourceFields: Record<string, string>;
  nsites: number;
  file: string;
}

/** Every builtin, built (so a broken file fails here, not later). */
export function listBuiltins(): BuiltinInfo[] {
  return builtinNames().map((name) => {
    const file = builtinPath(name);
    const spec = readSpecFile(file);
    const r = buildStructure(spec);
    const src = spec.source ?? {};
    const parts = [src.derived ? `derived: ${src.derived}` : '', src.paper ?? '', src.database ?? ''].filter((s) => s);
    return {
      name,
      title: spec.title ?? name,
      formula: spec.formula ?? r.structure.reducedFormula,
      spacegroup: `${r.symbol.replace(/\s+/g, '')} (${r.number}${r.setting ? `:${r.setting}` : ''})`,
      number: r.number,
      setting: r.setting,
      source: parts.join('; '),
      sourceFields: { ...src },
      nsites: r.structure.nsites,
      file,
    };
  });
}

// `readStructure('lnmo-fd3m')` / `builtin:NAME` resolve through here once this module is loaded.
registerBuiltinResolver((name) => (isBuiltinName(name) ? buildBuiltin(name).structure : null));
