import { KilnError } from '../core/errors.js';
import type { RasterImage } from '../core/image.js';
import { throwIfAborted, weightedProgress, type OperationOptions } from '../core/progress.js';
import { orbitCamera } from '../geometry/camera.js';
import { parseViewRig } from '../geometry/rig.js';
import { removeBackground } from '../preprocess/remove-background.js';
import type { CalibratedView } from '../geometry/calibrated-view.js';
import { timed, type GenerationResult } from './generation.js';
import { reconstructFromViews, RECONSTRUCT_FROM_VIEWS_DEFAULTS } from './reconstruct-from-views.js';

/** One photo of the object and where it was taken from (degrees; 0° azimuth is the front). */
export interface PhotoView {
  image: RasterImage;
  azimuth: number;
  elevation: number;
}

export interface ViewsTo3DOptions extends OperationOptions {
  /** Camera distance from the object's centre, in units of the object's longest side. */
  distance: number;
  /** Vertical field of view in degrees. */
  fov: number;
  resolution: number;
  faceBudget: number;
  textureSize: number;
  colorMode: 'texture' | 'vertex';
}

export const VIEWS_TO_3D_DEFAULTS: ViewsTo3DOptions = {
  distance: 3,
  fov: 30,
  resolution: RECONSTRUCT_FROM_VIEWS_DEFAULTS.resolution,
  faceBudget: 20000,
  textureSize: 1024,
  colorMode: 'texture',
};

/**
 * Photos around an object with known orbit cameras → textured mesh, straight to reconstruction (no
 * diffusion). Each photo's matte is its alpha channel if it has one, else its plain background is
 * removed as for image → 3D. The photos are trusted as calibrated: every view carves
 * (outlierViews 0), so a photo whose angle is wrong shows up as a thinner object, not a silent
 * average. Progress is one weighted fraction over preprocess, reconstruct, unwrap and texture.
 */
export async function viewsTo3D(photos: PhotoView[], options: Partial<ViewsTo3DOptions> = {}): Promise<GenerationResult> {
  const o = { ...VIEWS_TO_3D_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  if (photos.length < 2) throw new KilnError('INVALID_INPUT', `views: need at least 2 photos with their angles, got ${photos.length}`);
  const rig = parseViewRig({ views: photos.map((p) => ({ azimuth: p.azimuth, elevation: p.elevation, distance: o.distance, fov: o.fov })) });
  const timings: Record<string, number> = {};
  const progress = weightedProgress({ preprocess: 1, reconstruct: 3, unwrap: 1, texture: 2 }, o.onProgress);
  const mattes: string[] = [];
  const views: CalibratedView[] = await timed(timings, 'preprocess', () =>
    photos.map((p, i) => {
      throwIfAborted(o.signal, 'viewsTo3D');
      let image = p.image;
      if (image.channels === 4) {
        mattes.push('alpha');
      } else {
        try {
          image = removeBackground(image, { signal: o.signal }).image;
        } catch (err) {
          throw err instanceof KilnError ? new KilnError(err.code, `view ${i}: ${err.message}`) : err;
        }
        mattes.push('background-removal');
      }
      progress({ stage: 'preprocess', fraction: (i + 1) / photos.length });
      return { camera: orbitCamera(rig.views[i], image.width, image.height), image };
    }),
  );
  const recon = await reconstructFromViews(views, {
    resolution: o.resolution,
    faceBudget: o.faceBudget,
    textureSize: o.textureSize,
    colorMode: o.colorMode,
    outlierViews: 0,
    signal: o.signal,
    onProgress: progress,
  });
  Object.assign(timings, recon.timings);
  return {
    mesh: recon.mesh,
    seed: 0,
    options: { views: rig.views, mattes, resolution: o.resolution, faceBudget: o.faceBudget, textureSize: o.textureSize, colorMode: o.colorMode },
    timings,
  };
}
