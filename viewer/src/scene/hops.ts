/**
 * Hops: tubes (one InstancedMesh of cylinders) from site to site in every repeat cell,
 * coloured by NEB barrier, else barrier estimate (eV), else length (Å). A percolation
 * highlight dims the hops outside the chosen network.
 */
import * as THREE from 'three';
import type { SceneHop } from '../../../src/scene/scene-document.js';
import type { Instances, M3 } from './layout.js';
import { rampColor } from './colormap.js';

export const HOP_RADIUS = 0.13; // Å

export type HopColorBy = 'barrier' | 'length';

/** The value a hop is coloured by: NEB barrier, else estimate (eV); or its length (Å). */
export function hopValue(h: SceneHop, by: HopColorBy): number | undefined {
  if (by === 'length') return h.length;
  return h.nebBarrier ?? h.barrierEstimate;
}

/** 'barrier' when any hop has a barrier, else 'length'. */
export function defaultColorBy(hops: readonly SceneHop[]): HopColorBy {
  return hops.some((h) => hopValue(h, 'barrier') !== undefined) ? 'barrier' : 'length';
}

export function valueRange(hops: readonly SceneHop[], by: HopColorBy): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const h of hops) {
    const v = hopValue(h, by);
    if (v === undefined) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (hi - lo < 1e-9) return [lo - 0.05, hi + 0.05];
  return [lo, hi];
}

export class HopsLayer {
  readonly group = new THREE.Group();
  private readonly mesh: THREE.InstancedMesh;
  private readonly geometry = new THREE.CylinderGeometry(1, 1, 1, 14, 1, false);
  /** Drawn copy → hop index. */
  readonly drawnHop: Int32Array;
  /** Drawn tube end points (Å), 6 per copy, for picking. */
  readonly drawnEnds: Float32Array;

  constructor(
    private readonly hops: readonly SceneHop[],
    inst: Instances,
    lattice: M3,
  ) {
    this.geometry.translate(0, 0.5, 0);
    const mat = new THREE.MeshPhongMaterial({ shininess: 50, specular: 0x222222 });
    this.mesh = new THREE.InstancedMesh(this.geometry, mat, Math.max(inst.count, 1));
    this.mesh.name = 'hops';
    this.mesh.count = inst.count;
    this.mesh.instanceColor = new THREE.InstancedBufferAttribute(new Float32Array(Math.max(inst.count, 1) * 3), 3);
    this.drawnHop = inst.index.slice();
    this.drawnEnds = new Float32Array(inst.count * 6);
    for (let k = 0; k < inst.count; k++) {
      const h = hops[inst.index[k]];
      const t = [0, 1, 2].map((c) => inst.shift[k * 3] * lattice[0][c] + inst.shift[k * 3 + 1] * lattice[1][c] + inst.shift[k * 3 + 2] * lattice[2][c]);
      for (let c = 0; c < 3; c++) {
        this.drawnEnds[k * 6 + c] = h.start[c] + t[c];
        this.drawnEnds[k * 6 + 3 + c] = h.end[c] + t[c];
      }
    }
    this.group.add(this.mesh);
  }

  /**
   * Colour and size every tube. `range` maps values onto the ramp; hops not in `highlight`
   * (when given) are thin and grey.
   */
  update(by: HopColorBy, range: [number, number], highlight: ((h: SceneHop) => boolean) | null): void {
    const m = new THREE.Matrix4();
    const q = new THREE.Quaternion();
    const up = new THREE.Vector3(0, 1, 0);
    const a = new THREE.Vector3();
    const d = new THREE.Vector3();
    const s = new THREE.Vector3();
    const col = new THREE.Color();
    const grey = new THREE.Color('#b8b8b8');
    for (let k = 0; k < this.mesh.count; k++) {
      const h = this.hops[this.drawnHop[k]];
      a.fromArray(this.drawnEnds, k * 6);
      d.fromArray(this.drawnEnds, k * 6 + 3).sub(a);
      const len = d.length();
      d.divideScalar(len || 1);
      q.setFromUnitVectors(up, d);
      const on = highlight ? highlight(h) : true;
      const r = on ? (highlight ? HOP_RADIUS * 1.35 : HOP_RADIUS) : HOP_RADIUS * 0.45;
      s.set(r, len, r);
      m.compose(a, q, s);
      this.mesh.setMatrixAt(k, m);
      const v = hopValue(h, by);
      if (!on) col.copy(grey);
      else if (v === undefined) col.set('#777777');
      else col.setRGB(...rampColor((v - range[0]) / (range[1] - range[0])), THREE.SRGBColorSpace);
      this.mesh.setColorAt(k, col);
    }
    this.mesh.instanceMatrix.needsUpdate = true;
    if (this.mesh.instanceColor) this.mesh.instanceColor.needsUpdate = true;
    this.mesh.computeBoundingSphere();
  }

  get drawnCount(): number {
    return this.mesh.count;
  }

  dispose(): void {
    this.mesh.dispose();
    this.geometry.dispose();
    (this.mesh.material as THREE.Material).dispose();
  }
}
