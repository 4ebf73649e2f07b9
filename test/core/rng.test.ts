import { describe, expect, test } from '@jest/globals';
import { createRng } from '../../src/core/rng.js';

describe('createRng', () => {
  test('the same seed gives the same sequence bit for bit', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xa = Float64Array.from({ length: 1000 }, () => a.uniform());
    const xb = Float64Array.from({ length: 1000 }, () => b.uniform());
    expect(Buffer.from(xa.buffer).equals(Buffer.from(xb.buffer))).toBe(true);
    const na = createRng('chair-17').fillNormal(new Float32Array(1001));
    const nb = createRng('chair-17').fillNormal(new Float32Array(1001));
    expect(Buffer.from(na.buffer).equals(Buffer.from(nb.buffer))).toBe(true);
  });

  test('nearby seeds give unrelated streams', () => {
    const a = createRng(1);
    const b = createRng(2);
    let same = 0;
    for (let i = 0; i < 1000; i++) if (a.nextUint32() === b.nextUint32()) same++;
    expect(same).toBe(0);
    // First outputs are not correlated across consecutive seeds.
    const firsts = Array.from({ length: 2000 }, (_, s) => createRng(s).uniform());
    const mean = firsts.reduce((x, y) => x + y) / firsts.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.03);
  });

  test('uniform is in [0, 1) with the right moments', () => {
    const r = createRng(7);
    const n = 200000;
    let s = 0, s2 = 0, min = 1, max = 0;
    for (let i = 0; i < n; i++) {
      const x = r.uniform();
      s += x;
      s2 += x * x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(s / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(s2 / n - (s / n) ** 2 - 1 / 12)).toBeLessThan(0.002);
  });

  test('normal has mean 0, variance 1 and Gaussian tails', () => {
    const x = createRng(3).fillNormal(new Float64Array(200000));
    const mean = x.reduce((a, b) => a + b) / x.length;
    const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
    const beyond2 = x.filter((v) => Math.abs(v) > 2).length / x.length; // 4.55 % for a Gaussian
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
    expect(Math.abs(beyond2 - 0.0455)).toBeLessThan(0.004);
  });

  test('int covers its range uniformly; split streams are independent of the parent', () => {
    const r = createRng(9);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60000; i++) counts[r.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(500);
    const child = r.split();
    const parentNext = r.nextUint32();
    expect(child.nextUint32()).not.toBe(parentNext);
    expect(() => r.int(0)).toThrow(/Rng.int/);
    expect(() => createRng(NaN)).toThrow(/createRng/);
  });
});
