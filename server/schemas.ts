import { z } from 'zod';
import { GUIDANCE_PRESETS } from '../src/diffusion/guidance.js';
import { OUTPUT_FORMATS } from '../src/pipeline/write-outputs.js';

/**
 * The API's schemas: requests are validated with them, and the OpenAPI document is generated from
 * them (`openapi.ts`), so the docs cannot drift from what the server accepts.
 */

export const JOB_ID_PATTERN = /^[0-9a-z]{8,12}-[0-9a-f]{8}$/;
export const JobIdSchema = z.string().regex(JOB_ID_PATTERN).describe('job id, e.g. "mf3k2x1a-9c0d1e2f"');

export const JobOptionsSchema = z
  .object({
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional().describe('random seed (same seed, input and options → same model)'),
    steps: z.number().int().min(1).max(200).optional().describe("diffusion sampling steps (default: the model's)"),
    cfg: z.enum(GUIDANCE_PRESETS as unknown as [string, ...string[]]).optional().describe("guidance preset (default: the model's)"),
    cfgScale: z.number().positive().max(50).optional().describe('guidance weight for constant, peak weight for adaptive'),
    faces: z.number().int().min(500).max(500_000).optional().describe('face budget (default 20000)'),
    textureSize: z.number().int().min(64).max(4096).optional().describe('texture size in texels'),
    formats: z.array(z.enum(OUTPUT_FORMATS)).min(1).optional().describe('model formats (default glb, obj)'),
    fast: z.boolean().optional().describe('fewer steps, coarser grid, smaller texture'),
  })
  .strict();
export type JobOptions = z.infer<typeof JobOptionsSchema>;

export const TextJobRequestSchema = z
  .object({
    prompt: z.string().max(500).describe('what to make, English or Chinese, e.g. "a red mug" or "一个红色的杯子"'),
    options: JobOptionsSchema.optional(),
  })
  .strict();

/** Multipart form fields besides the files (every value arrives as a string). */
export const MultipartFieldsSchema = z
  .object({
    options: z.string().optional().describe('JSON object of job options'),
    azimuths: z.string().optional().describe('views: comma-separated azimuths in degrees, one per view'),
    elevations: z.string().optional().describe('views: comma-separated elevations in degrees (default 0)'),
  })
  .strict();

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const FINISHED_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

export const JobSchema = z.object({
  id: JobIdSchema,
  kind: z.enum(['image', 'text', 'views']),
  state: z.enum(JOB_STATES),
  createdAt: z.string().describe('ISO time'),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  stage: z.string().optional().describe('current stage while running'),
  progress: z.number().min(0).max(1),
  prompt: z.string().optional(),
  inputs: z.array(z.object({ file: z.string(), azimuth: z.number().optional(), elevation: z.number().optional() })).optional(),
  options: JobOptionsSchema,
  attempts: z.number().int().min(0).describe('times a worker started this job'),
  worker: z.string().optional().describe('the worker that ran it last (Redis mode: host:pid)'),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  timings: z.record(z.string(), z.number()).optional().describe('seconds per stage'),
  files: z.array(z.string()).optional().describe('output files, once succeeded'),
  mesh: z.object({ vertices: z.number(), faces: z.number() }).optional(),
});
export type Job = z.infer<typeof JobSchema>;

export const ErrorSchema = z.object({
  error: z.object({
    code: z.string().describe('stable machine-readable code, e.g. INVALID_REQUEST, QUEUE_FULL'),
    message: z.string().describe('what went wrong, for a person'),
  }),
});
