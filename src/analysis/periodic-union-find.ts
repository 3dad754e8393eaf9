/**
 * Connected components of a periodic graph and the dimensionality of their periodicity.
 *
 * Nodes are objects in one unit cell; an edge joins node u to the copy of node v shifted by
 * an integer lattice translation w. Union–find keeps, for every node, the translation T(x)
 * of the copy of x that belongs to its root's connected piece. An edge whose two ends are
 * already in one component closes a cycle with net translation T(u) + w − T(v); the
 * component repeats along every such translation, and the rank of these translations
 * (0–3) is its dimensionality: 0 = isolated pocket, 1 = channel, 2 = layer, 3 = network.
 */
export class PeriodicUnionFind {
  private readonly parent: Int32Array;
  /** Translation of node x relative to parent[x] (3 ints per node). */
  private readonly off: Int32Array;
  /** Up to 3 independent cycle translations per root. */
  private readonly basis = new Map<number, number[][]>();
  private best = 0;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
    this.off = new Int32Array(3 * n);
  }

  /** Root of x; `t` receives T(x), the translation of x relative to the root. */
  find(x: number, t: Int32Array | number[] = [0, 0, 0]): number {
    // first pass: find root and total offset
    let r = x;
    let tx = 0, ty = 0, tz = 0;
    while (this.parent[r] !== r) {
      tx += this.off[3 * r]; ty += this.off[3 * r + 1]; tz += this.off[3 * r + 2];
      r = this.parent[r];
    }
    // second pass: path compression with corrected offsets
    let y = x;
    let ax = tx, ay = ty, az = tz;
    while (this.parent[y] !== r && this.parent[y] !== y) {
      const next = this.parent[y];
      const ox = this.off[3 * y], oy = this.off[3 * y + 1], oz = this.off[3 * y + 2];
      this.parent[y] = r;
      this.off[3 * y] = ax; this.off[3 * y + 1] = ay; this.off[3 * y + 2] = az;
      ax -= ox; ay -= oy; az -= oz;
      y = next;
    }
    t[0] = tx; t[1] = ty; t[2] = tz;
    return r;
  }

  /**
   * Join u with the copy of v shifted by w. Returns the dimensionality of the resulting
   * component.
   */
  union(u: number, v: number, wx: number, wy: number, wz: number): number {
    const tu = [0, 0, 0];
    const tv = [0, 0, 0];
    const ru = this.find(u, tu);
    const rv = this.find(v, tv);
    if (ru === rv) {
      const c = [tu[0] + wx - tv[0], tu[1] + wy - tv[1], tu[2] + wz - tv[2]];
      if (c[0] !== 0 || c[1] !== 0 || c[2] !== 0) this.addCycle(ru, c);
      return this.rankOf(ru);
    }
    // attach rv under ru: T(v) must become T(u) + w
    this.parent[rv] = ru;
    this.off[3 * rv] = tu[0] + wx - tv[0];
    this.off[3 * rv + 1] = tu[1] + wy - tv[1];
    this.off[3 * rv + 2] = tu[2] + wz - tv[2];
    const bv = this.basis.get(rv);
    if (bv) {
      this.basis.delete(rv);
      for (const c of bv) this.addCycle(ru, c);
    }
    return this.rankOf(ru);
  }

  /** Dimensionality (0–3) of x's component. */
  dimensionality(x: number): number {
    return this.rankOf(this.find(x));
  }

  /** Largest dimensionality of any component so far. */
  get maxDimensionality(): number {
    return this.best;
  }

  private rankOf(root: number): number {
    return this.basis.get(root)?.length ?? 0;
  }

  private addCycle(root: number, c: number[]): void {
    const b = this.basis.get(root) ?? [];
    if (b.length === 3) return;
    if (independent(b, c)) {
      b.push(c);
      this.basis.set(root, b);
      if (b.length > this.best) this.best = b.length;
    }
  }
}

/** Is integer vector c outside the span of the (independent) vectors in b? Exact in integers. */
function independent(b: number[][], c: number[]): boolean {
  if (b.length === 0) return true;
  if (b.length === 1) {
    const a = b[0];
    return a[1] * c[2] - a[2] * c[1] !== 0 || a[2] * c[0] - a[0] * c[2] !== 0 || a[0] * c[1] - a[1] * c[0] !== 0;
  }
  if (b.length === 2) {
    const [a, d] = b;
    const n = [a[1] * d[2] - a[2] * d[1], a[2] * d[0] - a[0] * d[2], a[0] * d[1] - a[1] * d[0]];
    return n[0] * c[0] + n[1] * c[1] + n[2] * c[2] !== 0;
  }
  return false;
}
