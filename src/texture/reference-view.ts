import { KilnError } from '../core/errors.js';
import { createImage, type RasterImage } from '../core/image.js';
import { throwIfAborted, type OperationOptions } from '../core/progress.js';
import { orbitCamera, type Camera } from '../geometry/camera.js';
import type { Mesh } from '../geometry/mesh.js';
import type { CalibratedView } from '../geometry/calibrated-view.js';
import { rasterizeVisibility } from '../render/rasterize.js';

export interface AlignReferenceOptions extends OperationOptions {
  /** Camera distance and vertical field of view (degrees) of the rig the mesh was built from. */
  distance: number;
  fov: number;
  /** Candidate elevations in degrees; the photo's azimuth is 0° (it is the condition view). */
  elevations: number[];
  /** Size of the silhouettes compared while searching (pixels). */
  searchSize: number;
}

export const ALIGN_REFERENCE_DEFAULTS: AlignReferenceOptions = {
  distance: 3,
  fov: 30,
  elevations: [-15, -10, -5, 0, 5, 10, 15, 20, 25, 30, 35, 40, 45],
  searchSize: 96,
};

/** The input photo placed as a calibrated view of the mesh. */
export interface ReferenceAlignment {
  /** The photo resampled into the frame of an orbit camera at azimuth 0° and the found elevation. */
  view: CalibratedView;
  elevation: number;
  /** Silhouette IoU between the photo and the mesh at that elevation (how much to trust it). */
  iou: number;
}

/** Centre and side of the square a crop-to-object puts around a mask (its bounding box's longer side). */
interface Frame {
  cx: number;
  cy: number;
  side: number;
}

function frameOf(width: number, height: number, inside: (i: number) => boolean): Frame | undefined {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!inside(y * width + x)) continue;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x + 1);
      y1 = Math.max(y1, y + 1);
    }
  }
  if (x1 <= x0) return undefined;
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, side: Math.max(x1 - x0, y1 - y0) };
}

function silhouette(mesh: Mesh, camera: Camera): Float32Array {
  return rasterizeVisibility(mesh, camera, { scale: 1, cullBackFaces: false }).inverseDepth;
}

/** Bilinear sample of an RGBA image at continuous pixel coordinates (pixel centres at +0.5); 0 outside. */
function sampleRgba(image: RasterImage, u: number, v: number, out: Float32Array): void {
  const px = u - 0.5, py = v - 0.5;
  const x0 = Math.floor(px), y0 = Math.floor(py);
  const fx = px - x0, fy = py - y0;
  out.fill(0);
  for (const [dx, dy, w] of [[0, 0, (1 - fx) * (1 - fy)], [1, 0, fx * (1 - fy)], [0, 1, (1 - fx) * fy], [1, 1, fx * fy]]) {
    const x = x0 + dx, y = y0 + dy;
    if (x < 0 || y < 0 || x >= image.width || y >= image.height || w === 0) continue;
    const k = (y * image.width + x) * 4;
    const a = image.data[k + 3] * w;
    // Premultiplied, so transparent neighbours do not darken the edge.
    out[0] += image.data[k] * a;
    out[1] += image.data[k + 1] * a;
    out[2] += image.data[k + 2] * a;
    out[3] += a;
  }
  if (out[3] > 0) for (let c = 0; c < 3; c++) out[c] /= out[3];
}

/**
 * Places the input photo (an RGBA cut-out, cropped around the object like the condition image) as
 * a calibrated view of the reconstructed mesh, so the texture can use its full resolution instead
 * of the generated views' few dozen pixels. The photo's azimuth is 0° by construction; its
 * elevation is unknown (people photograph from anywhere), so the mesh's silhouette is rendered at
 * each candidate elevation, framed like the photo (same crop rule: centred square on the bounding
 * box), and the elevation whose silhouette overlaps the photo's alpha best wins.
 */
export function alignReferenceView(mesh: Mesh, cutout: RasterImage, options: Partial<AlignReferenceOptions> = {}): ReferenceAlignment {
  const o = { ...ALIGN_REFERENCE_DEFAULTS, ...options };
  if (cutout.channels !== 4) throw new KilnError('INVALID_INPUT', 'alignReferenceView: the reference must be an RGBA cut-out');
  const photo = frameOf(cutout.width, cutout.height, (i) => cutout.data[i * 4 + 3] >= 0.5);
  if (!photo) throw new KilnError('INVALID_INPUT', 'alignReferenceView: the reference is fully transparent');
  const s = o.searchSize;
  let best = { elevation: 0, iou: -1 };
  const rgba = new Float32Array(4);
  for (const elevation of o.elevations) {
    throwIfAborted(o.signal, 'alignReferenceView');
    const sil = silhouette(mesh, orbitCamera({ azimuth: 0, elevation, distance: o.distance, fov: o.fov }, s, s));
    const frame = frameOf(s, s, (i) => sil[i] > 0);
    if (!frame) continue;
    const k = photo.side / frame.side;
    let inter = 0, union = 0;
    for (let y = 0; y < s; y++) {
      for (let x = 0; x < s; x++) {
        sampleRgba(cutout, photo.cx + (x + 0.5 - frame.cx) * k, photo.cy + (y + 0.5 - frame.cy) * k, rgba);
        const p = rgba[3] >= 0.5, q = sil[y * s + x] > 0;
        if (p && q) inter++;
        if (p || q) union++;
      }
    }
    const iou = union ? inter / union : 0;
    if (iou > best.iou) best = { elevation, iou };
  }
  if (best.iou < 0) throw new KilnError('INVALID_INPUT', 'alignReferenceView: the mesh is not visible from the front');
  // The photo resampled at its own resolution into the frame of the winning camera.
  const size = Math.max(cutout.width, cutout.height);
  const camera = orbitCamera({ azimuth: 0, elevation: best.elevation, distance: o.distance, fov: o.fov }, size, size);
  const sil = silhouette(mesh, camera);
  const frame = frameOf(size, size, (i) => sil[i] > 0)!;
  const k = photo.side / frame.side;
  const image = createImage(size, size, 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      sampleRgba(cutout, photo.cx + (x + 0.5 - frame.cx) * k, photo.cy + (y + 0.5 - frame.cy) * k, rgba);
      image.data.set(rgba, (y * size + x) * 4);
    }
  }
  return { view: { camera, image }, elevation: best.elevation, iou: best.iou };
}
