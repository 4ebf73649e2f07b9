import { KilnError } from '../core/errors.js';
import type { RasterImage } from '../core/image.js';

export interface ImageMetricOptions {
  /**
   * Per-pixel weights in [0, 1] (e.g. a ground-truth alpha): only masked pixels count. Without a
   * mask every pixel counts.
   */
  mask?: Float32Array;
  /** Colour channels compared (default: the first min(3, channels); alpha is not a colour). */
  channels?: number;
}

function check(a: RasterImage, b: RasterImage, op: string, mask?: Float32Array): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new KilnError('INVALID_INPUT', `${op}: image sizes differ (${a.width}×${a.height} vs ${b.width}×${b.height})`);
  }
  if (mask && mask.length !== a.width * a.height) throw new KilnError('INVALID_INPUT', `${op}: mask has ${mask.length} values, expected ${a.width * a.height}`);
}

/**
 * Peak signal-to-noise ratio in dB for images with values in [0, 1]: 10·log10(1 / MSE) over the
 * compared channels of the masked pixels. Identical images give Infinity; an empty mask gives NaN.
 */
export function psnr(a: RasterImage, b: RasterImage, options: ImageMetricOptions = {}): number {
  check(a, b, 'psnr', options.mask);
  const nc = options.channels ?? Math.min(3, a.channels, b.channels);
  const mask = options.mask;
  let se = 0;
  let weight = 0;
  for (let i = 0; i < a.width * a.height; i++) {
    const w = mask ? mask[i] : 1;
    if (!(w > 0)) continue;
    for (let c = 0; c < nc; c++) {
      const d = a.data[i * a.channels + c] - b.data[i * b.channels + c];
      se += w * d * d;
    }
    weight += w * nc;
  }
  if (weight === 0) return NaN;
  const mse = se / weight;
  return mse === 0 ? Infinity : 10 * Math.log10(1 / mse);
}

/** Rec. 601 luma of an image as a single-channel array. */
function luma(im: RasterImage): Float32Array {
  const out = new Float32Array(im.width * im.height);
  for (let i = 0; i < out.length; i++) {
    const o = i * im.channels;
    out[i] = im.channels >= 3 ? 0.299 * im.data[o] + 0.587 * im.data[o + 1] + 0.114 * im.data[o + 2] : im.data[o];
  }
  return out;
}

/** Separable Gaussian blur (σ = 1.5, 11 taps) with edge clamping. */
function blur(src: Float32Array, w: number, h: number): Float32Array {
  const r = 5;
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * 1.5 * 1.5));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r] * src[y * w + Math.min(w - 1, Math.max(0, x + i))];
      tmp[y * w + x] = s;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = -r; i <= r; i++) s += k[i + r] * tmp[Math.min(h - 1, Math.max(0, y + i)) * w + x];
      out[y * w + x] = s;
    }
  }
  return out;
}

/**
 * Structural similarity (Wang et al. 2004) on luma with an 11×11 Gaussian window (σ = 1.5),
 * K1 = 0.01, K2 = 0.03 for a dynamic range of 1, averaged over the masked pixels (weighted by the
 * mask). 1 means identical structure.
 */
export function ssim(a: RasterImage, b: RasterImage, options: ImageMetricOptions = {}): number {
  check(a, b, 'ssim', options.mask);
  const { width: w, height: h } = a;
  const x = luma(a);
  const y = luma(b);
  const xx = new Float32Array(x.length);
  const yy = new Float32Array(x.length);
  const xy = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    xx[i] = x[i] * x[i];
    yy[i] = y[i] * y[i];
    xy[i] = x[i] * y[i];
  }
  const mx = blur(x, w, h), my = blur(y, w, h);
  const sxx = blur(xx, w, h), syy = blur(yy, w, h), sxy = blur(xy, w, h);
  const C1 = 0.01 ** 2;
  const C2 = 0.03 ** 2;
  let total = 0;
  let weight = 0;
  for (let i = 0; i < x.length; i++) {
    const m = options.mask ? options.mask[i] : 1;
    if (!(m > 0)) continue;
    const vx = sxx[i] - mx[i] * mx[i];
    const vy = syy[i] - my[i] * my[i];
    const cxy = sxy[i] - mx[i] * my[i];
    const s = ((2 * mx[i] * my[i] + C1) * (2 * cxy + C2)) / ((mx[i] * mx[i] + my[i] * my[i] + C1) * (vx + vy + C2));
    total += m * s;
    weight += m;
  }
  return weight > 0 ? total / weight : NaN;
}
