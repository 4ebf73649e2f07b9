import { KilnError } from '../core/errors.js';
import type { RasterImage } from '../core/image.js';
import { generateViews } from '../diffusion/generate-views.js';
import type { MultiViewModel, ViewCondition } from '../diffusion/multiview-model.js';
import { reconstructFromViews } from './reconstruct-from-views.js';
import { mirroredPair } from '../geometry/mirrored-pair.js';
import { completeGenerationOptions } from './generation-options.js';
import { pipelineProgress, timed, type GenerationOptions, type GenerationResult } from './generation.js';

/** Generated views may drift; one of them may disagree with the rest without carving the object away. */
export const GENERATED_VIEW_OUTLIERS = 1;
/** The most views the pipeline lets be outvoted before it falls back to the front view alone. */
export const MAX_GENERATED_VIEW_OUTLIERS = 2;

/**
 * The part image → 3D and text → 3D share: multi-view diffusion from a condition, then
 * reconstruction and texturing from the generated views. `timings` and the progress callback are
 * the caller's, so stages before this one (preprocess) count in the same report and bar.
 */
export async function generateFromCondition(
  model: MultiViewModel,
  condition: ViewCondition,
  options: Partial<GenerationOptions>,
  timings: Record<string, number>,
  progress: ReturnType<typeof pipelineProgress>,
  reference?: RasterImage,
): Promise<Omit<GenerationResult, 'input' | 'prompt'>> {
  const o = completeGenerationOptions(options, model.manifest);
  const { steps, guidance, resolution, textureSize } = o;
  const reconstruct = o.reconstructor ?? reconstructFromViews;
  const generated = await timed(timings, 'diffusion', () =>
    generateViews(model, condition, { seed: o.seed, steps, guidance, solver: o.solver, signal: o.signal, onProgress: progress }),
  );
  await o.onViews?.(generated.views);
  const unusable = (err: unknown) => err instanceof KilnError && err.code === 'NO_OBJECT';
  let recon;
  let outlierViews = GENERATED_VIEW_OUTLIERS;
  let sources = generated.views;
  let fallback: 'front-view' | undefined;
  for (;;) {
    try {
      recon = await reconstruct(sources, { resolution, faceBudget: o.faceBudget, textureSize, outlierViews, reference: o.projectInput ? reference : undefined, signal: o.signal, onProgress: progress });
      break;
    } catch (err) {
      if (!unusable(err) || fallback) {
        if (unusable(err)) throw new KilnError('INVALID_INPUT', `the model generated no usable object for this input (${(err as Error).message}); try another seed or input`);
        throw err;
      }
      // Views that disagree too much to share any volume: let one more of them be outvoted (two of
      // six is the most that still leaves a majority to carve with); then fall back to the front
      // view and its mirror, an extruded guess that is still the object's outline and colours.
      if (outlierViews < MAX_GENERATED_VIEW_OUTLIERS) {
        outlierViews++;
      } else {
        fallback = 'front-view';
        sources = mirroredPair(generated.views[0], model.manifest.rig.views[0]);
        outlierViews = 0;
      }
    }
  }
  Object.assign(timings, recon.timings);
  return {
    mesh: recon.mesh,
    views: generated.views,
    seed: o.seed,
    options: { steps, guidance, solver: o.solver, resolution, textureSize, faceBudget: o.faceBudget, fast: o.fast, projectInput: !!reference && o.projectInput, outlierViews, fallback },
    reference: recon.reference ? { elevation: recon.reference.elevation, iou: Math.round(recon.reference.iou * 1000) / 1000, used: recon.reference.used } : undefined,
    model: { name: model.manifest.name, sha256: model.manifest.files.denoiser.sha256 },
    timings,
  };
}
