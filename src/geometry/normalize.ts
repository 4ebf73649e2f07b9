import { fromScale, fromTranslation, multiply, type Mat4, type Vec3 } from './mat4.js';
import { computeBounds, transformMesh, type Bounds, type Mesh } from './mesh.js';

/**
 * The similarity that centres a bounding box at the origin and scales its longest side to 1:
 * x' = (x − center) · scale. Metrics evaluate in this frame (the ground truth's), and the default
 * rig expects objects in it.
 */
export interface UnitBoxTransform {
  center: Vec3;
  scale: number;
  matrix: Mat4;
}

export function unitBoxTransform(bounds: Bounds): UnitBoxTransform {
  const center: Vec3 = [0, 1, 2].map((k) => (bounds.min[k] + bounds.max[k]) / 2) as Vec3;
  const longest = Math.max(bounds.max[0] - bounds.min[0], bounds.max[1] - bounds.min[1], bounds.max[2] - bounds.min[2]);
  const scale = longest > 0 && Number.isFinite(longest) ? 1 / longest : 1;
  const matrix = multiply(fromScale(scale), fromTranslation([-center[0], -center[1], -center[2]]));
  return { center, scale, matrix };
}

/** Applies a {@link UnitBoxTransform} to a flat xyz array, returning a new array. */
export function applyToPoints(t: UnitBoxTransform, points: Float32Array): Float32Array {
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 3) {
    out[i] = (points[i] - t.center[0]) * t.scale;
    out[i + 1] = (points[i + 1] - t.center[1]) * t.scale;
    out[i + 2] = (points[i + 2] - t.center[2]) * t.scale;
  }
  return out;
}

/** A copy of the mesh centred at the origin with its longest bounding-box side 1. */
export function normalizeMesh(mesh: Mesh): Mesh {
  return transformMesh(mesh, unitBoxTransform(computeBounds(mesh)).matrix);
}
