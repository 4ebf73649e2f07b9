import { describe, expect, test } from '@jest/globals';
import { createImage } from '../../src/core/image.js';
import { orbitCamera } from '../../src/geometry/camera.js';
import { DEFAULT_RIG } from '../../src/geometry/rig.js';
import { box } from '../../src/geometry/primitives.js';
import { psnr } from '../../src/metrics/image-metrics.js';
import { reconstructFromViews } from '../../src/pipeline/reconstruct-from-views.js';
import { cropToObject } from '../../src/preprocess/crop-to-object.js';
import { renderCalibratedViews } from '../../src/render/render-views.js';
import { renderMesh } from '../../src/render/render-mesh.js';
import { alignReferenceView } from '../../src/texture/reference-view.js';

/** Fine checks: detail that 48-pixel views blur away and a 256-pixel photo keeps. */
function checks(size: number, cells: number) {
  const img = createImage(size, size, 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const on = (Math.floor((x / size) * cells) + Math.floor((y / size) * cells / 2)) % 2;
    img.data.set(on ? [0.9, 0.8, 0.2] : [0.15, 0.25, 0.7], (y * size + x) * 3);
  }
  return img;
}

describe('the input photo as a texture source', () => {
  // A box turned 25° about the vertical: its silhouette tells the elevation (its top shows more or less).
  const block = box(0.5, 0.7, 0.5, { baseColor: [1, 1, 1, 1], baseColorTexture: checks(256, 8) });
  const turn = (25 * Math.PI) / 180;
  for (const arr of [block.positions, block.normals!]) {
    for (let i = 0; i < arr.length; i += 3) {
      const x = arr[i], z = arr[i + 2];
      arr[i] = x * Math.cos(turn) + z * Math.sin(turn);
      arr[i + 2] = -x * Math.sin(turn) + z * Math.cos(turn);
    }
  }
  const elevation = 15;
  const front = orbitCamera({ azimuth: 0, elevation, distance: 3, fov: 30 }, 400, 400);
  const photo = cropToObject(renderMesh(block, front, { shading: 'unlit', supersample: 2 }).color, { size: 256, margin: 1.15 });
  const views = renderCalibratedViews(block, DEFAULT_RIG, 48, { shading: 'unlit' });

  test('is placed at the elevation it was taken from', () => {
    const a = alignReferenceView(block, photo);
    expect(Math.abs(a.elevation - elevation)).toBeLessThanOrEqual(5);
    expect(a.iou).toBeGreaterThan(0.9);
    expect(a.view.image.width).toBe(256);
  });

  test('sharpens the texture where the photo sees the surface', async () => {
    const opts = { resolution: 64, faceBudget: 6000, textureSize: 512 };
    const plain = await reconstructFromViews(views, opts);
    const projected = await reconstructFromViews(views, { ...opts, reference: photo });
    expect(projected.reference?.used).toBe(true);
    // The front view, rendered where the photo was placed, against the photo itself (masked to its
    // solid interior): the texture should now carry the photo's detail.
    const ref = projected.reference!.view;
    const mask = new Float32Array(ref.image.width * ref.image.height).map((_, i) => (ref.image.data[i * 4 + 3] >= 0.99 ? 1 : 0));
    const score = (m: typeof plain.mesh) => psnr(renderMesh(m, ref.camera, { shading: 'unlit' }).color, ref.image, { mask, channels: 3 });
    expect(score(projected.mesh)).toBeGreaterThan(score(plain.mesh) + 2);
  });

  test('a photo that does not match the mesh is not used', async () => {
    const bar = createImage(256, 256, 4);
    for (let y = 120; y < 136; y++) for (let x = 10; x < 246; x++) bar.data.set([1, 0, 0, 1], (y * 256 + x) * 4);
    const r = await reconstructFromViews(views, { resolution: 48, faceBudget: 3000, textureSize: 128, reference: bar });
    expect(r.reference?.used).toBe(false);
  });
});
