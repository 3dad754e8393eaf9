/**
 * NEB animation support: positions at a fractional image index, per-image bond partners
 * (static bonds plus the moving ion's bonds of the nearest image), and the path trail.
 */
import * as THREE from 'three';
import type { SceneDocument, SceneNeb } from '../../../src/scene/scene-document.js';
import { bondPartners, interpolateImages, type BondPartner } from './layout.js';

export class NebState {
  readonly neb: SceneNeb;
  readonly count: number;
  readonly migrating: Set<number>;
  private readonly partnerCache = new Map<number, BondPartner[][]>();

  constructor(private readonly doc: SceneDocument) {
    this.neb = doc.neb!;
    this.count = this.neb.images.length;
    this.migrating = new Set(this.neb.migrating ?? (this.neb.movingAtom !== undefined ? [this.neb.movingAtom] : []));
  }

  /** Per-atom positions (Å) at fractional image t. */
  positionsAt(t: number, out: Float64Array): Float64Array {
    return interpolateImages(
      this.neb.images.map((im) => im.positions),
      t,
      out,
    );
  }

  /** Bond partners for image k: static bonds between non-migrating atoms + that image's bonds. */
  partnersAt(k: number): BondPartner[][] {
    const kk = Math.min(Math.max(Math.round(k), 0), this.count - 1);
    let p = this.partnerCache.get(kk);
    if (!p) {
      const img = this.neb.images[kk];
      const hasImageBonds = img.bonds !== undefined;
      const base = hasImageBonds ? this.doc.bonds.filter((b) => !this.migrating.has(b.a) && !this.migrating.has(b.b)) : this.doc.bonds;
      p = bondPartners(this.doc.atoms.length, [...base, ...(img.bonds ?? [])]);
      this.partnerCache.set(kk, p);
    }
    return p;
  }

  /** The moving ion's path: a line through its image positions and a dot per image. */
  trail(): THREE.Group {
    const g = new THREE.Group();
    g.name = 'neb-trail';
    for (const i of this.migrating) {
      const pts = this.neb.images.map((im) => new THREE.Vector3(...im.positions[i]));
      const line = new THREE.Line(
        new THREE.BufferGeometry().setFromPoints(pts),
        new THREE.LineBasicMaterial({ color: 0xf59e0b }),
      );
      g.add(line);
      const dots = new THREE.InstancedMesh(
        new THREE.SphereGeometry(0.13, 12, 8),
        new THREE.MeshBasicMaterial({ color: 0xf59e0b }),
        pts.length,
      );
      const m = new THREE.Matrix4();
      pts.forEach((p, j) => dots.setMatrixAt(j, m.makeTranslation(p.x, p.y, p.z)));
      dots.computeBoundingSphere();
      g.add(dots);
    }
    return g;
  }
}
