import { describe, expect, test } from '@jest/globals';
import { pairedDifference } from '../../src/metrics/paired.js';
import { createRng } from '../../src/core/rng.js';

describe('pairedDifference', () => {
  test('a constant shift on widely spread objects is found exactly, with a tight interval', () => {
    const rng = createRng(1);
    const a = Array.from({ length: 60 }, () => rng.range(0.1, 0.9));
    const b = a.map((x) => x + 0.02);
    const r = pairedDifference(a, b);
    expect(r.meanDifference).toBeCloseTo(0.02, 12);
    expect(r.low).toBeCloseTo(0.02, 12);
    expect(r.high).toBeCloseTo(0.02, 12);
    expect(r.better).toBe(60);
    expect(r.worse).toBe(0);
  });

  test('pure noise gives an interval around zero; the same seed gives the same interval', () => {
    const rng = createRng(2);
    const a = Array.from({ length: 200 }, () => rng.uniform());
    const b = Array.from({ length: 200 }, () => rng.uniform());
    const r = pairedDifference(a, b, { seed: 5 });
    expect(r.low).toBeLessThan(r.meanDifference);
    expect(r.high).toBeGreaterThan(r.meanDifference);
    expect(r.low).toBeLessThan(0);
    expect(r.high).toBeGreaterThan(0);
    // The interval's width is about 2 × 1.96 × sd(diff) / √n, with sd(diff) = √(1/6) for two uniforms.
    expect(r.high - r.low).toBeGreaterThan(0.09);
    expect(r.high - r.low).toBeLessThan(0.14);
    expect(pairedDifference(a, b, { seed: 5 })).toEqual(r);
    expect(r.better + r.worse + r.ties).toBe(200);
  });

  test('refuses unpaired or empty input', () => {
    expect(() => pairedDifference([1, 2], [1])).toThrow(/2 scores for A but 1 for B/);
    expect(() => pairedDifference([], [])).toThrow(/no paired scores/);
    expect(() => pairedDifference([1], [NaN])).toThrow(/finite/);
  });
});
