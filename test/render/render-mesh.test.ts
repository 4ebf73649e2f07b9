import { describe, expect, test } from '@jest/globals';
import { createImage, type RasterImage } from '../../src/core/image.js';
import { createRng } from '../../src/core/rng.js';
import { linearToSrgb, srgbToLinear } from '../../src/core/srgb.js';
import { lookAtCamera, orbitCamera, pixelRay, type Camera } from '../../src/geometry/camera.js';
import { fromRotationY, multiply, fromTranslation } from '../../src/geometry/mat4.js';
import { transformMesh } from '../../src/geometry/mesh.js';
import { box, plane, uvSphere } from '../../src/geometry/primitives.js';
import { psnr } from '../../src/metrics/image-metrics.js';
import { renderMesh } from '../../src/render/render-mesh.js';
import { linearTexture, sampleBilinear } from '../../src/render/sample-texture.js';

/**
 * Distance along the optical axis to the first hit of a ray with the sphere |x| = r (0 if none), and
 * the cosine between the ray and the surface normal there.
 */
function analyticSphereDepth(cam: Camera, x: number, y: number, r: number): { depth: number; cos: number } {
  const { origin: o, direction: d } = pixelRay(cam, x, y);
  const b = o[0] * d[0] + o[1] * d[1] + o[2] * d[2];
  const c = o[0] ** 2 + o[1] ** 2 + o[2] ** 2 - r * r;
  const disc = b * b - c;
  if (disc < 0) return { depth: 0, cos: 0 };
  const t = -b - Math.sqrt(disc);
  const forward = [-cam.view[2], -cam.view[6], -cam.view[10]];
  const p = [o[0] + d[0] * t, o[1] + d[1] * t, o[2] + d[2] * t];
  const cos = -(p[0] * d[0] + p[1] * d[1] + p[2] * d[2]) / r;
  return { depth: t * (d[0] * forward[0] + d[1] * forward[1] + d[2] * forward[2]), cos };
}

/** A texture with structure at every scale: a checkerboard over colour gradients. */
function testTexture(size: number): RasterImage {
  const img = createImage(size, size, 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const check = ((x >> 3) + (y >> 3)) % 2;
      const i = (y * size + x) * 3;
      img.data[i] = check ? 0.9 : 0.15 + (0.5 * x) / size;
      img.data[i + 1] = check ? 0.2 + (0.6 * y) / size : 0.1;
      img.data[i + 2] = check ? 0.3 : 0.85;
    }
  }
  return img;
}

describe('renderMesh', () => {
  test("a unit sphere's depth buffer matches the analytic depth", () => {
    const cam = orbitCamera({ azimuth: 30, elevation: 15, distance: 3, fov: 45 }, 128, 128);
    const { depth, color } = renderMesh(uvSphere(1, 128, 64), cam, { supersample: 1, shading: 'unlit' });
    let both = 0, onlyOne = 0, maxErr = 0, sumErr = 0;
    for (let y = 0; y < 128; y++) {
      for (let x = 0; x < 128; x++) {
        const { depth: expected, cos } = analyticSphereDepth(cam, x + 0.5, y + 0.5, 1);
        const got = depth[y * 128 + x];
        if (expected > 0 && got > 0) {
          both++;
          const err = Math.abs(got - expected);
          // At grazing angles a facet's depth departs from the sphere's by far more than its
          // radial error, so the strict bound applies where the surface faces the camera.
          if (cos > 0.3) maxErr = Math.max(maxErr, err);
          sumErr += err;
        } else if (expected > 0 || got > 0) onlyOne++;
        expect(color.data[(y * 128 + x) * 4 + 3]).toBe(got > 0 ? 1 : 0);
      }
    }
    // The polygonal sphere lies inside the true one by at most 1 − cos(π/64) ≈ 1.2e-3 of the radius.
    expect(maxErr).toBeLessThan(0.01);
    expect(sumErr / both).toBeLessThan(0.002);
    // Silhouettes agree except for a thin ring of edge pixels.
    expect(onlyOne / both).toBeLessThan(0.02);
  });

  test('a fronto-parallel textured quad reproduces its texture (PSNR ≥ 30 dB)', () => {
    const size = 64;
    const tex = testTexture(size);
    const d = 2;
    const cam = lookAtCamera({ eye: [0, 0, d], fovDeg: (2 * Math.atan(0.5 / d) * 180) / Math.PI, width: size, height: size });
    const quad = plane(1, 1, 1, { baseColor: [1, 1, 1, 1], baseColorTexture: tex });
    const { color } = renderMesh(quad, cam, { supersample: 1, shading: 'unlit' });
    const value = psnr(color, tex);
    expect(value).toBeGreaterThanOrEqual(30);
    // Orientation: the top-left texel lands in the top-left pixel.
    expect(color.data[0]).toBeCloseTo(tex.data[0], 2);
  });

  test('an oblique textured quad is perspective-correct', () => {
    const size = 96;
    const tex = testTexture(64);
    const lin = linearTexture(tex);
    const m = multiply(fromTranslation([0, 0, -0.2]), fromRotationY((55 * Math.PI) / 180));
    const quad = transformMesh(plane(1.6, 1.6, 1, { baseColor: [1, 1, 1, 1], baseColorTexture: tex }), m);
    const cam = lookAtCamera({ eye: [0, 0, 1.6], fovDeg: 60, width: size, height: size });
    const { color } = renderMesh(quad, cam, { supersample: 1, shading: 'unlit' });
    // Ground truth by ray casting: intersect each pixel ray with the rotated plane, look up the UV.
    const expected = createImage(size, size, 4);
    const mask = new Float32Array(size * size);
    const n = [Math.sin((55 * Math.PI) / 180), 0, Math.cos((55 * Math.PI) / 180)];
    const uAxis = [Math.cos((55 * Math.PI) / 180), 0, -Math.sin((55 * Math.PI) / 180)];
    const texel = new Float32Array(4);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const { origin: o, direction: dir } = pixelRay(cam, x + 0.5, y + 0.5);
        const t = (n[0] * (0 - o[0]) + n[2] * (-0.2 - o[2])) / (n[0] * dir[0] + n[2] * dir[2]);
        const p = [o[0] + dir[0] * t, o[1] + dir[1] * t, o[2] + dir[2] * t + 0.2];
        const u = (p[0] * uAxis[0] + p[2] * uAxis[2]) / 1.6 + 0.5;
        const v = 0.5 - p[1] / 1.6;
        if (u < 0.02 || u > 0.98 || v < 0.02 || v > 0.98) continue;
        mask[y * size + x] = 1;
        sampleBilinear(lin, u, v, texel);
        for (let k = 0; k < 3; k++) expected.data[(y * size + x) * 4 + k] = linearToSrgb(texel[k]);
      }
    }
    expect(mask.reduce((a, b) => a + b)).toBeGreaterThan(size * size * 0.2);
    expect(psnr(color, expected, { mask })).toBeGreaterThanOrEqual(30);
  });

  test('normal and position buffers describe the visible surface', () => {
    const cam = orbitCamera({ azimuth: -40, elevation: 25, distance: 3, fov: 40 }, 64, 64);
    const r = renderMesh(uvSphere(1, 96, 48), cam, { supersample: 1, normals: true, positions: true });
    let checked = 0;
    for (let i = 0; i < 64 * 64; i++) {
      if (r.depth[i] === 0) continue;
      const p = [r.position![i * 3], r.position![i * 3 + 1], r.position![i * 3 + 2]];
      const nrm = [r.normal![i * 3], r.normal![i * 3 + 1], r.normal![i * 3 + 2]];
      expect(Math.hypot(...p)).toBeGreaterThan(0.995);
      expect(Math.hypot(...p)).toBeLessThan(1.0001);
      expect(nrm[0] * p[0] + nrm[1] * p[1] + nrm[2] * p[2]).toBeGreaterThan(0.99); // outward, facing us
      const toCam = cam.position.map((c, k) => c - p[k]);
      expect(nrm[0] * toCam[0] + nrm[1] * toCam[1] + nrm[2] * toCam[2]).toBeGreaterThan(0);
      checked++;
    }
    expect(checked).toBeGreaterThan(500);
  });

  test('supersampling gives fractional coverage only along silhouettes', () => {
    const cam = orbitCamera({ azimuth: 0, elevation: 0, distance: 3, fov: 40 }, 64, 64);
    const sphere = uvSphere(1, 64, 32);
    const hard = renderMesh(sphere, cam, { supersample: 1 }).color;
    const soft = renderMesh(sphere, cam, { supersample: 4 }).color;
    const alphas = (im: RasterImage) => Array.from({ length: 64 * 64 }, (_, i) => im.data[i * 4 + 3]);
    expect(alphas(hard).every((a) => a === 0 || a === 1)).toBe(true);
    const partial = alphas(soft).filter((a) => a > 0 && a < 1).length;
    expect(partial).toBeGreaterThan(50);
    expect(partial).toBeLessThan(400); // a ring around the disc, not a blur
    // Total coverage approximates the projected disc either way.
    const sum = (a: number[]) => a.reduce((x, y) => x + y);
    expect(Math.abs(sum(alphas(soft)) - sum(alphas(hard)))).toBeLessThan(0.02 * sum(alphas(hard)));
  });

  test('lit shading follows the light; unlit returns the base colour', () => {
    const cam = orbitCamera({ azimuth: 0, elevation: 0, distance: 3, fov: 40 }, 64, 64);
    const sphere = uvSphere(1, 64, 32, { baseColor: [0.5, 0.5, 0.5, 1] });
    const unlit = renderMesh(sphere, cam, { supersample: 1, shading: 'unlit' }).color;
    const centre = (32 * 64 + 32) * 4;
    expect(unlit.data[centre]).toBeCloseTo(linearToSrgb(0.5), 3);
    const lit = renderMesh(sphere, cam, {
      supersample: 1,
      lighting: { ambient: 0.1, lights: [{ direction: [0, 1, 0], intensity: 1 }] },
    }).color;
    const top = (12 * 64 + 32) * 4;
    const bottom = (52 * 64 + 32) * 4;
    expect(srgbToLinear(lit.data[top])).toBeGreaterThan(srgbToLinear(lit.data[bottom]) * 3);
    expect(srgbToLinear(lit.data[bottom])).toBeCloseTo(0.05, 2); // ambient only: 0.1 × 0.5
  });

  test('a camera inside a box sees walls everywhere: near-plane clipping', () => {
    const cam = lookAtCamera({ eye: [0.3, 0.2, 0.1], target: [1, 0.5, -2], fovDeg: 90, width: 48, height: 48 });
    const { depth, color } = renderMesh(box(4, 4, 4), cam, { supersample: 1 });
    for (let i = 0; i < depth.length; i++) {
      expect(depth[i]).toBeGreaterThan(0);
      expect(color.data[i * 4 + 3]).toBe(1);
    }
    // A floor that runs behind the camera must be clipped, not smeared across the sky.
    const floor = transformMesh(plane(20, 20, 1), new Float64Array([1, 0, 0, 0, 0, 0, -1, 0, 0, 1, 0, 0, 0, -0.5, 0, 1]));
    const horizon = lookAtCamera({ eye: [0, 0, 0], target: [0, 0, -1], fovDeg: 60, width: 32, height: 32 });
    const f = renderMesh(floor, horizon, { supersample: 1 });
    const row = (y: number) => Array.from({ length: 32 }, (_, x) => f.depth[y * 32 + x]);
    expect(row(2).every((d) => d === 0)).toBe(true); // sky
    expect(row(30).every((d) => d > 0)).toBe(true); // floor
  });

  test('back-face culling and cancellation', () => {
    const quad = plane(1, 1);
    const behind = lookAtCamera({ eye: [0, 0, -2], fovDeg: 40, width: 16, height: 16 });
    expect(renderMesh(quad, behind, { supersample: 1 }).depth.some((d) => d > 0)).toBe(true);
    expect(renderMesh(quad, behind, { supersample: 1, cullBackFaces: true }).depth.some((d) => d > 0)).toBe(false);
    const front = lookAtCamera({ eye: [0, 0, 2], fovDeg: 40, width: 16, height: 16 });
    expect(renderMesh(quad, front, { supersample: 1, cullBackFaces: true }).depth.some((d) => d > 0)).toBe(true);
    const ctrl = new AbortController();
    ctrl.abort();
    expect(() => renderMesh(quad, front, { signal: ctrl.signal })).toThrow('renderMesh: cancelled');
    expect(() => renderMesh(quad, front, { supersample: 0 })).toThrow(/supersample/);
  });

  test('the same inputs render the same pixels', () => {
    const rng = createRng(5);
    const pts = Float32Array.from({ length: 300 }, () => rng.range(-0.5, 0.5));
    const mesh = { positions: pts, indices: Uint32Array.from({ length: 300 }, (_, i) => (i * 7) % 100), material: { baseColor: [1, 0.5, 0.2, 1] as [number, number, number, number] } };
    const cam = orbitCamera({ azimuth: 10, elevation: 10, distance: 2.5, fov: 40 }, 32, 32);
    const a = renderMesh(mesh, cam);
    const b = renderMesh(mesh, cam);
    expect(Buffer.from(a.color.data.buffer).equals(Buffer.from(b.color.data.buffer))).toBe(true);
  });
});
