import { KilnError } from '../core/errors.js';
import { createImage, type RasterImage } from '../core/image.js';
import { rigCameras } from '../geometry/rig.js';
import type { CalibratedView } from '../geometry/calibrated-view.js';
import type { ModelManifest, ViewChannel } from './model-manifest.js';

/**
 * Conversions between kiln images and the model's tensors. Model values live in [−1, 1]: colour is
 * premultiplied by alpha (so the background is black and carries no colour to learn), alpha is a
 * channel of its own, and depth is (d − offset) / scale with `empty` where there is no surface.
 */

/** A square RGBA condition image (straight alpha, `size`²) → [4, size, size] planar, premultiplied, [−1, 1]. */
export function encodeConditionImage(image: RasterImage, size: number): Float32Array {
  if (image.channels !== 4 || image.width !== size || image.height !== size) {
    throw new KilnError('INVALID_INPUT', `encodeConditionImage: need a ${size}×${size} RGBA image, got ${image.width}×${image.height}×${image.channels}`);
  }
  const px = size * size;
  const out = new Float32Array(4 * px);
  for (let i = 0; i < px; i++) {
    const a = image.data[i * 4 + 3];
    for (let c = 0; c < 3; c++) out[c * px + i] = image.data[i * 4 + c] * a * 2 - 1;
    out[3 * px + i] = a * 2 - 1;
  }
  return out;
}

/**
 * The inverse of {@link encodeConditionImage}: [4, size, size] planar (premultiplied colour, alpha,
 * [−1, 1]) → a `size`² RGBA image with straight alpha, as a text → image model's sample decodes.
 */
export function decodeConditionImage(x: Float32Array, size: number): RasterImage {
  const px = size * size;
  if (x.length !== 4 * px) throw new KilnError('INVALID_INPUT', `decodeConditionImage: expected ${4 * px} values, got ${x.length}`);
  const image = createImage(size, size, 4);
  for (let i = 0; i < px; i++) {
    const a = unit(x[3 * px + i]);
    for (let c = 0; c < 3; c++) image.data[i * 4 + c] = straight(unit(x[c * px + i]), a);
    image.data[i * 4 + 3] = a;
  }
  return image;
}

/** A model value in [−1, 1] → [0, 1], clamped. */
const unit = (v: number) => Math.min(1, Math.max(0, (v + 1) / 2));

/** Premultiplied colour → straight colour (0 where there is next to no alpha to divide by). */
const straight = (pm: number, a: number) => (a > 1e-3 ? Math.min(1, pm / a) : 0);

/** Where each channel sits in one view of a sample, and how many there are, as the manifest lists them. */
function channelLayout(manifest: Pick<ModelManifest, 'channels'>): { count: number } & Record<Exclude<ViewChannel, 'depth'>, number> & { depth: number | undefined } {
  const at = (c: ViewChannel) => manifest.channels.indexOf(c);
  const depth = at('depth');
  return { count: manifest.channels.length, red: at('red'), green: at('green'), blue: at('blue'), alpha: at('alpha'), depth: depth < 0 ? undefined : depth };
}

/**
 * The model's output [views, channels, R, R] → calibrated views at the manifest's rig cameras: RGBA with
 * straight alpha (colour un-premultiplied) and depth where alpha ≥ 0.5 (0 elsewhere).
 */
export function decodeViews(x: Float32Array, manifest: ModelManifest): CalibratedView[] {
  const r = manifest.resolution;
  const px = r * r;
  const views = manifest.rig.views.length;
  const layout = channelLayout(manifest);
  const rgb = [layout.red, layout.green, layout.blue];
  if (x.length !== views * layout.count * px) throw new KilnError('INVALID_INPUT', `decodeViews: expected ${views * layout.count * px} values, got ${x.length}`);
  const { offset, scale } = manifest.encoding.depth;
  const cameras = rigCameras(manifest.rig, r);
  return cameras.map((camera, v) => {
    const base = v * layout.count * px;
    const image = createImage(r, r, 4);
    const depth = layout.depth === undefined ? undefined : new Float32Array(px);
    for (let i = 0; i < px; i++) {
      const a = unit(x[base + layout.alpha * px + i]);
      for (let c = 0; c < 3; c++) image.data[i * 4 + c] = straight(unit(x[base + rgb[c] * px + i]), a);
      image.data[i * 4 + 3] = a;
      if (depth && a >= 0.5) depth[i] = Math.max(1e-3, offset + scale * x[base + layout.depth! * px + i]);
    }
    return depth ? { camera, image, depth } : { camera, image };
  });
}

/** The inverse of {@link decodeViews} for ground-truth views (tests and evaluation). */
export function encodeViews(views: CalibratedView[], manifest: ModelManifest): Float32Array {
  const r = manifest.resolution;
  const px = r * r;
  const layout = channelLayout(manifest);
  const rgb = [layout.red, layout.green, layout.blue];
  const out = new Float32Array(views.length * layout.count * px);
  const { offset, scale, empty } = manifest.encoding.depth;
  views.forEach((view, v) => {
    if (view.image.width !== r || view.image.height !== r || view.image.channels !== 4) throw new KilnError('INVALID_INPUT', `encodeViews: view ${v} is not ${r}×${r} RGBA`);
    const base = v * layout.count * px;
    for (let i = 0; i < px; i++) {
      const a = view.image.data[i * 4 + 3];
      for (let c = 0; c < 3; c++) out[base + rgb[c] * px + i] = view.image.data[i * 4 + c] * a * 2 - 1;
      out[base + layout.alpha * px + i] = a * 2 - 1;
      if (layout.depth === undefined) continue;
      const d = view.depth?.[i] ?? 0;
      out[base + layout.depth * px + i] = d > 0 ? Math.min(1, Math.max(-1, (d - offset) / scale)) : empty;
    }
  });
  return out;
}

/** A views grid image (one row, RGB over white) for previews. */
export function viewsOverWhite(image: RasterImage): RasterImage {
  const out = createImage(image.width, image.height, 3);
  for (let i = 0, n = image.width * image.height; i < n; i++) {
    const a = image.data[i * 4 + 3];
    for (let c = 0; c < 3; c++) out.data[i * 3 + c] = image.data[i * 4 + c] * a + (1 - a);
  }
  return out;
}
