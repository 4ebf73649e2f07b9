import { describe, expect, it } from '@jest/globals';
import { createRng } from '../../src/core/rng.js';
import { flowTimesteps, sampleFlow, type XPredictionModel } from '../../src/diffusion/flow-sampler.js';
import { guidanceWeight, hunyuanLiteTimeFactor } from '../../src/diffusion/guidance.js';

/** The exact x₀-predictor for data ~ N(mu, sigma²) per value under x_t = (1 − t)x₀ + tε. */
function gaussianModel(mu: number, sigma: number): XPredictionModel {
  return async (x, t) => {
    const a = 1 - t;
    const gain = (a * sigma * sigma) / (a * a * sigma * sigma + t * t);
    const pred = x.map((xi) => mu + gain * (xi - a * mu));
    return { cond: pred, uncond: pred };
  };
}

function stats(x: Float32Array): { mean: number; std: number } {
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  const std = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length);
  return { mean, std };
}

describe('time-space adaptive guidance', () => {
  it('gives the documented weights for each preset', () => {
    expect(guidanceWeight({ preset: 'none' }, 0.7, 2)).toBe(1);
    expect(guidanceWeight({ preset: 'constant', scale: 4.5 }, 0.1, 5)).toBe(4.5);
    // Hunyuan3D-1 lite: w = S_v · (2 + 16 t⁵)/3 with S = 3, 2.5, 2, 1.5, 2, 2.5.
    expect(guidanceWeight({ preset: 'hunyuan-lite' }, 1, 0)).toBeCloseTo(18, 10);
    expect(guidanceWeight({ preset: 'hunyuan-lite' }, 0, 3)).toBeCloseTo(1, 10);
    expect(guidanceWeight({ preset: 'hunyuan-lite' }, 0.5, 1)).toBeCloseTo(2.5 * ((2 + 16 / 32) / 3), 10);
    // interval: the scale inside (0.22, 0.84], no guidance at the noisiest and the cleanest steps
    expect(guidanceWeight({ preset: 'interval', scale: 4 }, 1, 0)).toBe(1);
    expect(guidanceWeight({ preset: 'interval', scale: 4 }, 0.85, 2)).toBe(1);
    expect(guidanceWeight({ preset: 'interval', scale: 4 }, 0.84, 2)).toBe(4);
    expect(guidanceWeight({ preset: 'interval', scale: 4 }, 0.5, 5)).toBe(4);
    expect(guidanceWeight({ preset: 'interval', scale: 4 }, 0.22, 0)).toBe(1);
    expect(guidanceWeight({ preset: 'interval', scale: 4 }, 0, 0)).toBe(1);
    expect(hunyuanLiteTimeFactor(0)).toBeCloseTo(2 / 3, 12);
    // adaptive: lite's shape with its peak (input view, t = 1) moved to `scale`.
    expect(guidanceWeight({ preset: 'adaptive', scale: 4 }, 1, 0)).toBeCloseTo(4, 10);
    expect(guidanceWeight({ preset: 'adaptive', scale: 4 }, 0, 3)).toBeCloseTo(1 + 3 * 0.5 * (1 / 9), 10);
    expect(guidanceWeight({ preset: 'adaptive', scale: 1 }, 0.6, 2)).toBe(1);
    expect(() => guidanceWeight({ preset: 'constant' }, 1.5, 0)).toThrow(/t must be in/);
    expect(() => guidanceWeight({ preset: 'loud' as never }, 0.5, 0)).toThrow(/unknown preset/);
  });
});

describe('flow-matching sampler', () => {
  it('turns noise into the data distribution of an exact Gaussian denoiser (Heun)', async () => {
    const x = await sampleFlow(gaussianModel(1.5, 0.4), 6000, createRng(1), { steps: 30, solver: 'heun', views: 1, guidance: { preset: 'none' } });
    const s = stats(x);
    expect(s.mean).toBeCloseTo(1.5, 1);
    expect(Math.abs(s.std - 0.4) / 0.4).toBeLessThan(0.05);
  });

  it('is more accurate with Heun than with Euler at few steps', async () => {
    const run = async (solver: 'euler' | 'heun') =>
      Math.abs(stats(await sampleFlow(gaussianModel(0, 0.5), 4000, createRng(2), { steps: 6, solver, views: 1, guidance: { preset: 'none' } })).std - 0.5);
    expect(await run('heun')).toBeLessThan(await run('euler'));
  });

  it('blends conditional and unconditional predictions per view with the schedule', async () => {
    const views = 6;
    const model: XPredictionModel = async (x) => ({ cond: new Float32Array(x.length).fill(1), uncond: new Float32Array(x.length).fill(0) });
    const x = await sampleFlow(model, views * 4, createRng(3), { steps: 10, views, guidance: { preset: 'hunyuan-lite' }, tMin: 0.05 });
    // The last step lands on the guided prediction at t = tMin: 0 + w(tMin, v)·(1 − 0).
    for (let v = 0; v < views; v++) expect(x[v * 4]).toBeCloseTo(guidanceWeight({ preset: 'hunyuan-lite' }, 0.05, v), 5);
  });

  it('is reproducible from a seed, reports progress per step, and stops when cancelled', async () => {
    const model = gaussianModel(0, 1);
    const a = await sampleFlow(model, 60, createRng(9), { steps: 5 });
    const b = await sampleFlow(model, 60, createRng(9), { steps: 5 });
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    const fractions: number[] = [];
    await sampleFlow(model, 60, createRng(9), { steps: 5, onProgress: (e) => fractions.push(e.fraction) });
    expect(fractions).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    const controller = new AbortController();
    const run = sampleFlow(model, 60, createRng(9), { steps: 5, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toThrow(/cancelled/);
    await expect(sampleFlow(model, 61, createRng(9), { views: 6 })).rejects.toThrow(/multiple of views/);
    flowTimesteps(3, 0.1).forEach((t, i) => expect(t).toBeCloseTo([1, 0.55, 0.1, 0][i], 12));
  });
});
