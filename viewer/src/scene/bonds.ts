/**
 * Bonds: one InstancedMesh of open cylinders. Every drawn atom copy draws half of each of
 * its bonds (coloured like the atom), so bonds leaving the drawn block stop halfway and
 * no atom outside the block is needed.
 */
import * as THREE from 'three';
import type { SceneAtom } from '../../../src/scene/scene-document.js';
import type { BondPartner, Instances, M3 } from './layout.js';

export const BOND_RADIUS = 0.11; // Å

export class BondLayer {
  readonly group = new THREE.Group();
  private mesh: THREE.InstancedMesh;
  private capacity = 0;
  private readonly geometry: THREE.CylinderGeometry;
  private readonly material = new THREE.MeshPhongMaterial({ shininess: 40, specular: 0x111111 });
  private readonly colors: THREE.Color[];
  count = 0;

  constructor(
    atoms: readonly SceneAtom[],
    private readonly inst: Instances,
    private readonly lattice: M3,
  ) {
    const segs = inst.count > 10_000 ? 6 : 10;
    this.geometry = new THREE.CylinderGeometry(1, 1, 1, segs, 1, true);
    this.geometry.translate(0, 0.5, 0); // spans y = 0 … 1
    this.colors = atoms.map((a) => new THREE.Color(a.color));
    this.mesh = this.allocate(0);
  }

  private allocate(n: number): THREE.InstancedMesh {
    if (this.mesh) {
      this.group.remove(this.mesh);
      this.mesh.dispose();
    }
    this.capacity = Math.max(n, 16);
    const mesh = new THREE.InstancedMesh(this.geometry, this.material, this.capacity);
    mesh.name = 'bonds';
    mesh.instanceColor = new THREE.InstancedBufferAttribute(new Float32Array(this.capacity * 3), 3);
    mesh.count = 0;
    this.group.add(mesh);
    this.mesh = mesh;
    return mesh;
  }

  /**
   * Place half-bonds for per-atom Cartesian positions `pos` (Å, 3 per atom) and bond
   * partners per atom. `scale` shortens nothing; radius in Å.
   */
  update(pos: Float64Array, partners: readonly (readonly BondPartner[])[], radius = BOND_RADIUS): void {
    const L = this.lattice;
    const { index, shift, count } = this.inst;
    let n = 0;
    for (let k = 0; k < count; k++) n += partners[index[k]].length;
    if (n > this.capacity) this.allocate(Math.ceil(n * 1.25));
    const mesh = this.mesh;
    const m = new THREE.Matrix4();
    const q = new THREE.Quaternion();
    const up = new THREE.Vector3(0, 1, 0);
    const dir = new THREE.Vector3();
    const p = new THREE.Vector3();
    const s = new THREE.Vector3();
    let j = 0;
    for (let k = 0; k < count; k++) {
      const i = index[k];
      const list = partners[i];
      if (list.length === 0) continue;
      const s0 = shift[k * 3];
      const s1 = shift[k * 3 + 1];
      const s2 = shift[k * 3 + 2];
      p.set(
        pos[i * 3] + s0 * L[0][0] + s1 * L[1][0] + s2 * L[2][0],
        pos[i * 3 + 1] + s0 * L[0][1] + s1 * L[1][1] + s2 * L[2][1],
        pos[i * 3 + 2] + s0 * L[0][2] + s1 * L[1][2] + s2 * L[2][2],
      );
      for (const b of list) {
        const t = b.partner;
        const [u0, u1, u2] = b.image;
        dir.set(
          pos[t * 3] + u0 * L[0][0] + u1 * L[1][0] + u2 * L[2][0] - pos[i * 3],
          pos[t * 3 + 1] + u0 * L[0][1] + u1 * L[1][1] + u2 * L[2][1] - pos[i * 3 + 1],
          pos[t * 3 + 2] + u0 * L[0][2] + u1 * L[1][2] + u2 * L[2][2] - pos[i * 3 + 2],
        );
        const len = dir.length();
        if (len < 1e-6) continue;
        dir.divideScalar(len);
        q.setFromUnitVectors(up, dir);
        s.set(radius, len / 2, radius);
        m.compose(p, q, s);
        mesh.setMatrixAt(j, m);
        mesh.setColorAt(j, this.colors[i]);
        j++;
      }
    }
    mesh.count = j;
    this.count = j;
    mesh.instanceMatrix.needsUpdate = true;
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    mesh.computeBoundingSphere();
  }

  dispose(): void {
    this.mesh.dispose();
    this.geometry.dispose();
    this.material.dispose();
  }
}
