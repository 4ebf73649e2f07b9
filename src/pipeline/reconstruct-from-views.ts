import { weightedProgress, type OperationOptions } from '../core/progress.js';
import type { Mesh } from '../geometry/mesh.js';
import type { CalibratedView } from '../geometry/calibrated-view.js';
import { reconstructGeometry, RECONSTRUCT_GEOMETRY_DEFAULTS } from '../reconstruct/reconstruct-geometry.js';
import { bakeTexture, bakeVertexColors } from '../texture/bake-texture.js';
import { unwrapUvAtlas } from '../texture/uv-atlas.js';
import { alignReferenceView } from '../texture/reference-view.js';
import type { RasterImage } from '../core/image.js';

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
  /**
   * The input photo (RGBA cut-out, seen from azimuth 0° at an unknown elevation) as an extra,
   * sharper texture source: aligned to the mesh by silhouette and weighted `referenceWeight` times
   * a generated view where it sees the surface.
   */
  reference?: RasterImage;
  referenceWeight: number;
  /** Cut the volume at the plane the object rests on (for views that all look from above; see `reconstructGeometry`). */
  supportPlane: boolean;
  /**
   * Called with the geometry before it is unwrapped and textured; throwing stops the
   * reconstruction there (views → 3D checks the photos' angles against it).
   */
  onGeometry?: (mesh: Mesh) => void | Promise<void>;
}

export const RECONSTRUCT_FROM_VIEWS_DEFAULTS: ReconstructFromViewsOptions = {
  resolution: RECONSTRUCT_GEOMETRY_DEFAULTS.resolution,
  faceBudget: RECONSTRUCT_GEOMETRY_DEFAULTS.faceBudget,
  textureSize: 1024,
  colorMode: 'texture',
  useDepth: true,
  outlierViews: 0,
  referenceWeight: 4,
  supportPlane: false,
};

/** Below this silhouette IoU the reference photo is not used for texture. */
export const MIN_REFERENCE_IOU = 0.7;

/** Orbit distance and field of view of a view on an orbit around the origin. */
function orbitOf(view: CalibratedView): { distance: number; fov: number } {
  return { distance: Math.hypot(...view.camera.position), fov: (view.camera.fovY * 180) / Math.PI };
}

export interface ReconstructionResult {
  mesh: Mesh;
  /** Seconds per stage. */
  timings: Record<string, number>;
  /** Where the reference photo was placed, when one was given; `used` when it matched the mesh well enough to texture from. */
  reference?: { elevation: number; iou: number; used: boolean; view: CalibratedView };
}

/** Calibrated views → textured mesh: the reconstruction stage as the pipeline takes it (see `GenerationOptions.reconstructor`). */
export type Reconstructor = (views: CalibratedView[], options: Partial<ReconstructFromViewsOptions>) => Promise<ReconstructionResult>;

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
    timings[name] = Math.round(performance.now() - t) / 1000;
    return r;
  };
  let reference: ReconstructionResult['reference'];
  let mesh = await timed('reconstruct', () =>
    reconstructGeometry(views, {
      resolution: o.resolution,
      faceBudget: o.faceBudget,
      useDepth: o.useDepth,
      outlierViews: o.outlierViews,
      supportPlane: o.supportPlane,
      signal: o.signal,
      onProgress: progress,
    }),
  );
  await o.onGeometry?.(mesh);
  if (o.colorMode === 'vertex') {
    mesh = await timed('texture', () => bakeVertexColors(mesh, views, { signal: o.signal }));
  } else {
    mesh = await timed('unwrap', () => unwrapUvAtlas(mesh, { size: o.textureSize }));
    progress({ stage: 'unwrap', fraction: 1 });
    const withReference = o.reference ? await timed('align', () => alignReferenceView(mesh, o.reference!, { ...orbitOf(views[0]), signal: o.signal })) : undefined;
    // A photo that does not match the mesh's silhouette (a failed alignment) would paint the wrong place.
    if (withReference) reference = { ...withReference, used: withReference.iou >= MIN_REFERENCE_IOU };
    if (withReference && reference?.used) {
      const sources = [...views, withReference.view];
      const viewWeights = sources.map((_, j) => (j === views.length ? o.referenceWeight : 1));
      mesh = await timed('texture', () => bakeTexture(mesh, sources, { size: o.textureSize, viewWeights, signal: o.signal, onProgress: progress }));
    } else {
      mesh = await timed('texture', () => bakeTexture(mesh, views, { size: o.textureSize, signal: o.signal, onProgress: progress }));
    }
  }
  progress({ stage: 'texture', fraction: 1 });
  return { mesh, timings, reference };
}
