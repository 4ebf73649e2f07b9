import { KilnError } from '../core/errors.js';
import { computeBounds, pointBounds, transformMesh, type Mesh } from '../geometry/mesh.js';
import { applyToPoints, unitBoxTransform } from '../geometry/normalize.js';
import { icpAlign, type IcpOptions } from './icp.js';
import { KdTree } from './kd-tree.js';
import { applyRigid } from './rigid-fit.js';
import { sampleSurface } from './sample-surface.js';
import { SurfaceDistance } from './surface-distance.js';

export interface CompareShapesOptions {
  /** Points sampled on each surface. */
  samples: number;
  /** F-score distance thresholds, in the normalised frame. */
  thresholds: number[];
  /**
   * `gt`: one transform — the one that centres the ground truth's bounding box and makes its longest
   * side 1 — is applied to both shapes, so a prediction's position and scale errors count
   * (reconstruction from calibrated views). `each`: each shape is normalised on its own, so only
   * shape counts (image-to-3D, whose scale and position are the model's convention).
   */
  normalize: 'gt' | 'each';
  /** `icp`: rigidly align the prediction to the ground truth first (see {@link icpAlign}). */
  align: 'none' | 'icp';
  /**
   * `surface`: each shape's samples are measured against the other's surface (exact, no sampling
   * floor). `points`: against the other's samples (the classic point-cloud Chamfer).
   */
  distance: 'surface' | 'points';
  /** Options for the alignment; ICP runs on a subsample of `icpSamples` points for speed. */
  icp: Partial<IcpOptions>;
  icpSamples: number;
  seed: number;
}

export const COMPARE_SHAPES_DEFAULTS: CompareShapesOptions = {
  samples: 10000,
  thresholds: [0.05, 0.1],
  normalize: 'gt',
  align: 'none',
  distance: 'surface',
  icp: {},
  icpSamples: 2000,
  seed: 0,
};

export interface ShapeComparison {
  /** ½ (mean distance pred → gt + mean distance gt → pred), Euclidean, not squared. */
  chamfer: number;
  /** Per threshold (keyed by its string form, e.g. "0.05"): F-score, precision and recall. */
  fscore: Record<string, number>;
  precision: Record<string, number>;
  recall: Record<string, number>;
  /** Mean ICP residual when aligned, else undefined. */
  icpError?: number;
}

/**
 * Compares a predicted mesh with a ground-truth mesh by sampling both surfaces: Chamfer distance and
 * F-score at each threshold (precision: fraction of predicted points within τ of the ground truth;
 * recall: the converse; F = 2PR / (P + R)), in the normalised frame chosen by `normalize`.
 *
 * With `normalize: 'gt'`, F@0.05 on a unit-box frame corresponds to F@0.1 on the [−1, 1] frames that
 * papers use; report F@0.05 as the headline.
 *
 * @example
 * const { chamfer, fscore } = compareMeshes(reconstructed, groundTruth);
 * console.log(chamfer, fscore['0.05']);
 */
export function compareMeshes(pred: Mesh, gt: Mesh, options: Partial<CompareShapesOptions> = {}): ShapeComparison {
  const o = { ...COMPARE_SHAPES_DEFAULTS, ...options };
  if (pred.indices.length === 0 || gt.indices.length === 0) throw new KilnError('INVALID_INPUT', 'compareMeshes: a mesh has no triangles');
  const gtFrame = unitBoxTransform(computeBounds(gt));
  const predFrame = o.normalize === 'each' ? unitBoxTransform(computeBounds(pred)) : gtFrame;
  const g = transformMesh(gt, gtFrame.matrix);
  let p = transformMesh(pred, predFrame.matrix);
  let pPts = sampleSurface(p, o.samples, o.seed);
  const gPts = sampleSurface(g, o.samples, o.seed + 1);
  if (o.distance === 'points') return comparePointClouds(pPts, gPts, o);

  let icpError: number | undefined;
  if (o.align === 'icp') {
    const fit = icpAlign(subsample(pPts, o.icpSamples), subsample(gPts, o.icpSamples), o.icp);
    pPts = applyRigid(fit.transform, pPts);
    p = { ...p, positions: applyRigid(fit.transform, p.positions) };
    icpError = fit.error;
  }
  const result = scoreDistances(new SurfaceDistance(g).distances(pPts), new SurfaceDistance(p).distances(gPts), o.thresholds);
  if (icpError !== undefined) result.icpError = icpError;
  return result;
}

/**
 * The point-cloud version: point-to-point distances through k-d trees, for clouds already in the
 * evaluation frame (nothing is normalised here). ICP alignment is applied when asked.
 */
export function comparePointClouds(pred: Float32Array, gt: Float32Array, options: Partial<CompareShapesOptions> = {}): ShapeComparison {
  const o = { ...COMPARE_SHAPES_DEFAULTS, ...options };
  let p = pred;
  let icpError: number | undefined;
  if (o.align === 'icp') {
    const fit = icpAlign(subsample(p, o.icpSamples), subsample(gt, o.icpSamples), o.icp);
    p = applyRigid(fit.transform, p);
    icpError = fit.error;
  }
  const result = scoreDistances(nearestDistances(p, new KdTree(gt)), nearestDistances(gt, new KdTree(p)), o.thresholds);
  if (icpError !== undefined) result.icpError = icpError;
  return result;
}

/** Chamfer and per-threshold precision, recall and F-score from the two directions' distances. */
function scoreDistances(dPred: Float64Array, dGt: Float64Array, thresholds: number[]): ShapeComparison {
  const mean = (d: Float64Array) => d.reduce((s, x) => s + x, 0) / d.length;
  const result: ShapeComparison = { chamfer: 0.5 * (mean(dPred) + mean(dGt)), fscore: {}, precision: {}, recall: {} };
  for (const tau of thresholds) {
    const precision = fractionWithin(dPred, tau);
    const recall = fractionWithin(dGt, tau);
    const key = String(tau);
    result.precision[key] = precision;
    result.recall[key] = recall;
    result.fscore[key] = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  }
  return result;
}

/** Every k-th point, so that at most `n` remain. */
function subsample(points: Float32Array, n: number): Float32Array {
  const total = points.length / 3;
  const k = Math.min(n, total);
  const out = new Float32Array(k * 3);
  const step = total / k;
  for (let i = 0; i < k; i++) {
    const j = Math.floor(i * step) * 3;
    out[i * 3] = points[j];
    out[i * 3 + 1] = points[j + 1];
    out[i * 3 + 2] = points[j + 2];
  }
  return out;
}

/** Distance from every point of `from` to its nearest neighbour in `to`. */
export function nearestDistances(from: Float32Array, to: KdTree): Float64Array {
  const n = from.length / 3;
  const out = new Float64Array(n);
  const d2 = new Float64Array(1);
  for (let i = 0; i < n; i++) {
    to.nearest(from[i * 3], from[i * 3 + 1], from[i * 3 + 2], d2);
    out[i] = Math.sqrt(d2[0]);
  }
  return out;
}

function fractionWithin(d: Float64Array, tau: number): number {
  let k = 0;
  for (let i = 0; i < d.length; i++) if (d[i] <= tau) k++;
  return k / d.length;
}

