import { describe, expect, test } from '@jest/globals';
import { createImage, type RasterImage } from '../../src/core/image.js';
import { createRng } from '../../src/core/rng.js';
import { grabCut } from '../../src/preprocess/grab-cut.js';
import { removeBackground } from '../../src/preprocess/remove-background.js';
import { assessCut } from '../../src/preprocess/cut-confidence.js';

/**
 * A cluttered scene: hundreds of overlapping rectangles of random cool colours with sensor noise,
 * warm ones away from the object, and over them an object (a striped orange and yellow ellipse with a dark red band)
 * whose true mask is returned. The border-colour model sees no plain backdrop here.
 */
function clutteredPhoto(w: number, h: number, seed: number): { image: RasterImage; mask: Uint8Array; box: { x: number; y: number; width: number; height: number } } {
  const rng = createRng(seed);
  const image = createImage(w, h, 3);
  for (let i = 0; i < 400; i++) {
    // Greens, blues, cyans, purples and greys of every shade: far more colours than a few clusters hold.
    const c = [rng.range(0, 0.45), rng.range(0, 1), rng.range(0, 1)];
    const x0 = rng.int(w), y0 = rng.int(h), rw = 4 + rng.int(30), rh = 4 + rng.int(30);
    for (let y = y0; y < Math.min(h, y0 + rh); y++) for (let x = x0; x < Math.min(w, x0 + rw); x++) image.data.set(c, (y * w + x) * 3);
  }
  const mask = new Uint8Array(w * h);
  const cx = w * 0.52, cy = h * 0.48, ax = w * 0.2, ay = h * 0.3;
  const box = { x: Math.floor(cx - ax) - 10, y: Math.floor(cy - ay) - 10, width: Math.ceil(2 * ax) + 20, height: Math.ceil(2 * ay) + 20 };
  // Warm clutter elsewhere in the scene, in the object's own hues: the border sees it, the box does not.
  for (let i = 0; i < 120; i++) {
    const c = [rng.range(0.7, 1), rng.range(0.2, 0.9), rng.range(0, 0.3)];
    const x0 = rng.int(w), y0 = rng.int(h), rw = 4 + rng.int(30), rh = 4 + rng.int(30);
    for (let y = y0; y < Math.min(h, y0 + rh); y++) {
      for (let x = x0; x < Math.min(w, x0 + rw); x++) if (x < box.x || x >= box.x + box.width || y < box.y || y >= box.y + box.height) image.data.set(c, (y * w + x) * 3);
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (((x - cx) / ax) ** 2 + ((y - cy) / ay) ** 2 > 1) continue;
      mask[y * w + x] = 1;
      const band = Math.floor((y - cy + ay) / 6) % 3;
      image.data.set(band === 0 ? [0.95, 0.55, 0.1] : band === 1 ? [0.95, 0.85, 0.2] : [0.6, 0.1, 0.1], (y * w + x) * 3);
    }
  }
  for (let i = 0; i < image.data.length; i++) image.data[i] = Math.min(1, Math.max(0, image.data[i] + rng.normal() * 0.02));
  return { image, mask, box };
}

function maskIoU(mask: Uint8Array, cut: RasterImage): number {
  let i = 0, u = 0;
  for (let k = 0; k < mask.length; k++) {
    const p = mask[k] === 1, q = cut.data[k * 4 + 3] >= 0.5;
    if (p && q) i++;
    if (p || q) u++;
  }
  return i / u;
}

describe('grabCut', () => {
  test('cuts an object out of a cluttered scene that the border-colour model refuses, IoU ≥ 0.9', () => {
    for (const seed of [1, 2, 3]) {
      const { image, mask, box } = clutteredPhoto(240, 180, seed);
      expect(assessCut(removeBackground(image).evidence).doubts[0]).toMatch(/background is not plain/);
      const cut = grabCut(image, box);
      expect(cut.image.width).toBe(240);
      expect(cut.image.channels).toBe(4);
      expect(maskIoU(mask, cut.image)).toBeGreaterThanOrEqual(0.9);
      expect(assessCut(cut.evidence).doubts).toEqual([]);
      // Nothing outside the box is object.
      let outside = 0;
      for (let y = 0; y < 180; y++) for (let x = 0; x < 240; x++) {
        if ((x < box.x - 1 || y < box.y - 1 || x > box.x + box.width || y > box.y + box.height) && cut.image.data[(y * 240 + x) * 4 + 3] >= 0.5) outside++;
      }
      expect(outside).toBe(0);
    }
  });

  test('works at a working resolution below the photo’s: a large photo is cut as well', () => {
    const { image, mask, box } = clutteredPhoto(640, 480, 3);
    const cut = grabCut(image, box, { workingSize: 160 });
    expect(maskIoU(mask, cut.image)).toBeGreaterThanOrEqual(0.88);
  });

  test('a box that is too small, outside the image, or leaves no background is refused with a reason', () => {
    const { image } = clutteredPhoto(120, 90, 4);
    expect(() => grabCut(image, { x: 10, y: 10, width: 3, height: 40 })).toThrow(/^grabCut: the box must overlap/);
    expect(() => grabCut(image, { x: 200, y: 10, width: 40, height: 40 })).toThrow(/^grabCut: the box must overlap/);
    expect(() => grabCut(image, { x: 0, y: 0, width: 120, height: 90 })).toThrow(/^grabCut: the box covers the whole photo/);
  });
});
