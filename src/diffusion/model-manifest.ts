import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { KilnError, describeError } from '../core/errors.js';
import { packageRoot } from '../core/package-root.js';
import { ViewRigSchema } from '../geometry/rig.js';
import { GUIDANCE_PRESETS, type GuidancePresetName } from './guidance.js';
import { PREDICTION_OUTPUTS, PREDICTION_TYPES } from './prediction.js';

/**
 * A multi-view model folder's `manifest.json` (format `kiln-model/1`), written by
 * `training/kiln_mv/export.py`. The runtime reads everything it needs from here — files and their
 * sha256, tensor names and shapes, cameras, channel encoding, parametrisation, sampler and guidance
 * defaults — so a larger model drops in without code changes.
 */
/** One file of a model folder: its path inside the folder, sha256 and size. */
export const ModelFileSchema = z.object({ path: z.string().min(1).refine((p) => !p.includes('..'), 'must stay inside the model folder'), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().positive() });
const TensorSpec = z.object({ type: z.enum(['float32', 'int64']), shape: z.array(z.union([z.number().int().positive(), z.string()])) });
/** An ONNX file's inputs and outputs by name, with element type and shape (`batch` for the dynamic axis). */
export const ModelIoSchema = z.object({ inputs: z.record(z.string(), TensorSpec), outputs: z.record(z.string(), TensorSpec) });
const FileEntry = ModelFileSchema;
const Io = ModelIoSchema;

/** The channels a view sample may have. */
export const VIEW_CHANNELS = ['red', 'green', 'blue', 'alpha', 'depth'] as const;
export type ViewChannel = (typeof VIEW_CHANNELS)[number];

export const ModelManifestSchema = z.object({
  format: z.literal('kiln-model/1'),
  name: z.string().min(1),
  description: z.string(),
  kind: z.literal('multiview-diffusion'),
  /** `objects`: the catalogue objects it was trained on by name (see `loadModelCatalogue`), when it saw any. */
  files: z.object({ encoder: FileEntry, denoiser: FileEntry, vocab: FileEntry, objects: FileEntry.optional() }),
  io: z.object({
    encoder: Io.refine((io) => ['image', 'image_mask', 'tokens'].every((k) => k in io.inputs) && 'context' in io.outputs, 'encoder needs inputs image, image_mask, tokens and output context'),
    denoiser: Io.refine((io) => ['x', 't', 'context'].every((k) => k in io.inputs), 'denoiser needs inputs x, t and context'),
  }),
  rig: ViewRigSchema,
  resolution: z.number().int().positive(),
  /** The sample's channels per view, in order; colour and alpha are required, depth is optional. */
  channels: z
    .array(z.enum(VIEW_CHANNELS))
    .refine((c) => new Set(c).size === c.length && ['red', 'green', 'blue', 'alpha'].every((k) => c.includes(k as ViewChannel)), 'channels must list red, green, blue and alpha (and optionally depth), each once'),
  encoding: z.object({
    range: z.tuple([z.literal(-1), z.literal(1)]),
    depth: z.object({ offset: z.number(), scale: z.number().positive(), empty: z.number() }),
  }).passthrough(),
  condition: z.object({ size: z.number().int().positive(), cropMargin: z.number().min(1) }).passthrough(),
  text: z.object({ length: z.number().int().min(2), vocab: z.string() }).passthrough(),
  /** What the denoiser predicts; its output tensor is named after it (`x0`, `v`). */
  parametrisation: z.enum(PREDICTION_TYPES),
  objective: z.string(),
  sampler: z.object({ solver: z.enum(['euler', 'heun']), steps: z.number().int().positive(), tMin: z.number().positive().lt(1) }),
  guidance: z.object({ preset: z.enum(GUIDANCE_PRESETS as readonly GuidancePresetName[] as [GuidancePresetName, ...GuidancePresetName[]]), scale: z.number().nonnegative().optional() }),
  /** A fixed input and the exporter's outputs for it, to check that onnxruntime reproduces PyTorch. */
  probe: z.object({ t: z.array(z.number()), image_mask: z.array(z.number()), tokens0: z.array(z.number().int()), x0_first: z.array(z.number()), x0_mean: z.number(), x0_abs_mean: z.number() }).passthrough().optional(),
  training: z.record(z.string(), z.unknown()),
}).refine((m) => PREDICTION_OUTPUTS[m.parametrisation] in m.io.denoiser.outputs, { message: 'the denoiser needs the output its parametrisation names (x0: x0, velocity: v)', path: ['io', 'denoiser', 'outputs'] });

export type ModelManifest = z.infer<typeof ModelManifestSchema>;

/** The embedded default model: its folder under assets/models/ and its manifest's name. */
export const DEFAULT_MODEL_NAME = 'kiln-mv-cpu-2';

/** The embedded default model's folder, shipped in the package. */
export function defaultModelDir(): string {
  return join(packageRoot(), 'assets', 'models', DEFAULT_MODEL_NAME);
}

/**
 * The embedded text → image model's folder name. Text → 3D goes through it (caption → condition
 * image → image → 3D) when the folder exists; while it does not (the model is not shipped yet),
 * the multi-view model reads the caption itself, as before.
 */
export const TEXT_TO_IMAGE_MODEL_NAME = 'kiln-t2i-cpu';

/** The embedded text → image model's folder (it may be absent: see {@link TEXT_TO_IMAGE_MODEL_NAME}). */
export function defaultTextToImageModelDir(): string {
  return join(packageRoot(), 'assets', 'models', TEXT_TO_IMAGE_MODEL_NAME);
}

export interface LoadManifestOptions {
  /** Hash every file and compare with the manifest (≈ 0.1 s for the default model). */
  verify: boolean;
}

/**
 * Reads `dir/manifest.json`, validates it with `schema`, checks that every file it lists exists with
 * the declared size (and sha256 when `verify`), and returns it. Errors name `caller`, the folder and
 * the problem: `NOT_FOUND` for a missing manifest or file, `INVALID_INPUT` for the rest.
 */
export async function readModelFolder<S extends z.ZodType<{ files: Record<string, z.infer<typeof ModelFileSchema> | undefined> }>>(
  dir: string,
  schema: S,
  caller: string,
  options: Partial<LoadManifestOptions> = {},
): Promise<z.infer<S>> {
  const verify = options.verify ?? true;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'INVALID_INPUT';
    throw new KilnError(code, `${caller}: cannot read ${join(dir, 'manifest.json')} (${describeError(err)})`, { cause: err });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KilnError('INVALID_INPUT', `${caller}: ${dir}: ${issue.path.join('.') || 'manifest'}: ${issue.message}`);
  }
  const manifest = parsed.data;
  for (const [role, file] of Object.entries(manifest.files)) {
    if (!file) continue;
    const path = join(dir, file.path);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      throw new KilnError('NOT_FOUND', `${caller}: ${role} file ${path} is missing`);
    }
    if (size !== file.bytes) throw new KilnError('INVALID_INPUT', `${caller}: ${path} has ${size} bytes, the manifest says ${file.bytes}`);
    if (verify) {
      const digest = createHash('sha256').update(await readFile(path)).digest('hex');
      if (digest !== file.sha256) throw new KilnError('INVALID_INPUT', `${caller}: ${path} does not match its sha256 in the manifest (corrupt or replaced file)`);
    }
  }
  return manifest;
}

/**
 * Reads and validates a multi-view model's `dir/manifest.json`, checks that every file exists with
 * the declared size (and sha256 when `verify`), and returns the manifest. Errors name the folder and the problem.
 */
export async function loadModelManifest(dir: string, options: Partial<LoadManifestOptions> = {}): Promise<ModelManifest> {
  return readModelFolder(dir, ModelManifestSchema, 'loadModelManifest', options);
}
