import { KilnError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import type { OperationOptions } from '../core/progress.js';
import type { CalibratedView } from '../geometry/calibrated-view.js';
import { sampleFlow } from './flow-sampler.js';
import type { GuidanceSchedule } from './guidance.js';
import type { MultiViewModel, ViewCondition } from './multiview-model.js';
import { decodeViews } from './view-codec.js';

export interface GenerateViewsOptions extends OperationOptions {
  /** Seed of the initial noise: the same seed, inputs and options give the same views. */
  seed: number;
  /** Sampling steps (default: the manifest's). */
  steps?: number;
  solver?: 'euler' | 'heun';
  /** Guidance schedule (default: the manifest's). */
  guidance?: Partial<GuidanceSchedule>;
}

export const GENERATE_VIEWS_DEFAULTS: GenerateViewsOptions = { seed: 0 };

export interface GeneratedViews {
  /** The views at the model's rig cameras, RGBA + depth. */
  views: CalibratedView[];
  /** The raw sample [views, channels, R, R] in model units. */
  sample: Float32Array;
  steps: number;
  guidance: Partial<GuidanceSchedule>;
}

/**
 * Generates the model's views of an object from a condition image and/or a caption: encodes the
 * condition once, samples with the flow sampler (cond and uncond in one batched run per step,
 * time-space adaptive guidance per view), and decodes the result at the manifest's cameras.
 */
export async function generateViews(model: MultiViewModel, condition: ViewCondition, options: Partial<GenerateViewsOptions> = {}): Promise<GeneratedViews> {
  const o = { ...GENERATE_VIEWS_DEFAULTS, ...options };
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) throw new KilnError('INVALID_INPUT', `generateViews: seed must be a non-negative integer, got ${o.seed}`);
  const m = model.manifest;
  const steps = o.steps ?? m.sampler.steps;
  const guidance = o.guidance ?? m.guidance;
  const context = await model.encode(condition);
  const sample = await sampleFlow((x, t) => model.denoise(x, t, context), model.sampleSize, createRng(o.seed), {
    steps,
    solver: o.solver ?? m.sampler.solver,
    tMin: m.sampler.tMin,
    views: m.rig.views.length,
    guidance,
    signal: o.signal,
    onProgress: o.onProgress,
  });
  return { views: decodeViews(sample, m), sample, steps, guidance };
}
