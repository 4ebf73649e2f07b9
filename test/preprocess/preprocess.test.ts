import { describe, expect, test } from '@jest/globals';
import { createImage, readImage, type RasterImage } from '../../src/core/image.js';
import { createRng } from '../../src/core/rng.js';
import { orbitCamera } from '../../src/geometry/camera.js';
import { computeVertexNormals } from '../../src/geometry/mesh.js';
import { alphaBoundingBox, cropToObject } from '../../src/preprocess/crop-to-object.js';
import { preprocessImage } from '../../src/preprocess/preprocess-image.js';
import { removeBackground } from '../../src/preprocess/remove-background.js';
import { shrinkImage } from '../../src/preprocess/shrink-image.js';
import { renderMesh } from '../../src/render/render-mesh.js';
import { generateObject } from '../../src/synth/generate-object.js';
import { benchmarksDir } from '../helpers/paths.js';
import { join } from 'node:path';

/** A rendered object over a flat backdrop with sensor noise, and its true alpha. */
function photo(background: [number, number, number], seed = 1): { image: RasterImage; alpha: Float32Array } {
  const obj = generateObject(seed, { category: 'vase', main: { color: 'blue', material: 'plain' } });
  obj.mesh.normals ??= computeVertexNormals(obj.mesh);
  const r = renderMesh(obj.mesh, orbitCamera({ azimuth: 30, elevation: 15, distance: 3, fov: 30 }, 200, 160), { supersample: 2 });
  const rng = createRng(seed);
  const image = createImage(200, 160, 3);
  const alpha = new Float32Array(200 * 160);
  for (let i = 0; i < alpha.length; i++) {
    const a = r.color.data[i * 4 + 3];
    alpha[i] = a;
    for (let c = 0; c < 3; c++) image.data[i * 3 + c] = Math.min(1, Math.max(0, r.color.data[i * 4 + c] * a + background[c] * (1 - a) + rng.normal() * 0.01));
  }
  return { image, alpha };
}

function iou(a: Float32Array, b: RasterImage): number {
  let i = 0, u = 0;
  for (let k = 0; k < a.length; k++) {
    const p = a[k] >= 0.5, q = b.data[k * 4 + 3] >= 0.5;
    if (p && q) i++;
    if (p || q) u++;
  }
  return i / u;
}

describe('preprocess', () => {
  test('cropToObject centres the object and sizes it by the margin', () => {
    const im = createImage(100, 80, 4);
    for (let y = 10; y < 30; y++) for (let x = 60; x < 90; x++) im.data.set([1, 0, 0, 1], (y * 100 + x) * 4);
    const out = cropToObject(im, { size: 60, margin: 1.5 });
    const [x0, y0, x1, y1] = alphaBoundingBox(out)!;
    expect(x1 - x0).toBeGreaterThanOrEqual(39);
    expect(x1 - x0).toBeLessThanOrEqual(41); // 30 px object in a 45 px square → 40 of 60 px
    expect(Math.abs((x0 + x1) / 2 - 30)).toBeLessThanOrEqual(1);
    expect(Math.abs((y0 + y1) / 2 - 30)).toBeLessThanOrEqual(1);
    expect(out.data[(30 * 60 + 30) * 4]).toBeCloseTo(1, 3); // colour survives premultiplied resampling
    expect(() => cropToObject(createImage(10, 10, 4))).toThrow(/no opaque pixels/);
  });

  test('removes plain backdrops (white, grey, coloured) with IoU ≥ 0.95', () => {
    for (const bg of [[0.97, 0.97, 0.96], [0.5, 0.5, 0.5], [0.9, 0.8, 0.3]] as [number, number, number][]) {
      const { image, alpha } = photo(bg);
      const r = removeBackground(image);
      expect(iou(alpha, r.image)).toBeGreaterThan(0.95);
    }
  });

  test('keepPhotoMatte hands back the cut itself at the photo\'s resolution', () => {
    const { image, alpha } = photo([0.5, 0.5, 0.5]);
    expect(preprocessImage(image).photoMatte).toBeUndefined();
    const kept = preprocessImage(image, { keepPhotoMatte: true }).photoMatte!;
    expect([kept.width, kept.height, kept.channels]).toEqual([200, 160, 1]);
    const asRgba = createImage(200, 160, 4);
    for (let i = 0; i < alpha.length; i++) asRgba.data[i * 4 + 3] = kept.data[i];
    expect(iou(alpha, asRgba)).toBeGreaterThan(0.95);
  });

  test('a frame with no separable object is refused with a reason', () => {
    const flat = createImage(64, 64, 3, [0.5, 0.5, 0.5]);
    expect(() => removeBackground(flat)).toThrow(/could not separate/);
    const rng = createRng(2);
    const noise = createImage(64, 64, 3);
    for (let i = 0; i < noise.data.length; i++) noise.data[i] = rng.uniform();
    // Noise is all "object" to a border model: the cut is made, and the confidence check refuses it.
    expect(() => preprocessImage(noise)).toThrow(/the cut-out is doubtful: the background is not plain/);
  });

  test('an existing alpha channel is honoured', () => {
    const im = createImage(50, 50, 4);
    for (let y = 20; y < 30; y++) for (let x = 5; x < 45; x++) im.data.set([0, 1, 0, 1], (y * 50 + x) * 4);
    const p = preprocessImage(im, { size: 32 });
    expect(p.matte).toBe('alpha');
    expect(p.condition.width).toBe(32);
    expect(() => preprocessImage(createImage(8, 8, 4))).toThrow(/fully transparent/);
  });

  test('benchmark photos on plain backdrops are cut out', async () => {
    const dir = benchmarksDir();
    if (!dir) return;
    const teapot = await readImage(join(dir, 'images', 'cutouts', 'teapot.png'));
    const p = preprocessImage(teapot, { size: 64 });
    expect(p.matte).toBe('background-removal');
    expect(p.coverage).toBeGreaterThan(0.1);
    expect(p.coverage).toBeLessThan(0.5);
  });

  test('a photo larger than maxSide is shrunk first: same cut-out framing, area-averaged colour', () => {
    const { image } = photo([0.9, 0.9, 0.88], 3);
    const big = shrinkImage(image, 100);
    expect([big.width, big.height]).toEqual([100, 80]);
    // A 2×2 area average of the original.
    const want = (image.data[0] + image.data[3] + image.data[200 * 3] + image.data[201 * 3]) / 4;
    expect(big.data[0]).toBeCloseTo(want, 5);
    expect(shrinkImage(image, 400)).toBe(image);
    const full = preprocessImage(image, { size: 32 });
    const shrunk = preprocessImage(image, { size: 32, maxSide: 120 });
    expect(Math.abs(shrunk.coverage - full.coverage)).toBeLessThan(0.02);
    let diff = 0;
    for (let i = 3; i < full.condition.data.length; i += 4) diff += Math.abs(full.condition.data[i] - shrunk.condition.data[i]);
    expect(diff / (32 * 32)).toBeLessThan(0.05);
  });
});
