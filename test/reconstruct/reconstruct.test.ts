import { describe, expect, test } from '@jest/globals';
import { createImage } from '../../src/core/image.js';
import { orbitCamera } from '../../src/geometry/camera.js';
import { DEFAULT_RIG } from '../../src/geometry/rig.js';
import { box, torus, uvSphere } from '../../src/geometry/primitives.js';
import { mirroredPair } from '../../src/geometry/mirrored-pair.js';
import { compareMeshes } from '../../src/metrics/compare-shapes.js';
import { fuseViews } from '../../src/reconstruct/fuse-views.js';
import { reconstructGeometry } from '../../src/reconstruct/reconstruct-geometry.js';
import { renderCalibratedViews } from '../../src/render/render-views.js';
import { CUP_TOP, cupSdf, meshFromSdf } from '../helpers/shapes.js';

const fast = { resolution: 80, faceBudget: 8000 };

describe('reconstructGeometry', () => {
  test.each([
    ['sphere', uvSphere(0.45, 64, 32)],
    ['torus', torus(0.33, 0.13, 64, 24)],
  ])('a %s reconstructs from its six rendered views to F@0.05 ≥ 0.95', async (_name, shape) => {
    const views = renderCalibratedViews(shape, DEFAULT_RIG, 160);
    const mesh = await reconstructGeometry(views, fast);
    const r = compareMeshes(mesh, shape, { samples: 5000 });
    expect(r.fscore['0.05']).toBeGreaterThanOrEqual(0.95);
    expect(mesh.indices.length / 3).toBeLessThanOrEqual(8000);
    // Silhouettes alone still give a recognisable shape.
    const hull = await reconstructGeometry(views, { ...fast, useDepth: false });
    expect(compareMeshes(hull, shape, { samples: 5000 }).fscore['0.1']).toBeGreaterThan(0.85);
  });

  test("a cup keeps its cavity with depth and loses it without", async () => {
    const cup = meshFromSdf(cupSdf, 72);
    const views = renderCalibratedViews(cup, DEFAULT_RIG, 160);
    // A point in the cavity just below the rim, in the middle.
    const probe = [0, CUP_TOP - 0.08, 0];
    const valueAt = (useDepth: boolean) => {
      const v = fuseViews(views, { resolution: 80, useDepth });
      const i = [0, 1, 2].map((k) => Math.round((probe[k] - v.origin[k]) / v.spacing));
      return v.field[i[0] + v.dims[0] * (i[1] + v.dims[1] * i[2])];
    };
    expect(valueAt(true)).toBeGreaterThan(0); // carved: empty space
    expect(valueAt(false)).toBeLessThan(0); // the visual hull fills the cavity
    const withDepth = compareMeshes(await reconstructGeometry(views, fast), cup, { samples: 5000 });
    const without = compareMeshes(await reconstructGeometry(views, { ...fast, useDepth: false }), cup, { samples: 5000 });
    expect(withDepth.fscore['0.05']).toBeGreaterThan(without.fscore['0.05'] + 0.05);
    // The rig's 20° views see only the upper part of the cavity; its floor stays filled (see README).
    expect(withDepth.fscore['0.05']).toBeGreaterThan(0.8);
  });

  test('outlierViews lets one inconsistent view disagree without carving the object away', async () => {
    const sphere = uvSphere(0.45, 64, 32);
    const views = renderCalibratedViews(sphere, DEFAULT_RIG, 120);
    // View 3 drifted: its object shrank to the left half of its silhouette.
    const bad = views.map((v, i) => {
      if (i !== 3) return v;
      const image = createImage(v.image.width, v.image.height, 4);
      image.data.set(v.image.data);
      for (let y = 0; y < image.height; y++) for (let x = image.width / 2; x < image.width; x++) image.data[(y * image.width + x) * 4 + 3] = 0;
      return { ...v, image, depth: undefined };
    });
    const strict = compareMeshes(await reconstructGeometry(bad, fast), sphere, { samples: 5000 });
    const tolerant = compareMeshes(await reconstructGeometry(bad, { ...fast, outlierViews: 1 }), sphere, { samples: 5000 });
    expect(strict.fscore['0.05']).toBeLessThan(0.8);
    expect(tolerant.fscore['0.05']).toBeGreaterThan(0.9);
  });

  test('mirroredPair: seen from the opposite side, the outline is the mirror image', () => {
    // A box turned about the vertical axis: its outline is not left-right symmetric.
    const b = box(0.5, 0.7, 0.3);
    const turn = (30 * Math.PI) / 180;
    for (let i = 0; i < b.positions.length; i += 3) {
      const x = b.positions[i], z = b.positions[i + 2];
      b.positions[i] = x * Math.cos(turn) + z * Math.sin(turn);
      b.positions[i + 2] = -x * Math.sin(turn) + z * Math.cos(turn);
    }
    const orbit = { azimuth: 0, elevation: 20, distance: 3, fov: 30 };
    const [front] = renderCalibratedViews(b, { views: [orbit] }, 96);
    const [, mirror] = mirroredPair(front, orbit);
    const [truth] = renderCalibratedViews(b, { views: [{ ...orbit, azimuth: 180, elevation: -20 }] }, 96);
    let inter = 0, union = 0, asym = 0;
    for (let i = 0; i < 96 * 96; i++) {
      const p = mirror.image.data[i * 4 + 3] >= 0.5, q = truth.image.data[i * 4 + 3] >= 0.5;
      if (p && q) inter++;
      if (p || q) union++;
      if (p !== (front.image.data[i * 4 + 3] >= 0.5)) asym++;
    }
    expect(inter / union).toBeGreaterThan(0.9);
    expect(asym).toBeGreaterThan(100); // the flip did something: the outline is not symmetric
  });

  test('degenerate input fails early with a clear message', async () => {
    const views = renderCalibratedViews(uvSphere(0.4, 24, 12), DEFAULT_RIG, 48);
    await expect(reconstructGeometry([views[0]])).rejects.toThrow('need at least 2 views, got 1');
    const empty = views.map((v) => ({ ...v, image: createImage(48, 48, 4), depth: undefined }));
    await expect(reconstructGeometry(empty)).rejects.toThrow(/no view shows any foreground/);
    // Views with no object carry their own code, which the pipeline's fallback tests (never the message).
    await expect(reconstructGeometry(empty)).rejects.toMatchObject({ code: 'NO_OBJECT' });
    const small = [{ ...views[0], image: createImage(32, 32, 4) }, views[1]];
    await expect(reconstructGeometry(small)).rejects.toThrow(/view 0: image is 32×32 but its camera is 48×48/);
    const nanDepth = views.map((v, i) => (i === 2 ? { ...v, depth: v.depth!.map((d, k) => (k === 100 ? NaN : d)) } : v));
    await expect(reconstructGeometry(nanDepth)).rejects.toThrow(/view 2: depth has an invalid value \(NaN\)/);
    const noAlpha = [{ ...views[0], image: createImage(48, 48, 3) }, views[1]];
    await expect(reconstructGeometry(noAlpha)).rejects.toThrow(/needs an alpha channel/);
    // Silhouettes that cannot belong to one object: two views with masks on opposite image edges.
    const left = createImage(48, 48, 4);
    const right = createImage(48, 48, 4);
    for (let y = 0; y < 48; y++) for (let x = 0; x < 4; x++) {
      left.data[(y * 48 + x) * 4 + 3] = 1;
      right.data[(y * 48 + 47 - x) * 4 + 3] = 1;
    }
    const cam = orbitCamera({ azimuth: 0, elevation: 0, distance: 3, fov: 30 }, 48, 48);
    await expect(reconstructGeometry([{ camera: cam, image: left }, { camera: cam, image: right }])).rejects.toThrow(/do not intersect|no volume/);
    await expect(reconstructGeometry([{ camera: cam, image: left }, { camera: cam, image: right }])).rejects.toMatchObject({ code: 'NO_OBJECT' });
    await expect(reconstructGeometry(small)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  test('an aborted signal cancels reconstruction', async () => {
    const views = renderCalibratedViews(uvSphere(0.4, 24, 12), DEFAULT_RIG, 48);
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(reconstructGeometry(views, { signal: ctrl.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
