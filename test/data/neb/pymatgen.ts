/** The pymatgen reference inputs (make_pymatgen_reference.py → pymatgen-sets.json) for the tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lattice } from '../../../src/core/lattice.js';
import { Structure } from '../../../src/core/structure.js';
import type { Vec3 } from '../../../src/core/vec3.js';
import { projectRoot } from '../../helpers/fixtures.js';

export interface PmgCase {
  name: string;
  lattice: number[][];
  sites: { element: string; frac: number[]; oxidationState?: number }[];
  poscar_species: string[];
  is_hexagonal: boolean;
  mprelax: { incar: Record<string, unknown>; kpoints: { mesh: number[]; style: string }; potcar_symbols: string[] };
  mpstatic: { incar: Record<string, unknown>; kpoints: { mesh: number[]; style: string } };
  automatic_density: Record<string, { mesh: number[]; style: string }>;
  mitneb_ldau_tags: string[];
}

export const pmg = JSON.parse(readFileSync(join(projectRoot, 'test/data/neb/pymatgen-sets.json'), 'utf8')) as {
  pymatgen_version: string;
  cases: PmgCase[];
};

/** The structure pymatgen wrote (sorted), with oxidation states where it had them. */
export function pmgStructure(c: PmgCase): Structure {
  return new Structure(
    new Lattice(c.lattice),
    c.sites.map((s) => ({
      frac: s.frac as unknown as Vec3,
      species: [{ element: s.element, occupancy: 1, ...(s.oxidationState ? { oxidationState: s.oxidationState } : {}) }],
    })),
    c.name,
  );
}
