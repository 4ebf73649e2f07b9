import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KilnError, describeError } from '../core/errors.js';
import type { RasterImage } from '../core/image.js';
import { createOnnxModel, float32Data, float32Tensor, int64Tensor, type Feeds, type OnnxModel, type OnnxSessionOptions } from '../runtime/onnx.js';
import { Tokenizer, UNK_ID, PAD_ID } from '../text/tokenizer.js';
import { defaultModelDir, loadModelManifest, type ModelManifest } from './model-manifest.js';
import { loadModelCatalogue, type CatalogueObjectName } from './model-objects.js';
import { predictionToX0, PREDICTION_OUTPUTS } from './prediction.js';
import { encodeConditionImage } from './view-codec.js';
import type { GuidedPrediction } from './flow-sampler.js';

/** What a generation is conditioned on: a preprocessed image (square RGBA at the condition size), a caption, or both. */
export interface ViewCondition {
  image?: RasterImage;
  prompt?: string;
}

/**
 * A loaded multi-view model: the manifest, its tokenizer, and the two ONNX sessions (created once,
 * reused for every generation). `encode` runs the condition encoder once per generation for the
 * conditional and the unconditional branch together; `denoise` runs one sampling step for both.
 */
export interface MultiViewModel {
  readonly dir: string;
  readonly manifest: ModelManifest;
  readonly tokenizer: Tokenizer;
  /** The catalogue objects it was trained on, by name (none for a procedural-only model). */
  readonly catalogue: readonly CatalogueObjectName[];
  /** Size of one sample: views × channels × resolution² (channels as the manifest lists them). */
  readonly sampleSize: number;
  encode(condition: ViewCondition): Promise<ConditionEncoding>;
  denoise(x: Float32Array, t: number, condition: ConditionEncoding): Promise<GuidedPrediction>;
  dispose(): Promise<void>;
}

/**
 * A condition, encoded once per generation for the conditional and the unconditional branch
 * together (batch of two): the context tokens, and the condition image itself for models whose
 * denoiser also sees it pixel by pixel (zeros in the unconditional half, or without an image).
 */
export interface ConditionEncoding {
  context: Float32Array;
  image: Float32Array;
}

export interface LoadMultiViewModelOptions extends Partial<OnnxSessionOptions> {
  /** Check files against their sha256 (default true). */
  verify?: boolean;
}

/** Token ids for a prompt, refusing empty prompts and prompts the model has no word of. */
export function promptTokens(tokenizer: Tokenizer, prompt: string, length: number): Int32Array {
  const text = prompt.trim();
  if (!text) throw new KilnError('INVALID_INPUT', 'prompt is empty');
  const ids = tokenizer.tokenIds(text);
  if (!ids.some((id) => id !== UNK_ID)) {
    throw new KilnError('INVALID_INPUT', `the model knows none of the words in "${text}"; it was trained on captions such as "a red wooden chair" or "一个蓝色的花瓶"`);
  }
  return tokenizer.encode(text, length);
}

/**
 * A model's tokenizer (multi-view or text → image), from the vocabulary its manifest names. The
 * server checks prompts with it before queuing a job, without loading the ONNX sessions.
 */
export async function loadModelTokenizer(dir: string, manifest: { files: { vocab: { path: string } } }): Promise<Tokenizer> {
  const path = join(dir, manifest.files.vocab.path);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new KilnError('INVALID_INPUT', `loadModelTokenizer: cannot read ${path} (${describeError(err)})`, { cause: err });
  }
  return Tokenizer.fromJSON(json);
}

/**
 * Loads the model folder `dir` (default: the embedded model): validates the manifest and files,
 * creates the sessions and the tokenizer.
 */
export async function loadMultiViewModel(dir: string = defaultModelDir(), options: LoadMultiViewModelOptions = {}): Promise<MultiViewModel> {
  const manifest = await loadModelManifest(dir, { verify: options.verify ?? true });
  const tokenizer = await loadModelTokenizer(dir, manifest);
  const catalogue = await loadModelCatalogue(dir, manifest);
  const sessionOptions: Partial<OnnxSessionOptions> = {};
  if (options.threads !== undefined) sessionOptions.threads = options.threads;
  if (options.executionProvider !== undefined) sessionOptions.executionProvider = options.executionProvider;
  const encoder: OnnxModel = await createOnnxModel(join(dir, manifest.files.encoder.path), sessionOptions);
  const denoiser: OnnxModel = await createOnnxModel(join(dir, manifest.files.denoiser.path), sessionOptions);
  const r = manifest.resolution;
  const views = manifest.rig.views.length;
  const s = manifest.condition.size;
  const L = manifest.text.length;
  const channels = manifest.channels.length;
  const sampleSize = views * channels * r * r;
  const prediction = PREDICTION_OUTPUTS[manifest.parametrisation];
  const contextShape = manifest.io.encoder.outputs.context.shape.slice(1).map(Number);
  // Models that condition the denoiser on the image pixels too declare it as a denoiser input.
  const pixelCondition = 'image' in manifest.io.denoiser.inputs;
  return {
    dir,
    manifest,
    tokenizer,
    catalogue,
    sampleSize,
    async encode(condition) {
      if (!condition.image && condition.prompt === undefined) throw new KilnError('INVALID_INPUT', 'generateViews: give an image, a prompt, or both');
      const image = new Float32Array(2 * 4 * s * s);
      const mask = new Float32Array(2);
      if (condition.image) {
        image.set(encodeConditionImage(condition.image, s));
        mask[0] = 1;
      }
      const tokens = new Int32Array(2 * L).fill(PAD_ID);
      if (condition.prompt !== undefined) tokens.set(promptTokens(tokenizer, condition.prompt, L));
      const out = await encoder.run({
        image: float32Tensor(image, [2, 4, s, s]),
        image_mask: float32Tensor(mask, [2]),
        tokens: int64Tensor(tokens, [2, L]),
      });
      const context = out.context;
      if (context.dims.slice(1).some((d, i) => d !== contextShape[i])) throw new KilnError('INTERNAL', `MultiViewModel.encode: context has shape [${context.dims.join(', ')}], the manifest says [batch, ${contextShape.join(', ')}]`);
      return { context: float32Data(context, 'context'), image };
    },
    async denoise(x, t, condition) {
      if (x.length !== sampleSize) throw new KilnError('INVALID_INPUT', `MultiViewModel.denoise: x has ${x.length} values, expected ${sampleSize}`);
      const both = new Float32Array(2 * sampleSize);
      both.set(x);
      both.set(x, sampleSize);
      const feeds: Feeds = {
        x: float32Tensor(both, [2, views, channels, r, r]),
        t: float32Tensor(new Float32Array([t, t]), [2]),
        context: float32Tensor(condition.context, [2, ...contextShape]),
      };
      if (pixelCondition) feeds.image = float32Tensor(condition.image, [2, 4, s, s]);
      const out = await denoiser.run(feeds);
      // The sampler works on x₀; a model that predicts something else is converted here.
      const x0 = predictionToX0(manifest.parametrisation, float32Data(out[prediction], prediction), both, t);
      return { cond: x0.slice(0, sampleSize), uncond: x0.slice(sampleSize) };
    },
    async dispose() {
      await encoder.dispose();
      await denoiser.dispose();
    },
  };
}
