/**
 * Cell edges (the unit cell solid, the repeated block lighter) and an a/b/c axes gizmo drawn
 * in a corner of the view with the camera's orientation.
 */
import * as THREE from 'three';
import { shiftToCart, type M3, type V3 } from './layout.js';

const CORNERS: V3[] = [
  [0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 1, 1], [1, 1, 1],
];
const EDGES: [number, number][] = [
  [0, 1], [0, 2], [0, 3], [1, 4], [1, 5], [2, 4], [2, 6], [3, 5], [3, 6], [4, 7], [5, 7], [6, 7],
];

function boxLines(lattice: M3, n: V3): number[] {
  const out: number[] = [];
  for (const [i, j] of EDGES) {
    const a = CORNERS[i];
    const b = CORNERS[j];
    out.push(...shiftToCart(lattice, a[0] * n[0], a[1] * n[1], a[2] * n[2]));
    out.push(...shiftToCart(lattice, b[0] * n[0], b[1] * n[1], b[2] * n[2]));
  }
  return out;
}

export class CellLayer {
  readonly group = new THREE.Group();
  private readonly unit: THREE.LineSegments;
  private readonly block: THREE.LineSegments;
  private readonly unitMat = new THREE.LineBasicMaterial({ color: 0x222222 });
  private readonly blockMat = new THREE.LineBasicMaterial({ color: 0x888888, transparent: true, opacity: 0.7 });

  constructor(private readonly lattice: M3) {
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.Float32BufferAttribute(boxLines(lattice, [1, 1, 1]), 3));
    this.unit = new THREE.LineSegments(g, this.unitMat);
    this.unit.name = 'cell';
    this.block = new THREE.LineSegments(new THREE.BufferGeometry(), this.blockMat);
    this.block.name = 'block';
    this.group.add(this.unit, this.block);
  }

  setRepeats(n: V3): void {
    this.block.geometry.dispose();
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.Float32BufferAttribute(boxLines(this.lattice, n), 3));
    this.block.geometry = g;
    this.block.visible = n[0] * n[1] * n[2] > 1;
  }

  setDark(dark: boolean): void {
    this.unitMat.color.set(dark ? 0xdddddd : 0x222222);
  }
}

function letterSprite(text: string, color: string): THREE.Sprite {
  const c = document.createElement('canvas');
  c.width = c.height = 64;
  const ctx = c.getContext('2d')!;
  ctx.font = 'bold 44px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = color;
  ctx.fillText(text, 32, 34);
  const tex = new THREE.CanvasTexture(c);
  tex.colorSpace = THREE.SRGBColorSpace;
  const s = new THREE.Sprite(new THREE.SpriteMaterial({ map: tex, depthTest: false }));
  s.scale.set(0.45, 0.45, 1);
  return s;
}

/** The a/b/c triad: its own scene and camera, rendered into a corner viewport. */
export class AxesGizmo {
  readonly scene = new THREE.Scene();
  readonly camera = new THREE.OrthographicCamera(-1.6, 1.6, 1.6, -1.6, 0.1, 20);

  constructor(lattice: M3) {
    const colors = ['#d62728', '#2ca02c', '#1f77b4'];
    ['a', 'b', 'c'].forEach((name, i) => {
      const v = new THREE.Vector3(...lattice[i]).normalize();
      const arrow = new THREE.ArrowHelper(v, new THREE.Vector3(0, 0, 0), 1, colors[i], 0.28, 0.14);
      this.scene.add(arrow);
      const label = letterSprite(name, colors[i]);
      label.position.copy(v.clone().multiplyScalar(1.35));
      this.scene.add(label);
    });
  }

  /** Orient the gizmo camera like the main camera (same direction from target). */
  sync(main: THREE.Camera, target: THREE.Vector3): void {
    const dir = new THREE.Vector3().subVectors(main.position, target).normalize();
    this.camera.position.copy(dir.multiplyScalar(5));
    this.camera.up.copy(main.up);
    this.camera.quaternion.copy(main.quaternion);
    this.camera.updateMatrixWorld();
  }
}
