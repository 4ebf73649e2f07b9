import { toUint8 } from '../core/image.js';
import type { Mesh } from '../geometry/mesh.js';
import { orbitCamera, type OrbitView } from '../geometry/camera.js';
import { rigCameras, type ViewRig } from '../geometry/rig.js';
import { DEFAULT_LIGHTING, renderMesh, type Lighting } from '../render/render-mesh.js';

/** Depth is stored as uint16 in units of 1/8192 (0 = background): 0.12 mm on a unit object, up to 8 units. */
export const DEPTH_SCALE = 1 / 8192;

export interface SampleViews {
  /** [views, H, W, 4] sRGB RGBA, straight alpha. */
  rgba: Uint8Array;
  /** [views, H, W] depth along the optical axis in units of {@link DEPTH_SCALE}; 0 where empty. */
  depth: Uint16Array;
}

/**
 * Renders a training sample: the condition view followed by the rig's views, all with the same
 * lighting (fixed in world space, so views agree), supersampled 2×2, on a transparent background.
 */
export function renderSampleViews(mesh: Mesh, condition: OrbitView, rig: ViewRig, resolution: number, lighting: Lighting = DEFAULT_LIGHTING): SampleViews {
  const cameras = [orbitCamera(condition, resolution, resolution), ...rigCameras(rig, resolution)];
  const px = resolution * resolution;
  const rgba = new Uint8Array(cameras.length * px * 4);
  const depth = new Uint16Array(cameras.length * px);
  cameras.forEach((camera, v) => {
    const r = renderMesh(mesh, camera, { supersample: 2, lighting });
    rgba.set(toUint8(r.color), v * px * 4);
    for (let i = 0; i < px; i++) {
      const d = r.depth[i];
      depth[v * px + i] = d > 0 ? Math.min(65535, Math.round(d / DEPTH_SCALE)) : 0;
    }
  });
  return { rgba, depth };
}
