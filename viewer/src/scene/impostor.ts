/**
 * Impostors: each sphere (atom) or cylinder (half-bond) is one camera-facing quad whose
 * fragment shader intersects the view ray with the exact shape, shades it and writes the
 * true depth. Shapes are exact at any zoom and cost 2 triangles each.
 *
 * The quads of a whole layer live in one merged BufferGeometry (4 vertices per item with the
 * item's centre/ends, radius and colour as vertex attributes), drawn with one draw call.
 * This is deliberately not GPU instancing: software WebGL (SwiftShader, used in CI and the
 * benchmarks) pays a fixed cost per instance (~20 µs), which made a 20,000-atom cell take
 * seconds per frame; a merged buffer costs the same draw calls (constant in the atom count)
 * and is fast on software and hardware alike.
 *
 * Lighting matches the Phong materials of the hops and polyhedra under the scene's lights
 * (ambient 1.1, a camera-attached directional light 2.2 along view (1, 1.5, 2)):
 * colour · (0.35 + 0.70 max(n·l, 0)) + a small Blinn–Phong highlight.
 */
import * as THREE from 'three';

export const LIGHT_DIR_VIEW = new THREE.Vector3(1, 1.5, 2).normalize();

const CORNERS = [-1, -1, 1, -1, 1, 1, -1, 1];

const sphereVertex = /* glsl */ `
uniform float margin;
attribute vec2 corner;
attribute float radius;
attribute vec3 color;
varying vec3 vCenter;
varying float vRadius;
varying vec3 vPos;
varying vec3 vColor;
void main() {
  vec4 c = modelViewMatrix * vec4(position, 1.0);
  vCenter = c.xyz;
  vRadius = radius;
  vColor = color;
  vec3 p = c.xyz + vec3(corner * radius * margin, 0.0);
  // Perspective: the quad sits in front of the sphere (towards the eye) so it covers it.
  if (!isOrthographic) p += normalize(-c.xyz) * radius;
  vPos = p;
  gl_Position = radius > 0.0 ? projectionMatrix * vec4(p, 1.0) : vec4(2.0, 2.0, 2.0, 1.0);
}
`;

const sphereFragment = /* glsl */ `
uniform vec3 lightDir;
uniform mat4 projectionMatrix;
varying vec3 vCenter;
varying float vRadius;
varying vec3 vPos;
varying vec3 vColor;
void main() {
  vec3 ro = isOrthographic ? vec3(vPos.xy, vCenter.z + 2.0 * vRadius) : vec3(0.0);
  vec3 rd = isOrthographic ? vec3(0.0, 0.0, -1.0) : normalize(vPos);
  vec3 oc = ro - vCenter;
  float b = dot(oc, rd);
  float c = dot(oc, oc) - vRadius * vRadius;
  float h = b * b - c;
  if (h < 0.0) discard;
  float t = -b - sqrt(h);
  if (t < 0.0) discard;
  vec3 hit = ro + t * rd;
  vec3 n = normalize(hit - vCenter);
  vec4 clip = projectionMatrix * vec4(hit, 1.0);
  gl_FragDepth = 0.5 * (clip.z / clip.w) + 0.5;
  float dnl = max(dot(n, lightDir), 0.0);
  float spec = pow(max(dot(n, normalize(lightDir - rd)), 0.0), 60.0) * dnl;
  gl_FragColor = vec4(vColor * (0.35 + 0.70 * dnl) + vec3(0.09) * spec, 1.0);
  #include <tonemapping_fragment>
  #include <colorspace_fragment>
}
`;

const cylinderVertex = /* glsl */ `
uniform float margin;
attribute vec2 corner;
attribute vec3 endB;
attribute float radius;
attribute vec3 color;
varying vec3 vA;
varying vec3 vB;
varying float vRadius;
varying vec3 vPos;
varying vec3 vColor;
void main() {
  vec3 a = (modelViewMatrix * vec4(position, 1.0)).xyz;
  vec3 b = (modelViewMatrix * vec4(endB, 1.0)).xyz;
  vec3 mid = 0.5 * (a + b);
  vec3 toEye = isOrthographic ? vec3(0.0, 0.0, 1.0) : normalize(-mid);
  vec3 axis = b - a;
  vec3 along = axis - dot(axis, toEye) * toEye;
  along = length(along) > 1e-6 ? normalize(along) : normalize(cross(toEye, abs(toEye.x) < 0.9 ? vec3(1.0, 0.0, 0.0) : vec3(0.0, 1.0, 0.0)));
  vec3 side = normalize(cross(along, toEye));
  // corner.x: side; corner.y: end a (−1) or b (+1), each pushed out by the radius.
  vec3 end = corner.y < 0.0 ? a - along * radius * margin : b + along * radius * margin;
  vec3 p = end + side * corner.x * radius * margin + toEye * radius;
  vA = a;
  vB = b;
  vRadius = radius;
  vPos = p;
  vColor = color;
  gl_Position = radius > 0.0 ? projectionMatrix * vec4(p, 1.0) : vec4(2.0, 2.0, 2.0, 1.0);
}
`;

const cylinderFragment = /* glsl */ `
uniform vec3 lightDir;
uniform mat4 projectionMatrix;
varying vec3 vA;
varying vec3 vB;
varying float vRadius;
varying vec3 vPos;
varying vec3 vColor;
void main() {
  vec3 ro = isOrthographic ? vec3(vPos.xy, max(vA.z, vB.z) + 2.0 * vRadius) : vec3(0.0);
  vec3 rd = isOrthographic ? vec3(0.0, 0.0, -1.0) : normalize(vPos);
  vec3 ax = vB - vA;
  float len = length(ax);
  vec3 u = ax / len;
  vec3 oc = ro - vA;
  float card = dot(u, rd);
  float caoc = dot(u, oc);
  float A = 1.0 - card * card;
  if (A < 1e-6) discard;
  float B = dot(oc, rd) - caoc * card;
  float C = dot(oc, oc) - caoc * caoc - vRadius * vRadius;
  float h = B * B - A * C;
  if (h < 0.0) discard;
  float t = (-B - sqrt(h)) / A;
  float y = caoc + t * card;
  if (y < 0.0 || y > len || t < 0.0) discard;
  vec3 hit = ro + t * rd;
  vec3 n = (oc + t * rd - u * y) / vRadius;
  vec4 clip = projectionMatrix * vec4(hit, 1.0);
  gl_FragDepth = 0.5 * (clip.z / clip.w) + 0.5;
  float dnl = max(dot(n, lightDir), 0.0);
  float spec = pow(max(dot(n, normalize(lightDir - rd)), 0.0), 40.0) * dnl;
  gl_FragColor = vec4(vColor * (0.35 + 0.70 * dnl) + vec3(0.05) * spec, 1.0);
  #include <tonemapping_fragment>
  #include <colorspace_fragment>
}
`;

function material(vertexShader: string, fragmentShader: string): THREE.ShaderMaterial {
  return new THREE.ShaderMaterial({
    uniforms: {
      lightDir: { value: LIGHT_DIR_VIEW.clone() },
      margin: { value: 1.2 }, // quad half-size / radius: covers the silhouette off-axis
    },
    vertexShader,
    fragmentShader,
  });
}

/** Index buffer for n quads (two triangles each). */
function quadIndex(n: number): THREE.BufferAttribute {
  const idx = n * 4 > 65535 ? new Uint32Array(n * 6) : new Uint16Array(n * 6);
  for (let i = 0; i < n; i++) idx.set([i * 4, i * 4 + 1, i * 4 + 2, i * 4, i * 4 + 2, i * 4 + 3], i * 6);
  return new THREE.BufferAttribute(idx, 1);
}

function cornerAttribute(n: number): THREE.BufferAttribute {
  const c = new Float32Array(n * 8);
  for (let i = 0; i < n; i++) c.set(CORNERS, i * 8);
  return new THREE.BufferAttribute(c, 2);
}

/** A batch of sphere impostors: set(i, x, y, z, r, colour) then commit(). */
export class SphereBatch {
  readonly mesh: THREE.Mesh;
  private readonly pos: Float32Array;
  private readonly rad: Float32Array;
  private readonly col: Float32Array;

  constructor(readonly capacity: number) {
    const g = new THREE.BufferGeometry();
    this.pos = new Float32Array(capacity * 12);
    this.rad = new Float32Array(capacity * 4);
    this.col = new Float32Array(capacity * 12);
    g.setAttribute('position', new THREE.BufferAttribute(this.pos, 3).setUsage(THREE.DynamicDrawUsage));
    g.setAttribute('radius', new THREE.BufferAttribute(this.rad, 1).setUsage(THREE.DynamicDrawUsage));
    g.setAttribute('color', new THREE.BufferAttribute(this.col, 3));
    g.setAttribute('corner', cornerAttribute(capacity));
    g.setIndex(quadIndex(capacity));
    this.mesh = new THREE.Mesh(g, material(sphereVertex, sphereFragment));
    this.mesh.frustumCulled = false;
  }

  set(i: number, x: number, y: number, z: number, r: number, color: THREE.Color): void {
    for (let k = 0; k < 4; k++) {
      const v = i * 4 + k;
      this.pos[v * 3] = x;
      this.pos[v * 3 + 1] = y;
      this.pos[v * 3 + 2] = z;
      this.rad[v] = r;
      this.col[v * 3] = color.r;
      this.col[v * 3 + 1] = color.g;
      this.col[v * 3 + 2] = color.b;
    }
  }

  /** Upload changes; draw the first `count` items. */
  commit(count = this.capacity): void {
    const g = this.mesh.geometry;
    for (const name of ['position', 'radius', 'color']) (g.getAttribute(name) as THREE.BufferAttribute).needsUpdate = true;
    g.setDrawRange(0, count * 6);
  }

  dispose(): void {
    this.mesh.geometry.dispose();
    (this.mesh.material as THREE.Material).dispose();
  }
}

/** A batch of open-cylinder impostors from a to b: set(i, a, b, r, colour) then commit(count). */
export class CylinderBatch {
  readonly mesh: THREE.Mesh;
  private readonly a: Float32Array;
  private readonly b: Float32Array;
  private readonly rad: Float32Array;
  private readonly col: Float32Array;

  constructor(readonly capacity: number) {
    const g = new THREE.BufferGeometry();
    this.a = new Float32Array(capacity * 12);
    this.b = new Float32Array(capacity * 12);
    this.rad = new Float32Array(capacity * 4);
    this.col = new Float32Array(capacity * 12);
    g.setAttribute('position', new THREE.BufferAttribute(this.a, 3).setUsage(THREE.DynamicDrawUsage));
    g.setAttribute('endB', new THREE.BufferAttribute(this.b, 3).setUsage(THREE.DynamicDrawUsage));
    g.setAttribute('radius', new THREE.BufferAttribute(this.rad, 1));
    g.setAttribute('color', new THREE.BufferAttribute(this.col, 3));
    g.setAttribute('corner', cornerAttribute(capacity));
    g.setIndex(quadIndex(capacity));
    this.mesh = new THREE.Mesh(g, material(cylinderVertex, cylinderFragment));
    this.mesh.frustumCulled = false;
  }

  set(i: number, ax: number, ay: number, az: number, bx: number, by: number, bz: number, r: number, color: THREE.Color): void {
    for (let k = 0; k < 4; k++) {
      const v = i * 4 + k;
      this.a[v * 3] = ax;
      this.a[v * 3 + 1] = ay;
      this.a[v * 3 + 2] = az;
      this.b[v * 3] = bx;
      this.b[v * 3 + 1] = by;
      this.b[v * 3 + 2] = bz;
      this.rad[v] = r;
      this.col[v * 3] = color.r;
      this.col[v * 3 + 1] = color.g;
      this.col[v * 3 + 2] = color.b;
    }
  }

  commit(count: number): void {
    const g = this.mesh.geometry;
    for (const name of ['position', 'endB', 'radius', 'color']) (g.getAttribute(name) as THREE.BufferAttribute).needsUpdate = true;
    g.setDrawRange(0, count * 6);
  }

  dispose(): void {
    this.mesh.geometry.dispose();
    (this.mesh.material as THREE.Material).dispose();
  }
}
