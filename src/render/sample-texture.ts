import type { RasterImage } from '../core/image.js';
import { srgbToLinearFast } from '../core/srgb.js';

/**
 * A texture prepared for sampling: RGBA in linear light as Float32Array, so bilinear filtering
 * averages light, not encoded values. Prepared once per texture and cached (textures are shared by
 * every view of a mesh).
 */
export interface LinearTexture {
  width: number;
  height: number;
  data: Float32Array;
}

const cache = new WeakMap<RasterImage, LinearTexture>();

export function linearTexture(image: RasterImage): LinearTexture {
  let t = cache.get(image);
  if (t) return t;
  const { width, height, channels, data: src } = image;
  const data = new Float32Array(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += channels) {
    const o = i * 4;
    if (channels >= 3) {
      data[o] = srgbToLinearFast(src[j]);
      data[o + 1] = srgbToLinearFast(src[j + 1]);
      data[o + 2] = srgbToLinearFast(src[j + 2]);
    } else {
      data[o] = data[o + 1] = data[o + 2] = srgbToLinearFast(src[j]);
    }
    data[o + 3] = channels === 4 ? src[j + 3] : channels === 2 ? src[j + 1] : 1;
  }
  t = { width, height, data };
  cache.set(image, t);
  return t;
}

/**
 * Bilinear sample with REPEAT wrapping (glTF's default sampler) at glTF UV (u, v): (0, 0) is the
 * top-left corner of the image and texel centres are at half-integers. Writes RGBA into `out`.
 */
export function sampleBilinear(t: LinearTexture, u: number, v: number, out: Float32Array): void {
  const { width: w, height: h, data } = t;
  const x = u * w - 0.5;
  const y = v * h - 0.5;
  const xf = Math.floor(x);
  const yf = Math.floor(y);
  const fx = x - xf;
  const fy = y - yf;
  let x0 = xf % w;
  if (x0 < 0) x0 += w;
  let y0 = yf % h;
  if (y0 < 0) y0 += h;
  const x1 = x0 + 1 === w ? 0 : x0 + 1;
  const y1 = y0 + 1 === h ? 0 : y0 + 1;
  const i00 = (y0 * w + x0) * 4;
  const i10 = (y0 * w + x1) * 4;
  const i01 = (y1 * w + x0) * 4;
  const i11 = (y1 * w + x1) * 4;
  const w00 = (1 - fx) * (1 - fy);
  const w10 = fx * (1 - fy);
  const w01 = (1 - fx) * fy;
  const w11 = fx * fy;
  for (let k = 0; k < 4; k++) {
    out[k] = data[i00 + k] * w00 + data[i10 + k] * w10 + data[i01 + k] * w01 + data[i11 + k] * w11;
  }
}
