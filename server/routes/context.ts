import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { ModelManifest } from '../../src/diffusion/model-manifest.js';
import type { PromptReader } from '../../src/pipeline/prompt-reader.js';
import { ApiError } from '../api-error.js';
import type { ServerOptions } from '../config.js';
import type { JobService } from '../job-service.js';
import type { JobStore } from '../job-store.js';
import type { ServerMetrics } from '../metrics.js';
import { JobIdSchema, type Job, type PublicJob } from '../schemas.js';

/** The API's version prefix; every job route lives under it. */
export const API = '/api/v1';

/** What the routers share: the server's options, its job store and service, metrics and the model's text side. */
export interface RouteContext {
  options: ServerOptions;
  store: JobStore;
  service: JobService;
  metrics: ServerMetrics;
  manifest: ModelManifest;
  /** The model that reads prompts and what it can read: its known objects and words (checks prompts, lists objects). */
  prompts: PromptReader;
  /** Rate limit for requests that create or change jobs. */
  writeLimiter: RequestHandler;
  /** Refuses a request without the server's API key (when one is set). */
  requireKey: RequestHandler;
  /** `requireKey` for reads in private mode; lets everything through otherwise. */
  requireKeyToRead: RequestHandler;
}

/** The middleware that guards requests: a per-client rate limit for writes, the API key for writes (and for reads in private mode). */
export function writeGuards(o: ServerOptions): Pick<RouteContext, 'writeLimiter' | 'requireKey' | 'requireKeyToRead'> {
  const writeLimiter = rateLimit({
    windowMs: 60_000,
    limit: o.writeRateLimit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new ApiError(429, 'RATE_LIMITED', `more than ${o.writeRateLimit} write requests a minute from this client; slow down`, { 'Retry-After': '60' })),
  });
  const requireKey = (req: Request, _res: Response, next: NextFunction) => {
    if (!o.apiKey) return next();
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    const want = Buffer.from(o.apiKey);
    if (given.length !== want.length || !timingSafeEqual(given, want)) {
      return next(new ApiError(401, 'UNAUTHORIZED', `this server needs its API key${header ? '; the one sent is wrong' : ''}: send Authorization: Bearer <key> (in the web app: the API key field)`, { 'WWW-Authenticate': 'Bearer' }));
    }
    next();
  };
  const requireKeyToRead: RequestHandler = o.private ? requireKey : (_req, _res, next) => next();
  return { writeLimiter, requireKey, requireKeyToRead };
}

/** The job id in the route's `:id`, or a 400. */
export function idParam(req: Request): string {
  const r = JobIdSchema.safeParse(req.params.id);
  if (!r.success) throw new ApiError(400, 'INVALID_ID', `'${String(req.params.id).slice(0, 40)}' is not a job id`);
  return r.data;
}

/** A job as the API shows it: the record plus links to itself, its events, cancel and its files. */
export function publicJob(job: Job): PublicJob {
  const base = `${API}/jobs/${job.id}`;
  return {
    ...job,
    links: {
      self: base,
      events: `${base}/events`,
      cancel: `${base}/cancel`,
      files: Object.fromEntries((job.files ?? []).filter((f) => f !== 'report.json').map((f) => [f, `${base}/files/${f}`])),
    },
  };
}
