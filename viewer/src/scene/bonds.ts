/**
 * Bonds: one batch of cylinder impostors (a quad per half-bond, ray-cast in the shader;
 * one draw call). Every drawn atom copy draws half of each of its bonds (coloured like the atom),
 * so bonds leaving the drawn block stop halfway and no atom outside the block is needed.
 */
import * as THREE from 'three';
import { CylinderBatch } from './impostor.js';
import type { SceneAtom } from '../../../src/scene/scene-document.js';
import type { BondPartner, Instances, M3 } from './layout.js';

export const BOND_RADIUS = 0.11; // Å

export class BondLayer {
  readonly group = new THREE.Group();
  private batch: CylinderBatch;
  private readonly colors: THREE.Color[];
  count = 0;

  constructor(
    atoms: readonly SceneAtom[],
    private readonly inst: Instances,
    private readonly lattice: M3,
  ) {
    this.colors = atoms.map((a) => new THREE.Color(a.color));
    this.batch = this.allocate(16);
  }

  private allocate(n: number): CylinderBatch {
    if (this.batch) {
      this.group.remove(this.batch.mesh);
      this.batch.dispose();
    }
    const b = new CylinderBatch(Math.max(n, 16));
    b.mesh.name = 'bonds';
    this.group.add(b.mesh);
    this.batch = b;
    return b;
  }

  /** Place half-bonds for per-atom Cartesian positions `pos` (Å, 3 per atom) and bond partners per atom. */
  update(pos: Float64Array, partners: readonly (readonly BondPartner[])[], radius = BOND_RADIUS): void {
    const L = this.lattice;
    const { index, shift, count } = this.inst;
    let n = 0;
    for (let k = 0; k < count; k++) n += partners[index[k]].length;
    if (n > this.batch.capacity) this.allocate(Math.ceil(n * 1.25));
    const batch = this.batch;
    let j = 0;
    for (let k = 0; k < count; k++) {
      const i = index[k];
      const list = partners[i];
      if (list.length === 0) continue;
      const s0 = shift[k * 3];
      const s1 = shift[k * 3 + 1];
      const s2 = shift[k * 3 + 2];
      const px = pos[i * 3] + s0 * L[0][0] + s1 * L[1][0] + s2 * L[2][0];
      const py = pos[i * 3 + 1] + s0 * L[0][1] + s1 * L[1][1] + s2 * L[2][1];
      const pz = pos[i * 3 + 2] + s0 * L[0][2] + s1 * L[1][2] + s2 * L[2][2];
      for (const b of list) {
        const t = b.partner;
        const [u0, u1, u2] = b.image;
        // half of the vector to the partner
        const dx = (pos[t * 3] + u0 * L[0][0] + u1 * L[1][0] + u2 * L[2][0] - pos[i * 3]) / 2;
        const dy = (pos[t * 3 + 1] + u0 * L[0][1] + u1 * L[1][1] + u2 * L[2][1] - pos[i * 3 + 1]) / 2;
        const dz = (pos[t * 3 + 2] + u0 * L[0][2] + u1 * L[1][2] + u2 * L[2][2] - pos[i * 3 + 2]) / 2;
        if (dx * dx + dy * dy + dz * dz < 1e-12) continue;
        batch.set(j++, px, py, pz, px + dx, py + dy, pz + dz, radius, this.colors[i]);
      }
    }
    batch.commit(j);
    this.count = j;
  }

  dispose(): void {
    this.batch.dispose();
  }
}
