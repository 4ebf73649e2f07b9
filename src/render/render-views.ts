import type { OperationOptions } from '../core/progress.js';
import type { Mesh } from '../geometry/mesh.js';
import { rigCameras, type ViewRig } from '../geometry/rig.js';
import { renderMesh, type RenderOptions } from './render-mesh.js';
import type { CalibratedView } from '../geometry/calibrated-view.js';

/**
 * Renders a mesh into calibrated views at a rig's cameras (RGBA with coverage alpha, plus depth):
 * the input that reconstruction receives from the diffusion stage, made from a known object, for
 * tests and benchmarks.
 */
export function renderCalibratedViews(mesh: Mesh, rig: ViewRig, size: number, options: Partial<RenderOptions> & OperationOptions = {}): CalibratedView[] {
  return rigCameras(rig, size).map((camera) => {
    const { color, depth } = renderMesh(mesh, camera, options);
    return { camera, image: color, depth };
  });
}
