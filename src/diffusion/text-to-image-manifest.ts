import { z } from 'zod';
import { OrbitViewSchema } from '../geometry/rig.js';
import { PREDICTION_OUTPUTS, PREDICTION_TYPES } from './prediction.js';
import { ModelFileSchema, ModelIoSchema, readModelFolder, type LoadManifestOptions } from './model-manifest.js';

/**
 * A text → image model folder's `manifest.json` (format `kiln-model/1`, kind `text-to-image`),
 * written by `training/kiln_t2i/export.py`. The model draws the condition image of an object (the
 * RGBA view the multi-view model takes) from a caption: the runtime reads its files, tensor names and
 * shapes, resolution and channel encoding, the view it draws, parametrisation, and its sampler and
 * guidance defaults from here.
 */
export const TextToImageManifestSchema = z
  .object({
    format: z.literal('kiln-model/1'),
    name: z.string().min(1),
    description: z.string(),
    kind: z.literal('text-to-image'),
    /** `objects`: the catalogue objects it was trained on by name (see `loadModelCatalogue`), when it saw any. */
    files: z.object({ encoder: ModelFileSchema, denoiser: ModelFileSchema, vocab: ModelFileSchema, objects: ModelFileSchema.optional() }),
    io: z.object({
      encoder: ModelIoSchema.refine((io) => 'tokens' in io.inputs && 'context' in io.outputs, 'encoder needs input tokens and output context'),
      denoiser: ModelIoSchema.refine((io) => ['x', 't', 'context'].every((k) => k in io.inputs), 'denoiser needs inputs x, t and context'),
    }),
    resolution: z.number().int().positive(),
    /** Premultiplied colour and alpha, as the multi-view model's condition image. */
    channels: z.tuple([z.literal('red'), z.literal('green'), z.literal('blue'), z.literal('alpha')]),
    encoding: z.object({ range: z.tuple([z.literal(-1), z.literal(1)]) }).passthrough(),
    /**
     * What the image shows: the object seen from `camera` (front, at the canonical elevation; absent
     * when the model was trained on views at random elevations), cropped as a photo is (`cropMargin`).
     */
    view: z.object({ camera: OrbitViewSchema.optional(), cropMargin: z.number().min(1) }).passthrough(),
    text: z.object({ length: z.number().int().min(2), vocab: z.string() }).passthrough(),
    parametrisation: z.enum(PREDICTION_TYPES),
    objective: z.string(),
    sampler: z.object({ solver: z.enum(['euler', 'heun']), steps: z.number().int().positive(), tMin: z.number().positive().lt(1) }),
    /** Classifier-free guidance on the caption: one constant weight for every step. */
    guidance: z.object({ preset: z.literal('constant'), scale: z.number().nonnegative() }),
    /** A fixed input and the exporter's outputs for it, to check that onnxruntime reproduces PyTorch. */
    probe: z.object({ t: z.array(z.number()), tokens0: z.array(z.number().int()), x0_first: z.array(z.number()), x0_mean: z.number(), x0_abs_mean: z.number() }).passthrough().optional(),
    training: z.record(z.string(), z.unknown()),
  })
  .refine((m) => PREDICTION_OUTPUTS[m.parametrisation] in m.io.denoiser.outputs, { message: 'the denoiser needs the output its parametrisation names (x0: x0, velocity: v)', path: ['io', 'denoiser', 'outputs'] });

export type TextToImageManifest = z.infer<typeof TextToImageManifestSchema>;

/**
 * Reads and validates a text → image model's `dir/manifest.json` and checks its files (sizes, and
 * sha256 when `verify`). A folder holding another kind of model is refused by name.
 */
export async function loadTextToImageManifest(dir: string, options: Partial<LoadManifestOptions> = {}): Promise<TextToImageManifest> {
  return readModelFolder(dir, TextToImageManifestSchema, 'loadTextToImageManifest', options);
}
