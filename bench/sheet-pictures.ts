/** Pictures for the benches' contact sheets (`composeContactSheet` takes `size`² RGBA cells). */
import { createImage, type RasterImage } from '../src/core/image.js';
import { shrinkImage } from '../src/preprocess/shrink-image.js';

/** An RGBA cut-out over a light checkerboard (opaque), so what is cut away shows. */
export function overCheckerboard(image: RasterImage, square = 12): RasterImage {
  const out = createImage(image.width, image.height, 4);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const k = (y * image.width + x) * 4, a = image.data[k + 3];
      const bg = (Math.floor(x / square) + Math.floor(y / square)) % 2 ? 0.8 : 0.94;
      for (let c = 0; c < 3; c++) out.data[k + c] = image.data[k + c] * a + bg * (1 - a);
      out.data[k + 3] = 1;
    }
  }
  return out;
}

/**
 * A picture of any shape as a sheet cell: shrunk to fit `size` (never enlarged) and centred on
 * white. One channel is drawn as grey (a probability map), RGBA over white.
 */
export function fitInSquare(image: RasterImage, size: number): RasterImage {
  const fitted = shrinkImage(image, size);
  const out = createImage(size, size, 4, [1, 1, 1, 1]);
  const ox = Math.floor((size - fitted.width) / 2), oy = Math.floor((size - fitted.height) / 2), c = fitted.channels;
  for (let y = 0; y < fitted.height; y++) {
    for (let x = 0; x < fitted.width; x++) {
      const k = (y * fitted.width + x) * c, o = ((y + oy) * size + x + ox) * 4;
      const a = c === 4 ? fitted.data[k + 3] : 1;
      for (let ch = 0; ch < 3; ch++) out.data[o + ch] = fitted.data[k + Math.min(ch, c === 4 ? 2 : c - 1)] * a + (1 - a);
    }
  }
  return out;
}
