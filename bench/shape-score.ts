/**
 * The shape measure the evaluations share: reconstruct from views (as the pipeline does, without
 * texture) and compare with the ground-truth mesh, each normalised to a unit box.
 */
import { KilnError } from '../src/core/errors.js';
import type { CalibratedView } from '../src/geometry/calibrated-view.js';
import type { Mesh } from '../src/geometry/mesh.js';
import { compareMeshes } from '../src/metrics/compare-shapes.js';
import { GENERATED_VIEW_OUTLIERS } from '../src/pipeline/generate-from-condition.js';
import { reconstructGeometry } from '../src/reconstruct/reconstruct-geometry.js';

export const RECON = { resolution: 96, faceBudget: 20000, outlierViews: GENERATED_VIEW_OUTLIERS };

/**
 * F@0.05, F@0.1 and Chamfer of the shape reconstructed from `views` against `gt`; `align: 'icp'`
 * when nothing fixes the generated object's yaw (a caption), `none` when its views are in the
 * input's frame. A generation with no foreground reconstructs nothing: it scores zero, it is not skipped.
 */
export async function shapeScore(views: CalibratedView[], gt: Mesh, align: 'none' | 'icp', outlierViews = GENERATED_VIEW_OUTLIERS): Promise<{ f005: number; f01: number; chamfer: number }> {
  try {
    const mesh = await reconstructGeometry(views, { ...RECON, outlierViews, useDepth: views.some((v) => v.depth) });
    const c = compareMeshes(mesh, gt, { normalize: 'each', align, samples: 5000 });
    return { f005: c.fscore['0.05'], f01: c.fscore['0.1'], chamfer: c.chamfer };
  } catch (err) {
    if (err instanceof KilnError) return { f005: 0, f01: 0, chamfer: 1 };
    throw err;
  }
}
