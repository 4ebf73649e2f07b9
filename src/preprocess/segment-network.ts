import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { KilnError } from '../core/errors.js';
import type { RasterImage } from '../core/image.js';
import { packageRoot } from '../core/package-root.js';
import { throwIfAborted } from '../core/progress.js';
import { ModelFileSchema, readModelFolder } from '../diffusion/model-manifest.js';
import { createOnnxModel, float32Data, float32Tensor, type OnnxModel, type OnnxSessionOptions } from '../runtime/onnx.js';

/**
 * The salient-object segmentation network (`training/kiln_seg`): a photo in, the probability that
 * each pixel belongs to the photo's one main object out, at the network's working resolution. Its
 * folder holds `network.onnx`, `CREDITS.md` and `manifest.json` (format `kiln-seg-model/1`, written
 * by `training/kiln_seg/export.py`); everything the runtime needs (input size, normalisation,
 * threshold) is read from the manifest.
 */
const TensorSpec = z.object({ name: z.string().min(1), type: z.literal('float32'), shape: z.array(z.union([z.number().int().positive(), z.string()])) });
const Rgb = z.tuple([z.number(), z.number(), z.number()]);

export const SegmentationManifestSchema = z.object({
  format: z.literal('kiln-seg-model/1'),
  name: z.string().min(1),
  description: z.string(),
  kind: z.literal('salient-segmentation'),
  files: z.object({ network: ModelFileSchema, credits: ModelFileSchema.optional() }),
  io: z.object({ input: TensorSpec, output: TensorSpec }),
  /** The working resolution (longer side), the multiple both sides must be, and the normalisation x = (v · scale − mean) / std. */
  input: z
    .object({ size: z.number().int().positive(), multiple: z.number().int().positive(), channels: z.literal('RGB'), scale: z.number().positive(), mean: Rgb, std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]) })
    .refine((i) => i.size % i.multiple === 0, 'size must be a multiple of multiple'),
  output: z.object({ activation: z.literal('sigmoid'), threshold: z.number().gt(0).lt(1) }),
  /** A fixed picture and the exporter's logits for it, to prove onnxruntime computes what PyTorch did. */
  probe: z.object({ size: z.number().int().positive(), indices: z.array(z.number().int().nonnegative()), logits: z.array(z.number()), mean: z.number(), absMean: z.number() }).passthrough(),
  training: z.record(z.string(), z.unknown()),
});

export type SegmentationManifest = z.infer<typeof SegmentationManifestSchema>;

/**
 * Where kiln looks for its segmentation network. Preprocessing uses the network only when this folder
 * holds a model; without it, everything works as before (border model, graph cut in a box).
 */
export function segmentationModelDir(): string {
  return join(packageRoot(), 'assets', 'models', 'kiln-seg');
}

/** The network's answer for one photo: a probability per pixel at its working resolution, covering the photo. */
export interface Saliency {
  width: number;
  height: number;
  /** The part of the photo it covers, in photo pixels, when it was asked about a crop (a box and its surroundings). */
  region?: { x: number; y: number; width: number; height: number };
  /** [height · width], 0…1. */
  prob: Float32Array;
  /** Where the network's manifest draws the line between object and background. */
  threshold: number;
}

/** A loaded network: its manifest, `predict`, and `dispose` to free native memory. */
export interface SegmentationNetwork {
  readonly manifest: SegmentationManifest;
  /** The saliency of a photo (any size; resized to the working resolution, aspect kept up to the multiple). */
  predict(image: RasterImage, signal?: AbortSignal): Promise<Saliency>;
  /** Raw logits for an already normalised input [1, 3, h, w] (the probe replays through this). */
  logits(input: Float32Array, width: number, height: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/**
 * Reads and validates `dir/manifest.json` and checks the network file's size and sha256. Errors name
 * the folder and the problem (`NOT_FOUND` for a missing file, `INVALID_INPUT` otherwise).
 */
export async function loadSegmentationManifest(dir: string): Promise<SegmentationManifest> {
  return readModelFolder(dir, SegmentationManifestSchema, 'loadSegmentationManifest', { verify: true });
}

/** The network's input size for a photo: longer side `size`, the other in proportion, both multiples of `multiple`. */
export function networkInputSize(width: number, height: number, size: number, multiple: number): { width: number; height: number } {
  const round = (v: number) => Math.max(multiple, Math.round(v / multiple) * multiple);
  return width >= height ? { width: size, height: round((size * height) / width) } : { width: round((size * width) / height), height: size };
}

/**
 * The photo resized to `w`×`h` (area average when shrinking, bilinear when enlarging; each axis on
 * its own, so a slight change of aspect to reach the multiple is a stretch), normalised as the
 * manifest says, planar [3, h, w].
 */
export function networkInput(image: RasterImage, w: number, h: number, norm: SegmentationManifest['input']): Float32Array {
  const { width: W, height: H, channels: ch } = image;
  const out = new Float32Array(3 * w * h);
  const sx = W / w, sy = H / h;
  const rgb = [0, 0, 0];
  // The network was trained on 8-bit composites: quantise as they were (v · 255 rounded) so a photo
  // and its PNG give the same input.
  const q = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255) * norm.scale;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      rgb[0] = rgb[1] = rgb[2] = 0;
      if (sx >= 1 && sy >= 1) {
        const x0 = Math.floor(x * sx), x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
        const y0 = Math.floor(y * sy), y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
        for (let yy = y0; yy < y1; yy++) {
          for (let xx = x0; xx < x1; xx++) {
            const k = (yy * W + xx) * ch;
            for (let c = 0; c < 3; c++) rgb[c] += image.data[ch >= 3 ? k + c : k];
          }
        }
        const n = (x1 - x0) * (y1 - y0);
        for (let c = 0; c < 3; c++) rgb[c] /= n;
      } else {
        const fx = Math.min(W - 1, Math.max(0, (x + 0.5) * sx - 0.5)), fy = Math.min(H - 1, Math.max(0, (y + 0.5) * sy - 0.5));
        const x0 = Math.floor(fx), y0 = Math.floor(fy), x1 = Math.min(W - 1, x0 + 1), y1 = Math.min(H - 1, y0 + 1), ax = fx - x0, ay = fy - y0;
        for (let c = 0; c < 3; c++) {
          const at = (xx: number, yy: number) => image.data[(yy * W + xx) * ch + (ch >= 3 ? c : 0)];
          rgb[c] = (at(x0, y0) * (1 - ax) + at(x1, y0) * ax) * (1 - ay) + (at(x0, y1) * (1 - ax) + at(x1, y1) * ax) * ay;
        }
      }
      for (let c = 0; c < 3; c++) out[c * w * h + y * w + x] = (q(rgb[c]) - norm.mean[c]) / norm.std[c];
    }
  }
  return out;
}

/** Each row of each [h, w] plane reversed (left ↔ right), into a new array. */
export function mirrorPlanes(planes: Float32Array, width: number, height: number): Float32Array {
  if (planes.length % (width * height) !== 0) throw new KilnError('INTERNAL', `mirrorPlanes: ${planes.length} values are not planes of ${width}×${height}`);
  const out = new Float32Array(planes.length);
  for (let row = 0; row < planes.length / width; row++) {
    const o = row * width;
    for (let x = 0; x < width; x++) out[o + x] = planes[o + width - 1 - x];
  }
  return out;
}

export interface SegmentationNetworkOptions extends Partial<OnnxSessionOptions> {
  /**
   * Also ask about the photo's mirror image and average the two answers' logits (default true): a
   * photo's object is its mirror's object, the network was trained on both, and the average costs
   * one more pass at the working resolution. The answer is then exactly mirror-symmetric.
   */
  mirror?: boolean;
}

/** Loads the network of a model folder (manifest checked, session created once; keep and reuse it). */
export async function loadSegmentationNetwork(dir: string, options: SegmentationNetworkOptions = {}): Promise<SegmentationNetwork> {
  const { mirror = true, ...session } = options;
  const manifest = await loadSegmentationManifest(dir);
  const model: OnnxModel = await createOnnxModel(join(dir, manifest.files.network.path), session);
  const inputName = manifest.io.input.name, outputName = manifest.io.output.name;
  const logits = async (input: Float32Array, width: number, height: number) => {
    const out = await model.run({ [inputName]: float32Tensor(input, [1, 3, height, width]) });
    const data = float32Data(out[outputName], outputName);
    if (data.length !== width * height) throw new KilnError('INTERNAL', `segmentation network: ${data.length} outputs for a ${width}×${height} input`);
    return data;
  };
  return {
    manifest,
    logits,
    async predict(image, signal) {
      throwIfAborted(signal, 'segmentation network');
      const { width, height } = networkInputSize(image.width, image.height, manifest.input.size, manifest.input.multiple);
      const input = networkInput(image, width, height, manifest.input);
      const z = await logits(input, width, height);
      if (mirror) {
        const zm = mirrorPlanes(await logits(mirrorPlanes(input, width, height), width, height), width, height);
        for (let i = 0; i < z.length; i++) z[i] = (z[i] + zm[i]) / 2;
      }
      const prob = new Float32Array(z.length);
      for (let i = 0; i < z.length; i++) prob[i] = 1 / (1 + Math.exp(-z[i]));
      return { width, height, prob, threshold: manifest.output.threshold };
    },
    dispose: () => model.dispose(),
  };
}

let shared: Promise<SegmentationNetwork | undefined> | undefined;

/**
 * The installed network ({@link segmentationModelDir}), loaded once per process and shared; undefined
 * when no model is installed there, so callers fall back to the colour-based cuts. A model folder
 * that exists but fails to load is an error, not a silent fallback.
 */
export function installedSegmentationNetwork(): Promise<SegmentationNetwork | undefined> {
  shared ??= (async () => {
    const dir = segmentationModelDir();
    if (!existsSync(join(dir, 'manifest.json'))) return undefined;
    return loadSegmentationNetwork(dir, { threads: 2 });
  })();
  return shared;
}
