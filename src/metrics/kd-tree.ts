/**
 * A static 3-D k-d tree over a flat xyz array, for nearest-neighbour queries (Chamfer distance,
 * F-score, ICP). Built once in O(n log n) by median splits on the axis of largest spread; stored
 * implicitly (the median of each index range is the node), with small leaves scanned linearly.
 * 10k queries against 10k points take a few milliseconds.
 */
export class KdTree {
  /** Points reordered into tree order, for cache-friendly scans. */
  private readonly pts: Float64Array;
  /** Original index of each reordered point. */
  private readonly order: Uint32Array;
  /** Split axis for the node whose median sits at this position. */
  private readonly axis: Uint8Array;
  private readonly stack: Int32Array;
  readonly size: number;

  private static readonly LEAF = 8;

  constructor(points: Float32Array | Float64Array) {
    const n = points.length / 3;
    if (!Number.isInteger(n) || n === 0) throw new Error('KdTree: need a non-empty xyz array');
    this.size = n;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    this.axis = new Uint8Array(n);
    this.build(points, order, 0, n);
    this.order = order;
    this.pts = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) {
      const j = order[i] * 3;
      this.pts[i * 3] = points[j];
      this.pts[i * 3 + 1] = points[j + 1];
      this.pts[i * 3 + 2] = points[j + 2];
    }
    this.stack = new Int32Array(256);
  }

  private build(p: Float32Array | Float64Array, order: Uint32Array, lo: number, hi: number): void {
    // Explicit stack: degenerate inputs must not overflow the call stack.
    const work: number[] = [lo, hi];
    while (work.length) {
      const h = work.pop()!;
      const l = work.pop()!;
      if (h - l <= KdTree.LEAF) continue;
      let ax = 0;
      let best = -1;
      for (let k = 0; k < 3; k++) {
        let mn = Infinity, mx = -Infinity;
        for (let i = l; i < h; i++) {
          const v = p[order[i] * 3 + k];
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
        if (mx - mn > best) {
          best = mx - mn;
          ax = k;
        }
      }
      const mid = (l + h) >> 1;
      quickselect(p, order, l, h - 1, mid, ax);
      this.axis[mid] = ax;
      work.push(l, mid, mid + 1, h);
    }
  }

  /**
   * Nearest point to (x, y, z): returns its index in the input array and writes the squared distance
   * into `out[0]` when `out` is given.
   */
  nearest(x: number, y: number, z: number, out?: Float64Array): number {
    const pts = this.pts;
    let bestD = Infinity;
    let best = -1;
    let stack = this.stack;
    let sp = 0;
    stack[sp++] = 0;
    stack[sp++] = this.size;
    while (sp > 0) {
      const hi = stack[--sp];
      const lo = stack[--sp];
      if (hi - lo <= KdTree.LEAF) {
        for (let i = lo; i < hi; i++) {
          const dx = pts[i * 3] - x, dy = pts[i * 3 + 1] - y, dz = pts[i * 3 + 2] - z;
          const d = dx * dx + dy * dy + dz * dz;
          if (d < bestD) {
            bestD = d;
            best = i;
          }
        }
        continue;
      }
      const mid = (lo + hi) >> 1;
      const ax = this.axis[mid];
      const dx = pts[mid * 3] - x, dy = pts[mid * 3 + 1] - y, dz = pts[mid * 3 + 2] - z;
      const d = dx * dx + dy * dy + dz * dz;
      if (d < bestD) {
        bestD = d;
        best = mid;
      }
      const diff = (ax === 0 ? x : ax === 1 ? y : z) - pts[mid * 3 + ax];
      if (sp + 8 > stack.length) {
        const grown = new Int32Array(stack.length * 2);
        grown.set(stack);
        stack = grown;
      }
      // Push the far side first (if it can still hold something closer), so the near side pops first.
      const far2 = diff * diff;
      if (diff < 0) {
        if (far2 < bestD) {
          stack[sp++] = mid + 1;
          stack[sp++] = hi;
        }
        stack[sp++] = lo;
        stack[sp++] = mid;
      } else {
        if (far2 < bestD) {
          stack[sp++] = lo;
          stack[sp++] = mid;
        }
        stack[sp++] = mid + 1;
        stack[sp++] = hi;
      }
    }
    if (out) out[0] = bestD;
    return this.order[best];
  }
}

function quickselect(p: Float32Array | Float64Array, order: Uint32Array, lo: number, hi: number, k: number, ax: number): void {
  while (hi > lo) {
    // Median of three as the pivot keeps sorted inputs (grids, scans) from going quadratic.
    const mid = (lo + hi) >> 1;
    const a = p[order[lo] * 3 + ax], b = p[order[mid] * 3 + ax], c = p[order[hi] * 3 + ax];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (p[order[i] * 3 + ax] < pivot) i++;
      while (p[order[j] * 3 + ax] > pivot) j--;
      if (i <= j) {
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
