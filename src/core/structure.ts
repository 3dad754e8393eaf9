import { Lattice } from './lattice.js';
import { type Mat3, type Vec3, wrapVec, det3 } from './vec3.js';
import { element } from './elements.js';

/** One species on a site: element symbol, occupancy (0–1], optional oxidation state. */
export interface Species {
  readonly element: string;
  readonly occupancy: number;
  readonly oxidationState?: number;
}

/** Optional per-site data carried through readers and writers. */
export interface SiteProperties {
  /** Wyckoff letter as stated by the source (e.g. a CIF), not computed. */
  readonly wyckoff?: string;
  /** VASP selective-dynamics flags (true = free to move). */
  readonly selectiveDynamics?: readonly [boolean, boolean, boolean];
  /** Initial magnetic moment (μB). */
  readonly magmom?: number;
  /** Isotropic displacement parameter U_iso (Å²). */
  readonly uIso?: number;
}

/**
 * A site: fractional position, a label and one or more species with occupancies, so a
 * disordered site (Ni0.25Mn0.75 on 16d) is one site.
 */
export interface Site {
  readonly frac: Vec3;
  readonly label: string;
  readonly species: readonly Species[];
  readonly properties?: SiteProperties;
}

export interface SiteInput {
  frac: Vec3 | readonly number[];
  label?: string;
  species: readonly Species[] | string;
  properties?: SiteProperties;
}

/** Sites built (validated and frozen) by a Structure: reused as they are by later structures. */
const VALIDATED_SITES = new WeakSet<object>();

/** An immutable crystal structure: a lattice and its sites. */
export class Structure {
  readonly lattice: Lattice;
  readonly sites: readonly Site[];
  /** Free-text title (POSCAR comment line, CIF data block name). */
  readonly title: string;

  constructor(lattice: Lattice, sites: readonly SiteInput[], title = '') {
    this.lattice = lattice;
    const counts = new Map<string, number>();
    this.sites = Object.freeze(
      sites.map((s) => {
        if (VALIDATED_SITES.has(s)) return s as Site;
        const species: Species[] =
          typeof s.species === 'string' ? [{ element: s.species, occupancy: 1 }] : s.species.map((x) => ({ ...x }));
        if (species.length === 0) throw new Error('a site needs at least one species');
        for (const sp of species) {
          element(sp.element); // throws on unknown symbol
          if (!(sp.occupancy > 0) || !Number.isFinite(sp.occupancy)) {
            throw new Error(`occupancy of ${sp.element} must be a positive number, got ${sp.occupancy}`);
          }
          Object.freeze(sp);
        }
        const f = s.frac;
        if (f.length !== 3 || !f.every((x) => Number.isFinite(x))) throw new Error('a site position needs three finite numbers');
        let label = s.label;
        if (!label) {
          const el = species[0].element;
          const n = (counts.get(el) ?? 0) + 1;
          counts.set(el, n);
          label = `${el}${n}`;
        }
        const site: Site = {
          frac: Object.freeze([f[0], f[1], f[2]]) as unknown as Vec3,
          label,
          species: Object.freeze(species),
          ...(s.properties ? { properties: Object.freeze({ ...s.properties }) } : {}),
        };
        Object.freeze(site);
        VALIDATED_SITES.add(site);
        return site;
      }),
    );
    this.title = title;
    Object.freeze(this);
  }

  get nsites(): number {
    return this.sites.length;
  }

  /** Fractional positions as one Float64Array [x0, y0, z0, x1, …]. */
  fracArray(): Float64Array {
    const out = new Float64Array(this.sites.length * 3);
    this.sites.forEach((s, i) => out.set(s.frac, i * 3));
    return out;
  }

  /** Cartesian positions (Å) as one Float64Array. */
  cartArray(): Float64Array {
    const m = this.lattice.matrix;
    const out = new Float64Array(this.sites.length * 3);
    this.sites.forEach((s, i) => {
      const [x, y, z] = s.frac;
      out[i * 3] = x * m[0][0] + y * m[1][0] + z * m[2][0];
      out[i * 3 + 1] = x * m[0][1] + y * m[1][1] + z * m[2][1];
      out[i * 3 + 2] = x * m[0][2] + y * m[1][2] + z * m[2][2];
    });
    return out;
  }

  cart(i: number): Vec3 {
    return this.lattice.toCartesian(this.sites[i].frac);
  }

  /** True when every site holds one species at full occupancy. */
  get isOrdered(): boolean {
    return this.sites.every((s) => s.species.length === 1 && Math.abs(s.species[0].occupancy - 1) < 1e-9);
  }

  /** The majority species of each site (the element VASP would see). */
  majorityElement(i: number): string {
    const sp = this.sites[i].species;
    let best = sp[0];
    for (const x of sp) if (x.occupancy > best.occupancy) best = x;
    return best.element;
  }

  /** Element amounts in the cell, occupancy-weighted. */
  composition(): Map<string, number> {
    const c = new Map<string, number>();
    for (const s of this.sites) for (const sp of s.species) c.set(sp.element, (c.get(sp.element) ?? 0) + sp.occupancy);
    return c;
  }

  /** Elements in formula order: increasing Pauling electronegativity, then symbol (pymatgen's order). */
  elements(): string[] {
    return sortElements([...this.composition().keys()]);
  }

  /** e.g. "Li8 Mn16 O32" (pymatgen's style, occupancy-weighted amounts). */
  get formula(): string {
    return formatFormula(this.composition(), ' ');
  }

  /** e.g. "LiMn2O4": the amounts divided by their greatest common divisor. */
  get reducedFormula(): string {
    return formatFormula(reduceComposition(this.composition()), '');
  }

  /** Total mass in the cell (u), occupancy-weighted. */
  get mass(): number {
    let m = 0;
    for (const s of this.sites) for (const sp of s.species) m += element(sp.element).mass * sp.occupancy;
    return m;
  }

  /** Density in g/cm³. */
  get density(): number {
    return (this.mass * 1.66053906660) / this.lattice.volume;
  }

  withSites(sites: readonly SiteInput[], title = this.title): Structure {
    return new Structure(this.lattice, sites, title);
  }

  withLattice(lattice: Lattice): Structure {
    return new Structure(lattice, this.sites as SiteInput[], this.title);
  }

  withTitle(title: string): Structure {
    return new Structure(this.lattice, this.sites as SiteInput[], title);
  }

  /** A copy with every fractional coordinate wrapped into [0, 1). */
  wrapped(): Structure {
    return this.withSites(this.sites.map((s) => ({ ...s, frac: wrapVec(s.frac) })));
  }

  /** A copy without the sites at the given indices. */
  removeSites(indices: Iterable<number>): Structure {
    const drop = new Set(indices);
    return this.withSites(this.sites.filter((_, i) => !drop.has(i)));
  }

  /** A copy with extra sites appended. */
  addSites(extra: readonly SiteInput[]): Structure {
    return this.withSites([...(this.sites as SiteInput[]), ...extra]);
  }

  /** Sites sorted stably by formula order of their majority element (VASP wants blocks). */
  sortedByElement(): Structure {
    const order = new Map(this.elements().map((e, i) => [e, i]));
    const idx = this.sites.map((_, i) => i);
    idx.sort((a, b) => (order.get(this.majorityElement(a))! - order.get(this.majorityElement(b))!) || a - b);
    return this.withSites(idx.map((i) => this.sites[i]));
  }

  /**
   * Supercell from an integer matrix (rows: new vectors in units of the old ones), or a
   * diagonal [na, nb, nc]. Sites keep their labels; positions wrapped into [0, 1).
   */
  supercell(scaling: Mat3 | readonly [number, number, number] | number[][]): Structure {
    const S: Mat3 = (typeof scaling[0] === 'number'
      ? [
          [scaling[0] as number, 0, 0],
          [0, scaling[1] as number, 0],
          [0, 0, scaling[2] as number],
        ]
      : scaling) as Mat3;
    for (const r of S) for (const x of r) if (!Number.isInteger(x)) throw new Error('supercell matrix must be integer');
    const det = Math.round(det3(S));
    if (det <= 0) throw new Error('supercell matrix must have a positive determinant');
    const newLat = this.lattice.supercell(S);
    // Enumerate lattice points of the old lattice inside the new cell.
    const corners: number[][] = [];
    for (const i of [0, 1]) for (const j of [0, 1]) for (const k of [0, 1]) {
      corners.push([0, 1, 2].map((c) => i * S[0][c] + j * S[1][c] + k * S[2][c]));
    }
    const lo = [0, 1, 2].map((c) => Math.min(...corners.map((p) => p[c])));
    const hi = [0, 1, 2].map((c) => Math.max(...corners.map((p) => p[c])));
    const Sinv = new Lattice(S as unknown as number[][]).inverse; // fractional old → new: f_new = f_old · S⁻¹
    const points: Vec3[] = [];
    for (let i = lo[0]; i <= hi[0]; i++) for (let j = lo[1]; j <= hi[1]; j++) for (let k = lo[2]; k <= hi[2]; k++) {
      const f: Vec3 = [
        i * Sinv[0][0] + j * Sinv[1][0] + k * Sinv[2][0],
        i * Sinv[0][1] + j * Sinv[1][1] + k * Sinv[2][1],
        i * Sinv[0][2] + j * Sinv[1][2] + k * Sinv[2][2],
      ];
      if (f.every((x) => x >= -1e-8 && x < 1 - 1e-8)) points.push(f);
    }
    if (points.length !== det) throw new Error(`internal: found ${points.length} lattice points, expected ${det}`);
    const sites: SiteInput[] = [];
    for (const s of this.sites) {
      const f0: Vec3 = [
        s.frac[0] * Sinv[0][0] + s.frac[1] * Sinv[1][0] + s.frac[2] * Sinv[2][0],
        s.frac[0] * Sinv[0][1] + s.frac[1] * Sinv[1][1] + s.frac[2] * Sinv[2][1],
        s.frac[0] * Sinv[0][2] + s.frac[1] * Sinv[1][2] + s.frac[2] * Sinv[2][2],
      ];
      for (const p of points) sites.push({ ...s, frac: wrapVec([f0[0] + p[0], f0[1] + p[1], f0[2] + p[2]]) });
    }
    return new Structure(newLat, sites, this.title);
  }

  /** The plain-data form (used by JSON output and the scene document). */
  toJSON(): { lattice: number[][]; title: string; sites: { label: string; frac: number[]; species: Species[] }[] } {
    return {
      lattice: this.lattice.toJSON(),
      title: this.title,
      sites: this.sites.map((s) => ({ label: s.label, frac: [...s.frac], species: s.species.map((x) => ({ ...x })) })),
    };
  }
}

/** Sort element symbols by Pauling electronegativity (missing = high), then symbol. */
export function sortElements(symbols: string[]): string[] {
  const key = (s: string) => element(s).electronegativity ?? 100;
  return [...symbols].sort((a, b) => key(a) - key(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Format amounts: integers plainly, others to at most 6 decimals, trailing zeros dropped. */
export function formatAmount(x: number): string {
  const r = Math.round(x);
  if (Math.abs(x - r) < 1e-8) return String(r);
  return String(Number(x.toFixed(6)));
}

export function formatFormula(comp: Map<string, number>, sep: string): string {
  return sortElements([...comp.keys()])
    .map((e) => {
      const n = comp.get(e)!;
      const amt = formatAmount(n);
      return sep === '' && amt === '1' ? e : `${e}${amt}`;
    })
    .join(sep);
}

/** Divide amounts by their common divisor when all are (near) integers. */
export function reduceComposition(comp: Map<string, number>): Map<string, number> {
  const vals = [...comp.values()];
  if (!vals.every((v) => Math.abs(v - Math.round(v)) < 1e-8)) return comp;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = vals.map((v) => Math.round(v)).reduce((a, b) => gcd(a, b));
  if (g <= 1) return comp;
  return new Map([...comp].map(([k, v]) => [k, Math.round(v) / g]));
}
