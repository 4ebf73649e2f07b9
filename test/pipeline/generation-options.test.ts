import { describe, expect, test } from '@jest/globals';
import { GUIDANCE_PRESETS } from '../../src/diffusion/guidance.js';
import { loadModelManifest, defaultModelDir } from '../../src/diffusion/model-manifest.js';
import { FAST_OVERRIDES, GENERATION_DEFAULTS, completeGenerationOptions, completeTextToImageOptions, resolveGenerationOptions, resolveViewsOptions, type ModelDefaults } from '../../src/pipeline/generation-options.js';
import { GenerationRequestSchema, MAX_PROMPT_LENGTH, MIN_FACE_BUDGET, PromptSchema, parseBoxText, parseGenerationRequest, parsePrompt } from '../../src/pipeline/generation-request.js';
import { TextJobRequestSchema } from '../../server/schemas.js';

// A model whose defaults differ from kiln's own, so that every default can be traced to its source.
const MODEL: ModelDefaults = { sampler: { steps: 31, solver: 'heun' }, guidance: { preset: 'adaptive', scale: 4.5 } };

describe('resolveGenerationOptions', () => {
  test('an empty request takes everything from the model and the defaults', () => {
    const { options, formats } = resolveGenerationOptions({}, MODEL);
    expect(options).toMatchObject({ steps: 31, solver: 'heun', guidance: MODEL.guidance, faceBudget: GENERATION_DEFAULTS.faceBudget, textureSize: GENERATION_DEFAULTS.textureSize, seed: 0, projectInput: true, fast: false });
    expect(formats).toEqual(['glb', 'obj']);
  });

  test('cfgScale alone rescales the model’s preset instead of being dropped', () => {
    expect(resolveGenerationOptions({ cfgScale: 6 }, MODEL).options.guidance).toEqual({ preset: 'adaptive', scale: 6 });
  });

  test('cfg alone keeps the model’s scale; both are taken as given', () => {
    expect(resolveGenerationOptions({ cfg: 'constant' }, MODEL).options.guidance).toEqual({ preset: 'constant', scale: 4.5 });
    expect(resolveGenerationOptions({ cfg: 'constant', cfgScale: 2 }, MODEL).options.guidance).toEqual({ preset: 'constant', scale: 2 });
  });

  test('fast changes what it names, and explicit values win over it', () => {
    expect(resolveGenerationOptions({ fast: true }, MODEL).options).toMatchObject({ steps: FAST_OVERRIDES.steps, resolution: FAST_OVERRIDES.resolution, textureSize: FAST_OVERRIDES.textureSize });
    expect(resolveGenerationOptions({ fast: true, steps: 7, textureSize: 1024 }, MODEL).options).toMatchObject({ steps: 7, textureSize: 1024, resolution: FAST_OVERRIDES.resolution });
    // Library callers pass undefined for "default".
    expect(completeGenerationOptions({ steps: undefined, faceBudget: undefined }, MODEL)).toMatchObject({ steps: 31, faceBudget: GENERATION_DEFAULTS.faceBudget });
  });

  test('a bad request fails before any work, naming the field', () => {
    expect(() => resolveGenerationOptions({ faces: 1 }, MODEL)).toThrow(/faces: must be 500 or more/);
    expect(() => resolveGenerationOptions({ cfg: 'loud' }, MODEL)).toThrow(/cfg: must be one of/);
    expect(() => resolveGenerationOptions({ steps: 2.5 }, MODEL)).toThrow(/steps/);
    expect(() => resolveGenerationOptions({ colour: 'red' }, MODEL)).toThrow(/colour|options/);
    expect(() => parseGenerationRequest({ faces: 10 }, (f) => `--${f}`)).toThrow(/^--faces: /);
    expect(() => resolveGenerationOptions({ faces: MIN_FACE_BUDGET }, MODEL)).not.toThrow();
  });

  test('the schema’s presets are the guidance module’s, and the shipped manifest serves as model defaults', async () => {
    expect(GenerationRequestSchema.shape.cfg.unwrap().options).toEqual([...GUIDANCE_PRESETS]);
    const manifest = await loadModelManifest(defaultModelDir(), { verify: false });
    const { options } = resolveGenerationOptions({ cfgScale: 5 }, manifest);
    expect(options.guidance).toEqual({ preset: manifest.guidance.preset, scale: 5 });
    expect(options.steps).toBe(manifest.sampler.steps);
  });
});

describe('resolveViewsOptions', () => {
  test('photos take faces, texture size, force and the support plane from the same schema; the rest is viewsTo3D’s', () => {
    const { options, formats } = resolveViewsOptions({ faces: 8000, textureSize: 256, force: true, supportPlane: false, formats: ['stl'] });
    expect(options).toEqual({ faceBudget: 8000, textureSize: 256, force: true, supportPlane: false });
    expect(formats).toEqual(['stl']);
    // Left out: undefined, so that viewsTo3D's defaults (and its support-plane rule) apply.
    expect(resolveViewsOptions({}).options).toEqual({ faceBudget: undefined, textureSize: undefined, force: undefined, supportPlane: undefined });
  });

  test('a bad views request fails before any work, naming the field as the caller names it', () => {
    expect(() => resolveViewsOptions({ faces: 1 }, (f) => `--${f}`)).toThrow(/^--faces: must be 500 or more/);
    expect(() => resolveViewsOptions({ force: 'yes' })).toThrow(/^force: /);
  });

  test('a box is checked against the photo and becomes fractions of it; without a photo it is refused', () => {
    const photo = { width: 800, height: 600 };
    expect(resolveGenerationOptions({ box: [100, 150, 400, 300] }, MODEL, photo).options.box).toEqual({ x: 0.125, y: 0.25, width: 0.5, height: 0.5 });
    expect(resolveGenerationOptions({}, MODEL, photo).options.box).toBeUndefined();
    expect(() => resolveGenerationOptions({ box: [500, 0, 400, 300] }, MODEL, photo)).toThrow(/^box: \[500, 0, 400, 300\] reaches outside the 800×600 photo/);
    expect(() => resolveGenerationOptions({ box: [0, 0, 800, 600] }, MODEL, photo)).toThrow(/^box: the box covers the whole photo/);
    expect(() => resolveGenerationOptions({ box: [0, 0, 10, 300] }, MODEL, photo)).toThrow(/^box: must be 16×16 pixels or more/);
    expect(() => resolveGenerationOptions({ box: [-1, 0, 100, 100] }, MODEL, photo)).toThrow(/^box\[0\]: must not be negative/);
    expect(() => resolveGenerationOptions({ box: [0, 0, 100] }, MODEL, photo)).toThrow(/^box: must be \[x, y, width, height\]/);
    expect(() => resolveGenerationOptions({ box: [0.5, 0, 100, 100] }, MODEL, photo)).toThrow(/^box\[0\]: must be whole pixels/);
    expect(() => resolveGenerationOptions({ box: [0, 0, 100, 100] }, MODEL)).toThrow(/^box: only for image → 3D/);
    expect(() => resolveViewsOptions({ box: [0, 0, 100, 100] })).toThrow(/^box: only for image → 3D/);
    expect(() => resolveGenerationOptions({ box: [0, 0, 1000, 100] }, MODEL, photo, (f) => `--${f}`)).toThrow(/^--box: /);
    expect(parseBoxText('10, 20,300,200')).toEqual([10, 20, 300, 200]);
    expect(() => parseBoxText('10,20,300')).toThrow(/^--box: must be x,y,width,height/);
    expect(() => parseBoxText('a,b,c,d')).toThrow(/^--box: must be x,y,width,height/);
  });

  test('generations refuse the fields only other kinds use, instead of ignoring them; force is for photos (image and views)', () => {
    expect(() => resolveGenerationOptions({ force: true }, MODEL)).toThrow(/^force: only for photos \(image and views jobs\)/);
    expect(() => resolveGenerationOptions({ supportPlane: false }, MODEL)).toThrow(/^supportPlane: only for photos around an object/);
    expect(() => resolveGenerationOptions({ supportPlane: false }, MODEL, { width: 64, height: 64 })).toThrow(/^supportPlane: only for photos around an object/);
    // A doubtful cut-out is refused unless forced: force reaches image → 3D's options, off by default.
    expect(resolveGenerationOptions({ force: true }, MODEL, { width: 64, height: 64 }).options.force).toBe(true);
    expect(resolveGenerationOptions({}, MODEL, { width: 64, height: 64 }).options.force).toBe(false);
    expect(resolveViewsOptions({ force: true }).options.force).toBe(true);
  });

  test('the text → image stage’s steps and scale: passed on for text, refused elsewhere, defaults from its manifest', () => {
    expect(resolveGenerationOptions({}, MODEL).options.textToImage).toBeUndefined();
    expect(resolveGenerationOptions({ t2iCfgScale: 5 }, MODEL).options.textToImage).toEqual({ guidanceScale: 5 });
    expect(() => resolveGenerationOptions({ t2iSteps: 4 }, MODEL, { width: 800, height: 600 })).toThrow(/^t2iSteps: only for text → 3D/);
    expect(() => resolveViewsOptions({ t2iCfgScale: 2 })).toThrow(/^t2iCfgScale: only for text → 3D/);
    expect(() => resolveGenerationOptions({ t2iSteps: 0 }, MODEL)).toThrow(/^t2iSteps: /);
    const T2I = { sampler: { steps: 21 }, guidance: { scale: 2.5 } };
    expect(completeTextToImageOptions(undefined, T2I)).toEqual({ steps: 21, guidanceScale: 2.5 });
    expect(completeTextToImageOptions({ guidanceScale: 4 }, T2I, true)).toEqual({ steps: FAST_OVERRIDES.steps, guidanceScale: 4 });
    expect(completeTextToImageOptions({ steps: 7 }, T2I, true)).toEqual({ steps: 7, guidanceScale: 2.5 });
  });
});

describe('parsePrompt and PromptSchema', () => {
  test('a plain prompt in English or Chinese passes, trimmed; tab and line feed are text', () => {
    expect(parsePrompt('  a red mug\n')).toBe('a red mug');
    expect(parsePrompt('一个红色的杯子')).toBe('一个红色的杯子');
    expect(parsePrompt('a red\tmug')).toBe('a red\tmug');
    expect(parsePrompt('x'.repeat(MAX_PROMPT_LENGTH))).toHaveLength(MAX_PROMPT_LENGTH);
  });

  test('empty, too long, or with control characters is refused, naming the field and the character', () => {
    expect(() => parsePrompt('   ', 'text')).toThrow(/^text: the prompt is empty/);
    expect(() => parsePrompt('x'.repeat(MAX_PROMPT_LENGTH + 1))).toThrow(new RegExp(`at most ${MAX_PROMPT_LENGTH} characters`));
    expect(() => parsePrompt('a red mug\u0000')).toThrow(/control character \(U\+0000, character 10\)/);
    expect(() => parsePrompt('\u001b[2Ja mug')).toThrow(/U\+001B/);
    expect(() => parsePrompt('a mug\u009b')).toThrow(/U\+009B/);
  });

  test('the API reads its prompt through the same schema', () => {
    expect(TextJobRequestSchema.shape.prompt).toBe(PromptSchema);
    expect(TextJobRequestSchema.safeParse({ prompt: 'a mug\u0007' }).success).toBe(false);
    expect(TextJobRequestSchema.safeParse({ prompt: 'a mug' }).success).toBe(true);
  });
});
