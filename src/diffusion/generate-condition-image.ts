import { KilnError } from '../core/errors.js';
import type { RasterImage } from '../core/image.js';
import type { OperationOptions } from '../core/progress.js';
import { createRng } from '../core/rng.js';
import { sampleFlow } from './flow-sampler.js';
import type { TextToImageModel } from './text-to-image-model.js';
import { decodeConditionImage } from './view-codec.js';

/** The progress stage of drawing the condition image from a caption. */
export const TEXT_TO_IMAGE_STAGE = 'text-to-image';

export interface GenerateConditionImageOptions extends OperationOptions {
  /** Seed of the initial noise: the same seed, caption and options give the same image. */
  seed: number;
  /** Sampling steps (default: the manifest's). */
  steps?: number;
  /** Classifier-free guidance weight on the caption, constant over the steps (default: the manifest's). */
  guidanceScale?: number;
}

export const GENERATE_CONDITION_IMAGE_DEFAULTS: GenerateConditionImageOptions = { seed: 0 };

export interface GeneratedConditionImage {
  /** The drawn image: RGBA, straight alpha, at the model's resolution, framed as a cropped photo. */
  image: RasterImage;
  /** The raw sample [4, R, R] in model units. */
  sample: Float32Array;
  steps: number;
  guidance: { preset: 'constant'; scale: number };
}

/**
 * Draws the condition image of the object a caption describes (English or Chinese): encodes the
 * caption and the empty caption once, samples with the flow sampler (both in one batched run per
 * step, constant guidance on the caption), and decodes the result to an RGBA image. Progress is
 * reported as the `text-to-image` stage.
 */
export async function generateConditionImage(model: TextToImageModel, prompt: string, options: Partial<GenerateConditionImageOptions> = {}): Promise<GeneratedConditionImage> {
  const o = { ...GENERATE_CONDITION_IMAGE_DEFAULTS, ...options };
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) throw new KilnError('INVALID_INPUT', `generateConditionImage: seed must be a non-negative integer, got ${o.seed}`);
  const m = model.manifest;
  const steps = o.steps ?? m.sampler.steps;
  const guidance = { preset: 'constant' as const, scale: o.guidanceScale ?? m.guidance.scale };
  const context = await model.encode(prompt);
  const sample = await sampleFlow((x, t) => model.denoise(x, t, context), model.sampleSize, createRng(o.seed), {
    steps,
    solver: m.sampler.solver,
    tMin: m.sampler.tMin,
    views: 1,
    guidance,
    stage: TEXT_TO_IMAGE_STAGE,
    signal: o.signal,
    onProgress: o.onProgress,
  });
  return { image: decodeConditionImage(sample, m.resolution), sample, steps, guidance };
}
