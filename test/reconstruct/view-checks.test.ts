import { describe, expect, test } from '@jest/globals';
import { orbitCamera } from '../../src/geometry/camera.js';
import { computeBounds } from '../../src/geometry/mesh.js';
import { box } from '../../src/geometry/primitives.js';
import { compareMeshes } from '../../src/metrics/compare-shapes.js';
import type { CalibratedView } from '../../src/geometry/calibrated-view.js';
import { reconstructGeometry } from '../../src/reconstruct/reconstruct-geometry.js';
import { renderCalibratedViews } from '../../src/render/render-views.js';
import { silhouetteAgreement, SILHOUETTE_AGREEMENT_DEFAULTS } from '../../src/reconstruct/silhouette-agreement.js';
import { estimateSupportPlane } from '../../src/reconstruct/support-plane.js';
import { asymmetricSdf, meshFromSdf } from '../helpers/shapes.js';

const AZIMUTHS = [0, 90, 180, 270];

/** Views rendered at the true azimuths, with cameras placed at the claimed ones. */
function photos(mesh: ReturnType<typeof box>, claimed: number[], elevation: number, size = 128): CalibratedView[] {
  const rig = { views: AZIMUTHS.map((azimuth) => ({ azimuth, elevation, distance: 3, fov: 30 })) };
  // 4 × 4 samples per pixel: the same anti-aliasing as the check's own coverage, so the true mesh
  // matches its renders exactly and any shortfall is the reconstruction's.
  return renderCalibratedViews(mesh, rig, size, { shading: 'unlit', supersample: 4 }).map((v, i) => ({
    camera: orbitCamera({ azimuth: claimed[i], elevation, distance: 3, fov: 30 }, size, size),
    image: v.image,
  }));
}

describe('silhouetteAgreement', () => {
  const shape = meshFromSdf(asymmetricSdf, 64);

  test('the true mesh matches its own renders; a reconstruction from right angles agrees with every photo', async () => {
    const views = photos(shape, AZIMUTHS, 10);
    const own = silhouetteAgreement(shape, views);
    expect(own.minIoU).toBeGreaterThan(0.99);
    const rec = await reconstructGeometry(views, { resolution: 64, useDepth: false });
    const a = silhouetteAgreement(rec, views);
    expect(a.ious).toHaveLength(4);
    expect(a.minIoU).toBeGreaterThanOrEqual(SILHOUETTE_AGREEMENT_DEFAULTS.threshold);
    expect(a.disagreeing).toEqual([]);
  });

  test('swapped azimuths carve each other away and fall below the threshold', async () => {
    // Not a swap of two opposite views: that mirrors the object, which silhouettes from near the
    // horizon barely see (bench:views measures how often it is caught).
    for (const claimed of [[90, 0, 180, 270], [270, 90, 180, 0]]) {
      const views = photos(shape, claimed, 10);
      const a = silhouetteAgreement(await reconstructGeometry(views, { resolution: 64, useDepth: false }), views);
      expect(a.minIoU).toBeLessThan(SILHOUETTE_AGREEMENT_DEFAULTS.threshold);
      expect(a.disagreeing.length).toBeGreaterThan(0);
      for (const i of a.disagreeing) expect(a.ious[i]).toBeLessThan(a.threshold);
    }
  });

  test('a large photo is compared downscaled, and still matches its own mesh', () => {
    const large = silhouetteAgreement(shape, photos(shape, AZIMUTHS, 10, 400), { size: 96 });
    expect(large.minIoU).toBeGreaterThan(0.98);
  });
});

describe('support plane', () => {
  test('views from above: the plane removes the wedge under the base without cutting the object', async () => {
    const shape = meshFromSdf(asymmetricSdf, 64);
    const bottom = computeBounds(shape).min[1];
    const views = photos(shape, AZIMUTHS, 25);
    const without = await reconstructGeometry(views, { resolution: 64, useDepth: false });
    const withPlane = await reconstructGeometry(views, { resolution: 64, useDepth: false, supportPlane: true });
    // The wedge: nothing carves below the base.
    expect(bottom - computeBounds(without).min[1]).toBeGreaterThan(0.05);
    expect(Math.abs(bottom - computeBounds(withPlane).min[1])).toBeLessThan(0.03);
    const f = (m: typeof shape) => compareMeshes(m, shape, { samples: 5000 }).fscore['0.05'];
    expect(f(withPlane)).toBeGreaterThan(f(without) + 0.02);
    // The estimate never lies far above the true bottom (it would cut the object).
    const height = estimateSupportPlane(without, views)!;
    expect(height).toBeGreaterThan(bottom - 0.03);
    expect(height).toBeLessThan(bottom + 0.03);
  });

  test('cameras below the object say nothing about the plane', async () => {
    const cube = box(0.5, 0.5, 0.5);
    const views = photos(cube, AZIMUTHS, -20);
    expect(estimateSupportPlane(cube, views)).toBeUndefined();
  });
});
