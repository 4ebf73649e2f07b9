import { weightedProgress, type OperationOptions } from '../core/progress.js';
import type { Mesh } from '../geometry/mesh.js';
import type { CalibratedView } from '../reconstruct/calibrated-view.js';
import { reconstructGeometry, RECONSTRUCT_GEOMETRY_DEFAULTS } from '../reconstruct/reconstruct-geometry.js';
import { bakeTexture, bakeVertexColors } from '../texture/bake-texture.js';
import { unwrapUvAtlas } from '../texture/uv-atlas.js';

export interface ReconstructFromViewsOptions extends OperationOptions {
  /** Grid points along the volume's longest side (128 default, up to 256). */
  resolution: number;
  /** Maximum triangles. */
  faceBudget: number;
  /** Texture size in texels (square). */
  textureSize: number;
  /** `texture`: UV atlas + baked texture; `vertex`: per-vertex colours (faster, blurrier). */
  colorMode: 'texture' | 'vertex';
  /** Fuse depth maps where the views have them. */
  useDepth: boolean;
  /** Views allowed to disagree when carving: 0 for calibrated photos, 1 for generated views. */
  outlierViews: number;
}

export const RECONSTRUCT_FROM_VIEWS_DEFAULTS: ReconstructFromViewsOptions = {
  resolution: RECONSTRUCT_GEOMETRY_DEFAULTS.resolution,
  faceBudget: RECONSTRUCT_GEOMETRY_DEFAULTS.faceBudget,
  textureSize: 1024,
  colorMode: 'texture',
  useDepth: true,
  outlierViews: 0,
};

export interface ReconstructionResult {
  mesh: Mesh;
  /** Seconds per stage. */
  timings: Record<string, number>;
}

/**
 * Calibrated views → textured mesh: geometry (fusion, marching cubes, cleanup, decimation), then
 * either a UV atlas with a baked texture or vertex colours. Progress is reported as one weighted
 * fraction over the stages; the signal cancels between and inside stages.
 */
export async function reconstructFromViews(views: CalibratedView[], options: Partial<ReconstructFromViewsOptions> = {}): Promise<ReconstructionResult> {
  const o = { ...RECONSTRUCT_FROM_VIEWS_DEFAULTS, ...options };
  const progress = weightedProgress({ reconstruct: 3, unwrap: 1, texture: 2 }, o.onProgress);
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T> | T): Promise<T> => {
    const t = performance.now();
    const r = await f();
    timings[name] = (performance.now() - t) / 1000;
    return r;
  };
  let mesh = await timed('reconstruct', () =>
    reconstructGeometry(views, { resolution: o.resolution, faceBudget: o.faceBudget, useDepth: o.useDepth, outlierViews: o.outlierViews, signal: o.signal, onProgress: progress }),
  );
  if (o.colorMode === 'vertex') {
    mesh = await timed('texture', () => bakeVertexColors(mesh, views, { signal: o.signal }));
  } else {
    mesh = await timed('unwrap', () => unwrapUvAtlas(mesh, { size: o.textureSize }));
    progress({ stage: 'unwrap', fraction: 1 });
    mesh = await timed('texture', () => bakeTexture(mesh, views, { size: o.textureSize, signal: o.signal, onProgress: progress }));
  }
  progress({ stage: 'texture', fraction: 1 });
  return { mesh, timings };
}
