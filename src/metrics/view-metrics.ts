import { KilnError } from '../core/errors.js';
import { createImage, type RasterImage } from '../core/image.js';
import type { CalibratedView } from '../geometry/calibrated-view.js';
import { psnr, ssim } from './image-metrics.js';

/** Quality of generated views against ground-truth views at the same cameras, averaged over views. */
export interface ViewComparison {
  /** PSNR (dB) of RGB over white within the ground truth's silhouette. */
  psnr: number;
  /** SSIM of luma over white, whole image. */
  ssim: number;
  /** Intersection over union of the silhouettes (alpha ≥ 0.5). */
  alphaIoU: number;
  /** Mean |depth − depth_gt| where both have a surface, in scene units (the object's longest side is 1). */
  depthError: number;
}

function overWhite(image: RasterImage): RasterImage {
  const out = createImage(image.width, image.height, 3);
  for (let i = 0, n = image.width * image.height; i < n; i++) {
    const a = image.data[i * 4 + 3];
    for (let c = 0; c < 3; c++) out.data[i * 3 + c] = image.data[i * 4 + c] * a + 1 - a;
  }
  return out;
}

/**
 * Compares generated views with ground-truth views (same cameras, same order): masked PSNR, SSIM,
 * silhouette IoU and depth error, each averaged over views.
 */
export function compareViews(pred: CalibratedView[], gt: CalibratedView[]): ViewComparison {
  if (pred.length !== gt.length) throw new KilnError('INVALID_INPUT', `compareViews: ${pred.length} views vs ${gt.length} ground-truth views`);
  let sp = 0, ss = 0, si = 0, sd = 0, nd = 0;
  pred.forEach((p, v) => {
    const g = gt[v];
    const a = overWhite(p.image), b = overWhite(g.image);
    const n = g.image.width * g.image.height;
    const mask = new Float32Array(n);
    let inter = 0, union = 0, derr = 0, dn = 0;
    for (let i = 0; i < n; i++) {
      const pa = p.image.data[i * 4 + 3] >= 0.5, ga = g.image.data[i * 4 + 3] >= 0.5;
      mask[i] = g.image.data[i * 4 + 3];
      if (pa && ga) inter++;
      if (pa || ga) union++;
      const pd = p.depth?.[i] ?? 0, gd = g.depth?.[i] ?? 0;
      if (pa && ga && pd > 0 && gd > 0) {
        derr += Math.abs(pd - gd);
        dn++;
      }
    }
    sp += Math.min(60, psnr(a, b, { mask }));
    ss += ssim(a, b);
    si += union ? inter / union : 1;
    if (dn) {
      sd += derr / dn;
      nd++;
    }
  });
  const k = pred.length;
  return { psnr: sp / k, ssim: ss / k, alphaIoU: si / k, depthError: nd ? sd / nd : NaN };
}
