import sharp from 'sharp';

/**
 * Two red discs side by side on white, as a PNG: a photo whose cut-out falls apart into two pieces
 * of about the same size, which the confidence check refuses (`DOUBTFUL_CUTOUT`).
 */
export async function twoDiscsPng(): Promise<Buffer> {
  const w = 240, h = 160, px = Buffer.alloc(w * h * 3, 242);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) if ((x - 70) ** 2 + (y - 80) ** 2 <= 36 * 36 || (x - 170) ** 2 + (y - 80) ** 2 <= 34 * 34) px.set([217, 38, 25], (y * w + x) * 3);
  }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
}
