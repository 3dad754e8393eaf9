/**
 * Atoms: one batch of sphere impostors per element (one draw call each), so draw calls do
 * not grow with the atom count; each atom is 2 triangles, an exact sphere by ray casting.
 * Drawn copies come from layout.ts (repeats and boundary copies); positions (Å) can be
 * updated every frame for NEB animation.
 */
import * as THREE from 'three';
import { SphereBatch } from './impostor.js';
import type { SceneAtom } from '../../../src/scene/scene-document.js';
import { type Instances, type M3 } from './layout.js';

export type RadiusMode = 'covalent' | 'ionic' | 'uniform';

/** Display radius (Å) of an atom for a radius mode and scale. */
export function displayRadius(atom: SceneAtom, mode: RadiusMode, scale: number): number {
  if (mode === 'uniform') return scale;
  if (mode === 'ionic') return (atom.ionicRadius ?? atom.covalentRadius) * scale;
  return atom.covalentRadius * scale;
}

export class AtomLayer {
  readonly group = new THREE.Group();
  /** Drawn copy → element batch and slot in it. */
  private readonly slotMesh: Int32Array;
  private readonly slot: Int32Array;
  private readonly batches: SphereBatch[] = [];
  private readonly colors: THREE.Color[] = [];
  /** Display radius per scene atom (Å). */
  radii: Float32Array;
  /** Drawn copy positions (Å), 3 per copy, kept for picking. */
  readonly drawnPos: Float32Array;

  constructor(
    private readonly atoms: readonly SceneAtom[],
    readonly inst: Instances,
    private readonly lattice: M3,
  ) {
    this.radii = new Float32Array(atoms.length);
    this.drawnPos = new Float32Array(inst.count * 3);
    this.slotMesh = new Int32Array(inst.count);
    this.slot = new Int32Array(inst.count);
    // Group drawn copies by element (and colour: disordered sites have blended colours):
    // one batch, one draw call, per group.
    const byEl = new Map<string, number[]>();
    for (let k = 0; k < inst.count; k++) {
      const a = atoms[inst.index[k]];
      const el = `${a.element}${a.color}`;
      let l = byEl.get(el);
      if (!l) byEl.set(el, (l = []));
      l.push(k);
    }
    for (const [el, list] of byEl) {
      const batch = new SphereBatch(list.length);
      batch.mesh.name = `atoms:${el}`;
      const id = this.batches.length;
      list.forEach((k, s) => {
        this.slotMesh[k] = id;
        this.slot[k] = s;
      });
      this.batches.push(batch);
      this.colors.push(new THREE.Color(atoms[inst.index[list[0]]].color));
      this.group.add(batch.mesh);
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
      const b = this.slotMesh[k];
      this.batches[b].set(this.slot[k], x, y, z, this.radii[i], this.colors[b]);
    }
    for (const b of this.batches) b.commit();
  }

  dispose(): void {
    for (const b of this.batches) b.dispose();
  }
}
