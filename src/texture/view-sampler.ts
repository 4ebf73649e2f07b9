import { srgbToLinearFast } from '../core/srgb.js';
import { intrinsics } from '../geometry/camera.js';
import type { Mesh } from '../geometry/mesh.js';
import type { CalibratedView } from '../geometry/calibrated-view.js';
import { signedDistanceToMask } from '../reconstruct/distance-transform.js';
import { rasterizeVisibility } from '../render/rasterize.js';

/**
 * Samples the colour that one calibrated view shows at a surface point of a mesh, with a
 * confidence weight. The weight is zero where the view does not see the point (another part of
 * the mesh is in front: depth test against the mesh rendered from that camera), and otherwise
 * grows with how squarely the surface faces the camera (cos³) and with the distance from the
 * silhouette edge (ramping over `edgeRamp` pixels), where colours mix with the background.
 */
export class ViewSampler {
  private readonly m: Float64Array;
  private readonly fx: number;
  private readonly fy: number;
  private readonly cx: number;
  private readonly cy: number;
  private readonly w: number;
  private readonly h: number;
  private readonly cam: [number, number, number];
  private readonly meshDepth: Float32Array; // 1 / depth of the mesh as seen from this view
  private readonly sdf: Float32Array;
  private readonly linear: Float32Array;

  constructor(view: CalibratedView, mesh: Mesh, private readonly edgeRamp = 3) {
    const { camera, image } = view;
    this.m = camera.view;
    ({ fx: this.fx, fy: this.fy, cx: this.cx, cy: this.cy } = intrinsics(camera));
    this.w = camera.width;
    this.h = camera.height;
    this.cam = camera.position;
    this.meshDepth = rasterizeVisibility(mesh, camera, { scale: 1, cullBackFaces: false }).inverseDepth;
    const n = this.w * this.h;
    const alpha = new Float32Array(n);
    this.linear = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      alpha[i] = image.data[i * 4 + 3];
      for (let k = 0; k < 3; k++) this.linear[i * 3 + k] = srgbToLinearFast(image.data[i * 4 + k]);
    }
    this.sdf = signedDistanceToMask(alpha, this.w, this.h);
  }

  /**
   * Writes the linear RGB colour seen at world point (x, y, z) with unit normal (nx, ny, nz) into
   * `out` and returns its weight (0: not seen).
   */
  sample(x: number, y: number, z: number, nx: number, ny: number, nz: number, out: Float32Array): number {
    const m = this.m;
    const tx = this.cam[0] - x, ty = this.cam[1] - y, tz = this.cam[2] - z;
    const dist = Math.sqrt(tx * tx + ty * ty + tz * tz);
    const cos = (nx * tx + ny * ty + nz * tz) / dist;
    if (cos <= 0.05) return 0;
    const xc = m[0] * x + m[4] * y + m[8] * z + m[12];
    const yc = m[1] * x + m[5] * y + m[9] * z + m[13];
    const depth = -(m[2] * x + m[6] * y + m[10] * z + m[14]);
    if (depth <= 0) return 0;
    const u = this.cx + (this.fx * xc) / depth;
    const v = this.cy - (this.fy * yc) / depth;
    if (u < 0 || v < 0 || u >= this.w || v >= this.h) return 0;
    const i = (v | 0) * this.w + (u | 0);
    const seen = this.meshDepth[i];
    if (!(seen > 0)) return 0;
    // Visible if nothing nearer covers this pixel: allow the depth slope of a few pixels.
    const tolerance = Math.max((3 * depth) / this.fx / Math.max(cos, 0.2), 0.003 * depth);
    if (depth - 1 / seen > tolerance) return 0;
    const inside = -this.sdf[i];
    if (inside <= 0) return 0;
    const edge = Math.min(1, inside / this.edgeRamp);
    // Bilinear colour at the projection.
    const px = Math.min(this.w - 1.001, Math.max(0, u - 0.5));
    const py = Math.min(this.h - 1.001, Math.max(0, v - 0.5));
    const x0 = px | 0, y0 = py | 0;
    const fx = px - x0, fy = py - y0;
    const i00 = (y0 * this.w + x0) * 3, i10 = i00 + 3, i01 = i00 + this.w * 3, i11 = i01 + 3;
    const c = this.linear;
    for (let k = 0; k < 3; k++) {
      out[k] = c[i00 + k] * (1 - fx) * (1 - fy) + c[i10 + k] * fx * (1 - fy) + c[i01 + k] * (1 - fx) * fy + c[i11 + k] * fx * fy;
    }
    return cos * cos * cos * edge;
  }
}
