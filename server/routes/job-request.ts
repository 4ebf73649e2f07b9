import express, { type Request, type Response } from 'express';
import multer from 'multer';
import sharp from 'sharp';
import { describeError } from '../../src/core/errors.js';
import { findRigProblem } from '../../src/geometry/rig.js';
import { boxInPhoto, isEmptyPrompt, refuseOtherKindsFields, type GenerationKind } from '../../src/pipeline/generation-request.js';
import { VIEWS_TO_3D_DEFAULTS } from '../../src/pipeline/views-to-3d.js';
import { requireKnownObject } from '../../src/text/understand-prompt.js';
import { ApiError } from '../api-error.js';
import { newJobId } from '../job-store.js';
import { JobOptionsSchema, MultipartFieldsSchema, TextJobRequestSchema, type Job, type JobOptions } from '../schemas.js';
import type { RouteContext } from './context.js';
import { VOCABULARY_PATH } from './vocabulary.js';

const IMAGE_FORMATS = new Set(['png', 'jpeg', 'webp', 'gif', 'tiff', 'avif', 'heif']);

/** A job as a request describes it, with the uploaded files it needs stored beside it. */
export interface JobRequest {
  job: Job;
  uploads: { name: string; data: Uint8Array }[];
}

/**
 * Checks that an upload is an image we can decode within the pixel limit, from its header only.
 * Returns its extension and its size as displayed (EXIF orientation applied: what a box is drawn on).
 */
async function sniffImage(field: string, file: Express.Multer.File, maxPixels: number): Promise<{ ext: string; width: number; height: number }> {
  if (file.size === 0) throw new ApiError(400, 'EMPTY_FILE', `${field}: the file is empty`);
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    meta = await sharp(file.buffer, { limitInputPixels: false }).metadata();
  } catch {
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `${field}: not a readable image (PNG, JPEG, WebP, GIF, TIFF, AVIF)`);
  }
  if (!meta.format || !IMAGE_FORMATS.has(meta.format)) throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `${field}: unsupported image format ${meta.format ?? 'unknown'}`);
  const w = meta.width ?? 0, h = meta.height ?? 0;
  if (w * h > maxPixels) throw new ApiError(413, 'TOO_LARGE', `${field}: the image is ${w}×${h} pixels, more than the limit of ${maxPixels}`);
  if (w < 16 || h < 16) throw new ApiError(422, 'UNPROCESSABLE', `${field}: the image is ${w}×${h} pixels; give at least 16×16`);
  const turned = (meta.orientation ?? 1) >= 5;
  return { ext: meta.format === 'jpeg' ? 'jpg' : meta.format, width: turned ? h : w, height: turned ? w : h };
}

/**
 * Multer's and busboy's errors as the API's: a limit names itself and its value, anything else
 * about the body (no boundary, a truncated body, a malformed part) is the client's 400.
 */
function multipartError(err: unknown, maxViews: number, maxUploadBytes: number): ApiError {
  const e = err as { code?: string; field?: string; message?: string };
  const mb = Math.round((maxUploadBytes / 1024 / 1024) * 10) / 10;
  switch (e?.code) {
    case 'LIMIT_FILE_SIZE':
      return new ApiError(413, 'TOO_LARGE', `${e.field ?? 'file'}: upload too large; the limit is ${mb} MB per file`);
    case 'LIMIT_FILE_COUNT':
      return new ApiError(400, 'INVALID_REQUEST', `too many files: send one 'image', or 2 to ${maxViews} 'views' (the limit is ${maxViews})`);
    case 'LIMIT_UNEXPECTED_FILE':
      return e.field === 'views' || e.field === 'image'
        ? new ApiError(400, 'INVALID_REQUEST', `too many files in '${e.field}': send one 'image', or 2 to ${maxViews} 'views' (the limit is ${maxViews})`)
        : new ApiError(400, 'INVALID_REQUEST', `unexpected file field '${String(e.field).slice(0, 40)}': send 'image' or 'views'`);
  }
  if (typeof e?.code === 'string' && e.code.startsWith('LIMIT_')) return new ApiError(400, 'INVALID_REQUEST', `multipart: ${e.message ?? e.code}`);
  return new ApiError(400, 'INVALID_REQUEST', `multipart: the body could not be read (${e?.message ?? 'malformed'}); send multipart/form-data with a boundary and complete parts`);
}

/** Azimuths and elevations of a views job against the rig's limits; a 400 that names the view. */
function checkViewAngles(azimuths: number[], elevations: number[]): void {
  const { distance, fov } = VIEWS_TO_3D_DEFAULTS;
  const problem = findRigProblem({ views: azimuths.map((azimuth, i) => ({ azimuth, elevation: elevations[i], distance, fov })) });
  if (problem) throw new ApiError(400, 'INVALID_REQUEST', `${problem.field}s[${problem.view}]: ${problem.message}`);
}

function numberList(name: string, value: string | undefined, count: number, fallback?: number): number[] {
  if (value === undefined) {
    if (fallback === undefined) throw new ApiError(400, 'INVALID_REQUEST', `${name}: required, one number per view`);
    return Array.from({ length: count }, () => fallback);
  }
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.length !== count || list.some((n) => !Number.isFinite(n))) throw new ApiError(400, 'INVALID_REQUEST', `${name}: expected ${count} comma-separated numbers, got '${value}'`);
  return list;
}

/** Validates with a zod schema; the first issue becomes a 400 that names its field. */
export function parseBody<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, prefix: string[] = []): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new ApiError(400, 'INVALID_REQUEST', `${[...prefix, ...first.path.map(String)].join('.') || 'body'}: ${first.message}`);
  }
  return r.data;
}

/** express.json for one route, so the JSON size limit answers 413 with our error shape. */
const jsonParser = express.json({ limit: '64kb', strict: true });
function readJson(req: Request, res: Response): Promise<unknown> {
  return new Promise((resolve, reject) => jsonParser(req, res, (err: unknown) => (err ? reject(err) : resolve(req.body))));
}

/**
 * Runs one of the shared request checks, whose refusal is a `KilnError` the API would answer as 422:
 * here the request itself is malformed, so it is the client's 400 `INVALID_REQUEST`.
 */
function asBadRequest(check: () => unknown): void {
  try {
    check();
  } catch (err) {
    throw new ApiError(400, 'INVALID_REQUEST', describeError(err));
  }
}

/** A job of `kind` refuses the options only another kind uses (the shared rule, as a 400). */
function refuseOtherKindsOptions(kind: GenerationKind, options: JobOptions | undefined): void {
  asBadRequest(() => refuseOtherKindsFields(kind, options ?? {}, (field) => `options.${field}`));
}

/**
 * Returns the reader of `POST /jobs` bodies: JSON `{prompt, options}` for a text job, or multipart with
 * one `image`, or several `views` with their `azimuths` (and `elevations`). Everything is checked
 * before the job is stored: fields, options, image headers, and that the prompt names an object the model knows.
 */
export function jobRequestReader({ options: o, prompts }: RouteContext): (req: Request, res: Response) => Promise<JobRequest> {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: o.maxUploadBytes, files: o.maxViews, fields: 8, fieldSize: 16 * 1024 },
  }).fields([{ name: 'image', maxCount: 1 }, { name: 'views', maxCount: o.maxViews }]);

  return async (req, res) => {
    const id = newJobId();
    const now = new Date().toISOString();
    let job: Job;
    let uploads: { name: string; data: Uint8Array }[] = [];
    if (req.is('application/json')) {
      const body = parseBody(TextJobRequestSchema, await readJson(req, res));
      if (isEmptyPrompt(body.prompt)) throw new ApiError(400, 'EMPTY_PROMPT', 'prompt: is empty; say what to make, e.g. "a red mug"');
      // A KilnError UNKNOWN_WORDS, which the API answers as 422 UNKNOWN_WORDS with its sentence.
      requireKnownObject(body.prompt, prompts.vocabulary, VOCABULARY_PATH);
      refuseOtherKindsOptions('text', body.options);
      job = { id, kind: 'text', state: 'queued', createdAt: now, progress: 0, prompt: body.prompt.trim(), options: body.options ?? {}, attempts: 0 };
    } else if (req.is('multipart/form-data')) {
      await new Promise<void>((resolve, reject) => upload(req, res, (err: unknown) => (err ? reject(multipartError(err, o.maxViews, o.maxUploadBytes)) : resolve())));
      const files = (req.files ?? {}) as Record<string, Express.Multer.File[]>;
      const fields = parseBody(MultipartFieldsSchema, { ...req.body });
      let jobOptions: JobOptions = {};
      if (fields.options !== undefined) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(fields.options);
        } catch {
          throw new ApiError(400, 'INVALID_REQUEST', 'options: not valid JSON');
        }
        jobOptions = parseBody(JobOptionsSchema, parsed, ['options']);
      }
      const image = files.image?.[0];
      const views = files.views ?? [];
      if (image && views.length) throw new ApiError(400, 'INVALID_REQUEST', 'send either one image or several views, not both');
      if (image) {
        refuseOtherKindsOptions('image', jobOptions);
        const { ext, width, height } = await sniffImage('image', image, o.maxPixels);
        const box = jobOptions.box;
        if (box) asBadRequest(() => boxInPhoto(box, { width, height }, 'options.box'));
        uploads = [{ name: `image.${ext}`, data: image.buffer }];
        job = { id, kind: 'image', state: 'queued', createdAt: now, progress: 0, inputs: [{ file: `image.${ext}` }], options: jobOptions, attempts: 0 };
      } else if (views.length) {
        if (views.length < 2) throw new ApiError(400, 'INVALID_REQUEST', 'views: need at least 2 photos');
        refuseOtherKindsOptions('views', jobOptions);
        const azimuths = numberList('azimuths', fields.azimuths, views.length);
        const elevations = numberList('elevations', fields.elevations, views.length, 0);
        checkViewAngles(azimuths, elevations);
        const inputs = [];
        for (const [i, f] of views.entries()) {
          const { ext } = await sniffImage(`views[${i}]`, f, o.maxPixels);
          uploads.push({ name: `view-${i}.${ext}`, data: f.buffer });
          inputs.push({ file: `view-${i}.${ext}`, azimuth: azimuths[i], elevation: elevations[i] });
        }
        job = { id, kind: 'views', state: 'queued', createdAt: now, progress: 0, inputs, options: jobOptions, attempts: 0 };
      } else {
        throw new ApiError(400, 'INVALID_REQUEST', "multipart: send the photo as the field 'image', or photos around the object as 'views' with 'azimuths'");
      }
    } else {
      throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send JSON {"prompt": …} or multipart/form-data with an image');
    }
    return { job, uploads };
  };
}
