import type { RasterImage } from '../core/image.js';
import { weightedProgress, type OperationOptions, type ProgressCallback } from '../core/progress.js';
import type { GuidanceSchedule } from '../diffusion/guidance.js';
import type { TextToImageModel } from '../diffusion/text-to-image-model.js';
import type { Mesh } from '../geometry/mesh.js';
import type { CalibratedView } from '../geometry/calibrated-view.js';
import type { Reconstructor } from './reconstruct-from-views.js';
import type { ViewAgreement } from './generation-report.js';
import type { PhotoBox } from './generation-request.js';
import type { CutReport } from './generation-report.js';
import type { SegmentationNetwork } from '../preprocess/segment-network.js';

/** Options shared by image → 3D and text → 3D. */
export interface GenerationOptions extends OperationOptions {
  /** Seed of the diffusion noise; the same seed, input and options give the same model, bit for bit. */
  seed: number;
  /** Sampling steps (default: the model's). */
  steps?: number;
  /** Guidance preset (default: the model's). */
  guidance?: Partial<GuidanceSchedule>;
  solver?: 'euler' | 'heun';
  /** Maximum triangles. */
  faceBudget: number;
  /** Texture size in texels. */
  textureSize: number;
  /** Reconstruction grid resolution. */
  resolution: number;
  /** Fewer steps, a coarser grid and a smaller texture: about half the time. */
  fast: boolean;
  /** Image → 3D: also texture from the input photo itself, where it sees the surface. */
  projectInput: boolean;
  /** Image → 3D: where the object is, as fractions of the photo (see `boxInPhoto`); cut out by a graph cut inside it. */
  box?: PhotoBox;
  /**
   * Image → 3D: go on with a cut-out that the confidence check doubts (see `assessCut`) instead of
   * refusing it with `DOUBTFUL_CUTOUT`; the doubts stay in the report's `cutout`.
   */
  force: boolean;
  /**
   * Builds the textured mesh from the generated views (default `reconstructFromViews`: visual hull,
   * depth fusion, texture bake). A learned reconstructor with the same signature drops in here.
   */
  reconstructor?: Reconstructor;
  /**
   * Image → 3D: the segmentation network that cuts photos the border model cannot, and seeds the
   * graph cut in a box (see `preprocessPhoto`). Default: the installed one
   * (`assets/models/kiln-seg/`, when present); null: never use a network.
   */
  segmenter?: SegmentationNetwork | null;
  /** Called with the generated views as soon as diffusion ends (a UI shows them while the mesh is built). */
  onViews?: (views: CalibratedView[]) => void | Promise<void>;
  /**
   * Text → 3D: the text → image model that draws the condition image from the caption, which then
   * goes through image → 3D. Without it, the multi-view model reads the caption itself.
   */
  textToImageModel?: TextToImageModel;
  /** Text → 3D through a text → image model: how it samples (default: its manifest's; see `completeTextToImageOptions`). */
  textToImage?: Partial<TextToImageOptions>;
  /** Text → 3D through a text → image model: called with the condition image as soon as it is drawn. */
  onCondition?: (image: RasterImage) => void | Promise<void>;
}

/** How a text → image model draws the condition image. */
export interface TextToImageOptions {
  /** Sampling steps. */
  steps: number;
  /** Classifier-free guidance weight on the caption (constant over the steps). */
  guidanceScale: number;
}

/**
 * The options a generation reports. Image and text → 3D add the sampler's (steps, guidance, solver)
 * and `fallback` when the generated views disagreed; views → 3D adds the cameras and mattes.
 */
export interface ReportedOptions {
  resolution: number;
  faceBudget: number;
  textureSize: number;
  /** `front-view`: the generated views shared no volume, so the model was built from the front view and its mirror. */
  fallback?: 'front-view';
  [option: string]: unknown;
}

/** Everything a generation produced, before anything is written. */
export interface GenerationResult {
  mesh: Mesh;
  /** The generated views (absent for views → 3D, whose views are the user's). */
  views?: CalibratedView[];
  /** Views → 3D: the user's photos as used, RGBA with the matte as alpha (written as `views.png`). */
  photos?: RasterImage[];
  /** The preprocessed input: the model's condition image, the high-resolution cut-out, and how far its cut is trusted. */
  input?: { condition: RasterImage; cutout: RasterImage; matte: string; cut?: CutReport };
  /** Text → 3D through a text → image model: the condition image it drew from the caption (written as `condition.png`). */
  drawnCondition?: RasterImage;
  /** Text → 3D through a text → image model: which one. */
  textToImageModel?: { name: string; sha256: string };
  prompt?: string;
  /** The diffusion seed (absent for views → 3D, which samples nothing). */
  seed?: number;
  /** The options it ran with, every default filled in (what `report.json` shows). */
  options: ReportedOptions;
  model?: { name: string; sha256: string };
  /** Where the input photo was placed on the mesh for texturing (image → 3D with projectInput). */
  reference?: { elevation: number; iou: number; used: boolean };
  /** Views → 3D: how well the model reproduces each photo's silhouette at its given angles. */
  viewAgreement?: ViewAgreement;
  /** Views → 3D: how far each cut-out kiln made (photos without alpha) is trusted, by photo name. */
  cutouts?: (CutReport & { name: string })[];
  /** Seconds per stage. */
  timings: Record<string, number>;
}

/** Relative durations of the stages, for one overall progress fraction. */
export const STAGE_WEIGHTS = { 'text-to-image': 1, preprocess: 1, diffusion: 4, reconstruct: 3, unwrap: 1, texture: 2 } as const;

export function pipelineProgress(onProgress: ProgressCallback | undefined, stages: (keyof typeof STAGE_WEIGHTS)[]): ProgressCallback {
  return weightedProgress(Object.fromEntries(stages.map((s) => [s, STAGE_WEIGHTS[s]])), onProgress);
}

/** Runs `f` and records its wall-clock seconds under `name`. */
export async function timed<T>(timings: Record<string, number>, name: string, f: () => Promise<T> | T): Promise<T> {
  const t = performance.now();
  try {
    return await f();
  } finally {
    timings[name] = Math.round((performance.now() - t)) / 1000;
  }
}
