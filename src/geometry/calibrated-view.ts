import { KilnError, type KilnErrorCode } from '../core/errors.js';
import type { RasterImage } from '../core/image.js';
import type { Camera } from './camera.js';

/**
 * One calibrated view of an object: its camera, an RGBA image whose alpha is the object's mask,
 * and optionally a depth map (distance along the optical axis per pixel, 0 where there is no
 * surface). Generated views and user photos with known cameras both arrive in this form.
 */
export interface CalibratedView {
  camera: Camera;
  image: RasterImage;
  depth?: Float32Array;
}

/**
 * Checks a set of views before any heavy work, so that bad input fails at once with a message that
 * names the view and what is wrong with it.
 */
export function validateViews(views: CalibratedView[], operation: string): void {
  const fail = (why: string, code: KilnErrorCode = 'INVALID_INPUT'): never => {
    throw new KilnError(code, `${operation}: ${why}`);
  };
  if (!Array.isArray(views) || views.length < 2) fail(`need at least 2 views, got ${views?.length ?? 0}`);
  let anyForeground = false;
  views.forEach((v, i) => {
    const { image, camera, depth } = v;
    if (image.width !== camera.width || image.height !== camera.height) {
      fail(`view ${i}: image is ${image.width}×${image.height} but its camera is ${camera.width}×${camera.height}`);
    }
    if (image.channels !== 4) fail(`view ${i}: image needs an alpha channel (RGBA), got ${image.channels} channels`);
    if (depth) {
      if (depth.length !== image.width * image.height) fail(`view ${i}: depth has ${depth.length} values, expected ${image.width * image.height}`);
      for (let k = 0; k < depth.length; k++) {
        if (!Number.isFinite(depth[k]) || depth[k] < 0) fail(`view ${i}: depth has an invalid value (${depth[k]}) at pixel ${k}`);
      }
    }
    for (let k = 3; k < image.data.length; k += 4) {
      if (image.data[k] >= 0.5) {
        anyForeground = true;
        break;
      }
    }
  });
  if (!anyForeground) fail('no view shows any foreground (every alpha is below 0.5)', 'NO_OBJECT');
}
