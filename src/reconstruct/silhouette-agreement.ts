import { KilnError } from '../core/errors.js';
import { throwIfAborted, type OperationOptions } from '../core/progress.js';
import type { Camera } from '../geometry/camera.js';
import type { Mesh } from '../geometry/mesh.js';
import { rasterizeVisibility } from '../render/rasterize.js';
import type { CalibratedView } from '../geometry/calibrated-view.js';

export interface SilhouetteAgreementOptions extends OperationOptions {
  /** Longest side, in pixels, at which silhouettes are compared (larger views are compared downscaled). */
  size: number;
  /**
   * A view whose IoU is below this disagrees with the others. Chosen by measurement
   * (`npm run -s bench:views`, 21 held-out and benchmark objects, 4 photos at elevation 10°): the
   * lowest per-view IoU was at least 0.983 with right angles and 0.936 with every angle 5° off
   * (what angles judged by eye achieve), while every 0°/90° swap that changed the shape scored at
   * most 0.891 and 9 of the 12 harmful 90°/270° swaps at most 0.914. 0.92 refuses none of the right
   * or nearly right runs and leaves a margin for real photos' rougher mattes.
   */
  threshold: number;
}

export const SILHOUETTE_AGREEMENT_DEFAULTS: SilhouetteAgreementOptions = { size: 256, threshold: 0.92 };

/** How well a reconstruction, re-projected at each view's camera, covers that view's mask. */
export interface SilhouetteAgreement {
  /** Intersection over union of the mesh's silhouette and the view's alpha (≥ 0.5), per view. */
  ious: number[];
  /** The lowest of them. */
  minIoU: number;
  threshold: number;
  /** Indices of the views below the threshold (empty: the views agree). */
  disagreeing: number[];
}

/** The same camera with its image scaled to a longest side of at most `size` pixels. */
export function scaledCamera(camera: Camera, size: number): { camera: Camera; scale: number } {
  const scale = Math.min(1, size / Math.max(camera.width, camera.height));
  if (scale === 1) return { camera, scale };
  return { camera: { ...camera, width: Math.max(1, Math.round(camera.width * scale)), height: Math.max(1, Math.round(camera.height * scale)) }, scale };
}

/**
 * Compares a reconstruction with the views it was built from: the mesh's silhouette at each
 * view's camera against that view's alpha, as an intersection over union. Built from views whose
 * angles are right, the visual hull reproduces every silhouette (IoU near 1); a view whose angle is
 * wrong carves the others' parts away and is carved in turn, so its silhouette and theirs come out
 * smaller than the photos. Mirror-symmetric objects hide a mirrored angle: the wrong view then
 * shows the same outline as the right one would.
 */
export function silhouetteAgreement(mesh: Mesh, views: CalibratedView[], options: Partial<SilhouetteAgreementOptions> = {}): SilhouetteAgreement {
  const o = { ...SILHOUETTE_AGREEMENT_DEFAULTS, ...options };
  if (!(o.size >= 8)) throw new KilnError('INVALID_INPUT', `silhouetteAgreement: size must be at least 8 pixels, got ${o.size}`);
  const ious = views.map((view, i) => {
    throwIfAborted(o.signal, 'silhouetteAgreement');
    if (view.image.channels !== 4) throw new KilnError('INVALID_INPUT', `silhouetteAgreement: view ${i} has no alpha channel`);
    return viewIoU(mesh, view, o.size);
  });
  const minIoU = Math.min(...ious);
  return { ious, minIoU, threshold: o.threshold, disagreeing: ious.flatMap((iou, i) => (iou < o.threshold ? [i] : [])) };
}

function viewIoU(mesh: Mesh, view: CalibratedView, size: number): number {
  const { camera, scale } = scaledCamera(view.camera, size);
  const { width: w, height: h } = camera;
  // 4 × 4 samples per pixel, so the mesh's coverage is judged like an anti-aliased alpha (2 × 2
  // rounds a third-covered edge pixel up to half and costs thin outlines a few per cent).
  const S = 4;
  const vis = rasterizeVisibility(mesh, camera, { scale: S, cullBackFaces: false });
  const { width: W, height: H, data } = view.image;
  // Photo pixels averaged per compared pixel: the footprint of one downscaled pixel, up to 4 × 4.
  const n = Math.min(4, Math.ceil(1 / scale));
  let inter = 0, union = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let covered = 0;
      for (let sy = 0; sy < S; sy++) for (let sx = 0; sx < S; sx++) if (vis.inverseDepth[(S * y + sy) * S * w + S * x + sx] > 0) covered++;
      // Pixel (x, y) of the scaled camera maps to the photo about the shared image centre.
      let alpha = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const u = W / 2 + (x + (sx + 0.5) / n - w / 2) / scale;
          const v = H / 2 + (y + (sy + 0.5) / n - h / 2) / scale;
          const px = Math.min(W - 1, Math.max(0, Math.floor(u))), py = Math.min(H - 1, Math.max(0, Math.floor(v)));
          alpha += data[(py * W + px) * 4 + 3];
        }
      }
      const a = alpha / (n * n) >= 0.5, b = covered >= (S * S) / 2;
      if (a && b) inter++;
      if (a || b) union++;
    }
  }
  return union ? inter / union : 1;
}
