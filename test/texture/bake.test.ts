import { describe, expect, test } from '@jest/globals';
import { createImage } from '../../src/core/image.js';
import { orbitCamera } from '../../src/geometry/camera.js';
import { DEFAULT_RIG } from '../../src/geometry/rig.js';
import { uvSphere } from '../../src/geometry/primitives.js';
import { psnr } from '../../src/metrics/image-metrics.js';
import { reconstructFromViews } from '../../src/pipeline/reconstruct-from-views.js';
import { renderCalibratedViews } from '../../src/render/render-views.js';
import { renderMesh } from '../../src/render/render-mesh.js';
import { pullPushFill } from '../../src/texture/fill-holes.js';

function stripes(size: number) {
  const img = createImage(size, size, 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const band = Math.floor((x / size) * 8) % 2;
    const i = (y * size + x) * 3;
    img.data.set(band ? [0.85, 0.25, 0.2] : y < size / 2 ? [0.2, 0.35, 0.8] : [0.95, 0.85, 0.3], i);
  }
  return img;
}

describe('texture baking', () => {
  const globe = uvSphere(0.45, 64, 32, { baseColor: [1, 1, 1, 1], baseColorTexture: stripes(256) });
  const views = renderCalibratedViews(globe, DEFAULT_RIG, 192, { shading: 'unlit' });

  test('a textured sphere is reproduced in a novel view (PSNR ≥ 24 dB)', async () => {
    const { mesh, timings } = await reconstructFromViews(views, { resolution: 80, faceBudget: 6000, textureSize: 512 });
    expect(mesh.uvs).toBeDefined();
    expect(mesh.material.baseColorTexture?.width).toBe(512);
    expect(Object.keys(timings)).toEqual(['reconstruct', 'unwrap', 'texture']);
    const cam = orbitCamera({ azimuth: 30, elevation: 10, distance: 3, fov: 30 }, 128, 128);
    const a = renderMesh(globe, cam, { shading: 'unlit' }).color;
    const b = renderMesh(mesh, cam, { shading: 'unlit' }).color;
    const mask = new Float32Array(128 * 128).map((_, i) => (a.data[i * 4 + 3] > 0.99 && b.data[i * 4 + 3] > 0.99 ? 1 : 0));
    expect(psnr(a, b, { mask })).toBeGreaterThanOrEqual(24);
  });

  test('vertex-colour mode colours vertices instead', async () => {
    const { mesh } = await reconstructFromViews(views, { resolution: 64, faceBudget: 4000, colorMode: 'vertex' });
    expect(mesh.colors).toBeDefined();
    expect(mesh.material.baseColorTexture).toBeUndefined();
    // Both stripe colours are present on the surface.
    let red = 0, blue = 0;
    for (let v = 0; v < mesh.colors!.length; v += 4) {
      if (mesh.colors![v] > 0.4 && mesh.colors![v + 2] < 0.15) red++;
      if (mesh.colors![v + 2] > 0.4 && mesh.colors![v] < 0.15) blue++;
    }
    expect(red).toBeGreaterThan(50);
    expect(blue).toBeGreaterThan(50);
  });

  test('pull-push fills unknown texels from their neighbourhood', () => {
    const size = 16;
    const color = new Float32Array(size * size * 3);
    const weight = new Float32Array(size * size);
    for (let y = 0; y < size; y++) for (let x = 0; x < 4; x++) {
      color.set([1, 0, 0], (y * size + x) * 3);
      weight[y * size + x] = 1;
    }
    for (let y = 0; y < size; y++) for (let x = 12; x < 16; x++) {
      color.set([0, 0, 1], (y * size + x) * 3);
      weight[y * size + x] = 1;
    }
    pullPushFill(color, weight, size);
    const at = (x: number, y: number) => Array.from(color.subarray((y * size + x) * 3, (y * size + x) * 3 + 3));
    expect(at(0, 0)).toEqual([1, 0, 0]); // known texels keep their colour
    expect(at(5, 8)[0]).toBeGreaterThan(at(5, 8)[2]); // near the red side: reddish
    expect(at(10, 8)[2]).toBeGreaterThan(at(10, 8)[0]);
    for (const v of color) expect(Number.isFinite(v)).toBe(true);
  });
});
