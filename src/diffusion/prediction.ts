import { KilnError } from '../core/errors.js';

/**
 * What a denoiser predicts, for flow matching on x_t = (1 − t)·x₀ + t·ε: the clean sample x₀
 * (`x0`, kiln's own models) or the velocity v = ε − x₀ (`velocity`, as in rectified-flow models).
 * The manifest says which (`parametrisation`); the model wrapper converts to x₀, which is what the
 * sampler and guidance work on.
 */
export const PREDICTION_TYPES = ['x0', 'velocity'] as const;
export type PredictionType = (typeof PREDICTION_TYPES)[number];

/** The denoiser's output tensor for each prediction type. */
export const PREDICTION_OUTPUTS: Readonly<Record<PredictionType, string>> = Object.freeze({ x0: 'x0', velocity: 'v' });

/** x₀ from a prediction of `type` at noisy sample `xt` and time `t` (a new array; `x0` is returned as is). */
export function predictionToX0(type: PredictionType, prediction: Float32Array, xt: Float32Array, t: number): Float32Array {
  if (prediction.length !== xt.length) throw new KilnError('INTERNAL', `predictionToX0: prediction has ${prediction.length} values, the sample ${xt.length}`);
  switch (type) {
    case 'x0':
      return prediction;
    case 'velocity': {
      // x_t = x₀ + t·(ε − x₀) = x₀ + t·v.
      const x0 = new Float32Array(xt.length);
      for (let i = 0; i < xt.length; i++) x0[i] = xt[i] - t * prediction[i];
      return x0;
    }
    default:
      throw new KilnError('INVALID_INPUT', `predictionToX0: unknown prediction type '${String(type)}'`);
  }
}
