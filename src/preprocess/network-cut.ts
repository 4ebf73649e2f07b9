import { KilnError } from '../core/errors.js';
import { createImage, type RasterImage } from '../core/image.js';
import { connectedComponents } from './connected-components.js';
import type { CutEvidence } from './cut-confidence.js';
import { refineMask, type RefineMaskOptions } from './guided-filter.js';
import type { Saliency } from './segment-network.js';

export interface NetworkCutOptions {
  /** How the low-resolution probability is lifted to the photo's resolution (the guided filter). */
  refine: Partial<RefineMaskOptions>;
  /** The ring about the cut's edge where the network's certainty is measured, in network pixels from the edge (edge pixels are 1 away). */
  band: [number, number];
}

export const NETWORK_CUT_DEFAULTS: NetworkCutOptions = { refine: {}, band: [3, 5] };

/** What a cut by the network found. */
export interface NetworkCut {
  /** The input with its alpha set to the object's matte (RGBA, full resolution). */
  image: RasterImage;
  /** Fraction of the image that is object. */
  coverage: number;
  /** For `assessCut`: its `separation` is the network's certainty along the object's edge (0…1). */
  evidence: CutEvidence;
}

/**
 * Chebyshev distance (in pixels, capped at `cap`) from each pixel to the nearest pixel of the other
 * label, by a two-pass sweep (exact for the chessboard metric).
 */
function edgeDistance(object: Uint8Array, w: number, h: number, cap: number): Uint8Array {
  const d = new Uint8Array(w * h).fill(cap);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x, v = object[i];
      if ((x > 0 && object[i - 1] !== v) || (x < w - 1 && object[i + 1] !== v) || (y > 0 && object[i - w] !== v) || (y < h - 1 && object[i + w] !== v)) d[i] = 1;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      let m = d[i];
      if (x > 0) m = Math.min(m, d[i - 1] + 1);
      if (y > 0) m = Math.min(m, d[i - w] + 1, x > 0 ? d[i - w - 1] + 1 : cap, x < w - 1 ? d[i - w + 1] + 1 : cap);
      d[i] = Math.min(cap, m);
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      let m = d[i];
      if (x < w - 1) m = Math.min(m, d[i + 1] + 1);
      if (y < h - 1) m = Math.min(m, d[i + w] + 1, x < w - 1 ? d[i + w + 1] + 1 : cap, x > 0 ? d[i + w - 1] + 1 : cap);
      d[i] = Math.min(cap, m);
    }
  }
  return d;
}

/**
 * The network's certainty about where an object ends: the mean of |2p − 1| over a ring on both
 * sides of the edge of `object`, from `inner` to `outer` pixels away from it (1: decided
 * everywhere; 0: a coin toss). The pixels on the edge itself are left out: there even a sure network
 * passes through ½ within a pixel or two, and counting them would only measure the ramp's width.
 */
export function edgeCertainty(prob: Float32Array, object: Uint8Array, w: number, h: number, inner: number, outer: number): number {
  const d = edgeDistance(object, w, h, outer + 1);
  let sum = 0, n = 0;
  for (let i = 0; i < w * h; i++) {
    if (d[i] < inner || d[i] > outer) continue;
    sum += Math.abs(2 * prob[i] - 1);
    n++;
  }
  return n ? sum / n : 1;
}

/**
 * Cuts the photo's main object by the segmentation network's probability: the pieces above the
 * threshold, the largest kept (what else the network marked is reported to the confidence check as
 * pieces, as the other methods do), its probability lifted to the photo's resolution by the guided
 * filter (`refineMask`), so the edge follows the photo's own colours rather than the network's
 * coarse grid. Throws `INVALID_INPUT` when the network marked nothing.
 */
export function networkCut(image: RasterImage, saliency: Saliency, options: Partial<NetworkCutOptions> = {}): NetworkCut {
  const o = { ...NETWORK_CUT_DEFAULTS, ...options };
  const { width: w, height: h, prob, threshold } = saliency;
  if (saliency.region) throw new KilnError('INVALID_INPUT', 'networkCut: the saliency covers a crop; the cut needs the whole photo');
  const above = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) above[i] = prob[i] >= threshold ? 1 : 0;
  const comps = connectedComponents(above, w, h);
  let largest = 0;
  for (let i = 1; i < comps.sizes.length; i++) if (comps.sizes[i] > (comps.sizes[largest] ?? 0)) largest = i;
  if (!largest) throw new KilnError('INVALID_INPUT', 'could not find an object in the photo (the segmentation network marked nothing); give a box around the object, or a cut-out PNG with transparency');
  const object = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) object[i] = comps.labels[i] === largest ? 1 : 0;
  // Every piece, holes filled (holes: regions off the mask that do not reach the border).
  const mask = Uint8Array.from(above);
  const off = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) off[i] = above[i] ? 0 : 1;
  const holes = connectedComponents(off, w, h);
  const outside = new Set<number>();
  for (let x = 0; x < w; x++) outside.add(holes.labels[x]).add(holes.labels[(h - 1) * w + x]);
  for (let y = 0; y < h; y++) outside.add(holes.labels[y * w]).add(holes.labels[y * w + w - 1]);
  for (let i = 0; i < w * h; i++) if (off[i] && !outside.has(holes.labels[i])) mask[i] = 1;
  const certainty = edgeCertainty(prob, object, w, h, o.band[0], o.band[1]);
  // Only the kept piece (and its soft edge, a few pixels around it) goes into the matte.
  const near = new Uint8Array(w * h);
  const reach = 3;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!object[y * w + x]) continue;
      for (let yy = Math.max(0, y - reach); yy <= Math.min(h - 1, y + reach); yy++) for (let xx = Math.max(0, x - reach); xx <= Math.min(w - 1, x + reach); xx++) near[yy * w + xx] = 1;
    }
  }
  const kept = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) kept[i] = near[i] ? prob[i] : 0;
  const alpha = refineMask(image, kept, w, h, o.refine);
  const out = createImage(image.width, image.height, 4);
  const c = image.channels;
  let solid = 0;
  for (let i = 0; i < image.width * image.height; i++) {
    for (let k = 0; k < 3; k++) out.data[i * 4 + k] = image.data[i * c + (c >= 3 ? k : 0)];
    out.data[i * 4 + 3] = alpha[i];
    if (alpha[i] >= 0.5) solid++;
  }
  const evidence: CutEvidence = { method: 'network', mask, width: w, height: h, frame: [0, 0, w, h], separation: certainty };
  return { image: out, coverage: solid / (image.width * image.height), evidence };
}
