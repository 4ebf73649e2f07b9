import { KilnError } from '../core/errors.js';
import { createImage, type RasterImage } from '../core/image.js';
import { throwIfAborted, type OperationOptions } from '../core/progress.js';
import { boxBlur } from './box-blur.js';
import { nearestCentre } from './gaussian-mixture.js';
import { connectedComponents as components } from './connected-components.js';
import type { CutEvidence } from './cut-confidence.js';

export interface RemoveBackgroundOptions extends OperationOptions {
  /** Segmentation runs on a copy whose longer side is at most this (the mask is upsampled). */
  workingSize: number;
  /** Width of the border band that samples the background, as a fraction of the shorter side. */
  border: number;
  /** Colour clusters that model the background (a plain backdrop needs 1; a gradient or shadow, 2–4). */
  clusters: number;
  /** Feather width of the edge in working pixels. */
  feather: number;
  /** Rounds of two-class colour refinement after the first threshold. */
  refine: number;
}

export const REMOVE_BACKGROUND_DEFAULTS: RemoveBackgroundOptions = { workingSize: 320, border: 0.04, clusters: 4, feather: 1, refine: 3 };

/** Outcome of segmentation: the cut-out and what was found. */
export interface BackgroundRemoval {
  /** The input with its alpha set to the object's matte (RGBA, full resolution). */
  image: RasterImage;
  /** Fraction of the image that is object. */
  coverage: number;
  /**
   * What the cut's confidence is judged on (see `assessCut`); its `separation` is the object's mean
   * Lab distance (ΔE) to the background (higher is cleaner).
   */
  evidence: CutEvidence;
}

function toLab(r: number, g: number, b: number, out: Float32Array, k: number): void {
  const lin = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const R = lin(r), G = lin(g), B = lin(b);
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (841 / 108) * t + 4 / 29);
  const x = f((0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047);
  const y = f(0.2126 * R + 0.7152 * G + 0.0722 * B);
  const z = f((0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883);
  out[k] = 116 * y - 16;
  out[k + 1] = 500 * (x - y);
  out[k + 2] = 200 * (y - z);
}

/** Area-averaged downscale of the colour channels to Lab at (w, h). */
function labAt(image: RasterImage, w: number, h: number): Float32Array {
  const lab = new Float32Array(w * h * 3);
  const sx = image.width / w, sy = image.height / h;
  const c = image.channels;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let r = 0, g = 0, b = 0, n = 0;
      for (let yy = Math.floor(y * sy); yy < Math.max(Math.floor(y * sy) + 1, Math.floor((y + 1) * sy)); yy++) {
        for (let xx = Math.floor(x * sx); xx < Math.max(Math.floor(x * sx) + 1, Math.floor((x + 1) * sx)); xx++) {
          const k = (yy * image.width + xx) * c;
          r += image.data[k];
          g += image.data[c >= 3 ? k + 1 : k];
          b += image.data[c >= 3 ? k + 2 : k];
          n++;
        }
      }
      toLab(r / n, g / n, b / n, lab, (y * w + x) * 3);
    }
  }
  return lab;
}

/** k-means on a few thousand Lab samples (deterministic initialisation: farthest-point). */
function kmeans(samples: Float32Array, k: number): Float32Array {
  const n = samples.length / 3;
  const centres = new Float32Array(k * 3);
  centres.set(samples.subarray(0, 3));
  const d2 = (i: number, c: number) => (samples[i * 3] - centres[c * 3]) ** 2 + (samples[i * 3 + 1] - centres[c * 3 + 1]) ** 2 + (samples[i * 3 + 2] - centres[c * 3 + 2]) ** 2;
  for (let c = 1; c < k; c++) {
    let best = 0, bd = -1;
    for (let i = 0; i < n; i++) {
      let m = Infinity;
      for (let j = 0; j < c; j++) m = Math.min(m, d2(i, j));
      if (m > bd) {
        bd = m;
        best = i;
      }
    }
    centres.set(samples.subarray(best * 3, best * 3 + 3), c * 3);
  }
  for (let iter = 0; iter < 10; iter++) {
    const sum = new Float64Array(k * 3), count = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const best = nearestCentre(samples, i, centres, k);
      count[best]++;
      for (let j = 0; j < 3; j++) sum[best * 3 + j] += samples[i * 3 + j];
    }
    for (let c = 0; c < k; c++) if (count[c] > 0) for (let j = 0; j < 3; j++) centres[c * 3 + j] = sum[c * 3 + j] / count[c];
  }
  return centres;
}

/** Otsu's threshold of values (0…max) in 256 bins. */
function otsu(values: Float32Array, max: number): number {
  const hist = new Float64Array(256);
  for (const v of values) hist[Math.min(255, Math.floor((v / max) * 255))]++;
  const total = values.length;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * hist[i];
  let wB = 0, sumB = 0, best = 0, bestVar = -1;
  for (let i = 0; i < 256; i++) {
    wB += hist[i];
    if (wB === 0 || wB === total) continue;
    sumB += i * hist[i];
    const mB = sumB / wB, mF = (sumAll - sumB) / (total - wB);
    const between = wB * (total - wB) * (mB - mF) ** 2;
    if (between > bestVar) {
      bestVar = between;
      best = i;
    }
  }
  return ((best + 0.5) / 255) * max;
}

/**
 * Cuts an object out of a photo taken against a plain or near-plain background. The background's
 * colours are learned from a band along the border (k-means in Lab, so a gradient or a soft shadow
 * is a few clusters rather than noise); each pixel's distance to the nearest background colour is
 * thresholded by Otsu's method; background is what that threshold connects to the border (so an
 * object that shares the backdrop's colour inside keeps it); the largest remaining component with
 * its holes filled is the object; the edge is feathered. Whether the cut is to be trusted (a plain
 * border, enough contrast, one piece, a whole object) is not decided here: the result's `evidence`
 * goes to `assessCut`, which judges every matting method alike. Throws `INVALID_INPUT` only when
 * nothing at all stands out from the background.
 */
export function removeBackground(image: RasterImage, options: Partial<RemoveBackgroundOptions> = {}): BackgroundRemoval {
  const o = { ...REMOVE_BACKGROUND_DEFAULTS, ...options };
  const scale = Math.min(1, o.workingSize / Math.max(image.width, image.height));
  const w = Math.max(8, Math.round(image.width * scale)), h = Math.max(8, Math.round(image.height * scale));
  const lab = labAt(image, w, h);
  throwIfAborted(o.signal, 'removeBackground');
  const band = Math.max(2, Math.round(Math.min(w, h) * o.border));
  const borderIdx: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (x < band || y < band || x >= w - band || y >= h - band) borderIdx.push(y * w + x);
  const stride = Math.max(1, Math.floor(borderIdx.length / 3000));
  const picked = borderIdx.filter((_, i) => i % stride === 0);
  const samples = new Float32Array(picked.length * 3);
  picked.forEach((p, i) => samples.set(lab.subarray(p * 3, p * 3 + 3), i * 3));
  const centres = kmeans(samples, o.clusters);
  const dist = new Float32Array(w * h);
  let maxD = 1;
  for (let p = 0; p < w * h; p++) {
    let m = Infinity;
    for (let c = 0; c < o.clusters; c++) m = Math.min(m, (lab[p * 3] - centres[c * 3]) ** 2 + (lab[p * 3 + 1] - centres[c * 3 + 1]) ** 2 + (lab[p * 3 + 2] - centres[c * 3 + 2]) ** 2);
    dist[p] = Math.sqrt(m);
    if (dist[p] > maxD) maxD = dist[p];
  }
  // Never call a pixel object for less than a just-visible difference (ΔE ≈ 6), whatever Otsu says.
  const threshold = Math.max(6, otsu(dist, maxD));
  // A plain backdrop is mostly below the threshold along the border; a cluttered scene (or noise)
  // is not, and whatever would be cut from it is garbage (the confidence check refuses it).
  let clutter = 0;
  for (const p of borderIdx) if (dist[p] >= threshold) clutter++;
  clutter /= borderIdx.length;
  const label = new Uint8Array(w * h);
  for (let p = 0; p < w * h; p++) label[p] = dist[p] >= threshold ? 1 : 0;
  // Refine as a two-class colour model (GrabCut's idea, without the graph cut): learn the object's
  // colours from the current labels, relabel each pixel by the nearer model, smooth. The background
  // model stays the border's clusters: one learned from the current labels would absorb the
  // object's shaded side (a dark underside mislabelled once would stay background for good).
  for (let iter = 0; iter < o.refine; iter++) {
    throwIfAborted(o.signal, 'removeBackground');
    const pick = (want: number): Float32Array => {
      const idx: number[] = [];
      for (let p = 0; p < w * h; p++) if (label[p] === want) idx.push(p);
      const step = Math.max(1, Math.floor(idx.length / 3000));
      const out = new Float32Array(Math.ceil(idx.length / step) * 3);
      for (let i = 0, j = 0; i < idx.length; i += step, j++) out.set(lab.subarray(idx[i] * 3, idx[i] * 3 + 3), j * 3);
      return out;
    };
    const fgSamples = pick(1);
    if (fgSamples.length < o.clusters * 3) break;
    const fgC = kmeans(fgSamples, o.clusters), bgC = centres;
    const nearest = (p: number, cs: Float32Array): number => {
      let m = Infinity;
      for (let c = 0; c < o.clusters; c++) m = Math.min(m, (lab[p * 3] - cs[c * 3]) ** 2 + (lab[p * 3 + 1] - cs[c * 3 + 1]) ** 2 + (lab[p * 3 + 2] - cs[c * 3 + 2]) ** 2);
      return m;
    };
    const vote = new Float32Array(w * h);
    for (let p = 0; p < w * h; p++) vote[p] = nearest(p, fgC) < nearest(p, bgC) ? 1 : 0;
    const smooth = boxBlur(vote, w, h, 1);
    for (let p = 0; p < w * h; p++) label[p] = smooth[p] > 0.5 ? 1 : 0;
    for (const p of borderIdx) {
      const x = p % w, y = (p - x) / w;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) label[p] = label[p] && dist[p] >= threshold ? 1 : 0;
    }
  }
  const near = new Uint8Array(w * h);
  for (let p = 0; p < w * h; p++) near[p] = label[p] ? 0 : 1;
  const nearComps = components(near, w, h);
  const bgLabel = new Set<number>();
  for (const p of borderIdx) {
    const x = p % w, y = (p - x) / w;
    if ((x === 0 || y === 0 || x === w - 1 || y === h - 1) && nearComps.labels[p]) bgLabel.add(nearComps.labels[p]);
  }
  const fg = new Uint8Array(w * h);
  for (let p = 0; p < w * h; p++) fg[p] = near[p] && bgLabel.has(nearComps.labels[p]) ? 0 : 1;
  const fgComps = components(fg, w, h);
  let largest = 0;
  for (let i = 1; i < fgComps.sizes.length; i++) if (fgComps.sizes[i] > (fgComps.sizes[largest] ?? 0)) largest = i;
  if (!largest) throw new KilnError('INVALID_INPUT', 'could not separate an object from the background (nothing stands out from it); give a photo on a plain background, a box around the object, or a cut-out PNG with transparency');
  const obj = new Uint8Array(w * h);
  for (let p = 0; p < w * h; p++) obj[p] = fgComps.labels[p] === largest ? 1 : 0;
  // Fill holes: background regions of the complement that do not reach the border.
  const inv = new Uint8Array(w * h);
  for (let p = 0; p < w * h; p++) inv[p] = obj[p] ? 0 : 1;
  const holes = components(inv, w, h);
  const outside = new Set<number>();
  for (const p of borderIdx) if (holes.labels[p]) outside.add(holes.labels[p]);
  let area = 0;
  for (let p = 0; p < w * h; p++) {
    if (inv[p] && !outside.has(holes.labels[p])) obj[p] = 1;
    area += obj[p];
  }
  const coverage = area / (w * h);
  // What the confidence check needs: the object's mean distance to the background (its contrast),
  // and what clearly differs from the background yet lies outside the object: well above the
  // just-visible floor (2 × 6) and above half the cut's own threshold, so a soft shadow is not it.
  let fgDist = 0, leftOut = 0;
  const clear = Math.max(12, threshold / 2);
  for (let p = 0; p < w * h; p++) {
    if (obj[p]) fgDist += dist[p];
    else if (dist[p] >= clear) leftOut++;
  }
  // Every piece the cut found, the object's holes filled: the confidence check counts the pieces.
  const mask = new Uint8Array(w * h);
  for (let p = 0; p < w * h; p++) mask[p] = obj[p] | fg[p];
  const evidence: CutEvidence = { method: 'border', mask, width: w, height: h, frame: [0, 0, w, h], separation: fgDist / area, clutter, leftOut: leftOut / area };
  const soft = boxBlur(Float32Array.from(obj), w, h, o.feather);
  // Upsample the matte bilinearly to the input's size and attach it as alpha.
  const out = createImage(image.width, image.height, 4);
  const c = image.channels;
  for (let y = 0; y < image.height; y++) {
    const fy = Math.min(h - 1, Math.max(0, (y + 0.5) * (h / image.height) - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(h - 1, y0 + 1), ay = fy - y0;
    for (let x = 0; x < image.width; x++) {
      const fx = Math.min(w - 1, Math.max(0, (x + 0.5) * (w / image.width) - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(w - 1, x0 + 1), ax = fx - x0;
      const a = (soft[y0 * w + x0] * (1 - ax) + soft[y0 * w + x1] * ax) * (1 - ay) + (soft[y1 * w + x0] * (1 - ax) + soft[y1 * w + x1] * ax) * ay;
      const k = (y * image.width + x) * c, q = (y * image.width + x) * 4;
      out.data[q] = image.data[k];
      out.data[q + 1] = image.data[c >= 3 ? k + 1 : k];
      out.data[q + 2] = image.data[c >= 3 ? k + 2 : k];
      out.data[q + 3] = a;
    }
  }
  return { image: out, coverage, evidence };
}

