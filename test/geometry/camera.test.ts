import { describe, expect, test } from '@jest/globals';
import { intrinsics, lookAtCamera, orbitCamera, pixelRay, projectPoint, projectionMatrix, worldToCamera } from '../../src/geometry/camera.js';
import { DEFAULT_RIG, ORBIT_LIMITS, findRigProblem, parseViewRig, rigCameras } from '../../src/geometry/rig.js';
import { transformPoint, type Vec3 } from '../../src/geometry/mat4.js';

describe('camera convention', () => {
  const cam = orbitCamera({ azimuth: 0, elevation: 0, distance: 3, fov: 40 }, 200, 100);

  test('azimuth 0 looks at the front (+Z side) with +X to the right and +Y up', () => {
    expect(cam.position[2]).toBeCloseTo(3);
    const [cx, cy, depth] = projectPoint(cam, [0, 0, 0]);
    expect([cx, cy, depth]).toEqual([expect.closeTo(100, 9), expect.closeTo(50, 9), expect.closeTo(3, 9)]);
    const right = projectPoint(cam, [0.5, 0, 0]);
    const up = projectPoint(cam, [0, 0.5, 0]);
    expect(right[0]).toBeGreaterThan(100);
    expect(up[1]).toBeLessThan(50); // image y grows downwards
    // Camera space looks down −Z.
    expect(worldToCamera(cam, [0, 0, 0])[2]).toBeCloseTo(-3);
  });

  test('azimuth 90 is on +X, and positive elevation looks down from above', () => {
    const side = orbitCamera({ azimuth: 90, elevation: 0, distance: 2, fov: 30 }, 64, 64);
    expect(side.position[0]).toBeCloseTo(2);
    expect(projectPoint(side, [0, 0, -0.3])[0]).toBeGreaterThan(32); // −Z is to the right seen from +X
    const above = orbitCamera({ azimuth: 0, elevation: 30, distance: 2, fov: 30 }, 64, 64);
    expect(above.position[1]).toBeCloseTo(1);
    expect(Math.hypot(...above.position)).toBeCloseTo(2);
  });

  test('intrinsics follow the vertical field of view', () => {
    const { fx, fy, cx, cy } = intrinsics(cam);
    expect(fy).toBeCloseTo(50 / Math.tan((20 * Math.PI) / 180));
    expect(fx).toBe(fy);
    expect([cx, cy]).toEqual([100, 50]);
    // A point at the top edge of the frustum projects to y = 0.
    const top: Vec3 = [0, 3 * Math.tan((20 * Math.PI) / 180), 0];
    expect(projectPoint(cam, top)[1]).toBeCloseTo(0, 6);
  });

  test('pixelRay inverts projectPoint', () => {
    const c = orbitCamera({ azimuth: 37, elevation: 23, distance: 2.5, fov: 35 }, 128, 96);
    const p: Vec3 = [0.2, -0.1, 0.3];
    const [x, y, depth] = projectPoint(c, p);
    const { origin, direction } = pixelRay(c, x, y);
    const t = Math.hypot(p[0] - origin[0], p[1] - origin[1], p[2] - origin[2]);
    for (let k = 0; k < 3; k++) expect(origin[k] + direction[k] * t).toBeCloseTo(p[k], 6);
    expect(depth).toBeGreaterThan(0);
  });

  test('the projection matrix agrees with projectPoint', () => {
    const c = orbitCamera({ azimuth: 10, elevation: -10, distance: 2, fov: 50 }, 100, 100);
    const p: Vec3 = [0.1, 0.2, -0.05];
    const ndc = transformPoint(projectionMatrix(c), worldToCamera(c, p));
    const [x, y] = projectPoint(c, p);
    expect((ndc[0] + 1) * 50).toBeCloseTo(x, 6);
    expect((1 - ndc[1]) * 50).toBeCloseTo(y, 6);
  });

  test('looking straight down still gives a valid camera', () => {
    const down = lookAtCamera({ eye: [0, 3, 0], fovDeg: 30, width: 32, height: 32 });
    const [x, y] = projectPoint(down, [0, 0, 0]);
    expect(x).toBeCloseTo(16);
    expect(y).toBeCloseTo(16);
    expect(() => lookAtCamera({ eye: [0, 0, 0], fovDeg: 30, width: 32, height: 32 })).toThrow(/coincide/);
    expect(() => lookAtCamera({ eye: [0, 0, 1], fovDeg: 190, width: 32, height: 32 })).toThrow(/field of view/);
  });
});

describe('view rig', () => {
  test('the default rig has six views at 60° steps with alternating elevations', () => {
    expect(DEFAULT_RIG.views.map((v) => v.azimuth)).toEqual([0, 60, 120, 180, 240, 300]);
    expect(DEFAULT_RIG.views.map((v) => v.elevation)).toEqual([20, -10, 20, -10, 20, -10]);
    const cams = rigCameras(DEFAULT_RIG, 64);
    expect(cams).toHaveLength(6);
    for (const c of cams) {
      const [x, y] = projectPoint(c, [0, 0, 0]);
      expect(x).toBeCloseTo(32);
      expect(y).toBeCloseTo(32);
    }
  });

  test('parseViewRig names the bad field', () => {
    expect(() => parseViewRig({ views: [{ azimuth: 0, elevation: 95, distance: 2, fov: 30 }] })).toThrow(/views\.0\.elevation/);
    expect(() => parseViewRig({ views: [] })).toThrow(/views/);
    expect(() => parseViewRig({ views: [{ azimuth: '0', elevation: 0, distance: 2, fov: 30 }] })).toThrow(/azimuth/);
    expect(parseViewRig({ views: [{ azimuth: 0, elevation: 0, distance: 2, fov: 30 }] }).views).toHaveLength(1);
  });

  test('findRigProblem: absurd angles, a camera inside the object and a view that cannot frame it, by view and field', () => {
    const view = (o: Partial<{ azimuth: number; elevation: number; distance: number; fov: number }>) => ({ azimuth: 0, elevation: 0, distance: 3, fov: 30, ...o });
    expect(findRigProblem({ views: [view({}), view({ azimuth: 90 })] })).toBeUndefined();
    expect(findRigProblem({ views: DEFAULT_RIG.views })).toBeUndefined();
    expect(findRigProblem({ views: [view({}), view({ azimuth: 1e300 })] })).toMatchObject({ view: 1, field: 'azimuth', at: 'views.1.azimuth' });
    expect(findRigProblem({ views: [view({ elevation: 90 })] })).toMatchObject({ view: 0, field: 'elevation' });
    expect(findRigProblem({ views: [view({ distance: ORBIT_LIMITS.minDistance })] })).toMatchObject({ field: 'distance', message: expect.stringMatching(/outside the object/) });
    // Each value legal on its own, but together the object is a speck (3 % of the frame) or cut off (315 %).
    expect(findRigProblem({ views: [view({ distance: 100, fov: 20 })] })).toMatchObject({ field: 'distance', message: expect.stringMatching(/does not frame the object/) });
    expect(findRigProblem({ views: [view({ distance: 0.9, fov: 20 })] })).toMatchObject({ field: 'distance', message: expect.stringMatching(/does not frame/) });
    expect(findRigProblem({ views: [view({ fov: 170 })] })).toMatchObject({ field: 'fov' });
    expect(findRigProblem({ views: [] })).toMatchObject({ at: 'views', view: undefined });
    expect(findRigProblem(null)).toMatchObject({ at: 'rig' });
  });
});
