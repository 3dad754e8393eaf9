/**
 * Atoms: one InstancedMesh per element, so draw calls do not grow with the atom count.
 * Drawn copies come from layout.ts (repeats and boundary copies); positions (Å) can be
 * updated every frame for NEB animation.
 */
import * as THREE from 'three';
import type { SceneAtom } from '../../../src/scene/scene-document.js';
import { type Instances, type M3 } from './layout.js';

export type RadiusMode = 'covalent' | 'ionic' | 'uniform';

/** Display radius (Å) of an atom for a radius mode and scale. */
export function displayRadius(atom: SceneAtom, mode: RadiusMode, scale: number): number {
  if (mode === 'uniform') return scale;
  if (mode === 'ionic') return (atom.ionicRadius ?? atom.covalentRadius) * scale;
  return atom.covalentRadius * scale;
}

/** Sphere detail that keeps the triangle count sane for big cells. */
function sphereSegments(nDrawn: number): [number, number] {
  if (nDrawn <= 2_000) return [28, 18];
  if (nDrawn <= 10_000) return [16, 12];
  if (nDrawn <= 40_000) return [12, 8];
  return [8, 6];
}

export class AtomLayer {
  readonly group = new THREE.Group();
  /** Drawn copy → element mesh and slot in it. */
  private slotMesh: Int32Array;
  private slot: Int32Array;
  private meshes: THREE.InstancedMesh[] = [];
  /** Display radius per scene atom (Å). */
  radii: Float32Array;
  /** Drawn copy positions (Å), 3 per copy, kept for picking. */
  readonly drawnPos: Float32Array;
  private readonly geometry: THREE.SphereGeometry;
  private readonly m = new THREE.Matrix4();

  constructor(
    private readonly atoms: readonly SceneAtom[],
    readonly inst: Instances,
    private readonly lattice: M3,
  ) {
    const [ws, hs] = sphereSegments(inst.count);
    this.geometry = new THREE.SphereGeometry(1, ws, hs);
    this.radii = new Float32Array(atoms.length);
    this.drawnPos = new Float32Array(inst.count * 3);
    this.slotMesh = new Int32Array(inst.count);
    this.slot = new Int32Array(inst.count);
    // Group drawn copies by element.
    const byEl = new Map<string, number[]>();
    for (let k = 0; k < inst.count; k++) {
      const el = atoms[inst.index[k]].element;
      let l = byEl.get(el);
      if (!l) byEl.set(el, (l = []));
      l.push(k);
    }
    for (const [el, list] of byEl) {
      const color = new THREE.Color(atoms[inst.index[list[0]]].color);
      const mat = new THREE.MeshPhongMaterial({ color, shininess: 60, specular: 0x222222 });
      const mesh = new THREE.InstancedMesh(this.geometry, mat, list.length);
      mesh.name = `atoms:${el}`;
      const meshId = this.meshes.length;
      list.forEach((k, s) => {
        this.slotMesh[k] = meshId;
        this.slot[k] = s;
      });
      this.meshes.push(mesh);
      this.group.add(mesh);
    }
  }

  get drawnCount(): number {
    return this.inst.count;
  }

  setRadii(mode: RadiusMode, scale: number): void {
    for (let i = 0; i < this.atoms.length; i++) this.radii[i] = displayRadius(this.atoms[i], mode, scale);
  }

  /** Place every drawn copy from per-atom Cartesian positions (Å, 3 per atom). */
  update(pos: Float64Array): void {
    const L = this.lattice;
    const { index, shift, count } = this.inst;
    const e = this.m.elements;
    for (let k = 0; k < count; k++) {
      const i = index[k];
      const s0 = shift[k * 3];
      const s1 = shift[k * 3 + 1];
      const s2 = shift[k * 3 + 2];
      const x = pos[i * 3] + s0 * L[0][0] + s1 * L[1][0] + s2 * L[2][0];
      const y = pos[i * 3 + 1] + s0 * L[0][1] + s1 * L[1][1] + s2 * L[2][1];
      const z = pos[i * 3 + 2] + s0 * L[0][2] + s1 * L[1][2] + s2 * L[2][2];
      this.drawnPos[k * 3] = x;
      this.drawnPos[k * 3 + 1] = y;
      this.drawnPos[k * 3 + 2] = z;
      const r = this.radii[i];
      e[0] = r; e[1] = 0; e[2] = 0; e[3] = 0;
      e[4] = 0; e[5] = r; e[6] = 0; e[7] = 0;
      e[8] = 0; e[9] = 0; e[10] = r; e[11] = 0;
      e[12] = x; e[13] = y; e[14] = z; e[15] = 1;
      this.meshes[this.slotMesh[k]].setMatrixAt(this.slot[k], this.m);
    }
    for (const mesh of this.meshes) {
      mesh.instanceMatrix.needsUpdate = true;
      mesh.computeBoundingSphere();
    }
  }

  dispose(): void {
    this.geometry.dispose();
    for (const m of this.meshes) (m.material as THREE.Material).dispose();
  }
}
