import sharp, { type Metadata } from 'sharp';
import { KilnError, describeError } from './errors.js';
import { writeFileAtomic } from './fs.js';

/**
 * A plain image: interleaved channels over a Float32Array, row-major, top row first, values in
 * [0, 1]. Colour channels are sRGB-encoded (as stored in files); alpha, when present, is straight
 * (not premultiplied). Every stage passes images in this form; only this module knows about sharp.
 */
export interface RasterImage {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: Float32Array;
}

/** Largest input accepted by {@link readImage} unless the caller says otherwise: 64 megapixels. */
export const DEFAULT_MAX_PIXELS = 64_000_000;

export interface ReadImageOptions {
  /** Refuse images with more pixels than this (checked from the header, before decoding). */
  maxPixels?: number;
  /**
   * Downscale while decoding so that the longer side is at most this (never enlarged). JPEG and WebP
   * shrink on load (libjpeg decodes at 1/2, 1/4, 1/8 directly) and libvips streams the rest, so a
   * large photo never exists in memory at full size: a 6300² photo as float RGBA would be 635 MB.
   */
  maxSide?: number;
}

/** An image's size as displayed (EXIF orientation applied), from its header only. */
export async function readImageSize(input: string | Buffer | Uint8Array): Promise<{ width: number; height: number }> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new KilnError('INVALID_INPUT', `readImageSize: not a readable image (${describeError(err)})`, { cause: err });
  }
  const w = meta.width ?? 0, h = meta.height ?? 0;
  // Orientations 5–8 turn the picture a quarter: what people see (and draw a box on) is h × w.
  return (meta.orientation ?? 1) >= 5 ? { width: h, height: w } : { width: w, height: h };
}

/** Creates an image filled with `fill` (one value per channel, default all zero). */
export function createImage(width: number, height: number, channels: 1 | 2 | 3 | 4, fill?: ArrayLike<number>): RasterImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new KilnError('INVALID_INPUT', `createImage: size must be positive integers, got ${width}×${height}`);
  }
  const data = new Float32Array(width * height * channels);
  if (fill) {
    for (let i = 0; i < data.length; i += channels) for (let c = 0; c < channels; c++) data[i + c] = fill[c] ?? 0;
  }
  return { width, height, channels, data };
}

/**
 * Decodes an image file or buffer (PNG, JPEG, WebP, TIFF, GIF, AVIF…) into a {@link RasterImage}.
 * EXIF orientation is applied; greyscale becomes RGB; an alpha channel is kept (4 channels),
 * otherwise 3. Throws `KilnError` with code `TOO_LARGE` for images over `maxPixels` and
 * `INVALID_INPUT` for anything that does not decode, with a one-line reason.
 */
export async function readImage(input: string | Buffer | Uint8Array, options: ReadImageOptions = {}): Promise<RasterImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new KilnError('INVALID_INPUT', `readImage: not a readable image (${describeError(err)})`, { cause: err });
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (w * h > maxPixels) {
    throw new KilnError('TOO_LARGE', `readImage: image is ${w}×${h} = ${w * h} pixels, more than the limit of ${maxPixels}`);
  }
  if (options.maxSide !== undefined && !(Number.isInteger(options.maxSide) && options.maxSide > 0)) {
    throw new KilnError('INVALID_INPUT', `readImage: maxSide must be a positive integer, got ${options.maxSide}`);
  }
  try {
    let pipeline = sharp(input, { limitInputPixels: maxPixels, failOn: 'error' }).rotate();
    if (options.maxSide) pipeline = pipeline.resize({ width: options.maxSide, height: options.maxSide, fit: 'inside', withoutEnlargement: true });
    const { data, info } = await pipeline
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, channels: info.channels as 3 | 4, data: fromUint8(data) };
  } catch (err) {
    throw new KilnError('INVALID_INPUT', `readImage: could not decode image (${describeError(err)})`, { cause: err });
  }
}

/** 8-bit samples as the 0…1 floats a {@link RasterImage} holds (the inverse of {@link toUint8}). */
export function fromUint8(data: Uint8Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] / 255;
  return out;
}

/** Quantises to 8 bits per channel with rounding (values outside [0, 1] are clamped). */
export function toUint8(image: RasterImage): Uint8Array {
  const out = new Uint8Array(image.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = image.data[i];
    out[i] = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
  }
  return out;
}

export type ImageFormat = 'png' | 'jpeg' | 'webp';

/** Encodes an image to PNG (default), JPEG or WebP bytes. */
export async function encodeImage(image: RasterImage, format: ImageFormat = 'png'): Promise<Buffer> {
  const pipeline = sharp(Buffer.from(toUint8(image).buffer), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  });
  if (format === 'jpeg') return pipeline.jpeg({ quality: 92 }).toBuffer();
  if (format === 'webp') return pipeline.webp({ quality: 92 }).toBuffer();
  return pipeline.png().toBuffer();
}

/** Writes an image; the format follows the extension (.png, .jpg/.jpeg, .webp). */
export async function writeImage(image: RasterImage, path: string): Promise<void> {
  const ext = path.toLowerCase().split('.').pop();
  const format: ImageFormat = ext === 'jpg' || ext === 'jpeg' ? 'jpeg' : ext === 'webp' ? 'webp' : 'png';
  await writeFileAtomic(path, await encodeImage(image, format));
}

/** Reads pixel (x, y) channel c; no bounds checks (hot paths index `data` directly). */
export function pixel(image: RasterImage, x: number, y: number, c = 0): number {
  return image.data[(y * image.width + x) * image.channels + c];
}
