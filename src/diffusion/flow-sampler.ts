import { KilnError } from '../core/errors.js';
import { throwIfAborted, type OperationOptions } from '../core/progress.js';
import type { Rng } from '../core/rng.js';
import { GUIDANCE_DEFAULTS, guidanceWeight, type GuidanceSchedule } from './guidance.js';

/**
 * Flow-matching sampling for a model that predicts clean data (x-prediction). The forward process
 * is the straight path x_t = (1 − t)·x₀ + t·ε, t from 1 (noise) to 0 (data), whose velocity is
 * v = ε − x₀ = (x_t − x₀)/t; the sampler integrates dx/dt = v from t = 1 to 0 with Euler or Heun
 * steps. The model is called once per step with the conditional and unconditional predictions
 * computed together (one batched run), and the two are blended per view by the guidance schedule.
 */
export interface GuidedPrediction {
  cond: Float32Array;
  uncond: Float32Array;
}

/** Predicts x₀ from x_t at time t, conditionally and unconditionally, in one call. */
export type XPredictionModel = (x: Float32Array, t: number) => Promise<GuidedPrediction>;

export interface FlowSamplerOptions extends OperationOptions {
  steps: number;
  solver: 'euler' | 'heun';
  /** The data is `views` equal chunks (e.g. [views, C, H, W]); guidance weights differ per chunk. */
  views: number;
  guidance: Partial<GuidanceSchedule>;
  /**
   * Smallest t at which the velocity is formed from an x₀ prediction; the last step jumps from there
   * straight to the prediction (v = (x_t − x₀)/t is singular at t = 0).
   */
  tMin: number;
  /** The stage progress events name (a pipeline samples twice in text → 3D through an image). */
  stage: string;
}

export const FLOW_SAMPLER_DEFAULTS: FlowSamplerOptions = { steps: 25, solver: 'euler', views: 6, guidance: GUIDANCE_DEFAULTS, tMin: 0.02, stage: 'diffusion' };

/** Time grid from 1 to tMin, uniform, then 0. */
export function flowTimesteps(steps: number, tMin: number): number[] {
  const ts: number[] = [];
  for (let i = 0; i < steps; i++) ts.push(1 - (i * (1 - tMin)) / Math.max(1, steps - 1));
  ts.push(0);
  return ts;
}

/** Blends a conditional and an unconditional prediction view by view. */
export function applyGuidance(p: GuidedPrediction, t: number, views: number, guidance: Partial<GuidanceSchedule>): Float32Array {
  const out = new Float32Array(p.cond.length);
  const chunk = p.cond.length / views;
  for (let v = 0; v < views; v++) {
    const w = guidanceWeight(guidance, t, v, views);
    for (let i = v * chunk; i < (v + 1) * chunk; i++) out[i] = p.uncond[i] + w * (p.cond[i] - p.uncond[i]);
  }
  return out;
}

/**
 * Samples from pure Gaussian noise (drawn from `rng`, so a seed fixes the result) down to data.
 * Cancellation is checked between steps; progress is reported after each one.
 */
export async function sampleFlow(model: XPredictionModel, size: number, rng: Rng, options: Partial<FlowSamplerOptions> = {}): Promise<Float32Array> {
  const o = { ...FLOW_SAMPLER_DEFAULTS, ...options };
  if (!(Number.isInteger(o.steps) && o.steps >= 1)) throw new KilnError('INVALID_INPUT', `sampleFlow: steps must be a positive integer, got ${o.steps}`);
  if (!(Number.isInteger(size) && size > 0 && size % o.views === 0)) throw new KilnError('INVALID_INPUT', `sampleFlow: size ${size} is not a positive multiple of views (${o.views})`);
  const x = rng.fillNormal(new Float32Array(size));
  const ts = flowTimesteps(o.steps, o.tMin);
  const velocity = async (xt: Float32Array, t: number): Promise<{ v: Float32Array; x0: Float32Array }> => {
    const x0 = applyGuidance(await model(xt, t), t, o.views, o.guidance);
    const v = new Float32Array(size);
    for (let i = 0; i < size; i++) v[i] = (xt[i] - x0[i]) / t;
    return { v, x0 };
  };
  for (let k = 0; k < o.steps; k++) {
    throwIfAborted(o.signal, 'sampleFlow');
    const t = ts[k], next = ts[k + 1];
    const { v, x0 } = await velocity(x, t);
    if (next === 0) {
      x.set(x0);
    } else if (o.solver === 'heun') {
      const xe = new Float32Array(size);
      for (let i = 0; i < size; i++) xe[i] = x[i] + (next - t) * v[i];
      const { v: v2 } = await velocity(xe, next);
      for (let i = 0; i < size; i++) x[i] += (next - t) * 0.5 * (v[i] + v2[i]);
    } else {
      for (let i = 0; i < size; i++) x[i] += (next - t) * v[i];
    }
    o.onProgress?.({ stage: o.stage, fraction: (k + 1) / o.steps, message: `step ${k + 1}/${o.steps}` });
  }
  return x;
}
