import { KilnError } from '../core/errors.js';
import type { RasterImage } from '../core/image.js';
import type { OperationOptions } from '../core/progress.js';
import { generateConditionImage, type GeneratedConditionImage } from '../diffusion/generate-condition-image.js';
import type { ModelManifest } from '../diffusion/model-manifest.js';
import type { MultiViewModel } from '../diffusion/multiview-model.js';
import type { TextToImageModel } from '../diffusion/text-to-image-model.js';
import { preprocessImage, type PreprocessedImage } from '../preprocess/preprocess-image.js';
import { promptVocabularyOf } from './prompt-reader.js';
import { requireKnownObject } from '../text/understand-prompt.js';
import { generateFromCondition } from './generate-from-condition.js';
import { completeTextToImageOptions, GENERATION_DEFAULTS } from './generation-options.js';
import { pipelineProgress, timed, type GenerationOptions, type GenerationResult, type TextToImageOptions } from './generation.js';

/**
 * Text prompt (English or Chinese) → textured mesh. With a text → image model
 * (`options.textToImageModel`), as Hunyuan3D-1 does it: the model draws the object's condition
 * image from the caption, and that image goes through image → 3D (six views, reconstruction, a
 * texture that also uses the drawing); the drawing is the result's `drawnCondition`, handed to
 * `onCondition` as soon as it exists. Without one, the multi-view model reads the caption itself.
 * A prompt that names no object the reading model knows fails at once (`UNKNOWN_WORDS`) with a
 * message naming the words it did not understand. `seed` fixes both samplings.
 */
export async function textTo3D(model: MultiViewModel, prompt: string, options: Partial<GenerationOptions> = {}): Promise<GenerationResult> {
  if (!prompt.trim()) throw new KilnError('INVALID_INPUT', 'textTo3D: the prompt is empty');
  const t2i = options.textToImageModel;
  if (!t2i && options.textToImage && Object.values(options.textToImage).some((v) => v !== undefined)) {
    throw new KilnError('INVALID_INPUT', 'textTo3D: text → image options (t2iSteps, t2iCfgScale) need a text → image model, and none is loaded');
  }
  const text = prompt.trim();
  requireKnownObject(text, promptVocabularyOf(t2i ?? model), 'promptVocabularyOf(model).objects', 'textTo3D');
  const timings: Record<string, number> = {};
  if (!t2i) {
    const progress = pipelineProgress(options.onProgress, ['diffusion', 'reconstruct', 'unwrap', 'texture']);
    const result = await generateFromCondition(model, { prompt: text }, options, timings, progress);
    return { ...result, prompt: text };
  }
  const progress = pipelineProgress(options.onProgress, ['text-to-image', 'diffusion', 'reconstruct', 'unwrap', 'texture']);
  const sampling = completeTextToImageOptions(options.textToImage, t2i.manifest, options.fast);
  const { drawn, input } = await timed(timings, 'text-to-image', () =>
    drawCondition(t2i, text, model.manifest, { seed: options.seed ?? GENERATION_DEFAULTS.seed, ...sampling, signal: options.signal, onProgress: progress }),
  );
  await options.onCondition?.(drawn.image);
  const result = await generateFromCondition(model, { image: input.condition }, options, timings, progress, input.cutout);
  return {
    ...result,
    prompt: text,
    drawnCondition: drawn.image,
    textToImageModel: { name: t2i.manifest.name, sha256: t2i.manifest.files.denoiser.sha256 },
    options: { ...result.options, textToImage: { steps: drawn.steps, guidance: drawn.guidance } },
  };
}

export interface DrawConditionOptions extends OperationOptions, TextToImageOptions {
  seed: number;
}

/** What {@link drawCondition} makes: the drawing, and it cropped as a photo is. */
export interface DrawnCondition {
  drawn: GeneratedConditionImage;
  /** The multi-view model's condition image and the high-resolution cut-out for texturing. */
  input: PreprocessedImage;
}

/**
 * Caption → the multi-view model's condition: the text → image model draws the object, and the
 * drawing is cropped as a photo is (its alpha is the matte) at the multi-view model's condition size
 * and framing, and as the cut-out that texturing projects. A drawing with no object in it (no
 * opaque pixel, or nothing but opaque ones) is refused: there is nothing to crop.
 */
export async function drawCondition(t2i: TextToImageModel, prompt: string, mv: Pick<ModelManifest, 'condition'>, options: DrawConditionOptions): Promise<DrawnCondition> {
  const drawn = await generateConditionImage(t2i, prompt, options);
  const solid = opaqueShare(drawn.image);
  if (solid === 0 || solid === 1) {
    throw new KilnError('INVALID_INPUT', `textTo3D: the text → image model drew ${solid === 0 ? 'nothing' : 'no outline (every pixel opaque)'} for "${prompt}"; try another seed`);
  }
  const input = preprocessImage(drawn.image, { size: mv.condition.size, margin: mv.condition.cropMargin, signal: options.signal });
  return { drawn, input };
}

/** The share of pixels whose alpha is at least ½ (what preprocess counts as object). */
function opaqueShare(image: RasterImage): number {
  let solid = 0;
  for (let i = 3; i < image.data.length; i += 4) if (image.data[i] >= 0.5) solid++;
  return solid / (image.width * image.height);
}
