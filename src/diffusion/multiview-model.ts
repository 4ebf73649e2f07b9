import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { KilnError } from '../core/errors.js';
import type { RasterImage } from '../core/image.js';
import { createOnnxModel, type OnnxModel, type OnnxSessionOptions } from '../runtime/onnx.js';
import { Tokenizer, UNK_ID, PAD_ID } from '../text/tokenizer.js';
import { defaultModelDir, loadModelManifest, type ModelManifest } from './model-manifest.js';
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
  /** Size of one sample: views × 5 × resolution². */
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
 * Loads the model folder `dir` (default: the embedded model): validates the manifest and files,
 * creates the sessions and the tokenizer.
 */
export async function loadMultiViewModel(dir: string = defaultModelDir(), options: LoadMultiViewModelOptions = {}): Promise<MultiViewModel> {
  const manifest = await loadModelManifest(dir, { verify: options.verify ?? true });
  const tokenizer = Tokenizer.fromJSON(JSON.parse(await readFile(join(dir, manifest.files.vocab.path), 'utf8')));
  const sessionOptions: Partial<OnnxSessionOptions> = {};
  if (options.threads !== undefined) sessionOptions.threads = options.threads;
  if (options.executionProvider !== undefined) sessionOptions.executionProvider = options.executionProvider;
  const encoder: OnnxModel = await createOnnxModel(join(dir, manifest.files.encoder.path), sessionOptions);
  const denoiser: OnnxModel = await createOnnxModel(join(dir, manifest.files.denoiser.path), sessionOptions);
  const r = manifest.resolution;
  const views = manifest.rig.views.length;
  const s = manifest.condition.size;
  const L = manifest.text.length;
  const sampleSize = views * 5 * r * r;
  const contextShape = manifest.io.encoder.outputs.context.shape.slice(1).map(Number);
  // Models that condition the denoiser on the image pixels too declare it as a denoiser input.
  const pixelCondition = 'image' in manifest.io.denoiser.inputs;
  return {
    dir,
    manifest,
    tokenizer,
    sampleSize,
    async encode(condition) {
      if (!condition.image && condition.prompt === undefined) throw new KilnError('INVALID_INPUT', 'generateViews: give an image, a prompt, or both');
      const image = new Float32Array(2 * 4 * s * s);
      const mask = new Float32Array(2);
      if (condition.image) {
        image.set(encodeConditionImage(condition.image, s));
        mask[0] = 1;
      }
      const tokens = new BigInt64Array(2 * L).fill(BigInt(PAD_ID));
      if (condition.prompt !== undefined) {
        const ids = promptTokens(tokenizer, condition.prompt, L);
        for (let i = 0; i < L; i++) tokens[i] = BigInt(ids[i]);
      }
      const out = await encoder.run({
        image: new ort.Tensor('float32', image, [2, 4, s, s]),
        image_mask: new ort.Tensor('float32', mask, [2]),
        tokens: new ort.Tensor('int64', tokens, [2, L]),
      });
      const context = out.context;
      if (context.dims.slice(1).some((d, i) => d !== contextShape[i])) throw new KilnError('INTERNAL', `MultiViewModel.encode: context has shape [${context.dims.join(', ')}], the manifest says [batch, ${contextShape.join(', ')}]`);
      return { context: context.data as Float32Array, image };
    },
    async denoise(x, t, condition) {
      if (x.length !== sampleSize) throw new KilnError('INVALID_INPUT', `MultiViewModel.denoise: x has ${x.length} values, expected ${sampleSize}`);
      const both = new Float32Array(2 * sampleSize);
      both.set(x);
      both.set(x, sampleSize);
      const feeds: Record<string, ort.Tensor> = {
        x: new ort.Tensor('float32', both, [2, views, 5, r, r]),
        t: new ort.Tensor('float32', new Float32Array([t, t]), [2]),
        context: new ort.Tensor('float32', condition.context, [2, ...contextShape]),
      };
      if (pixelCondition) feeds.image = new ort.Tensor('float32', condition.image, [2, 4, s, s]);
      const out = await denoiser.run(feeds);
      const x0 = out.x0.data as Float32Array;
      return { cond: x0.slice(0, sampleSize), uncond: x0.slice(sampleSize) };
    },
    async dispose() {
      await encoder.dispose();
      await denoiser.dispose();
    },
  };
}
