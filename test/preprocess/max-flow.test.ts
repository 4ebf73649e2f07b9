import { describe, expect, test } from '@jest/globals';
import { createRng } from '../../src/core/rng.js';
import { MaxFlowGraph } from '../../src/preprocess/max-flow.js';

/** Edmonds–Karp on a dense capacity matrix with explicit source s = n and sink t = n + 1: the reference. */
function referenceMaxFlow(n: number, cap: number[][]): number {
  const N = n + 2, s = n, t = n + 1;
  const r = cap.map((row) => row.slice());
  let flow = 0;
  for (;;) {
    const prev = new Array<number>(N).fill(-1);
    prev[s] = s;
    const queue = [s];
    while (queue.length && prev[t] < 0) {
      const u = queue.shift()!;
      for (let v = 0; v < N; v++) if (prev[v] < 0 && r[u][v] > 1e-12) { prev[v] = u; queue.push(v); }
    }
    if (prev[t] < 0) return flow;
    let b = Infinity;
    for (let v = t; v !== s; v = prev[v]) b = Math.min(b, r[prev[v]][v]);
    for (let v = t; v !== s; v = prev[v]) { r[prev[v]][v] -= b; r[v][prev[v]] += b; }
    flow += b;
  }
}

describe('MaxFlowGraph (Boykov–Kolmogorov)', () => {
  test('a textbook graph: max flow 23 and the cut that carries it', () => {
    // CLRS figure 26.1 with s → 0/1 and 2/3 → t as terminal weights; its min cut is 23.
    const g = new MaxFlowGraph(4);
    g.addTerminalWeights(0, 16, 0);
    g.addTerminalWeights(1, 13, 0);
    g.addEdge(0, 2, 12);
    g.addEdge(1, 0, 4);
    g.addEdge(2, 1, 9);
    g.addEdge(1, 3, 14);
    g.addEdge(3, 2, 7);
    g.addTerminalWeights(2, 0, 20);
    g.addTerminalWeights(3, 0, 4);
    expect(g.maxFlow()).toBeCloseTo(23, 9);
    // The min cut {s, 0, 1, 3} | {2, t}: 12 + 7 + 4 = 23.
    expect([0, 1, 2, 3].map((i) => g.isSource(i))).toEqual([true, true, false, true]);
  });

  test('a chain is cut where it is cheapest; both terminal weights on one node count their common part', () => {
    const g = new MaxFlowGraph(5);
    g.addTerminalWeights(0, 10, 0);
    g.addTerminalWeights(4, 0, 10);
    const links = [7, 3, 5, 9];
    links.forEach((c, i) => g.addEdge(i, i + 1, c));
    g.addTerminalWeights(2, 2, 1.5); // a direct s → 2 → t path carrying 1.5
    expect(g.maxFlow()).toBeCloseTo(3 + 1.5 + 0.5, 9);
    // Cutting 1 → 2 (3) and s → 2 (2) costs 5; keeping 2 with the source would cost 2 → 3 and 2 → t, 6.5.
    expect([0, 1, 2, 3, 4].map((i) => g.isSource(i))).toEqual([true, true, false, false, false]);
  });

  test('matches Edmonds–Karp on random graphs, and the source side is a cut of that capacity', () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 60; trial++) {
      const n = 3 + Math.floor(rng.uniform() * 12);
      const cap = Array.from({ length: n + 2 }, () => new Array<number>(n + 2).fill(0));
      const g = new MaxFlowGraph(n, 4);
      for (let i = 0; i < n; i++) {
        const s = rng.uniform() < 0.5 ? Math.floor(rng.uniform() * 10) : 0, t = rng.uniform() < 0.5 ? Math.floor(rng.uniform() * 10) : 0;
        g.addTerminalWeights(i, s, t);
        cap[n][i] += s;
        cap[i][n + 1] += t;
      }
      for (let e = 0; e < n * 3; e++) {
        const u = Math.floor(rng.uniform() * n), v = Math.floor(rng.uniform() * n);
        if (u === v) continue;
        const c = Math.floor(rng.uniform() * 8), rc = rng.uniform() < 0.5 ? Math.floor(rng.uniform() * 8) : 0;
        g.addEdge(u, v, c, rc);
        cap[u][v] += c;
        cap[v][u] += rc;
      }
      const want = referenceMaxFlow(n, cap);
      expect(g.maxFlow()).toBeCloseTo(want, 6);
      const side = (i: number) => (i === n ? true : i === n + 1 ? false : g.isSource(i));
      let cut = 0;
      for (let u = 0; u < n + 2; u++) for (let v = 0; v < n + 2; v++) if (side(u) && !side(v)) cut += cap[u][v];
      expect(cut).toBeCloseTo(want, 6);
    }
  });

  test('a grid graph (as image segmentation builds) is solved and cut where the links are weak', () => {
    const w = 60, h = 40, g = new MaxFlowGraph(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        // Left third prefers the source, right third the sink; a weak seam at x = 30.
        if (x < 20) g.addTerminalWeights(i, 5, 0);
        if (x >= 40) g.addTerminalWeights(i, 0, 5);
        if (x + 1 < w) g.addEdge(i, i + 1, x === 29 ? 0.5 : 4, x === 29 ? 0.5 : 4);
        if (y + 1 < h) g.addEdge(i, i + w, 4, 4);
      }
    }
    expect(g.maxFlow()).toBeCloseTo(h * 0.5, 6);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) expect(g.isSource(y * w + x)).toBe(x < 30);
  });

  test('bad input is refused naming the operation', () => {
    const g = new MaxFlowGraph(2);
    expect(() => g.addEdge(0, 2, 1)).toThrow(/^maxFlow: node 2/);
    expect(() => g.addEdge(0, 1, -1)).toThrow(/^maxFlow: capacities/);
    expect(() => g.addTerminalWeights(0, NaN, 0)).toThrow(/^maxFlow: capacities/);
    expect(() => g.isSource(0)).toThrow(/^maxFlow: call maxFlow/);
  });
});
