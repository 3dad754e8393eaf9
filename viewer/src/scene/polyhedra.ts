/**
 * Coordination polyhedra: per type (MnO6, LiO4 …) one translucent mesh and one set of edge
 * lines holding every drawn copy, toggled per type. A polyhedron is drawn with each drawn
 * copy of its centre atom.
 */
import * as THREE from 'three';
import type { ScenePolyhedron, SceneAtom } from '../../../src/scene/scene-document.js';
import type { Instances, M3 } from './layout.js';

/** Edges of a triangulated polyhedron without the diagonals inside flat faces. */
export function featureEdges(vertices: readonly (readonly number[])[], faces: readonly (readonly number[])[]): [number, number][] {
  const normal = (f: readonly number[]) => {
    const [a, b, c] = f.map((i) => vertices[i]);
    const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
    const n = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    const l = Math.hypot(n[0], n[1], n[2]) || 1;
    return n.map((x) => x / l);
  };
  const byEdge = new Map<string, number[][]>();
  for (const f of faces) {
    const n = normal(f);
    for (let e = 0; e < 3; e++) {
      const a = f[e];
      const b = f[(e + 1) % 3];
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      let l = byEdge.get(key);
      if (!l) byEdge.set(key, (l = []));
      l.push(n);
    }
  }
  const out: [number, number][] = [];
  for (const [key, ns] of byEdge) {
    const flat = ns.length === 2 && ns[0][0] * ns[1][0] + ns[0][1] * ns[1][1] + ns[0][2] * ns[1][2] > 0.9999;
    if (!flat) {
      const [a, b] = key.split(',').map(Number);
      out.push([a, b]);
    }
  }
  return out;
}

export class PolyhedraLayer {
  readonly group = new THREE.Group();
  readonly types: string[];
  private readonly byType = new Map<string, THREE.Group>();
  /** Number of drawn polyhedra. */
  count = 0;

  constructor(polyhedra: readonly ScenePolyhedron[], atoms: readonly SceneAtom[], inst: Instances, lattice: M3, opacity = 0.45) {
    const copies = new Map<number, number[]>(); // centre atom → drawn copy indices
    for (let k = 0; k < inst.count; k++) {
      const i = inst.index[k];
      let l = copies.get(i);
      if (!l) copies.set(i, (l = []));
      l.push(k);
    }
    const groups = new Map<string, ScenePolyhedron[]>();
    for (const p of polyhedra) {
      let l = groups.get(p.type);
      if (!l) groups.set(p.type, (l = []));
      l.push(p);
    }
    this.types = [...groups.keys()].sort();
    let copiesTotal = 0;
    for (const p of polyhedra) copiesTotal += copies.get(p.center)?.length ?? 0;
    for (const type of this.types) {
      const list = groups.get(type)!;
      const tri: number[] = [];
      const lines: number[] = [];
      for (const p of list) {
        const edges = featureEdges(p.vertices, p.faces);
        for (const k of copies.get(p.center) ?? []) {
          const s0 = inst.shift[k * 3];
          const s1 = inst.shift[k * 3 + 1];
          const s2 = inst.shift[k * 3 + 2];
          const t = [0, 1, 2].map((c) => s0 * lattice[0][c] + s1 * lattice[1][c] + s2 * lattice[2][c]);
          for (const f of p.faces) for (const v of f) tri.push(p.vertices[v][0] + t[0], p.vertices[v][1] + t[1], p.vertices[v][2] + t[2]);
          for (const [a, b] of edges) {
            lines.push(p.vertices[a][0] + t[0], p.vertices[a][1] + t[1], p.vertices[a][2] + t[2]);
            lines.push(p.vertices[b][0] + t[0], p.vertices[b][1] + t[1], p.vertices[b][2] + t[2]);
          }
          this.count++;
        }
      }
      const color = new THREE.Color(atoms[list[0].center]?.color ?? '#888888');
      const g = new THREE.Group();
      g.name = `polyhedra:${type}`;
      const geo = new THREE.BufferGeometry();
      geo.setAttribute('position', new THREE.Float32BufferAttribute(tri, 3));
      geo.computeVertexNormals();
      const mesh = new THREE.Mesh(
        geo,
        new THREE.MeshPhongMaterial({
          color,
          transparent: true,
          opacity,
          depthWrite: false,
          // back faces too for small scenes; front faces only when many (half the fill on software WebGL)
          side: copiesTotal > 2000 ? THREE.FrontSide : THREE.DoubleSide,
          forceSinglePass: true, // one draw call per type whatever the side
          shininess: 30,
        }),
      );
      mesh.renderOrder = 2;
      const lgeo = new THREE.BufferGeometry();
      lgeo.setAttribute('position', new THREE.Float32BufferAttribute(lines, 3));
      const edgeColor = color.clone().multiplyScalar(0.55);
      const line = new THREE.LineSegments(lgeo, new THREE.LineBasicMaterial({ color: edgeColor, transparent: true, opacity: 0.9 }));
      line.renderOrder = 3;
      g.add(mesh, line);
      this.byType.set(type, g);
      this.group.add(g);
    }
  }

  setVisible(type: string, visible: boolean): void {
    const g = this.byType.get(type);
    if (g) g.visible = visible;
  }

  isVisible(type: string): boolean {
    return this.byType.get(type)?.visible ?? false;
  }

  dispose(): void {
    this.group.traverse((o) => {
      if (o instanceof THREE.Mesh || o instanceof THREE.LineSegments) {
        o.geometry.dispose();
        (o.material as THREE.Material).dispose();
      }
    });
  }
}
