import { describe, expect, test } from '@jest/globals';
import { createRng } from '../../src/core/rng.js';
import { KdTree } from '../../src/metrics/kd-tree.js';

function bruteNearest(points: Float32Array, x: number, y: number, z: number): number {
  let best = Infinity;
  for (let i = 0; i < points.length; i += 3) {
    const d = (points[i] - x) ** 2 + (points[i + 1] - y) ** 2 + (points[i + 2] - z) ** 2;
    if (d < best) best = d;
  }
  return best;
}

describe('KdTree', () => {
  test.each([
    ['uniform cloud', (r: ReturnType<typeof createRng>) => r.range(-1, 1)],
    ['clustered cloud', (r: ReturnType<typeof createRng>) => Math.round(r.range(-3, 3)) + r.normal() * 0.01],
  ])('nearest agrees with brute force on a %s', (_name, gen) => {
    const rng = createRng(11);
    const pts = Float32Array.from({ length: 3000 * 3 }, () => gen(rng));
    const tree = new KdTree(pts);
    const d2 = new Float64Array(1);
    for (let q = 0; q < 300; q++) {
      const x = rng.range(-3, 3), y = rng.range(-3, 3), z = rng.range(-3, 3);
      const i = tree.nearest(x, y, z, d2);
      const expected = bruteNearest(pts, x, y, z);
      expect(d2[0]).toBeCloseTo(expected, 9);
      expect((pts[i * 3] - x) ** 2 + (pts[i * 3 + 1] - y) ** 2 + (pts[i * 3 + 2] - z) ** 2).toBeCloseTo(expected, 9);
    }
  });

  test('handles duplicates, grids and a single point', () => {
    const grid = new Float32Array(20 * 20 * 20 * 3);
    let k = 0;
    for (let x = 0; x < 20; x++) for (let y = 0; y < 20; y++) for (let z = 0; z < 20; z++) grid.set([x, y, z], 3 * k++);
    const tree = new KdTree(grid);
    const d2 = new Float64Array(1);
    const i = tree.nearest(7.2, 3.9, 12.4, d2);
    expect(Array.from(grid.subarray(i * 3, i * 3 + 3))).toEqual([7, 4, 12]);
    const same = new KdTree(new Float32Array(3000).fill(0.5));
    same.nearest(0, 0, 0, d2);
    expect(d2[0]).toBeCloseTo(0.75);
    expect(new KdTree(new Float32Array([1, 2, 3])).nearest(0, 0, 0)).toBe(0);
    expect(() => new KdTree(new Float32Array(0))).toThrow(/non-empty/);
  });
});
