import { GUIDANCE_DEFAULTS, type GuidancePresetName, type GuidanceSchedule } from '../diffusion/guidance.js';
import { DEFAULT_FORMATS, type OutputFormat } from '../export/formats.js';
import type { GenerationOptions, TextToImageOptions } from './generation.js';
import { boxInPhoto, parseGenerationRequest, refuseOtherKindsFields, type GenerationRequest } from './generation-request.js';
import type { ViewsTo3DOptions } from './views-to-3d.js';

/**
 * The one place where a generation's defaults are filled in: from the request, then `--fast`, then
 * the model's manifest (steps, solver, guidance), then kiln's own defaults. The CLI, the server's
 * workers and library callers (through `generateFromCondition`) all come through here; views → 3D's
 * requests through `resolveViewsOptions`.
 */

export const GENERATION_DEFAULTS: GenerationOptions = { seed: 0, faceBudget: 20000, textureSize: 512, resolution: 112, fast: false, projectInput: true, force: false };

/** What `--fast` changes. */
export const FAST_OVERRIDES = { steps: 12, resolution: 80, textureSize: 256 } as const;

/** The defaults a model's manifest sets (a `ModelManifest` is one). */
export interface ModelDefaults {
  sampler: { steps: number; solver: 'euler' | 'heun' };
  guidance: { preset: GuidancePresetName; scale?: number };
}

/** The defaults a text → image model's manifest sets (a `TextToImageManifest` is one). */
export interface TextToImageDefaults {
  sampler: { steps: number };
  guidance: { scale: number };
}

/**
 * Completes how a text → image model draws the condition image: fields left out come from `--fast`
 * (its step count, as for the multi-view model) and then the model's manifest.
 */
export function completeTextToImageOptions(options: Partial<TextToImageOptions> | undefined, model: TextToImageDefaults, fast = false): TextToImageOptions {
  return {
    steps: options?.steps ?? (fast ? FAST_OVERRIDES.steps : model.sampler.steps),
    guidanceScale: options?.guidanceScale ?? model.guidance.scale,
  };
}

/** Generation options with every default filled in. */
export type ResolvedGenerationOptions = GenerationOptions & Required<Pick<GenerationOptions, 'steps' | 'guidance' | 'solver'>>;

/**
 * Completes library-level options: fields left out (or passed as undefined, meaning "default")
 * come from `--fast`, the model and {@link GENERATION_DEFAULTS}.
 */
export function completeGenerationOptions(options: Partial<GenerationOptions>, model: ModelDefaults): ResolvedGenerationOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<GenerationOptions>;
  const o = { ...GENERATION_DEFAULTS, ...defined };
  const fast = o.fast ? FAST_OVERRIDES : undefined;
  return {
    ...o,
    steps: o.steps ?? fast?.steps ?? model.sampler.steps,
    resolution: defined.resolution ?? fast?.resolution ?? GENERATION_DEFAULTS.resolution,
    textureSize: defined.textureSize ?? fast?.textureSize ?? GENERATION_DEFAULTS.textureSize,
    guidance: o.guidance ?? model.guidance,
    solver: o.solver ?? model.sampler.solver,
  };
}

/**
 * The guidance a request asks for: its preset and scale, each falling back to the model's.
 * `cfgScale` alone rescales the model's own preset; neither leaves the model's guidance.
 */
export function requestedGuidance(request: Pick<GenerationRequest, 'cfg' | 'cfgScale'>, model: ModelDefaults): Partial<GuidanceSchedule> | undefined {
  if (request.cfg === undefined && request.cfgScale === undefined) return undefined;
  return { preset: request.cfg ?? model.guidance.preset, scale: request.cfgScale ?? model.guidance.scale ?? GUIDANCE_DEFAULTS.scale };
}

/** A request turned into pipeline options and output formats, every default filled in. */
export interface ResolvedGeneration {
  options: ResolvedGenerationOptions;
  formats: OutputFormat[];
}

/**
 * Turns a generation request (CLI flags, API options, web form) into pipeline options: validates it
 * (a `KilnError` naming the field, before any work; fields of other kinds are refused) and fills every
 * default from the model. `photo` is the input photo's size as displayed, for image → 3D: a `box`
 * is checked against it and becomes fractions of it; without a photo (text → 3D) a box is refused.
 */
export function resolveGenerationOptions(request: unknown, model: ModelDefaults, photo?: { width: number; height: number }, name?: (field: string) => string): ResolvedGeneration {
  const r = parseGenerationRequest(request, name);
  refuseOtherKindsFields(photo ? 'image' : 'text', r, name);
  const options = completeGenerationOptions(
    {
      seed: r.seed, steps: r.steps, guidance: requestedGuidance(r, model), faceBudget: r.faces, textureSize: r.textureSize, fast: r.fast, projectInput: r.projectInput, force: r.force,
      box: r.box && photo ? boxInPhoto(r.box, photo, name ? name('box') : 'box') : undefined,
      // Completed by text → 3D from the text → image model's manifest, when there is such a model.
      textToImage: r.t2iSteps !== undefined || r.t2iCfgScale !== undefined ? definedOnly({ steps: r.t2iSteps, guidanceScale: r.t2iCfgScale }) : undefined,
    },
    model,
  );
  return { options, formats: [...(r.formats ?? DEFAULT_FORMATS)] };
}

/** `o` without its undefined fields (an undefined option means "default", and must not hide one). */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A views → 3D request turned into the options it sets, and output formats. */
export interface ResolvedViews {
  /** Only what the request sets; the rest (and the support plane's default, which depends on the photos) is `viewsTo3D`'s. */
  options: Partial<Pick<ViewsTo3DOptions, 'faceBudget' | 'textureSize' | 'force' | 'supportPlane'>>;
  formats: OutputFormat[];
}

/**
 * Turns a request for views → 3D (CLI flags, API options, web form) into `viewsTo3D` options: validated
 * by the same schema as every generation (a `KilnError` naming the field as `name(field)` gives it,
 * before any work). Diffusion's fields (seed, steps, guidance…) do not apply to photos and are unused.
 */
export function resolveViewsOptions(request: unknown, name?: (field: string) => string): ResolvedViews {
  const r = parseGenerationRequest(request, name);
  refuseOtherKindsFields('views', r, name);
  return {
    options: { faceBudget: r.faces, textureSize: r.textureSize, force: r.force, supportPlane: r.supportPlane },
    formats: [...(r.formats ?? DEFAULT_FORMATS)],
  };
}
