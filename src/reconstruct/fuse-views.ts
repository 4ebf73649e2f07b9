import { throwIfAborted, type OperationOptions } from '../core/progress.js';
import { KilnError } from '../core/errors.js';
import { intrinsics } from '../geometry/camera.js';
import type { Vec3 } from '../geometry/mat4.js';
import { validateViews, type CalibratedView } from '../geometry/calibrated-view.js';
import { signedDistanceToMask } from './distance-transform.js';

export interface FuseViewsOptions extends OperationOptions {
  /** Grid points along the longest side of the volume (128 default, up to 256). */
  resolution: number;
  /** Volume to reconstruct in; default: found from the visual hull with a coarse pass. */
  bounds?: { min: Vec3; max: Vec3 };
  /** Use the views' depth maps where they have them (false: silhouettes only). */
  useDepth: boolean;
  /** Depth truncation in grid spacings: how far behind an observed surface a view still has a say. */
  truncation: number;
  /**
   * Views allowed to disagree: the field at a point is the (k+1)-th largest vote instead of the
   * largest, so one inconsistent view (a generated view that drifted) cannot carve the object away.
   * 0 for real calibrated photos; 1 for generated views.
   */
  outlierViews: number;
}

export const FUSE_VIEWS_DEFAULTS: FuseViewsOptions = { resolution: 128, useDepth: true, truncation: 3, outlierViews: 0 };

/** A scalar field on a regular grid: negative inside the object, positive outside (world units). */
export interface FusedVolume {
  field: Float32Array;
  dims: [number, number, number];
  origin: [number, number, number];
  spacing: number;
}

interface PreparedView {
  m: Float64Array;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  w: number;
  h: number;
  sdf: Float32Array;
  depth?: Float32Array;
  /** 1 where the depth map is smooth enough around a pixel to be trusted. */
  depthOk?: Uint8Array;
}

const NAME = 'fuseViews';

/**
 * Fuses calibrated views into a signed distance field. Each view votes at each grid point:
 *
 * - its silhouette says how far the point's projection lies outside (positive) or inside (negative)
 *   the mask, from a 2-D signed distance transform scaled to world units at the point's depth;
 * - where the view has depth, the truncated distance in front of (positive) or behind (negative)
 *   the observed surface, clamped to ± the truncation band.
 *
 * A view's vote is the larger of the two, and the field is the largest vote over all views: space
 * that any view sees as empty is empty (visual hull carving, sharpened by depth, which also carves
 * concavities that silhouettes cannot see, such as the inside of a bowl). Depth next to depth
 * discontinuities is trusted only on either side of the edge, not in pixels that mix a near and a
 * far surface.
 */
export function fuseViews(views: CalibratedView[], options: Partial<FuseViewsOptions> = {}): FusedVolume {
  const o = { ...FUSE_VIEWS_DEFAULTS, ...options };
  validateViews(views, NAME);
  if (!Number.isInteger(o.resolution) || o.resolution < 8 || o.resolution > 512) {
    throw new KilnError('INVALID_INPUT', `${NAME}: resolution must be an integer in 8…512, got ${o.resolution}`);
  }
  const prepared = views.map((v) => prepareView(v, o.useDepth));
  const bounds = o.bounds ?? estimateBounds(prepared, views, o.signal, o.outlierViews);
  const ext = [0, 1, 2].map((k) => bounds.max[k] - bounds.min[k]);
  const spacing = Math.max(...ext) / (o.resolution - 1);
  const dims = ext.map((e) => Math.max(2, Math.ceil(e / spacing) + 1)) as [number, number, number];
  const origin = [...bounds.min] as [number, number, number];
  const field = sampleField(prepared, dims, origin, spacing, o.truncation * spacing, o);
  return { field, dims, origin, spacing };
}

function prepareView(v: CalibratedView, useDepth: boolean): PreparedView {
  const { width: w, height: h } = v.camera;
  const alpha = new Float32Array(w * h);
  for (let i = 0; i < alpha.length; i++) alpha[i] = v.image.data[i * 4 + 3];
  const { fx, fy, cx, cy } = intrinsics(v.camera);
  const p: PreparedView = { m: v.camera.view, fx, fy, cx, cy, w, h, sdf: signedDistanceToMask(alpha, w, h) };
  if (useDepth && v.depth) {
    const d = v.depth;
    const ok = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const c = d[y * w + x];
        if (!(c > 0)) continue;
        // Trust a pixel's depth only where its 3×3 neighbourhood is one continuous surface.
        let lo = c, hi = c;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const xx = Math.min(w - 1, Math.max(0, x + dx)), yy = Math.min(h - 1, Math.max(0, y + dy));
            const e = d[yy * w + xx];
            if (e > 0) {
              if (e < lo) lo = e;
              if (e > hi) hi = e;
            }
          }
        }
        // A pixel spans c / fx in world units; a surface up to 80° from facing the camera (slope
        // tan 80° ≈ 6) changes depth by at most ~8 c / fx to a neighbour. A pixel far from both the
        // nearest and the farthest depth around it straddles an occlusion edge and mixes two
        // surfaces; pixels on either side of the edge keep their (correct) depth.
        const tol = (8 * c) / fx;
        ok[y * w + x] = c - lo <= tol || hi - c <= tol ? 1 : 0;
      }
    }
    p.depth = d;
    p.depthOk = ok;
  }
  return p;
}

/** Bilinear sample of a per-pixel array at continuous pixel coordinates (pixel centres at +0.5). */
function bilinear(a: Float32Array, w: number, h: number, u: number, v: number): number {
  const x = Math.min(w - 1, Math.max(0, u - 0.5));
  const y = Math.min(h - 1, Math.max(0, v - 0.5));
  const x0 = x | 0, y0 = y | 0;
  const x1 = Math.min(w - 1, x0 + 1), y1 = Math.min(h - 1, y0 + 1);
  const fx = x - x0, fy = y - y0;
  return (
    a[y0 * w + x0] * (1 - fx) * (1 - fy) + a[y0 * w + x1] * fx * (1 - fy) + a[y1 * w + x0] * (1 - fx) * fy + a[y1 * w + x1] * fx * fy
  );
}

/**
 * The fused field at one point: the largest vote over the views, stopping early once it reaches
 * `stopAt` (the field is a maximum, so nothing can lower it again).
 */
function fieldAt(views: PreparedView[], px: number, py: number, pz: number, trunc: number, stopAt: number, outliers = 0): number {
  // top[0] ≥ top[1] ≥ … : the outliers + 1 largest votes so far; the field is the last of them.
  const top = outliers > 0 ? new Array<number>(outliers + 1).fill(-Infinity) : undefined;
  let f = -Infinity;
  for (const v of views) {
    const m = v.m;
    const xc = m[0] * px + m[4] * py + m[8] * pz + m[12];
    const yc = m[1] * px + m[5] * py + m[9] * pz + m[13];
    const depth = -(m[2] * px + m[6] * py + m[10] * pz + m[14]);
    if (depth <= 1e-6) continue; // behind the camera: this view has no say
    const u = v.cx + (v.fx * xc) / depth;
    const vv = v.cy - (v.fy * yc) / depth;
    const toWorld = depth / v.fx;
    let g: number;
    if (u < 0 || vv < 0 || u > v.w || vv > v.h) {
      // Outside the frame: the object is assumed to be fully in view, so this is empty space.
      g = Math.max(-u, -vv, u - v.w, vv - v.h, 0.5) * toWorld;
    } else {
      g = bilinear(v.sdf, v.w, v.h, u, vv) * toWorld;
      if (v.depth && g < 0) {
        const i = Math.min(v.h - 1, vv | 0) * v.w + Math.min(v.w - 1, u | 0);
        if (v.depthOk![i]) {
          const d = v.depth[i] - depth;
          const t = d > trunc ? trunc : d < -trunc ? -trunc : d;
          if (t > g) g = t;
        }
      }
    }
    if (top) {
      if (g > top[outliers]) {
        let k = outliers;
        while (k > 0 && top[k - 1] < g) {
          top[k] = top[k - 1];
          k--;
        }
        top[k] = g;
        if (top[outliers] >= stopAt) return top[outliers];
      }
    } else if (g > f) {
      f = g;
      if (f >= stopAt) return f;
    }
  }
  return top ? top[outliers] : f;
}

/** Coarse-to-fine stride: the field is first sampled on every STRIDE-th grid point. */
const STRIDE = 4;

function sampleField(views: PreparedView[], dims: [number, number, number], origin: number[], spacing: number, trunc: number, o: FuseViewsOptions): Float32Array {
  const [nx, ny, nz] = dims;
  const field = new Float32Array(nx * ny * nz);
  // Values this far outside never sit next to a surface crossing, where marching cubes reads them,
  // so every point at least this far out may simply hold this value.
  const farOutside = 3 * spacing;
  // Coarse pass. Silhouette votes change by at most the distance moved (depth votes are bounded by
  // the truncation, below farOutside), so a coarse cell whose corners are all further out than
  // farOutside plus half the cell's diagonal holds no point closer than farOutside: skip it.
  const skipAbove = farOutside + (STRIDE * spacing * Math.sqrt(3)) / 2 + spacing;
  const cdims = dims.map((n) => Math.ceil((n - 1) / STRIDE) + 1);
  const coarse = new Float32Array(cdims[0] * cdims[1] * cdims[2]);
  const at = (c: number, n: number) => Math.min(c * STRIDE, n - 1);
  for (let z = 0; z < cdims[2]; z++) {
    for (let y = 0; y < cdims[1]; y++) {
      for (let x = 0; x < cdims[0]; x++) {
        coarse[x + cdims[0] * (y + cdims[1] * z)] = fieldAt(
          views,
          origin[0] + at(x, nx) * spacing,
          origin[1] + at(y, ny) * spacing,
          origin[2] + at(z, nz) * spacing,
          trunc,
          skipAbove,
          o.outlierViews,
        );
      }
    }
  }
  const cellFar = (cx: number, cy: number, cz: number): boolean => {
    for (let k = 0; k < 8; k++) {
      const x = Math.min(cx + (k & 1), cdims[0] - 1), y = Math.min(cy + ((k >> 1) & 1), cdims[1] - 1), z = Math.min(cz + ((k >> 2) & 1), cdims[2] - 1);
      if (!(coarse[x + cdims[0] * (y + cdims[1] * z)] >= skipAbove)) return false;
    }
    return true;
  };
  const far = new Uint8Array(cdims[0] * cdims[1] * cdims[2]);
  for (let z = 0; z < cdims[2]; z++) for (let y = 0; y < cdims[1]; y++) for (let x = 0; x < cdims[0]; x++) far[x + cdims[0] * (y + cdims[1] * z)] = cellFar(x, y, z) ? 1 : 0;

  for (let z = 0; z < nz; z++) {
    throwIfAborted(o.signal, NAME);
    o.onProgress?.({ stage: 'fuse', fraction: z / nz });
    const pz = origin[2] + z * spacing;
    const cz = Math.min(Math.floor(z / STRIDE), cdims[2] - 1);
    for (let y = 0; y < ny; y++) {
      const py = origin[1] + y * spacing;
      const cy = Math.min(Math.floor(y / STRIDE), cdims[1] - 1);
      const row = cdims[0] * (cy + cdims[1] * cz);
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        if (far[row + Math.min(Math.floor(x / STRIDE), cdims[0] - 1)]) {
          field[i] = farOutside;
          continue;
        }
        field[i] = fieldAt(views, origin[0] + x * spacing, py, pz, trunc, farOutside, o.outlierViews);
      }
    }
  }
  return field;
}

/**
 * Finds the object's extent: a coarse visual hull inside the cube that every camera frames at the
 * origin, then that hull's bounding box with a margin of two coarse cells.
 */
function estimateBounds(prepared: PreparedView[], views: CalibratedView[], signal?: AbortSignal, outlierViews = 0): { min: Vec3; max: Vec3 } {
  let half = 0;
  for (const v of views) {
    const d = Math.hypot(...v.camera.position);
    half = Math.max(half, d * Math.tan(v.camera.fovY / 2) * Math.max(1, v.camera.width / v.camera.height));
  }
  const n = 48;
  const spacing = (2 * half) / (n - 1);
  const coarse = sampleField(prepared.map((p) => ({ ...p, depth: undefined })), [n, n, n], [-half, -half, -half], spacing, 0, { ...FUSE_VIEWS_DEFAULTS, outlierViews, signal });
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (let z = 0; z < n; z++) {
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        if (!(coarse[x + n * (y + n * z)] < 0)) continue;
        const p = [x, y, z];
        for (let k = 0; k < 3; k++) {
          const c = -half + p[k] * spacing;
          if (c < min[k]) min[k] = c;
          if (c > max[k]) max[k] = c;
        }
      }
    }
  }
  if (!Number.isFinite(min[0])) throw new KilnError('NO_OBJECT', `${NAME}: the views' silhouettes do not intersect: no object to reconstruct`);
  for (let k = 0; k < 3; k++) {
    min[k] -= 2 * spacing;
    max[k] += 2 * spacing;
  }
  return { min, max };
}
