import { throwIfAborted } from '../core/progress.js';
import type { Camera } from '../geometry/camera.js';
import { intrinsics } from '../geometry/camera.js';
import type { Mesh } from '../geometry/mesh.js';

/**
 * The visibility pass of the renderer: which triangle covers each sample, where on it, and how far
 * away. Shading happens afterwards, once per visible sample (a deferred renderer), so overdraw
 * costs only a depth test.
 *
 * Triangles are clipped against the near plane in camera space (so a camera inside or close to an
 * object renders correctly) and rasterised with edge functions over their clamped bounding box,
 * sampling at pixel centres. Depth is tested on 1/z, which is affine in screen space; barycentrics
 * are made perspective-correct before they are stored, so attributes interpolate correctly.
 */
export interface VisibilityBuffer {
  width: number;
  height: number;
  /** Triangle index per sample, −1 where empty. */
  triangle: Int32Array;
  /** Perspective-correct barycentric weights of the triangle's 2nd and 3rd vertex (1st = 1 − b1 − b2). */
  b1: Float32Array;
  b2: Float32Array;
  /** 1 / depth per sample (0 where empty); larger is closer. */
  inverseDepth: Float32Array;
}

export interface RasterizeOptions {
  /** Samples per pixel along each axis: the buffer is `scale`× the camera's size. */
  scale: number;
  /** Skip triangles that face away from the camera (CCW is front, as in glTF). */
  cullBackFaces: boolean;
  /**
   * Alpha-tested (cut-out) triangles: where `triangles[t]` is set, `test(t, b1, b2)` is asked for each
   * sample and a `true` answer leaves the sample to what lies behind (leaves drawn on quads).
   */
  cutout?: { triangles: Uint8Array; test: (triangle: number, b1: number, b2: number) => boolean };
  signal?: AbortSignal;
}

const NAME = 'renderMesh';

export function rasterizeVisibility(mesh: Mesh, camera: Camera, options: RasterizeOptions): VisibilityBuffer {
  const s = options.scale;
  const W = camera.width * s;
  const H = camera.height * s;
  const { fx: fx1, fy: fy1, cx: cx1, cy: cy1 } = intrinsics(camera);
  const fx = fx1 * s, fy = fy1 * s, cx = cx1 * s, cy = cy1 * s;
  const near = camera.near;
  const minIz = 1 / camera.far;

  const p = mesh.positions;
  const nv = p.length / 3;
  const m = camera.view;
  // Camera-space z and screen positions for every vertex.
  const vz = new Float64Array(nv);
  const vx = new Float64Array(nv);
  const vy = new Float64Array(nv);
  const sx = new Float64Array(nv);
  const sy = new Float64Array(nv);
  for (let i = 0; i < nv; i++) {
    const x = p[i * 3], y = p[i * 3 + 1], z = p[i * 3 + 2];
    const xc = m[0] * x + m[4] * y + m[8] * z + m[12];
    const yc = m[1] * x + m[5] * y + m[9] * z + m[13];
    const zc = m[2] * x + m[6] * y + m[10] * z + m[14];
    vx[i] = xc;
    vy[i] = yc;
    vz[i] = zc;
    const iz = -1 / zc;
    sx[i] = cx + fx * xc * iz;
    sy[i] = cy - fy * yc * iz;
  }

  const n = W * H;
  const triangle = new Int32Array(n).fill(-1);
  const b1 = new Float32Array(n);
  const b2 = new Float32Array(n);
  const inverseDepth = new Float32Array(n);
  const cull = options.cullBackFaces;
  const cutTris = options.cutout?.triangles;
  const cutTest = options.cutout?.test;

  // Draws one screen-space triangle whose corners carry barycentrics (of the original triangle)
  // `l` = [l0 of corner0 (3 values), corner1, corner2]; `identity` skips that mapping.
  const draw = (
    tri: number,
    x0: number, y0: number, z0: number,
    x1: number, y1: number, z1: number,
    x2: number, y2: number, z2: number,
    l: Float64Array | null,
  ): void => {
    const area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
    if (!(area !== 0) || !Number.isFinite(area)) return;
    // In y-down pixel coordinates a front-facing (CCW in y-up) triangle has negative area.
    if (cull && area > 0) return;
    const minX = Math.max(0, Math.floor(Math.min(x0, x1, x2) - 0.5) + 0);
    const maxX = Math.min(W - 1, Math.ceil(Math.max(x0, x1, x2) - 0.5));
    const minY = Math.max(0, Math.floor(Math.min(y0, y1, y2) - 0.5) + 0);
    const maxY = Math.min(H - 1, Math.ceil(Math.max(y0, y1, y2) - 0.5));
    if (minX > maxX || minY > maxY) return;
    const inv = 1 / area;
    // Barycentric of corner k at pixel centre (px, py) is an affine function A_k + px·dX_k + py·dY_k.
    const dX0 = (y1 - y2) * inv, dY0 = (x2 - x1) * inv;
    const dX1 = (y2 - y0) * inv, dY1 = (x0 - x2) * inv;
    const A0 = (x1 * y2 - x2 * y1) * inv;
    const A1 = (x2 * y0 - x0 * y2) * inv;
    const iz0 = 1 / z0, iz1 = 1 / z1, iz2 = 1 / z2;
    const eps = -1e-9;
    for (let py = minY; py <= maxY; py++) {
      const cyp = py + 0.5;
      const startX = minX + 0.5;
      let w0 = A0 + startX * dX0 + cyp * dY0;
      let w1 = A1 + startX * dX1 + cyp * dY1;
      let row = py * W + minX;
      for (let px = minX; px <= maxX; px++, row++, w0 += dX0, w1 += dX1) {
        const w2 = 1 - w0 - w1;
        if (w0 < eps || w1 < eps || w2 < eps) continue;
        const iz = w0 * iz0 + w1 * iz1 + w2 * iz2;
        if (iz <= inverseDepth[row] || iz < minIz) continue;
        // Perspective-correct weights of the drawn corners.
        const q0 = (w0 * iz0) / iz, q1 = (w1 * iz1) / iz, q2 = 1 - q0 - q1;
        const c1 = l === null ? q1 : q0 * l[1] + q1 * l[4] + q2 * l[7];
        const c2 = l === null ? q2 : q0 * l[2] + q1 * l[5] + q2 * l[8];
        if (cutTris && cutTris[tri] && cutTest!(tri, c1, c2)) continue;
        inverseDepth[row] = iz;
        triangle[row] = tri;
        b1[row] = c1;
        b2[row] = c2;
      }
    }
  };

  const idx = mesh.indices;
  const nt = idx.length / 3;
  const poly = new Float64Array(4 * 6); // clipped polygon: up to 4 corners × (x, y, z, l0, l1, l2)
  const lmap = new Float64Array(9);
  for (let t = 0; t < nt; t++) {
    if ((t & 16383) === 0) throwIfAborted(options.signal, NAME);
    const a = idx[t * 3], b = idx[t * 3 + 1], c = idx[t * 3 + 2];
    const za = -vz[a], zb = -vz[b], zc = -vz[c]; // depths
    const inA = za >= near, inB = zb >= near, inC = zc >= near;
    if (inA && inB && inC) {
      draw(t, sx[a], sy[a], za, sx[b], sy[b], zb, sx[c], sy[c], zc, null);
      continue;
    }
    if (!inA && !inB && !inC) continue;
    // Sutherland–Hodgman against depth = near, carrying barycentrics of the original triangle.
    const corners = [a, b, c];
    const depths = [za, zb, zc];
    let k = 0;
    for (let i = 0; i < 3; i++) {
      const j = (i + 1) % 3;
      const di = depths[i], dj = depths[j];
      const vi = corners[i], vj = corners[j];
      if (di >= near) {
        poly.set([vx[vi], vy[vi], di, i === 0 ? 1 : 0, i === 1 ? 1 : 0, i === 2 ? 1 : 0], k * 6);
        k++;
      }
      if (di >= near !== dj >= near) {
        const f = (near - di) / (dj - di);
        const li = [i === 0 ? 1 : 0, i === 1 ? 1 : 0, i === 2 ? 1 : 0];
        const lj = [j === 0 ? 1 : 0, j === 1 ? 1 : 0, j === 2 ? 1 : 0];
        poly.set(
          [
            vx[vi] + (vx[vj] - vx[vi]) * f,
            vy[vi] + (vy[vj] - vy[vi]) * f,
            near,
            li[0] + (lj[0] - li[0]) * f,
            li[1] + (lj[1] - li[1]) * f,
            li[2] + (lj[2] - li[2]) * f,
          ],
          k * 6,
        );
        k++;
      }
    }
    const px = (q: number) => cx + (fx * poly[q * 6]) / poly[q * 6 + 2];
    const pyy = (q: number) => cy - (fy * poly[q * 6 + 1]) / poly[q * 6 + 2];
    for (let q = 1; q + 1 < k; q++) {
      for (let r = 0; r < 3; r++) {
        const src = r === 0 ? 0 : q + r - 1;
        lmap[r * 3] = poly[src * 6 + 3];
        lmap[r * 3 + 1] = poly[src * 6 + 4];
        lmap[r * 3 + 2] = poly[src * 6 + 5];
      }
      draw(t, px(0), pyy(0), poly[2], px(q), pyy(q), poly[q * 6 + 2], px(q + 1), pyy(q + 1), poly[(q + 1) * 6 + 2], lmap);
    }
  }
  return { width: W, height: H, triangle, b1, b2, inverseDepth };
}
