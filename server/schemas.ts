import { z } from 'zod';
import { CutReportSchema, ViewAgreementSchema } from '../src/pipeline/generation-report.js';
import { GenerationRequestSchema, PromptSchema } from '../src/pipeline/generation-request.js';

/**
 * The API's schemas: requests are validated with them, and the OpenAPI document is generated from
 * them (`openapi.ts`), so the docs cannot drift from what the server accepts.
 */

export const JOB_ID_PATTERN = /^[0-9a-z]{8,12}-[0-9a-f]{8}$/;
export const JobIdSchema = z.string().regex(JOB_ID_PATTERN).describe('job id, e.g. "mf3k2x1a-9c0d1e2f"');

const request = GenerationRequestSchema.shape;
/**
 * A job's options: the shared generation request (src/pipeline/generation-request.ts), with this
 * service's caps on what one job may cost (the CLI allows more on one's own machine).
 */
export const JobOptionsSchema = GenerationRequestSchema.extend({
  faces: request.faces.unwrap().max(500_000).optional().describe(request.faces.description ?? ''),
  textureSize: request.textureSize.unwrap().max(4096).optional().describe(request.textureSize.description ?? ''),
});
export type JobOptions = z.infer<typeof JobOptionsSchema>;

export const TextJobRequestSchema = z
  .object({
    prompt: PromptSchema,
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
  files: z.array(z.string()).optional().describe('output files, once succeeded; a job that failed after drawing the condition image or the views lists condition.png and views.png'),
  mesh: z.object({ vertices: z.number(), faces: z.number() }).optional(),
  viewAgreement: ViewAgreementSchema
    .optional()
    .describe("views jobs: each photo's silhouette IoU against the model at its angles, and the warning of a forced run"),
  cutout: CutReportSchema.optional().describe("image jobs: how far the photo's cut-out is trusted (when kiln cut it), and the warning of a forced run"),
  cutouts: z.array(CutReportSchema.extend({ name: z.string() })).optional().describe('views jobs: the same for each photo kiln cut out'),
});
export type Job = z.infer<typeof JobSchema>;

/** Links the API adds to a job: itself, its event stream, cancel, and each output file. */
export interface JobLinks {
  self: string;
  events: string;
  cancel: string;
  files: Record<string, string>;
}

/** A job as the API answers it. */
export type PublicJob = Job & { links: JobLinks };

/**
 * A `job.json` as read from disk: fields a newer version added (at the top level or in `options`)
 * are kept and ignored rather than fatal, so rolling back to this version keeps every job. A record
 * that is unreadable for any other reason (truncated, an unknown state) is quarantined.
 */
export const StoredJobSchema = JobSchema.extend({ options: JobOptionsSchema.loose() }).loose();

/** The fields of a stored record that this version does not know (`options.x` for options). */
export function unknownJobFields(record: Record<string, unknown>): string[] {
  const top = Object.keys(record).filter((k) => !(k in JobSchema.shape));
  const options = record.options && typeof record.options === 'object' ? Object.keys(record.options).filter((k) => !(k in JobOptionsSchema.shape)).map((k) => `options.${k}`) : [];
  return [...top, ...options];
}

export const ErrorSchema = z.object({
  error: z.object({
    code: z.string().describe('stable machine-readable code, e.g. INVALID_REQUEST, QUEUE_FULL'),
    message: z.string().describe('what went wrong, for a person'),
  }),
});
