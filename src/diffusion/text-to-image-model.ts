import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KilnError } from '../core/errors.js';
import { createOnnxModel, float32Data, float32Tensor, int64Tensor, type OnnxModel, type OnnxSessionOptions } from '../runtime/onnx.js';
import { PAD_ID, type Tokenizer } from '../text/tokenizer.js';
import type { GuidedPrediction } from './flow-sampler.js';
import { defaultTextToImageModelDir } from './model-manifest.js';
import { loadModelCatalogue, type CatalogueObjectName } from './model-objects.js';
import { loadModelTokenizer, promptTokens, type LoadMultiViewModelOptions } from './multiview-model.js';
import { predictionToX0, PREDICTION_OUTPUTS } from './prediction.js';
import { loadTextToImageManifest, type TextToImageManifest } from './text-to-image-manifest.js';

/**
 * A loaded text → image model: the manifest, its tokenizer and the two ONNX sessions (created once,
 * reused for every generation). `encode` runs the caption encoder once per generation for the
 * caption and the empty caption (all [PAD], the unconditional branch of guidance) together;
 * `denoise` runs one sampling step for both.
 */
export interface TextToImageModel {
  readonly dir: string;
  readonly manifest: TextToImageManifest;
  readonly tokenizer: Tokenizer;
  /** The catalogue objects it was trained on, by name (none for a procedural-only model). */
  readonly catalogue: readonly CatalogueObjectName[];
  /** Size of one sample: 4 channels × resolution². */
  readonly sampleSize: number;
  /** The caption's context and the empty caption's, as one batch of two. */
  encode(prompt: string): Promise<Float32Array>;
  denoise(x: Float32Array, t: number, context: Float32Array): Promise<GuidedPrediction>;
  dispose(): Promise<void>;
}

/**
 * Loads the text → image model in `dir` (default: the embedded one): validates the manifest and its
 * files, creates the sessions and the tokenizer. A missing folder or manifest is `NOT_FOUND`.
 */
export async function loadTextToImageModel(dir: string = defaultTextToImageModelDir(), options: LoadMultiViewModelOptions = {}): Promise<TextToImageModel> {
  const manifest = await loadTextToImageManifest(dir, { verify: options.verify ?? true });
  const tokenizer = await loadModelTokenizer(dir, manifest);
  const catalogue = await loadModelCatalogue(dir, manifest);
  const sessionOptions: Partial<OnnxSessionOptions> = {};
  if (options.threads !== undefined) sessionOptions.threads = options.threads;
  if (options.executionProvider !== undefined) sessionOptions.executionProvider = options.executionProvider;
  const encoder: OnnxModel = await createOnnxModel(join(dir, manifest.files.encoder.path), sessionOptions);
  const denoiser: OnnxModel = await createOnnxModel(join(dir, manifest.files.denoiser.path), sessionOptions);
  const r = manifest.resolution;
  const L = manifest.text.length;
  const sampleSize = 4 * r * r;
  const prediction = PREDICTION_OUTPUTS[manifest.parametrisation];
  const contextShape = manifest.io.encoder.outputs.context.shape.slice(1).map(Number);
  return {
    dir,
    manifest,
    tokenizer,
    catalogue,
    sampleSize,
    async encode(prompt) {
      const tokens = new Int32Array(2 * L).fill(PAD_ID);
      tokens.set(promptTokens(tokenizer, prompt, L));
      const out = await encoder.run({ tokens: int64Tensor(tokens, [2, L]) });
      const context = out.context;
      if (context.dims.slice(1).some((d, i) => d !== contextShape[i])) throw new KilnError('INTERNAL', `TextToImageModel.encode: context has shape [${context.dims.join(', ')}], the manifest says [batch, ${contextShape.join(', ')}]`);
      return float32Data(context, 'context');
    },
    async denoise(x, t, context) {
      if (x.length !== sampleSize) throw new KilnError('INVALID_INPUT', `TextToImageModel.denoise: x has ${x.length} values, expected ${sampleSize}`);
      const both = new Float32Array(2 * sampleSize);
      both.set(x);
      both.set(x, sampleSize);
      const out = await denoiser.run({
        x: float32Tensor(both, [2, 4, r, r]),
        t: float32Tensor(new Float32Array([t, t]), [2]),
        context: float32Tensor(context, [2, ...contextShape]),
      });
      const x0 = predictionToX0(manifest.parametrisation, float32Data(out[prediction], prediction), both, t);
      return { cond: x0.slice(0, sampleSize), uncond: x0.slice(sampleSize) };
    },
    async dispose() {
      await encoder.dispose();
      await denoiser.dispose();
    },
  };
}

/**
 * The text → image model text → 3D should use: the one in `dir` when given (it must load), else the
 * embedded one if its folder exists, else none, and text → 3D lets the multi-view model read the
 * caption itself. The one place that decides whether the embedded model is there.
 */
export async function loadTextToImageModelIfPresent(dir?: string, options: LoadMultiViewModelOptions = {}): Promise<TextToImageModel | undefined> {
  if (dir !== undefined) return loadTextToImageModel(dir, options);
  return (await textToImageManifestIfPresent()) ? loadTextToImageModel(defaultTextToImageModelDir(), options) : undefined;
}

/**
 * The manifest of the text → image model in `dir` (it must be there), or of the embedded one when it
 * is present (else undefined), without creating sessions: for resolving a request's defaults and
 * checking its prompt before any work.
 */
export async function textToImageManifestIfPresent(dir?: string): Promise<TextToImageManifest | undefined> {
  if (dir !== undefined) return loadTextToImageManifest(dir, { verify: false });
  // Absent is a state (not trained yet), not an error; a folder that is there but broken still fails.
  if (!existsSync(join(defaultTextToImageModelDir(), 'manifest.json'))) return undefined;
  return loadTextToImageManifest(defaultTextToImageModelDir(), { verify: false });
}
