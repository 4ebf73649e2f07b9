import { createImage, type RasterImage } from '../core/image.js';
import { KilnError } from '../core/errors.js';
import { throwIfAborted, type OperationOptions } from '../core/progress.js';
import { linearToSrgbFast } from '../core/srgb.js';
import type { Mesh } from '../geometry/mesh.js';
import type { CalibratedView } from '../geometry/calibrated-view.js';
import { validateViews } from '../geometry/calibrated-view.js';
import { pullPushFill } from './fill-holes.js';
import { rasterizeUvs } from './uv-raster.js';
import { ViewSampler } from './view-sampler.js';

export interface BakeTextureOptions extends OperationOptions {
  /** Texture size in texels (square). */
  size: number;
  /** Trust in each view, multiplying its weight (default 1 each): e.g. a sharp photo among blurry generated views. */
  viewWeights?: number[];
}

export const BAKE_TEXTURE_DEFAULTS: BakeTextureOptions = { size: 1024 };

/**
 * Bakes a base-colour texture for a UV-mapped mesh from calibrated views. Each texel's surface
 * point takes the weighted average (in linear light) of the colours that the views show there,
 * each view weighted by visibility, facing angle and distance from its silhouette edge (see
 * {@link ViewSampler}), so neighbouring views blend smoothly instead of meeting at a seam. Texels
 * that no view sees, and the gutters between charts, are filled by pull-push from their
 * neighbourhood. Returns the mesh with the texture as its material's base colour.
 */
export function bakeTexture(mesh: Mesh, views: CalibratedView[], options: Partial<BakeTextureOptions> = {}): Mesh {
  const o = { ...BAKE_TEXTURE_DEFAULTS, ...options };
  if (!mesh.uvs) throw new KilnError('INVALID_INPUT', 'bakeTexture: mesh has no UVs (unwrap it first)');
  if (!mesh.normals) throw new KilnError('INVALID_INPUT', 'bakeTexture: mesh has no normals');
  validateViews(views, 'bakeTexture');
  const size = o.size;
  const samplers = views.map((v) => new ViewSampler(v, mesh));
  const trust = views.map((_, j) => o.viewWeights?.[j] ?? 1);
  const cover = rasterizeUvs(mesh, size);
  const color = new Float32Array(size * size * 3);
  const weight = new Float32Array(size * size);
  const p = mesh.positions, n = mesh.normals, idx = mesh.indices;
  const sample = new Float32Array(3);
  for (let y = 0; y < size; y++) {
    if ((y & 63) === 0) {
      throwIfAborted(o.signal, 'bakeTexture');
      o.onProgress?.({ stage: 'texture', fraction: y / size });
    }
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const t = cover.triangle[i];
      if (t < 0) continue;
      const a = idx[t * 3], b = idx[t * 3 + 1], c = idx[t * 3 + 2];
      const l1 = cover.b1[i], l2 = cover.b2[i], l0 = 1 - l1 - l2;
      const px = p[a * 3] * l0 + p[b * 3] * l1 + p[c * 3] * l2;
      const py = p[a * 3 + 1] * l0 + p[b * 3 + 1] * l1 + p[c * 3 + 1] * l2;
      const pz = p[a * 3 + 2] * l0 + p[b * 3 + 2] * l1 + p[c * 3 + 2] * l2;
      let nx = n[a * 3] * l0 + n[b * 3] * l1 + n[c * 3] * l2;
      let ny = n[a * 3 + 1] * l0 + n[b * 3 + 1] * l1 + n[c * 3 + 1] * l2;
      let nz = n[a * 3 + 2] * l0 + n[b * 3 + 2] * l1 + n[c * 3 + 2] * l2;
      const len = Math.sqrt(nx * nx + ny * ny + nz * nz) || 1;
      nx /= len;
      ny /= len;
      nz /= len;
      let r = 0, g = 0, bl = 0, wsum = 0;
      for (let j = 0; j < samplers.length; j++) {
        const w = samplers[j].sample(px, py, pz, nx, ny, nz, sample) * trust[j];
        if (w <= 0) continue;
        r += sample[0] * w;
        g += sample[1] * w;
        bl += sample[2] * w;
        wsum += w;
      }
      if (wsum > 0) {
        color[i * 3] = r / wsum;
        color[i * 3 + 1] = g / wsum;
        color[i * 3 + 2] = bl / wsum;
        weight[i] = 1;
      }
    }
  }
  pullPushFill(color, weight, size);
  const texture = linearToImage(color, size);
  o.onProgress?.({ stage: 'texture', fraction: 1 });
  // The baked texture replaces every material the mesh had (it is what the views saw).
  const { groups: _replaced, ...rest } = mesh;
  return { ...rest, material: { ...mesh.material, baseColor: [1, 1, 1, 1], baseColorTexture: texture } };
}

/**
 * The fast alternative to a texture: one colour per vertex, by the same weighting as
 * {@link bakeTexture}. Vertices no view sees take the average colour of the seen ones.
 */
export function bakeVertexColors(mesh: Mesh, views: CalibratedView[], options: OperationOptions = {}): Mesh {
  if (!mesh.normals) throw new KilnError('INVALID_INPUT', 'bakeVertexColors: mesh has no normals');
  validateViews(views, 'bakeVertexColors');
  const samplers = views.map((v) => new ViewSampler(v, mesh));
  throwIfAborted(options.signal, 'bakeVertexColors');
  const nv = mesh.positions.length / 3;
  const colors = new Float32Array(nv * 4);
  const seen = new Uint8Array(nv);
  const mean = [0, 0, 0];
  let count = 0;
  const sample = new Float32Array(3);
  const p = mesh.positions, n = mesh.normals;
  for (let v = 0; v < nv; v++) {
    let r = 0, g = 0, b = 0, wsum = 0;
    for (const s of samplers) {
      const w = s.sample(p[v * 3], p[v * 3 + 1], p[v * 3 + 2], n[v * 3], n[v * 3 + 1], n[v * 3 + 2], sample);
      if (w <= 0) continue;
      r += sample[0] * w;
      g += sample[1] * w;
      b += sample[2] * w;
      wsum += w;
    }
    colors[v * 4 + 3] = 1;
    if (wsum > 0) {
      colors.set([r / wsum, g / wsum, b / wsum], v * 4);
      seen[v] = 1;
      mean[0] += r / wsum;
      mean[1] += g / wsum;
      mean[2] += b / wsum;
      count++;
    }
  }
  for (let v = 0; v < nv; v++) if (!seen[v] && count > 0) colors.set([mean[0] / count, mean[1] / count, mean[2] / count], v * 4);
  const { baseColorTexture: _dropped, ...material } = mesh.material;
  const { groups: _replaced, ...rest } = mesh;
  return { ...rest, colors, material: { ...material, baseColor: [1, 1, 1, 1] } };
}

/** Encodes a linear RGB float texture as an sRGB image. */
export function linearToImage(color: Float32Array, size: number): RasterImage {
  const img = createImage(size, size, 3);
  for (let i = 0; i < color.length; i++) img.data[i] = linearToSrgbFast(color[i]);
  return img;
}
