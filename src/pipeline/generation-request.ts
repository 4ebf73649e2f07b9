import { z } from 'zod';
import { KilnError } from '../core/errors.js';
import { GUIDANCE_PRESETS, type GuidancePresetName } from '../diffusion/guidance.js';
import { OUTPUT_FORMATS } from '../export/formats.js';
import { describeControlCharacter } from '../text/control-characters.js';

/**
 * A request for one generation (image → 3D, text → 3D or photos around an object) in the words people use: the CLI's flags,
 * the API's `options` object and the web form all say it this way. This schema is the one place
 * that says which values are allowed; `resolveGenerationOptions` (generation-options.ts) fills what
 * is left out from the model's manifest. The module is plain data plus zod, so the web app takes
 * its types from here.
 */

/** Fewer faces than this leave no recognisable object (decimation keeps the outline, not the shape). */
export const MIN_FACE_BUDGET = 500;

/** The smallest box side accepted, in pixels of the photo: smaller holds no object worth cutting. */
export const MIN_BOX_SIDE_PX = 16;

/**
 * A box around the object in the photo: `[x, y, width, height]` in pixels of the photo as displayed
 * (EXIF orientation applied), from its top-left corner. Whether it lies inside the photo is checked
 * against the photo's size by {@link boxInPhoto}.
 */
export const BoxSchema = z
  .array(z.number().int({ error: 'must be whole pixels' }).min(0, { error: 'must not be negative' }), { error: 'must be [x, y, width, height] in pixels' })
  .length(4, { error: 'must be [x, y, width, height] in pixels' })
  .refine((b) => b[2] >= MIN_BOX_SIDE_PX && b[3] >= MIN_BOX_SIDE_PX, { error: `must be ${MIN_BOX_SIDE_PX}×${MIN_BOX_SIDE_PX} pixels or more` })
  .describe('image → 3D: [x, y, width, height] in pixels of the photo around the object; it is cut out by a graph cut inside the box, for photos without a plain background');

export const GenerationRequestSchema = z
  .object({
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional().describe('random seed (same seed, input and options → same model)'),
    steps: z.number().int().min(1).max(200).optional().describe("diffusion sampling steps (default: the model's)"),
    cfg: z.enum(GUIDANCE_PRESETS as readonly GuidancePresetName[] as [GuidancePresetName, ...GuidancePresetName[]], { error: `must be one of ${GUIDANCE_PRESETS.join(', ')}` }).optional().describe("guidance preset (default: the model's)"),
    cfgScale: z.number().positive().max(50).optional().describe("guidance weight for constant, peak weight for adaptive; alone, it rescales the model's preset"),
    faces: z.number().int().min(MIN_FACE_BUDGET, { error: `must be ${MIN_FACE_BUDGET} or more: fewer faces leave no recognisable object` }).max(2_000_000).optional().describe('face budget (default 20000)'),
    textureSize: z.number().int().min(64).max(8192).optional().describe('texture size in texels'),
    formats: z.array(z.enum(OUTPUT_FORMATS)).min(1).optional().describe('model formats (default glb, obj)'),
    fast: z.boolean().optional().describe('fewer steps, coarser grid, smaller texture'),
    projectInput: z.boolean().optional().describe('image → 3D: also texture from the photo itself (default true)'),
    box: BoxSchema.optional(),
    t2iSteps: z.number().int().min(1).max(200).optional().describe("text → 3D through a text → image model: its sampling steps (default: the text → image model's)"),
    t2iCfgScale: z.number().positive().max(50).optional().describe("text → 3D through a text → image model: its guidance weight on the caption, constant (default: the text → image model's)"),
    force: z.boolean().optional().describe("image and views → 3D: go on with a cut-out that is doubtful (DOUBTFUL_CUTOUT) and, for views, with photos that disagree with their angles; the doubts stay in report.json"),
    supportPlane: z.boolean().optional().describe('views → 3D: cut the model flat at the lowest point the cameras see (default: on when every elevation is positive)'),
  })
  .strict();

export type GenerationRequest = z.infer<typeof GenerationRequestSchema>;

/**
 * Validates a request before any work starts. The first problem becomes a `KilnError`
 * (`INVALID_INPUT`) naming the field as `name(field)` gives it (the CLI names its flags).
 */
export function parseGenerationRequest(value: unknown, name: (field: string) => string = (f) => f): GenerationRequest {
  const r = GenerationRequestSchema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue.path.length ? name(String(issue.path[0])) + issue.path.slice(1).map((p) => `[${String(p)}]`).join('') : 'options';
  throw new KilnError('INVALID_INPUT', `${field}: ${issue.message}`);
}

/** The generations a request can be for: one photo, a caption, or photos around an object. */
export type GenerationKind = 'image' | 'text' | 'views';

/**
 * Fields that only some kinds of generation use, with how a refusal names those kinds. The others
 * would silently ignore them (a box has no photo to lie in; text has no cut-out to doubt and one
 * photo no angles to check), so they refuse them.
 */
const FIELDS_OF_SOME_KINDS = [
  { kinds: ['views'], fields: ['supportPlane'], named: 'photos around an object (views jobs)' },
  { kinds: ['image'], fields: ['box'], named: 'image → 3D (one photo)' },
  { kinds: ['text'], fields: ['t2iSteps', 't2iCfgScale'], named: 'text → 3D (a prompt)' },
  { kinds: ['image', 'views'], fields: ['force'], named: 'photos (image and views jobs)' },
] as const satisfies readonly { kinds: readonly GenerationKind[]; fields: readonly (keyof GenerationRequest)[]; named: string }[];

/**
 * Refuses, for a generation of `kind`, the fields only other kinds use. The error is a `KilnError`
 * (`INVALID_INPUT`) naming the field as `name(field)` gives it.
 */
export function refuseOtherKindsFields(kind: GenerationKind, request: GenerationRequest, name: (field: string) => string = (f) => f): void {
  for (const owner of FIELDS_OF_SOME_KINDS) {
    if ((owner.kinds as readonly GenerationKind[]).includes(kind)) continue;
    const field = owner.fields.find((f) => request[f] !== undefined);
    if (field) throw new KilnError('INVALID_INPUT', `${name(field)}: only for ${owner.named}`);
  }
}

/** A box as fractions of the photo's width and height (the same on any downscaled copy). */
export interface PhotoBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Checks a requested box against the photo's size (as displayed) and returns it as fractions of
 * that size. A box reaching outside the photo is refused (`INVALID_INPUT`, named `name`), not
 * clipped: it was drawn on some other picture, or mistyped.
 */
export function boxInPhoto(box: readonly number[], photo: { width: number; height: number }, name = 'box'): PhotoBox {
  const [x, y, w, h] = box;
  if (x + w > photo.width || y + h > photo.height) {
    throw new KilnError('INVALID_INPUT', `${name}: [${box.join(', ')}] reaches outside the ${photo.width}×${photo.height} photo (x + width ≤ ${photo.width}, y + height ≤ ${photo.height})`);
  }
  if (w >= photo.width && h >= photo.height) {
    throw new KilnError('INVALID_INPUT', `${name}: the box covers the whole photo; draw it around the object, leaving some background outside it`);
  }
  return { x: x / photo.width, y: y / photo.height, width: w / photo.width, height: h / photo.height };
}

/**
 * Parses the CLI's `x,y,w,h` (pixels) into the request's box; the schema checks the values.
 * Anything that is not four comma-separated numbers is a `KilnError` naming `name`.
 */
export function parseBoxText(text: string, name = '--box'): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== 4 || parts.some((p) => !/^-?\d+(\.\d+)?$/.test(p))) {
    throw new KilnError('INVALID_INPUT', `${name}: must be x,y,width,height in pixels of the photo, e.g. 120,80,400,300; got '${text}'`);
  }
  return parts.map(Number);
}

/** The longest prompt taken (the text encoder reads far fewer tokens; more is never read anyway). */
export const MAX_PROMPT_LENGTH = 500;

/**
 * A text → 3D prompt as the CLI, the API and the web form send it: plain text up to
 * {@link MAX_PROMPT_LENGTH} characters. Control characters (NUL, terminal escapes) are refused, not
 * stripped: a prompt is stored, listed and printed back, and what is kept is what was sent.
 */
export const PromptSchema = z
  .string()
  .max(MAX_PROMPT_LENGTH, { error: `must be at most ${MAX_PROMPT_LENGTH} characters` })
  .superRefine((text, ctx) => {
    const why = describeControlCharacter(text);
    if (why) ctx.addIssue({ code: 'custom', message: why });
  })
  .describe('what to make, English or Chinese, e.g. "a red mug" or "一个红色的杯子"; plain text (no control characters)');

/** Whether a prompt says nothing (the API answers `EMPTY_PROMPT`, the CLI names its argument). */
export function isEmptyPrompt(text: string): boolean {
  return !text.trim();
}

/**
 * Validates a prompt before any work (the CLI's path; the API reads it through `PromptSchema` in
 * its request schema): empty, too long or with control characters is a `KilnError` (`INVALID_INPUT`)
 * named `name`. Returns the prompt trimmed, as it is stored and generated from.
 */
export function parsePrompt(text: string, name = 'prompt'): string {
  if (isEmptyPrompt(text)) throw new KilnError('INVALID_INPUT', `${name}: the prompt is empty; say what to make, e.g. "a red mug"`);
  const r = PromptSchema.safeParse(text);
  if (!r.success) throw new KilnError('INVALID_INPUT', `${name}: the prompt ${r.error.issues[0].message}`);
  return text.trim();
}
