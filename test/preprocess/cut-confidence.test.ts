import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { KilnError } from '../../src/core/errors.js';
import { createImage, readImage, type RasterImage } from '../../src/core/image.js';
import { createRng } from '../../src/core/rng.js';
import { orbitCamera } from '../../src/geometry/camera.js';
import { computeVertexNormals } from '../../src/geometry/mesh.js';
import { assessCut, cutAgreement, measureCut, requireConfidentCut } from '../../src/preprocess/cut-confidence.js';
import { grabCut } from '../../src/preprocess/grab-cut.js';
import { preprocessImage } from '../../src/preprocess/preprocess-image.js';
import { removeBackground } from '../../src/preprocess/remove-background.js';
import { renderMesh } from '../../src/render/render-mesh.js';
import { generateObject } from '../../src/synth/generate-object.js';
import { benchmarksDir } from '../helpers/paths.js';

/** A photo: a backdrop with sensor noise and `paint` deciding each pixel's colour (or none: backdrop). */
function photo(w: number, h: number, backdrop: number[], paint: (x: number, y: number) => number[] | undefined, seed = 1): RasterImage {
  const rng = createRng(seed);
  const image = createImage(w, h, 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = paint(x, y) ?? backdrop;
      for (let k = 0; k < 3; k++) image.data[(y * w + x) * 3 + k] = Math.min(1, Math.max(0, c[k] + rng.normal() * 0.01));
    }
  }
  return image;
}

/** A rendered object over a plain backdrop: a cut the check must trust. */
function renderedPhoto(category: string, backdrop: number[]): RasterImage {
  const obj = generateObject(1, { category });
  obj.mesh.normals ??= computeVertexNormals(obj.mesh);
  const r = renderMesh(obj.mesh, orbitCamera({ azimuth: 30, elevation: 15, distance: 2.6, fov: 30 }, 200, 160), { supersample: 2 }).color;
  return photo(200, 160, backdrop, (x, y) => {
    const k = (y * 200 + x) * 4, a = r.data[k + 3];
    return a > 0 ? [0, 1, 2].map((c) => r.data[k + c] * a + backdrop[c] * (1 - a)) : undefined;
  });
}

const RED = [0.85, 0.15, 0.1];
const inDisc = (x: number, y: number, cx: number, cy: number, r: number) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

describe('cut confidence', () => {
  test('clean cuts are trusted: rendered objects over plain backdrops, and preprocessImage keeps them', () => {
    for (const [category, backdrop] of [['vase', [0.96, 0.96, 0.95]], ['chair', [0.5, 0.5, 0.5]], ['teapot', [0.9, 0.8, 0.3]]] as [string, number[]][]) {
      const image = renderedPhoto(category, backdrop);
      const verdict = assessCut(removeBackground(image).evidence);
      expect({ category, doubts: verdict.doubts }).toEqual({ category, doubts: [] });
      const p = preprocessImage(image, { size: 32 });
      expect(p.matte).toBe('background-removal');
      expect(p.cut?.doubts).toEqual([]);
    }
  });

  test('a cut that falls apart into pieces is refused with the reason, in plain words, and the box suggested', () => {
    // Two objects of the same size: which one is meant? Only the largest would be kept.
    const image = photo(240, 160, [0.95, 0.95, 0.94], (x, y) => (inDisc(x, y, 70, 80, 36) || inDisc(x, y, 170, 80, 34) ? RED : undefined));
    const verdict = assessCut(removeBackground(image).evidence);
    expect(verdict.shape.pieces).toBeGreaterThan(0.8);
    // The second disc is also what the cut left out although it differs from the background.
    expect(verdict.doubts).toContainEqual(expect.stringMatching(/^the cut fell apart into pieces \(the second largest is \d+ % of the largest/));
    let thrown: unknown;
    try {
      preprocessImage(image);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(KilnError);
    expect((thrown as KilnError).code).toBe('DOUBTFUL_CUTOUT');
    expect((thrown as KilnError).message).toMatch(/^preprocessImage: the cut-out is doubtful: .*the cut fell apart into pieces .*draw a box around the object \(--box x,y,w,h/);
    expect((thrown as KilnError).message).not.toMatch(/\n/);
  });

  test('force keeps a doubtful cut and returns its doubts', () => {
    const image = photo(240, 160, [0.95, 0.95, 0.94], (x, y) => (inDisc(x, y, 70, 80, 36) || inDisc(x, y, 170, 80, 34) ? RED : undefined));
    const p = preprocessImage(image, { size: 32, force: true });
    expect(p.cut?.doubts).toContainEqual(expect.stringMatching(/fell apart into pieces/));
    expect(p.condition.width).toBe(32);
  });

  test('a thin sliver, a speck, a cluttered border and an object along the photo edge are each refused by name', () => {
    const sliver = photo(240, 160, [0.95, 0.95, 0.94], (x, y) => (x >= 30 && x < 210 && y >= 78 && y < 83 ? RED : undefined));
    expect(assessCut(removeBackground(sliver).evidence).doubts).toEqual([expect.stringMatching(/^the cut is a thin sliver \([\d.]+ % as wide as it is long\)/)]);
    const speck = photo(240, 160, [0.95, 0.95, 0.94], (x, y) => (inDisc(x, y, 120, 80, 4) ? RED : undefined));
    expect(assessCut(removeBackground(speck).evidence).doubts).toEqual([expect.stringMatching(/^the object would be 0\.\d+ % of the photo, under 0\.5 %/)]);
    const rng = createRng(2);
    const noise = createImage(64, 64, 3);
    for (let i = 0; i < noise.data.length; i++) noise.data[i] = rng.uniform();
    expect(assessCut(removeBackground(noise).evidence).doubts[0]).toMatch(/^the background is not plain: \d+ % of the photo's border differs from it/);
    // The shape rules on a mask as such: an object along the bottom edge of the photo.
    const mask = new Uint8Array(100 * 80);
    for (let y = 40; y < 80; y++) for (let x = 20; x < 80; x++) mask[y * 100 + x] = 1;
    const along = assessCut({ method: 'border', mask, width: 100, height: 80, frame: [0, 0, 100, 80], separation: 30 });
    expect(along.doubts).toEqual(['the cut runs along the photo\'s bottom edge: the object leaves the photo, or the background was kept']);
  });

  test('a box cut that keeps a slab of background (it runs along the box on several sides) is refused; a good one is kept', () => {
    // The plant's case: the box meets the photo's top, right and bottom edges, so the only background
    // it learns from is the green on its left; the room inside the box (brown and blue shelves) is
    // unlike it, and is kept with the object.
    const room = photo(200, 160, [0.2, 0.55, 0.25], (x, y) =>
      x < 40 ? ((x + y) % 17 < 4 ? [0.1, 0.35, 0.15] : undefined) : inDisc(x, y, 120, 80, 30) ? [0.95, 0.6, 0.1] : Math.floor(y / 20) % 2 ? [0.45, 0.3, 0.2] : [0.2, 0.25, 0.6]);
    const cut = grabCut(room, { x: 40, y: 0, width: 160, height: 160 });
    const verdict = assessCut(cut.evidence);
    expect(verdict.doubts).toContainEqual(expect.stringMatching(/^the cut runs along [34] sides of the box \(top, right, bottom/));
    expect(() => requireConfidentCut(cut.evidence, false, 'preprocessImage')).toThrow(/draw the box a little larger than the object, with background on every side/);
    expect(requireConfidentCut(cut.evidence, true, 'preprocessImage').doubts.length).toBeGreaterThan(0);
    // An object well inside its box, on the same clutter: trusted.
    const good = photo(200, 160, [0.2, 0.5, 0.3], (x, y) => (inDisc(x, y, 100, 80, 35) ? [0.95, 0.6, 0.1] : (x + y) % 23 < 5 ? [0.2, 0.2, 0.7] : undefined));
    expect(assessCut(grabCut(good, { x: 55, y: 35, width: 90, height: 90 }).evidence).doubts).toEqual([]);
  });

  test('a box cut that the network seeded onto the wrong thing disagrees with colour alone and is refused; a right seed agrees', () => {
    // An orange disc (the object) and a blue block beside it, both in the box, over green. Colour alone
    // keeps both; a network that marks only the block leads the seeded cut to the block.
    const W = 200, H = 160;
    const scene = photo(W, H, [0.2, 0.55, 0.25], (x, y) => (inDisc(x, y, 80, 100, 45) ? [0.95, 0.6, 0.1] : x >= 130 && x < 170 && y >= 10 && y < 50 ? [0.15, 0.2, 0.8] : undefined));
    const saliency = (marks: (x: number, y: number) => boolean) => ({ width: W, height: H, threshold: 0.5, prob: Float32Array.from({ length: W * H }, (_, i) => (marks(i % W, Math.floor(i / W)) ? 0.99 : 0.01)) });
    const box = { x: 25 / W, y: 5 / H, width: 150 / W, height: 150 / H };
    const wrong = saliency((x, y) => x >= 130 && x < 170 && y >= 10 && y < 50);
    expect(() => preprocessImage(scene, { box, saliency: wrong })).toThrow(/the cut seeded by the segmentation network and the cut by colour alone disagree \(they overlap by \d+ %, under 30 %\)/);
    const forced = preprocessImage(scene, { box, saliency: wrong, force: true });
    expect(forced.cut?.agreement).toBeLessThan(0.3);
    const right = preprocessImage(scene, { box, saliency: saliency((x, y) => inDisc(x, y, 80, 100, 45)) });
    expect(right.cut?.doubts).toEqual([]);
    expect(right.cut?.agreement).toBeGreaterThan(0.6);
    // Without a network there is nothing to agree with: no agreement is measured.
    expect(preprocessImage(scene, { box, force: true }).cut?.agreement).toBeUndefined();
  });

  test('cutAgreement is the IoU of two masks of the same size', () => {
    const a = { mask: Uint8Array.from([1, 1, 0, 0]), width: 2, height: 2 };
    expect(cutAgreement(a, { ...a, mask: Uint8Array.from([1, 0, 1, 0]) })).toBeCloseTo(1 / 3, 6);
    expect(cutAgreement({ ...a, mask: new Uint8Array(4) }, { ...a, mask: new Uint8Array(4) })).toBe(1);
    expect(() => cutAgreement(a, { mask: new Uint8Array(6), width: 3, height: 2 })).toThrow(/not the same size/);
  });

  test('measureCut: coverage, pieces, sides and thickness of a mask', () => {
    const mask = new Uint8Array(50 * 40);
    for (let y = 10; y < 30; y++) for (let x = 10; x < 30; x++) mask[y * 50 + x] = 1; // 20 × 20
    for (let y = 12; y < 17; y++) for (let x = 40; x < 45; x++) mask[y * 50 + x] = 1; // 5 × 5
    const m = measureCut({ mask, width: 50, height: 40, frame: [10, 10, 50, 40] });
    expect(m.coverage).toBeCloseTo(400 / (40 * 30), 5);
    expect(m.pieces).toBeCloseTo(25 / 400, 5);
    expect(m.sides).toEqual([0.5, 0, 0, 20 / 30]); // top: 20 of 40 columns; left: 20 of 30 rows
    expect(m.thickness).toBeGreaterThan(0.9);
  });

  test('benchmark photos: the ones cut right pass; the sliver, the bag in pieces and the slab are refused', async () => {
    const dir = benchmarksDir();
    if (!dir) return;
    const verdict = async (file: string, box?: [number, number, number, number]) => {
      const image = await readImage(join(dir, 'images', file), { maxSide: 2048 });
      return assessCut(box ? grabCut(image, { x: box[0], y: box[1], width: box[2], height: box[3] }).evidence : removeBackground(image).evidence).doubts;
    };
    for (const file of ['cutouts/teapot.png', 'apple.jpg', 'abo/duffel_bag/528c608a.jpg']) expect({ file, doubts: await verdict(file) }).toEqual({ file, doubts: [] });
    expect(await verdict('abo/led_bulb/dcace9b5.jpg')).toContainEqual(expect.stringMatching(/thin sliver/));
    expect(await verdict('abo/duffel_bag/d80a51d3.jpg')).toEqual([expect.stringMatching(/fell apart into pieces/)]);
    expect(await verdict('plant.jpg', [31, 0, 469, 333])).toEqual([expect.stringMatching(/runs along 3 sides of the box/)]);
    // The box is the way out for the refused ones: cut in a box, the LED bulb is trusted.
    expect(await verdict('abo/led_bulb/dcace9b5.jpg', [5, 0, 890, 1024])).toEqual([]);
  });
});
