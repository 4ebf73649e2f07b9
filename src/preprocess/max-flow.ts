import { KilnError } from '../core/errors.js';

const NONE = -1, TERMINAL = -2, ORPHAN = -3;

/**
 * A directed graph with a source and a sink for minimum s–t cuts, solved by the Boykov–Kolmogorov
 * algorithm ("An experimental comparison of min-cut/max-flow algorithms for energy minimization in
 * vision", PAMI 2004). BK grows two search trees, from the source and from the sink, and reuses them
 * after each augmentation instead of searching again from scratch; on the short, wide graphs of image
 * segmentation (every pixel one edge from a terminal) it is much faster than push–relabel or
 * Edmonds–Karp. No maintained max-flow library exists for Node, hence this one.
 *
 * Build the graph with {@link addEdge} and {@link addTerminalWeights}, call {@link maxFlow} once, then
 * read each node's side with {@link isSource}. Capacities are non-negative finite numbers.
 */
export class MaxFlowGraph {
  readonly nodeCount: number;
  private arcCount = 0;
  private head: Int32Array;
  private next: Int32Array;
  private rcap: Float64Array;
  private readonly first: Int32Array;
  /** Residual capacity to a terminal: > 0 from the source, < 0 to the sink. */
  private readonly trcap: Float64Array;
  private readonly parent: Int32Array;
  private readonly inSink: Uint8Array;
  private readonly ts: Int32Array;
  private readonly dist: Int32Array;
  private flow = 0;
  private solved = false;

  /** A graph of `nodeCount` nodes; `edgeHint` pre-sizes the edge arrays (they grow as needed). */
  constructor(nodeCount: number, edgeHint = nodeCount * 4) {
    if (!(Number.isInteger(nodeCount) && nodeCount > 0)) throw new KilnError('INVALID_INPUT', `maxFlow: node count must be a positive integer, got ${nodeCount}`);
    this.nodeCount = nodeCount;
    const arcs = Math.max(2, edgeHint * 2);
    this.head = new Int32Array(arcs);
    this.next = new Int32Array(arcs);
    this.rcap = new Float64Array(arcs);
    this.first = new Int32Array(nodeCount).fill(-1);
    this.trcap = new Float64Array(nodeCount);
    this.parent = new Int32Array(nodeCount).fill(NONE);
    this.inSink = new Uint8Array(nodeCount);
    this.ts = new Int32Array(nodeCount);
    this.dist = new Int32Array(nodeCount);
  }

  private checkNode(i: number): void {
    if (!(Number.isInteger(i) && i >= 0 && i < this.nodeCount)) throw new KilnError('INVALID_INPUT', `maxFlow: node ${i} is not in the graph (0…${this.nodeCount - 1})`);
  }

  private checkCapacity(c: number): void {
    if (!(Number.isFinite(c) && c >= 0)) throw new KilnError('INVALID_INPUT', `maxFlow: capacities must be finite and non-negative, got ${c}`);
  }

  /** Adds an edge u → v of capacity `cap` and its reverse v → u of capacity `reverseCap`. */
  addEdge(u: number, v: number, cap: number, reverseCap = 0): void {
    this.checkNode(u);
    this.checkNode(v);
    this.checkCapacity(cap);
    this.checkCapacity(reverseCap);
    if (u === v) return;
    if (this.arcCount + 2 > this.head.length) this.grow();
    const a = this.arcCount;
    this.arcCount += 2;
    this.head[a] = v;
    this.rcap[a] = cap;
    this.next[a] = this.first[u];
    this.first[u] = a;
    this.head[a + 1] = u;
    this.rcap[a + 1] = reverseCap;
    this.next[a + 1] = this.first[v];
    this.first[v] = a + 1;
  }

  private grow(): void {
    const n = this.head.length * 2;
    const head = new Int32Array(n), next = new Int32Array(n), rcap = new Float64Array(n);
    head.set(this.head);
    next.set(this.next);
    rcap.set(this.rcap);
    this.head = head;
    this.next = next;
    this.rcap = rcap;
  }

  /**
   * Adds capacity from the source to node `i` and from `i` to the sink (cumulative over calls). Both
   * edges always carry their common part as flow, so only the difference is kept.
   */
  addTerminalWeights(i: number, fromSource: number, toSink: number): void {
    this.checkNode(i);
    this.checkCapacity(fromSource);
    this.checkCapacity(toSink);
    const t = this.trcap[i];
    if (t > 0) fromSource += t;
    else toSink -= t;
    this.flow += Math.min(fromSource, toSink);
    this.trcap[i] = fromSource - toSink;
  }

  /** Whether node `i` is on the source side of the minimum cut (reachable from the source in the residual graph). */
  isSource(i: number): boolean {
    if (!this.solved) throw new KilnError('INVALID_INPUT', 'maxFlow: call maxFlow() before reading the cut');
    return this.parent[i] !== NONE && !this.inSink[i];
  }

  /** Computes the maximum flow (= the minimum cut's capacity) and returns it. Runs once per graph. */
  maxFlow(): number {
    if (this.solved) return this.flow;
    const { head, next, rcap, first, trcap, parent, inSink, ts, dist } = this;
    const n = this.nodeCount;
    // The active nodes: a FIFO ring with membership flags (a node is queued at most once).
    const queue = new Int32Array(n + 1);
    const queued = new Uint8Array(n);
    let qHead = 0, qTail = 0;
    const activate = (i: number): void => {
      if (queued[i]) return;
      queued[i] = 1;
      queue[qTail] = i;
      qTail = qTail === n ? 0 : qTail + 1;
    };
    const orphans: number[] = [];
    let time = 0;
    for (let i = 0; i < n; i++) {
      if (trcap[i] !== 0) {
        inSink[i] = trcap[i] > 0 ? 0 : 1;
        parent[i] = TERMINAL;
        ts[i] = 0;
        dist[i] = 1;
        activate(i);
      }
    }
    let current = -1;
    for (;;) {
      let i = current;
      if (i < 0 || parent[i] === NONE) {
        i = -1;
        while (qHead !== qTail) {
          const j = queue[qHead];
          qHead = qHead === n ? 0 : qHead + 1;
          queued[j] = 0;
          if (parent[j] !== NONE) {
            i = j;
            break;
          }
        }
        if (i < 0) break;
      }
      // Grow the tree of i by one layer, or find an arc into the other tree (a path).
      let bridge = -1;
      if (!inSink[i]) {
        for (let a = first[i]; a >= 0; a = next[a]) {
          if (rcap[a] <= 0) continue;
          const j = head[a];
          if (parent[j] === NONE) {
            inSink[j] = 0;
            parent[j] = a ^ 1;
            ts[j] = ts[i];
            dist[j] = dist[i] + 1;
            activate(j);
          } else if (inSink[j]) {
            bridge = a;
            break;
          } else if (ts[j] <= ts[i] && dist[j] > dist[i]) {
            parent[j] = a ^ 1;
            ts[j] = ts[i];
            dist[j] = dist[i] + 1;
          }
        }
      } else {
        for (let a = first[i]; a >= 0; a = next[a]) {
          if (rcap[a ^ 1] <= 0) continue;
          const j = head[a];
          if (parent[j] === NONE) {
            inSink[j] = 1;
            parent[j] = a ^ 1;
            ts[j] = ts[i];
            dist[j] = dist[i] + 1;
            activate(j);
          } else if (!inSink[j]) {
            bridge = a ^ 1;
            break;
          } else if (ts[j] <= ts[i] && dist[j] > dist[i]) {
            parent[j] = a ^ 1;
            ts[j] = ts[i];
            dist[j] = dist[i] + 1;
          }
        }
      }
      time++;
      if (bridge < 0) {
        current = -1;
        continue;
      }
      current = i;
      // Augment along source → … → tail(bridge) → head(bridge) → … → sink.
      let b = rcap[bridge];
      for (let k = head[bridge ^ 1]; ; ) {
        const a = parent[k];
        if (a === TERMINAL) {
          if (b > trcap[k]) b = trcap[k];
          break;
        }
        if (b > rcap[a ^ 1]) b = rcap[a ^ 1];
        k = head[a];
      }
      for (let k = head[bridge]; ; ) {
        const a = parent[k];
        if (a === TERMINAL) {
          if (b > -trcap[k]) b = -trcap[k];
          break;
        }
        if (b > rcap[a]) b = rcap[a];
        k = head[a];
      }
      rcap[bridge ^ 1] += b;
      rcap[bridge] -= b;
      for (let k = head[bridge ^ 1]; ; ) {
        const a = parent[k];
        if (a === TERMINAL) {
          trcap[k] -= b;
          if (trcap[k] <= 0) {
            trcap[k] = 0;
            parent[k] = ORPHAN;
            orphans.push(k);
          }
          break;
        }
        rcap[a] += b;
        rcap[a ^ 1] -= b;
        if (rcap[a ^ 1] <= 0) {
          rcap[a ^ 1] = 0;
          parent[k] = ORPHAN;
          orphans.push(k);
        }
        k = head[a];
      }
      for (let k = head[bridge]; ; ) {
        const a = parent[k];
        if (a === TERMINAL) {
          trcap[k] += b;
          if (trcap[k] >= 0) {
            trcap[k] = 0;
            parent[k] = ORPHAN;
            orphans.push(k);
          }
          break;
        }
        rcap[a ^ 1] += b;
        rcap[a] -= b;
        if (rcap[a] <= 0) {
          rcap[a] = 0;
          parent[k] = ORPHAN;
          orphans.push(k);
        }
        k = head[a];
      }
      this.flow += b;
      // Adopt the orphans: a new parent in the same tree whose path reaches the terminal, else free.
      time++;
      while (orphans.length) {
        const o = orphans.pop()!;
        const sink = inSink[o];
        let best = NONE, bestD = Infinity;
        for (let a0 = first[o]; a0 >= 0; a0 = next[a0]) {
          // Source tree: flow must be able to come j → o; sink tree: go o → j.
          if ((sink ? rcap[a0] : rcap[a0 ^ 1]) <= 0) continue;
          let j = head[a0];
          if (inSink[j] !== sink || parent[j] === NONE) continue;
          let d = 0;
          for (;;) {
            if (ts[j] === time) {
              d += dist[j];
              break;
            }
            const a = parent[j];
            d++;
            if (a === TERMINAL) {
              ts[j] = time;
              dist[j] = 1;
              break;
            }
            if (a === ORPHAN) {
              d = Infinity;
              break;
            }
            j = head[a];
          }
          if (d === Infinity) continue;
          if (d < bestD) {
            best = a0;
            bestD = d;
          }
          // Mark the path so later searches stop early.
          for (j = head[a0]; ts[j] !== time; j = head[parent[j]]) {
            ts[j] = time;
            dist[j] = d--;
          }
        }
        parent[o] = best;
        if (best !== NONE) {
          ts[o] = time;
          dist[o] = bestD + 1;
          continue;
        }
        // No parent: o becomes free; its tree neighbours may grow into it again, and its children are orphans.
        for (let a0 = first[o]; a0 >= 0; a0 = next[a0]) {
          const j = head[a0];
          const a = parent[j];
          if (inSink[j] !== sink || a === NONE) continue;
          if ((sink ? rcap[a0] : rcap[a0 ^ 1]) > 0) activate(j);
          if (a !== TERMINAL && a !== ORPHAN && head[a] === o) {
            parent[j] = ORPHAN;
            orphans.push(j);
          }
        }
      }
    }
    this.solved = true;
    return this.flow;
  }
}
