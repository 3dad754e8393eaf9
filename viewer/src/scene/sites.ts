/**
 * Li sites: translucent markers (one InstancedMesh per kind: occupied, interstitial) and
 * Wyckoff labels as sprites. Labels are drawn for the first repeat cell only (and at most
 * MAX_LABELS), so they do not grow with the supercell.
 */
import * as THREE from 'three';
import type { SceneSite } from '../../../src/scene/scene-document.js';
import type { Instances, M3 } from './layout.js';

export const SITE_RADIUS = 0.32; // Å
const MAX_LABELS = 400;
export const SITE_COLORS = { occupied: '#1b9e77', interstitial: '#e6ab02' } as const;

/** A canvas texture with the label text (cached per text). */
function labelTexture(text: string, cache: Map<string, THREE.CanvasTexture>): THREE.CanvasTexture {
  const hit = cache.get(text);
  if (hit) return hit;
  const px = 48;
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d')!;
  ctx.font = `600 ${px}px system-ui, sans-serif`;
  const w = Math.ceil(ctx.measureText(text).width) + 16;
  canvas.width = w;
  canvas.height = px + 16;
  ctx.font = `600 ${px}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.lineWidth = 8;
  ctx.strokeStyle = 'rgba(255,255,255,0.95)';
  ctx.strokeText(text, 8, canvas.height / 2);
  ctx.fillStyle = '#111';
  ctx.fillText(text, 8, canvas.height / 2);
  const tex = new THREE.CanvasTexture(canvas);
  tex.colorSpace = THREE.SRGBColorSpace;
  tex.anisotropy = 4;
  cache.set(text, tex);
  return tex;
}

export class SitesLayer {
  readonly group = new THREE.Group();
  readonly labels = new THREE.Group();
  readonly markers = new THREE.Group();
  /** Drawn copy positions (Å), 3 per copy, for picking. */
  readonly drawnPos: Float32Array;
  private readonly textures = new Map<string, THREE.CanvasTexture>();
  private readonly geometry = new THREE.SphereGeometry(1, 16, 12);

  constructor(
    sites: readonly SceneSite[],
    readonly inst: Instances,
    lattice: M3,
  ) {
    this.drawnPos = new Float32Array(inst.count * 3);
    const byKind: Record<string, number[]> = { occupied: [], interstitial: [] };
    for (let k = 0; k < inst.count; k++) {
      const s = sites[inst.index[k]];
      const t = [0, 1, 2].map((c) => inst.shift[k * 3] * lattice[0][c] + inst.shift[k * 3 + 1] * lattice[1][c] + inst.shift[k * 3 + 2] * lattice[2][c]);
      for (let c = 0; c < 3; c++) this.drawnPos[k * 3 + c] = s.cart[c] + t[c];
      (byKind[s.kind] ?? byKind.interstitial).push(k);
    }
    const m = new THREE.Matrix4();
    for (const [kind, list] of Object.entries(byKind)) {
      if (!list.length) continue;
      const mat = new THREE.MeshPhongMaterial({
        color: SITE_COLORS[kind as keyof typeof SITE_COLORS],
        transparent: true,
        opacity: kind === 'occupied' ? 0.55 : 0.8,
        depthWrite: false,
      });
      const mesh = new THREE.InstancedMesh(this.geometry, mat, list.length);
      mesh.name = `sites:${kind}`;
      mesh.renderOrder = 4;
      list.forEach((k, j) => {
        m.makeScale(SITE_RADIUS, SITE_RADIUS, SITE_RADIUS).setPosition(this.drawnPos[k * 3], this.drawnPos[k * 3 + 1], this.drawnPos[k * 3 + 2]);
        mesh.setMatrixAt(j, m);
      });
      mesh.computeBoundingSphere();
      this.markers.add(mesh);
    }
    let nLabels = 0;
    for (let k = 0; k < inst.count && nLabels < MAX_LABELS; k++) {
      const first = inst.shift[k * 3] === 0 && inst.shift[k * 3 + 1] === 0 && inst.shift[k * 3 + 2] === 0;
      if (!first) continue;
      const text = sites[inst.index[k]].label;
      const tex = labelTexture(text, this.textures);
      const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ map: tex, depthTest: false, transparent: true }));
      const h = 0.45; // label height, Å
      sprite.scale.set((h * tex.image.width) / tex.image.height, h, 1);
      sprite.center.set(-0.15, -0.25); // to the upper right of the marker
      sprite.position.set(this.drawnPos[k * 3], this.drawnPos[k * 3 + 1], this.drawnPos[k * 3 + 2]);
      sprite.renderOrder = 10;
      this.labels.add(sprite);
      nLabels++;
    }
    this.group.add(this.markers, this.labels);
  }

  dispose(): void {
    this.geometry.dispose();
    for (const t of this.textures.values()) t.dispose();
    this.group.traverse((o) => {
      if (o instanceof THREE.Mesh || o instanceof THREE.Sprite) (o.material as THREE.Material).dispose();
    });
  }
}
