import { KilnError } from '../core/errors.js';
import { createImage, type RasterImage } from '../core/image.js';

export interface CropToObjectOptions {
  /** Output side in pixels (the model's condition size). */
  size: number;
  /** The square's side as a multiple of the object's longer side (Hunyuan3D-1 uses 1.15). */
  margin: number;
  /** Alpha above which a pixel counts as object when finding its bounding box. */
  threshold: number;
}

export const CROP_TO_OBJECT_DEFAULTS: CropToObjectOptions = { size: 64, margin: 1.15, threshold: 0.5 };

/** The object's alpha bounding box [x0, y0, x1, y1) in pixels, or undefined when nothing is opaque. */
export function alphaBoundingBox(image: RasterImage, threshold = 0.5): [number, number, number, number] | undefined {
  if (image.channels !== 4) throw new KilnError('INVALID_INPUT', `alphaBoundingBox: need an RGBA image, got ${image.channels} channels`);
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.data[(y * image.width + x) * 4 + 3] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? undefined : [x0, y0, x1 + 1, y1 + 1];
}

/**
 * Crops an RGBA image to a square around its object — centred on the alpha bounding box, `margin`
 * times its longer side, transparent where the square leaves the image — and resamples it to
 * `size`². Sampling is bilinear on premultiplied colour (no dark fringes), averaged over several
 * samples per output pixel when shrinking, so a large photo does not alias. This is exactly the crop
 * the multi-view model was trained with (`training/kiln_mv/data.py`), so a photo and a corpus view
 * reach the model framed alike.
 */
export function cropToObject(image: RasterImage, options: Partial<CropToObjectOptions> = {}): RasterImage {
  const o = { ...CROP_TO_OBJECT_DEFAULTS, ...options };
  if (!(Number.isInteger(o.size) && o.size > 0)) throw new KilnError('INVALID_INPUT', `cropToObject: size must be a positive integer, got ${o.size}`);
  const box = alphaBoundingBox(image, o.threshold);
  if (!box) throw new KilnError('INVALID_INPUT', 'cropToObject: the image has no opaque pixels (no object to crop to)');
  const [x0, y0, x1, y1] = box;
  const side = Math.max(x1 - x0, y1 - y0) * o.margin;
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const { width: w, height: h, data } = image;
  const step = side / o.size;
  const ss = Math.max(1, Math.min(8, Math.ceil(step)));
  const out = createImage(o.size, o.size, 4);
  const acc = new Float64Array(4);
  // Premultiplied bilinear sample with zeros outside the image (grid_sample's padding_mode="zeros").
  const sample = (sx: number, sy: number): void => {
    const fx = Math.floor(sx), fy = Math.floor(sy);
    const ax = sx - fx, ay = sy - fy;
    for (let j = 0; j < 2; j++) {
      const py = fy + j;
      if (py < 0 || py >= h) continue;
      const wy = j ? ay : 1 - ay;
      for (let i = 0; i < 2; i++) {
        const px = fx + i;
        if (px < 0 || px >= w) continue;
        const wgt = wy * (i ? ax : 1 - ax);
        const k = (py * w + px) * 4;
        const a = data[k + 3] * wgt;
        acc[0] += data[k] * a;
        acc[1] += data[k + 1] * a;
        acc[2] += data[k + 2] * a;
        acc[3] += a;
      }
    }
  };
  for (let oy = 0; oy < o.size; oy++) {
    for (let ox = 0; ox < o.size; ox++) {
      acc.fill(0);
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const u = (ox + (sx + 0.5) / ss) / o.size - 0.5;
          const v = (oy + (sy + 0.5) / ss) / o.size - 0.5;
          sample(cx + side * u - 0.5, cy + side * v - 0.5);
        }
      }
      const n = ss * ss;
      const a = acc[3] / n;
      const k = (oy * o.size + ox) * 4;
      if (a > 1e-6) {
        out.data[k] = Math.min(1, acc[0] / n / a);
        out.data[k + 1] = Math.min(1, acc[1] / n / a);
        out.data[k + 2] = Math.min(1, acc[2] / n / a);
      }
      out.data[k + 3] = Math.min(1, a);
    }
  }
  return out;
}
