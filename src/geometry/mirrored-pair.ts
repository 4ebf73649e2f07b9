import { createImage } from '../core/image.js';
import { orbitCamera, type OrbitView } from './camera.js';
import type { CalibratedView } from './calibrated-view.js';

/**
 * One view and its mirror image placed opposite it (azimuth + 180°, elevation negated): seen from
 * exactly the other side, a silhouette is the same outline flipped left to right. Two views that
 * carve an extruded, symmetric guess of the object: the single-view baseline, and the last resort
 * when generated views disagree too much to share a volume.
 */
export function mirroredPair(view: CalibratedView, orbit: OrbitView): CalibratedView[] {
  const { width: w, height: h } = view.image;
  const flipped = createImage(w, h, 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 4; c++) flipped.data[(y * w + x) * 4 + c] = view.image.data[(y * w + (w - 1 - x)) * 4 + c];
  const back = orbitCamera({ ...orbit, azimuth: orbit.azimuth + 180, elevation: -orbit.elevation }, w, h);
  return [{ camera: view.camera, image: view.image }, { camera: back, image: flipped }];
}
