import { throwIfAborted, type OperationOptions } from '../core/progress.js';
import type { Mesh } from '../geometry/mesh.js';
import { rasterizeVisibility } from '../render/rasterize.js';
import type { CalibratedView } from '../geometry/calibrated-view.js';
import type { FusedVolume } from './fuse-views.js';
import { scaledCamera } from './silhouette-agreement.js';

export interface SupportPlaneOptions extends OperationOptions {
  /** Longest side, in pixels, at which the hull is rendered from each camera. */
  size: number;
  /**
   * Only pixels at least this many (downscaled) pixels inside the view's mask count: a ray just
   * outside the object's outline passes under it into the very wedge this removes, and the hull's
   * mesh reaches a little past the outline.
   */
  inset: number;
}

export const SUPPORT_PLANE_DEFAULTS: SupportPlaneOptions = { size: 256, inset: 1 };

/**
 * Where an object seen only from above rests: the height (world y) of the lowest point of a
 * visual hull that any of the cameras sees. When every camera is above the object nothing carves
 * the space under its base, and the hull grows a wedge there; the object is assumed to stand on a
 * plane, and this finds that plane without ever cutting the object itself. Along a pixel's ray
 * from a camera above the object's base, the hull (which contains the object) is entered at or
 * before the object, so where the ray descends the hull's visible point is at least as high as the
 * object's; where it climbs it stays above the camera. So the lowest visible hull point is never
 * below the object's lowest point, and it reaches the bottom edges that the cameras graze.
 * That holds only for rays that do hit the object, so only pixels well inside each view's mask
 * count. Cameras below the world origin (the object's centre) are skipped: they see the base
 * themselves. Returns undefined when no camera is above the origin or none sees the mesh.
 */
export function estimateSupportPlane(hull: Mesh, views: CalibratedView[], options: Partial<SupportPlaneOptions> = {}): number | undefined {
  const o = { ...SUPPORT_PLANE_DEFAULTS, ...options };
  const pos = hull.positions, idx = hull.indices;
  let lowest = Infinity;
  for (const view of views) {
    if (!(view.camera.position[1] > 0)) continue;
    throwIfAborted(o.signal, 'estimateSupportPlane');
    const { camera, scale } = scaledCamera(view.camera, o.size);
    const inside = insetMask(view, camera.width, camera.height, scale, o.inset);
    const vis = rasterizeVisibility(hull, camera, { scale: 1, cullBackFaces: false, signal: o.signal });
    for (let i = 0; i < vis.triangle.length; i++) {
      const t = vis.triangle[i];
      if (t < 0 || !inside[i]) continue;
      const l1 = vis.b1[i], l2 = vis.b2[i];
      const y = (1 - l1 - l2) * pos[idx[3 * t] * 3 + 1] + l1 * pos[idx[3 * t + 1] * 3 + 1] + l2 * pos[idx[3 * t + 2] * 3 + 1];
      if (y < lowest) lowest = y;
    }
  }
  return Number.isFinite(lowest) ? lowest : undefined;
}

/** The view's mask (alpha ≥ 0.5) at the scaled camera's pixels, shrunk by `inset` pixels. */
function insetMask(view: CalibratedView, w: number, h: number, scale: number, inset: number): Uint8Array {
  const { width: W, height: H, data } = view.image;
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const px = Math.min(W - 1, Math.floor(W / 2 + (x + 0.5 - w / 2) / scale));
      const py = Math.min(H - 1, Math.floor(H / 2 + (y + 0.5 - h / 2) / scale));
      mask[y * w + x] = data[(py * W + px) * 4 + 3] >= 0.5 ? 1 : 0;
    }
  }
  const out = new Uint8Array(w * h);
  for (let y = inset; y < h - inset; y++) {
    for (let x = inset; x < w - inset; x++) {
      let all = 1;
      for (let dy = -inset; dy <= inset && all; dy++) for (let dx = -inset; dx <= inset; dx++) if (!mask[(y + dy) * w + x + dx]) { all = 0; break; }
      out[y * w + x] = all;
    }
  }
  return out;
}

/**
 * Empties a fused volume below the plane y = `height` (in place): the field becomes the larger of
 * its own value and the signed distance to the half-space above the plane, so the surface is cut
 * flat there and stays a distance field elsewhere.
 */
export function applySupportPlane(volume: FusedVolume, height: number): FusedVolume {
  const { field, dims, origin, spacing } = volume;
  const [nx, ny, nz] = dims;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const below = height - (origin[1] + y * spacing);
      if (below <= -3 * spacing) continue; // far above the plane: nothing changes
      const row = nx * (y + ny * z);
      for (let x = 0; x < nx; x++) if (field[row + x] < below) field[row + x] = below;
    }
  }
  return volume;
}
