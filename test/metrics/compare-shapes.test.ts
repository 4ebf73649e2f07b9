import { describe, expect, test } from '@jest/globals';
import { fromRotationY, fromTranslation, multiply } from '../../src/geometry/mat4.js';
import { transformMesh } from '../../src/geometry/mesh.js';
import { box, torus, uvSphere } from '../../src/geometry/primitives.js';
import { compareMeshes } from '../../src/metrics/compare-shapes.js';
import { icpAlign } from '../../src/metrics/icp.js';
import { applyRigid, fitRigid } from '../../src/metrics/rigid-fit.js';
import { sampleSurface } from '../../src/metrics/sample-surface.js';
import { createRng } from '../../src/core/rng.js';

// The ground truths: a sphere of diameter 1 and a unit cube, so the normalised frame is the mesh's own.
const sphere = uvSphere(0.5, 96, 48);
const cube = box(1, 1, 1);

describe('compareMeshes', () => {
  test('a mesh against itself scores Chamfer ≈ 0 and F = 1', () => {
    const r = compareMeshes(sphere, sphere, { samples: 20000 });
    expect(r.chamfer).toBeLessThan(1e-5);
    expect(r.fscore['0.05']).toBe(1);
    expect(r.fscore['0.1']).toBe(1);
    // Point-to-point Chamfer has a floor from sampling alone: about half the mean spacing of
    // 20k points on a sphere of area π, 0.5·√(π / 20000) ≈ 0.0063.
    const points = compareMeshes(sphere, sphere, { samples: 20000, distance: 'points' });
    expect(points.chamfer).toBeGreaterThan(0.004);
    expect(points.chamfer).toBeLessThan(0.009);
  });

  test('a copy shifted by δ scores the analytic Chamfer distance', () => {
    const delta = 0.05;
    const moved = transformMesh(sphere, fromTranslation([delta, 0, 0]));
    const r = compareMeshes(moved, sphere, { samples: 20000 });
    // For a sphere shifted by δ ≪ r, the distance from a point to the other sphere is δ·|cos θ|,
    // whose mean over the sphere is δ/2; every point is within δ, so Chamfer ∈ (0, δ].
    expect(r.chamfer).toBeGreaterThan(0.4 * delta);
    expect(r.chamfer).toBeLessThan(0.6 * delta);
    // For a cube shifted along x, only the two x faces (1/3 of the area) move: mean δ/3.
    const c = compareMeshes(transformMesh(cube, fromTranslation([delta, 0, 0])), cube, { samples: 20000 });
    expect(c.chamfer).toBeGreaterThan(0.25 * delta);
    expect(c.chamfer).toBeLessThan(0.42 * delta);
    // Shifted by 0.07 along x and y, the x and y faces (2/3 of the area) are 0.07 away: they fail
    // the strict threshold and pass the lenient one.
    const far = compareMeshes(transformMesh(cube, fromTranslation([0.07, 0.07, 0])), cube, { samples: 20000 });
    expect(far.fscore['0.05']).toBeLessThan(0.45);
    expect(far.fscore['0.05']).toBeGreaterThan(0.25);
    expect(far.fscore['0.1']).toBeGreaterThan(0.98);
  });

  test("errors are measured in the ground truth's frame", () => {
    // Scaling both shapes by 10 must not change anything.
    const big = (m: typeof sphere) => transformMesh(m, new Float64Array([10, 0, 0, 0, 0, 10, 0, 0, 0, 0, 10, 0, 0, 0, 0, 1]));
    const moved = transformMesh(sphere, fromTranslation([0.05, 0, 0]));
    const small = compareMeshes(moved, sphere, { samples: 10000 });
    const large = compareMeshes(big(moved), big(sphere), { samples: 10000 });
    expect(large.chamfer).toBeCloseTo(small.chamfer, 4);
    // With 'each', the translation is normalised away.
    expect(compareMeshes(moved, sphere, { normalize: 'each', samples: 10000 }).chamfer).toBeLessThan(1e-4);
  });

  test('ICP alignment brings a rotated, shifted copy back to ≈ 0', () => {
    const gt = torus(0.35, 0.12, 64, 24);
    // An asymmetric object: a torus with a box on one side, so the pose is unique.
    const parts = [gt, transformMesh(box(0.2, 0.4, 0.2), fromTranslation([0.45, 0.1, 0]))];
    const merged = {
      positions: new Float32Array([...parts[0].positions, ...parts[1].positions]),
      indices: new Uint32Array([...parts[0].indices, ...Array.from(parts[1].indices, (i) => i + parts[0].positions.length / 3)]),
      material: gt.material,
    };
    const pose = multiply(fromTranslation([0.03, -0.02, 0.04]), fromRotationY(1.1));
    const moved = transformMesh(merged, pose);
    const plain = compareMeshes(moved, merged, { samples: 10000 });
    const aligned = compareMeshes(moved, merged, { samples: 10000, align: 'icp' });
    expect(plain.chamfer).toBeGreaterThan(0.03);
    expect(aligned.chamfer).toBeLessThan(0.006);
    expect(aligned.fscore['0.05']).toBeGreaterThan(0.99);
    expect(aligned.icpError).toBeLessThan(0.02);
  });
});

describe('rigid fitting', () => {
  test('fitRigid recovers a known rotation and translation from exact correspondences', () => {
    const rng = createRng(2);
    const p = Float32Array.from({ length: 300 }, () => rng.range(-1, 1));
    const axis = [0.3, 0.8, -0.5];
    const l = Math.hypot(...axis);
    const [x, y, z] = axis.map((a) => a / l);
    const a = 0.9;
    const c = Math.cos(a), s = Math.sin(a), t = 1 - c;
    const rotation = new Float64Array([
      t * x * x + c, t * x * y - s * z, t * x * z + s * y,
      t * x * y + s * z, t * y * y + c, t * y * z - s * x,
      t * x * z - s * y, t * y * z + s * x, t * z * z + c,
    ]);
    const q = applyRigid({ rotation, translation: [0.5, -1, 2] }, p);
    const fit = fitRigid(p, q, Uint32Array.from({ length: 100 }, (_, i) => i));
    for (let i = 0; i < 9; i++) expect(fit.rotation[i]).toBeCloseTo(rotation[i], 5);
    expect(fit.translation[0]).toBeCloseTo(0.5, 5);
    expect(fit.translation[2]).toBeCloseTo(2, 5);
  });

  test('icpAlign escapes the local minimum of a half turn through its multiple starts', () => {
    // An L: a bar with a post at one end. Turned half-way about +Y, the post is at the other end,
    // and ICP from the identity settles with the bars overlapping and the posts apart.
    const bar = box(1, 0.2, 0.2);
    const post = transformMesh(box(0.2, 0.6, 0.2), fromTranslation([0.4, 0.3, 0]));
    const L = {
      positions: new Float32Array([...bar.positions, ...post.positions]),
      indices: new Uint32Array([...bar.indices, ...Array.from(post.indices, (i) => i + bar.positions.length / 3)]),
      material: bar.material,
    };
    const src = sampleSurface(L, 2000, 1);
    const dst = applyRigid({ rotation: new Float64Array([-1, 0, 0, 0, 1, 0, 0, 0, -1]), translation: [0, 0, 0] }, sampleSurface(L, 2000, 2));
    const stuck = icpAlign(src, dst, { starts: 'none' });
    const fit = icpAlign(src, dst);
    // The floor for 2000 independent samples of each cloud is ≈ 0.5·√(area / 2000) ≈ 0.013.
    expect(fit.error).toBeLessThan(0.016);
    expect(stuck.error).toBeGreaterThan(2 * fit.error);
    expect(fit.transform.rotation[0]).toBeCloseTo(-1, 2);
    expect(fit.transform.rotation[8]).toBeCloseTo(-1, 2);
  });
});
