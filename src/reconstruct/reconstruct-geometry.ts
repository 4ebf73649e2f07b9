import { KilnError } from '../core/errors.js';
import { throwIfAborted, type OperationOptions } from '../core/progress.js';
import { computeVertexNormals, type Mesh } from '../geometry/mesh.js';
import type { CalibratedView } from '../geometry/calibrated-view.js';
import { fuseViews, type FuseViewsOptions } from './fuse-views.js';
import { marchingCubes } from './marching-cubes.js';
import { decimate, keepMainComponents, taubinSmooth } from './mesh-cleanup.js';
import { applySupportPlane, estimateSupportPlane } from './support-plane.js';

export interface ReconstructGeometryOptions extends OperationOptions {
  /** Grid points along the volume's longest side: 128 default, up to 256. */
  resolution: number;
  /** Maximum triangles in the result. */
  faceBudget: number;
  /** Fuse depth maps where views have them (false: visual hull from silhouettes only). */
  useDepth: boolean;
  /** Taubin smoothing iterations (0 = none). */
  smoothing: number;
  /** Components smaller than this fraction of the largest are dropped as floaters. */
  minComponent: number;
  bounds?: FuseViewsOptions['bounds'];
  /** Views allowed to disagree when carving (see `fuseViews`): 0 for photos, 1 for generated views. */
  outlierViews: number;
  /**
   * Assume the object rests on a plane: empty the space below the lowest point of the hull that the
   * cameras above the object see (see `estimateSupportPlane`). For objects photographed only from
   * above, whose hull otherwise grows a wedge under the base.
   */
  supportPlane: boolean;
}

export const RECONSTRUCT_GEOMETRY_DEFAULTS: ReconstructGeometryOptions = {
  resolution: 128,
  faceBudget: 20000,
  useDepth: true,
  smoothing: 4,
  minComponent: 0.05,
  outlierViews: 0,
  supportPlane: false,
};

/**
 * Calibrated views → a clean, closed, outward-facing triangle mesh: fuse silhouettes and depth
 * into a signed distance field, extract its zero level with marching cubes, (optionally) cut it at
 * the support plane and extract again, drop floaters, smooth without shrinking, decimate to the
 * face budget and compute normals.
 */
export async function reconstructGeometry(views: CalibratedView[], options: Partial<ReconstructGeometryOptions> = {}): Promise<Mesh> {
  const o = { ...RECONSTRUCT_GEOMETRY_DEFAULTS, ...options };
  if (o.resolution > 256) throw new KilnError('INVALID_INPUT', `reconstructGeometry: resolution is at most 256, got ${o.resolution}`);
  const report = (fraction: number, message: string) => o.onProgress?.({ stage: 'reconstruct', fraction, message });
  const volume = fuseViews(views, {
    resolution: o.resolution,
    useDepth: o.useDepth,
    bounds: o.bounds,
    outlierViews: o.outlierViews,
    signal: o.signal,
    onProgress: (e) => report(0.7 * e.fraction, 'fusing views'),
  });
  report(0.7, 'extracting the surface');
  let mesh = marchingCubes(volume.field, volume.dims, { origin: volume.origin, spacing: volume.spacing, signal: o.signal });
  if (mesh.indices.length === 0) throw new KilnError('NO_OBJECT', 'reconstructGeometry: the views enclose no volume: nothing to reconstruct');
  if (o.supportPlane) {
    report(0.75, 'finding the support plane');
    const height = estimateSupportPlane(mesh, views, { signal: o.signal });
    // One grid spacing below the estimate: the estimate comes from a mesh that is itself a grid's
    // approximation, and a plane a little low costs a sliver, one a little high cuts the object.
    if (height !== undefined) mesh = marchingCubes(applySupportPlane(volume, height - volume.spacing).field, volume.dims, { origin: volume.origin, spacing: volume.spacing, signal: o.signal });
  }
  throwIfAborted(o.signal, 'reconstructGeometry');
  mesh = keepMainComponents(mesh, o.minComponent);
  report(0.8, 'smoothing');
  if (o.smoothing > 0) mesh = taubinSmooth(mesh, o.smoothing);
  throwIfAborted(o.signal, 'reconstructGeometry');
  report(0.85, 'decimating');
  mesh = await decimate(mesh, o.faceBudget);
  mesh.normals = computeVertexNormals(mesh);
  report(1, 'geometry done');
  return mesh;
}
