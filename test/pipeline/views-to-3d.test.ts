import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import sharp from 'sharp';
import { KilnError } from '../../src/core/errors.js';
import { computeBounds } from '../../src/geometry/mesh.js';
import { renderCalibratedViews } from '../../src/render/render-views.js';
import { viewsTo3D, type PhotoView } from '../../src/pipeline/views-to-3d.js';
import { writeOutputs } from '../../src/pipeline/write-outputs.js';
import { tempDir } from '../helpers/paths.js';
import { asymmetricSdf, meshFromSdf } from '../helpers/shapes.js';

// Photos of a known, asymmetric object rendered at 0/90/180/270; the run is given their angles,
// right or wrong. Vertex colours and a coarse grid keep each run to a couple of seconds.
const shape = meshFromSdf(asymmetricSdf, 56);
const AZIMUTHS = [0, 90, 180, 270];
const fast = { resolution: 56, faceBudget: 4000, colorMode: 'vertex' as const };

function photos(elevation: number, claimed = AZIMUTHS): PhotoView[] {
  const rig = { views: AZIMUTHS.map((azimuth) => ({ azimuth, elevation, distance: 3, fov: 30 })) };
  return renderCalibratedViews(shape, rig, 128, { shading: 'unlit' }).map((v, i) => ({ image: v.image, azimuth: claimed[i], elevation, name: `photo-${i}.png` }));
}

describe('viewsTo3D: the photos against their angles', () => {
  test('right angles pass; the per-view IoU is in the result and the report, and views.png shows photos and masks', async () => {
    const result = await viewsTo3D(photos(10), fast);
    const a = result.viewAgreement!;
    expect(a.views.map((v) => v.name)).toEqual(['photo-0.png', 'photo-1.png', 'photo-2.png', 'photo-3.png']);
    expect(a.views.map((v) => v.azimuth)).toEqual(AZIMUTHS);
    for (const v of a.views) expect(v.iou).toBeGreaterThanOrEqual(a.threshold);
    expect(a.disagreeing).toEqual([]);
    expect(a.warning).toBeUndefined();
    expect(result.options.supportPlane).toBe(true); // every elevation is positive

    const out = join(tempDir(), 'model');
    const report = await writeOutputs(result, out, { preview: false, formats: ['glb'] });
    expect(report.viewAgreement).toEqual(a);
    expect(report.files).toContain('views.png');
    // One row of 4 photos over white, one row of their masks under it.
    const meta = await sharp(join(out, 'views.png')).metadata();
    expect([meta.width, meta.height]).toEqual([4 * 256, 2 * 256]);
    const { data, info } = await sharp(join(out, 'views.png')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => data[(y * info.width + x) * info.channels];
    expect(at(128, 128 + 256)).toBeLessThan(30); // mask: black at the object's centre
    expect(at(5, 5 + 256)).toBeGreaterThan(225); // white around it
  });

  test('swapped azimuths fail with the disagreeing photos named; force keeps the model with the warning', async () => {
    const wrong = photos(10, [90, 0, 180, 270]);
    const err = await viewsTo3D(wrong, fast).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KilnError);
    expect((err as KilnError).code).toBe('INVALID_INPUT');
    expect((err as KilnError).message).toMatch(/^views: the photos disagree with their angles: .*photo-0\.png \(azimuth 90°, elevation 10°: IoU 0\.\d+\)/);
    expect((err as KilnError).message).toMatch(/force/);

    const forced = await viewsTo3D(wrong, { ...fast, force: true });
    const a = forced.viewAgreement!;
    expect(a.disagreeing.length).toBeGreaterThan(0);
    expect(a.disagreeing).toContain(0);
    expect(a.minIoU).toBeLessThan(a.threshold);
    expect(a.warning).toMatch(/disagree with their angles.*kept because the run was forced/);
    expect(forced.mesh.indices.length).toBeGreaterThan(0);
  });

  test('support plane: on by default from above, off when a view looks from below, switchable', async () => {
    const bottom = computeBounds(shape).min[1];
    const above = photos(25);
    const auto = await viewsTo3D(above, fast);
    const off = await viewsTo3D(above, { ...fast, supportPlane: false });
    expect(auto.options.supportPlane).toBe(true);
    expect(off.options.supportPlane).toBe(false);
    // Without the plane the model grows a wedge under its base; with it, it stops at the base.
    expect(bottom - computeBounds(off.mesh).min[1]).toBeGreaterThan(0.05);
    expect(Math.abs(bottom - computeBounds(auto.mesh).min[1])).toBeLessThan(0.03);
    const low = photos(-5);
    const mixed = above.map((p, i) => (i === 2 ? low[2] : p));
    expect((await viewsTo3D(mixed, fast)).options.supportPlane).toBe(false);
  });
});
