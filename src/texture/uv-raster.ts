import type { Mesh } from '../geometry/mesh.js';

/**
 * Which triangle covers each texel of a `size`×`size` texture, and where: the texture-space
 * counterpart of the renderer's visibility pass. A texel belongs to a triangle when its centre lies
 * inside the triangle's UV footprint; barycentrics are those of the texel centre (UV space is
 * affine, so no perspective correction). Texels outside every chart get −1.
 */
export interface UvCoverage {
  size: number;
  triangle: Int32Array;
  b1: Float32Array;
  b2: Float32Array;
}

export function rasterizeUvs(mesh: Mesh, size: number): UvCoverage {
  const uv = mesh.uvs;
  if (!uv) throw new Error('rasterizeUvs: mesh has no UVs');
  const triangle = new Int32Array(size * size).fill(-1);
  const b1 = new Float32Array(size * size);
  const b2 = new Float32Array(size * size);
  const idx = mesh.indices;
  for (let t = 0; t < idx.length / 3; t++) {
    const a = idx[t * 3], b = idx[t * 3 + 1], c = idx[t * 3 + 2];
    const x0 = uv[a * 2] * size, y0 = uv[a * 2 + 1] * size;
    const x1 = uv[b * 2] * size, y1 = uv[b * 2 + 1] * size;
    const x2 = uv[c * 2] * size, y2 = uv[c * 2 + 1] * size;
    const area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
    if (!(Math.abs(area) > 1e-12)) continue;
    const inv = 1 / area;
    const minX = Math.max(0, Math.floor(Math.min(x0, x1, x2)));
    const maxX = Math.min(size - 1, Math.ceil(Math.max(x0, x1, x2)));
    const minY = Math.max(0, Math.floor(Math.min(y0, y1, y2)));
    const maxY = Math.min(size - 1, Math.ceil(Math.max(y0, y1, y2)));
    for (let y = minY; y <= maxY; y++) {
      const py = y + 0.5;
      for (let x = minX; x <= maxX; x++) {
        const px = x + 0.5;
        const w1 = ((px - x0) * (y2 - y0) - (x2 - x0) * (py - y0)) * inv;
        const w2 = ((x1 - x0) * (py - y0) - (px - x0) * (y1 - y0)) * inv;
        const w0 = 1 - w1 - w2;
        if (w0 < -1e-6 || w1 < -1e-6 || w2 < -1e-6) continue;
        const i = y * size + x;
        triangle[i] = t;
        b1[i] = w1;
        b2[i] = w2;
      }
    }
  }
  return { size, triangle, b1, b2 };
}
