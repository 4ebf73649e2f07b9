import { KilnError } from '../core/errors.js';
import { createImage, type RasterImage } from '../core/image.js';

/**
 * Shrinks an image so that its longer side is at most `maxSide` (an image already that small is
 * returned as it is). Each output pixel is the area average of the input pixels it covers, so fine
 * texture does not alias; alpha, when present, weights the colour (no dark fringes at a cut-out's
 * edge). Preprocessing starts here so that nothing after it allocates at a huge photo's size.
 */
export function shrinkImage(image: RasterImage, maxSide: number): RasterImage {
  if (!(Number.isInteger(maxSide) && maxSide > 0)) throw new KilnError('INVALID_INPUT', `shrinkImage: maxSide must be a positive integer, got ${maxSide}`);
  const long = Math.max(image.width, image.height);
  if (long <= maxSide) return image;
  const s = maxSide / long;
  const w = Math.max(1, Math.round(image.width * s)), h = Math.max(1, Math.round(image.height * s));
  const c = image.channels, src = image.data, W = image.width;
  const out = createImage(w, h, c);
  const sx = image.width / w, sy = image.height / h;
  const acc = new Float64Array(c);
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor(y * sy), y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor(x * sx), x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
      acc.fill(0);
      let n = 0;
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) {
          const k = (yy * W + xx) * c;
          // Premultiply colour by alpha for RGBA (and grey+alpha) so transparent pixels add no colour.
          const a = c === 4 || c === 2 ? src[k + c - 1] : 1;
          for (let j = 0; j < c - (c === 4 || c === 2 ? 1 : 0); j++) acc[j] += src[k + j] * a;
          if (c === 4 || c === 2) acc[c - 1] += a;
          n++;
        }
      }
      const q = (y * w + x) * c;
      if (c === 4 || c === 2) {
        const a = acc[c - 1];
        for (let j = 0; j < c - 1; j++) out.data[q + j] = a > 1e-9 ? acc[j] / a : 0;
        out.data[q + c - 1] = a / n;
      } else {
        for (let j = 0; j < c; j++) out.data[q + j] = acc[j] / n;
      }
    }
  }
  return out;
}
