import type { RasterImage } from '../core/image.js';
import type { MultiViewModel } from '../diffusion/multiview-model.js';
import { preprocessPhoto } from '../preprocess/preprocess-image.js';
import { installedSegmentationNetwork } from '../preprocess/segment-network.js';
import { cutSummary } from '../preprocess/cut-confidence.js';
import { generateFromCondition } from './generate-from-condition.js';
import { pipelineProgress, timed, type GenerationOptions, type GenerationResult } from './generation.js';

/**
 * Photo → textured mesh: preprocess (matte — from `options.box` when given, by the segmentation
 * network when one is installed and the border model's cut is doubtful —, refused when doubtful
 * unless `options.force`, crop, resize to the model's condition size), six views
 * from the multi-view model, reconstruction and texture. Progress is one weighted fraction over the
 * stages; the signal cancels between and inside stages; `timings` has seconds per stage.
 */
export async function imageTo3D(model: MultiViewModel, image: RasterImage, options: Partial<GenerationOptions> = {}): Promise<GenerationResult> {
  const timings: Record<string, number> = {};
  const progress = pipelineProgress(options.onProgress, ['preprocess', 'diffusion', 'reconstruct', 'unwrap', 'texture']);
  const segmenter = options.segmenter === undefined ? await installedSegmentationNetwork() : (options.segmenter ?? undefined);
  const input = await timed(timings, 'preprocess', () =>
    preprocessPhoto(image, { size: model.manifest.condition.size, margin: model.manifest.condition.cropMargin, box: options.box, force: options.force, signal: options.signal, segmenter }),
  );
  progress({ stage: 'preprocess', fraction: 1 });
  const result = await generateFromCondition(model, { image: input.condition }, options, timings, progress, input.cutout);
  return { ...result, input: { condition: input.condition, cutout: input.cutout, matte: input.matte, cut: input.cut && cutSummary(input.cut) } };
}
