/**
 * Assembling a POTCAR from the user's own licensed library (POTCARs are never shipped).
 *
 * Library layout (DESIGN.md): `<dir>/<symbol>/POTCAR`, optionally under `<dir>/PAW_PBE/`
 * (a gzipped POTCAR file is read too). The library is `--potcar-dir`, else $VASP_PSP_DIR.
 * Symbols: a default variant per element (MP's choices: Li_sv, K_sv, Rb_sv, V_pv, Mn_pv,
 * Ni_pv, Co, Fe_pv, Ti_pv, Mg_pv, P, O, F, S, …), overridable per element. The datasets are
 * concatenated in POSCAR species order and each one's TITEL is checked: the symbol must be
 * the one asked for, its element the POSCAR species at that position, its functional PBE.
 * Without a library a POTCAR.spec lists the symbols and says how to build the POTCAR.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { parsePotcarEntries } from '../io/potcar.js';
import { readText } from '../io/read-text.js';

/** Default POTCAR symbol per element (pymatgen MPRelaxSet.yaml, PBE). */
export const DEFAULT_POTCARS: Readonly<Record<string, string>> = Object.freeze({
  Ac: 'Ac', Ag: 'Ag', Al: 'Al', Ar: 'Ar', As: 'As', Au: 'Au', B: 'B', Ba: 'Ba_sv', Be: 'Be_sv', Bi: 'Bi', Br: 'Br',
  C: 'C', Ca: 'Ca_sv', Cd: 'Cd', Ce: 'Ce', Cl: 'Cl', Co: 'Co', Cr: 'Cr_pv', Cs: 'Cs_sv', Cu: 'Cu_pv', Dy: 'Dy_3',
  Er: 'Er_3', Eu: 'Eu', F: 'F', Fe: 'Fe_pv', Ga: 'Ga_d', Gd: 'Gd', Ge: 'Ge_d', H: 'H', He: 'He', Hf: 'Hf_pv',
  Hg: 'Hg', Ho: 'Ho_3', I: 'I', In: 'In_d', Ir: 'Ir', K: 'K_sv', Kr: 'Kr', La: 'La', Li: 'Li_sv', Lu: 'Lu_3',
  Mg: 'Mg_pv', Mn: 'Mn_pv', Mo: 'Mo_pv', N: 'N', Na: 'Na_pv', Nb: 'Nb_pv', Nd: 'Nd_3', Ne: 'Ne', Ni: 'Ni_pv',
  Np: 'Np', O: 'O', Os: 'Os_pv', P: 'P', Pa: 'Pa', Pb: 'Pb_d', Pd: 'Pd', Pm: 'Pm_3', Pr: 'Pr_3', Pt: 'Pt',
  Pu: 'Pu', Rb: 'Rb_sv', Re: 'Re_pv', Rh: 'Rh_pv', Ru: 'Ru_pv', S: 'S', Sb: 'Sb', Sc: 'Sc_sv', Se: 'Se', Si: 'Si',
  Sm: 'Sm_3', Sn: 'Sn_d', Sr: 'Sr_sv', Ta: 'Ta_pv', Tb: 'Tb_3', Tc: 'Tc_pv', Te: 'Te', Th: 'Th', Ti: 'Ti_pv',
  Tl: 'Tl_d', Tm: 'Tm_3', U: 'U', V: 'V_pv', W: 'W_pv', Xe: 'Xe', Y: 'Y_sv', Yb: 'Yb_2', Zn: 'Zn', Zr: 'Zr_sv',
});

/** Element of a POTCAR symbol: 'Li_sv' → 'Li', 'Fe_pv' → 'Fe', 'O_h' → 'O'. */
export function potcarElement(symbol: string): string {
  return symbol.split('_')[0].split('.')[0];
}

/**
 * POTCAR symbols for the POSCAR species, in order. `overrides` maps element → symbol
 * (e.g. {Mn: 'Mn'}); an element with neither a default nor an override is an InputError.
 */
export function choosePotcarSymbols(species: readonly string[], overrides: Readonly<Record<string, string>> = {}): string[] {
  for (const [el, sym] of Object.entries(overrides)) {
    if (potcarElement(sym) !== el) {
      throw new InputError(`--potcar ${el}=${sym}: the POTCAR "${sym}" is for ${potcarElement(sym)}, not ${el}`);
    }
  }
  const missing = species.filter((e) => !(e in overrides) && !(e in DEFAULT_POTCARS));
  if (missing.length) {
    throw new InputError(`no default POTCAR for ${missing.join(', ')}`, {
      hint: `name one with --potcar ${missing[0]}=SYMBOL (a folder of your POTCAR library)`,
    });
  }
  return species.map((e) => overrides[e] ?? DEFAULT_POTCARS[e]);
}

/** Parse `--potcar Mn=Mn,Li=Li` style overrides ("EL=SYMBOL", comma or repeat separated). */
export function parsePotcarOverrides(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items.flatMap((s) => s.split(','))) {
    const t = item.trim();
    if (!t) continue;
    const m = /^([A-Z][a-z]?)\s*=\s*(\S+)$/.exec(t);
    if (!m) throw new InputError(`--potcar "${t}": expected ELEMENT=SYMBOL (e.g. --potcar Mn=Mn_pv)`);
    out[m[1]] = m[2];
  }
  return out;
}

/** The POTCAR library folder: --potcar-dir, else $VASP_PSP_DIR, else null. Throws when a given folder is missing. */
export function potcarLibrary(potcarDir: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = potcarDir ?? (env.VASP_PSP_DIR ? env.VASP_PSP_DIR : undefined);
  if (dir === undefined) return null;
  const from = potcarDir !== undefined ? '--potcar-dir' : '$VASP_PSP_DIR';
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(`${from} is not a folder`, { file: dir, hint: 'point it at your POTCAR library (folders <symbol>/POTCAR, optionally under PAW_PBE/)' });
  }
  return dir;
}

/** Candidate paths of a symbol's POTCAR in a library, in search order. */
export function potcarCandidates(library: string, symbol: string): string[] {
  const out: string[] = [];
  for (const sub of ['', 'PAW_PBE', 'potpaw_PBE']) {
    const d = sub ? join(library, sub, symbol) : join(library, symbol);
    out.push(join(d, 'POTCAR'), join(d, 'POTCAR.gz'));
  }
  return out;
}

/** Path of a symbol's POTCAR, or an InputError listing where it looked. */
export function locatePotcar(library: string, symbol: string): string {
  const c = potcarCandidates(library, symbol);
  const hit = c.find((p) => existsSync(p) && statSync(p).isFile());
  if (!hit) {
    throw new InputError(`POTCAR "${symbol}" not found in the library (looked for ${c.filter((p) => !p.endsWith('.gz')).join(', ')})`, {
      file: library,
      hint: `install it there, or pick another variant with --potcar ${potcarElement(symbol)}=SYMBOL`,
    });
  }
  return hit;
}

export interface AssembledPotcar {
  text: string;
  /** Source file per species. */
  sources: string[];
  /** TITEL per species ('PAW_PBE Li_sv 10Sep2004'). */
  titels: string[];
}

/**
 * Concatenate the POTCARs of `symbols` (POSCAR species order) and check each TITEL
 * against the symbol and the POSCAR species.
 */
export function assemblePotcar(library: string, symbols: readonly string[], species: readonly string[]): AssembledPotcar {
  if (symbols.length !== species.length) throw new Error('internal: one POTCAR symbol per POSCAR species');
  const parts: string[] = [];
  const sources: string[] = [];
  const titels: string[] = [];
  symbols.forEach((sym, i) => {
    const path = locatePotcar(library, sym);
    let text = readText(path);
    const entries = parsePotcarEntries(text, path);
    if (entries.length !== 1) {
      throw new InputError(`expected one pseudopotential in this POTCAR, found ${entries.length}`, { file: path, line: entries[1]?.line });
    }
    const e = entries[0];
    if (e.symbol !== sym) {
      throw new InputError(`TITEL names "${e.symbol}", but this folder is "${sym}"`, { file: path, line: e.line, hint: 'the library folder holds the wrong POTCAR' });
    }
    if (e.element !== species[i]) {
      throw new InputError(`POTCAR is for ${e.element}, but POSCAR species ${i + 1} is ${species[i]}`, { file: path, line: e.line });
    }
    if (e.titel && !/^PAW_PBE\b/.test(e.titel)) {
      throw new InputError(`TITEL "${e.titel}" is not a PAW-PBE dataset; the preset assumes PAW-PBE`, {
        file: path,
        line: e.line,
        hint: 'point --potcar-dir at the PBE library (PAW_PBE/)',
      });
    }
    if (!text.endsWith('\n')) text += '\n';
    parts.push(text);
    sources.push(path);
    titels.push(e.titel);
  });
  const text = parts.join('');
  // the whole file, read back, must list the species in POSCAR order
  const back = parsePotcarEntries(text).map((x) => x.element);
  if (back.join(' ') !== species.join(' ')) throw new Error(`internal: assembled POTCAR order ${back.join(' ')} ≠ POSCAR ${species.join(' ')}`);
  return { text, sources, titels };
}

/**
 * POTCAR.spec text: the symbols in POSCAR order, one per line (the format pymatgen writes
 * and reads). How to turn it into a POTCAR is in the deck README.
 */
export function potcarSpec(symbols: readonly string[]): string {
  return symbols.join('\n') + '\n';
}

/** Shell line that builds the POTCAR from a library (for READMEs and messages). */
export function potcarCatCommand(symbols: readonly string[]): string {
  return `cat ${symbols.map((s) => `"$VASP_PSP_DIR/${s}/POTCAR"`).join(' ')} > POTCAR`;
}
