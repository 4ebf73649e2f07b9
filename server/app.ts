import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import multer from 'multer';
import { pinoHttp } from 'pino-http';
import sharp from 'sharp';
import { createLogger } from '../src/core/logger.js';
import { loadModelManifest } from '../src/diffusion/model-manifest.js';
import { promptTokens } from '../src/diffusion/multiview-model.js';
import { KNOWN_OUTPUTS } from '../src/pipeline/write-outputs.js';
import { Tokenizer } from '../src/text/tokenizer.js';
import { ApiError, toApiError } from './api-error.js';
import { SERVER_DEFAULTS, type ServerOptions } from './config.js';
import { LocalJobService, type JobEvent, type JobService } from './job-service.js';
import { JobStore, newJobId } from './job-store.js';
import { ServerMetrics } from './metrics.js';
import { apiDocsPage, openApiDocument } from './openapi.js';
import { landingPage } from './landing-page.js';
import { JobIdSchema, JobOptionsSchema, MultipartFieldsSchema, TextJobRequestSchema, type Job, type JobOptions } from './schemas.js';
import { WorkerPool } from './worker-pool.js';

const log = createLogger('server');
const API = '/api/v1';

export interface KilnServer {
  app: express.Express;
  service: JobService;
  /** Listens; resolves with the bound port (useful with port 0). */
  listen(): Promise<number>;
  /** Graceful stop: no new connections, running jobs re-queued, workers stopped, store flushed. */
  close(): Promise<void>;
}

const IMAGE_FORMATS = new Set(['png', 'jpeg', 'webp', 'gif', 'tiff', 'avif', 'heif']);

/** Checks that an upload is an image we can decode within the pixel limit, from its header only. */
async function sniffImage(field: string, file: Express.Multer.File, maxPixels: number): Promise<string> {
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
  return meta.format === 'jpeg' ? 'jpg' : meta.format;
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

function parseBody<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, prefix: string[] = []): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new ApiError(400, 'INVALID_REQUEST', `${[...prefix, ...first.path.map(String)].join('.') || 'body'}: ${first.message}`);
  }
  return r.data;
}

function publicJob(job: Job) {
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

/** Builds the app: API v1, OpenAPI, health and metrics, over a job store and a worker pool. */
export async function createKilnServer(options: Partial<ServerOptions> = {}): Promise<KilnServer> {
  const o = { ...SERVER_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as ServerOptions;
  const manifest = await loadModelManifest(o.modelDir, { verify: false });
  const tokenizer = Tokenizer.fromJSON(JSON.parse(await readFile(join(o.modelDir, manifest.files.vocab.path), 'utf8')));
  const store = await JobStore.open(o.dataDir);
  let service!: JobService;
  const metrics = new ServerMetrics(() => store.list(), () => service?.queueLength ?? 0);
  const serviceOptions = { concurrency: o.concurrency, maxQueue: o.maxQueue, maxJobs: o.maxJobs, maxAgeMs: o.maxAgeDays * 86400e3, maxAttempts: 2 };
  if (o.redis) {
    const { RedisJobService } = await import('./redis-job-service.js');
    service = new RedisJobService(store, metrics, serviceOptions, o.redis);
  } else {
    const pool = new WorkerPool({ size: o.concurrency, modelDir: o.modelDir, threads: o.threads, maxPixels: o.maxPixels });
    service = new LocalJobService(store, pool, metrics, serviceOptions);
  }

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(pinoHttp({
    logger: createLogger('http'),
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
    // One short line per request. The default serializers log every header, which would put
    // `Authorization: Bearer <KILN_API_KEY>` into the logs, and bury the status in noise.
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({ id: req.id, method: req.method, url: req.url, remoteAddress: req.remoteAddress }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  }));
  app.use((req, res, next) => {
    res.on('finish', () => metrics.httpRequests.inc({ method: req.method, status: String(res.statusCode) }));
    next();
  });
  // GLTFLoader reads a GLB's textures through blob: URLs.
  app.use(helmet({ contentSecurityPolicy: { directives: { 'script-src': ["'self'"], 'img-src': ["'self'", 'data:', 'blob:'], 'connect-src': ["'self'", 'blob:', 'data:'] } } }));
  if (o.corsOrigin) app.use(cors({ origin: o.corsOrigin.split(',').map((s) => s.trim()), exposedHeaders: ['X-Request-Id', 'Retry-After', 'Location'] }));

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
    if (given.length !== want.length || !timingSafeEqual(given, want)) return next(new ApiError(401, 'UNAUTHORIZED', 'this server needs an API key: send Authorization: Bearer <key>'));
    next();
  };
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: o.maxUploadBytes, files: o.maxViews, fields: 8, fieldSize: 16 * 1024 },
  }).fields([{ name: 'image', maxCount: 1 }, { name: 'views', maxCount: o.maxViews }]);
  const idParam = (req: Request): string => {
    const r = JobIdSchema.safeParse(req.params.id);
    if (!r.success) throw new ApiError(400, 'INVALID_ID', `'${String(req.params.id).slice(0, 40)}' is not a job id`);
    return r.data;
  };

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    if (service.ready) res.json({ status: 'ready', model: service.model });
    else res.status(503).json({ error: { code: 'NOT_READY', message: service.notReadyReason ?? 'the model is loading' } });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  app.get('/api/docs', (_req, res) => {
    res.type('html').send(apiDocsPage(openApiDocument()));
  });

  app.post(`${API}/jobs`, writeLimiter, requireKey, async (req, res, next) => {
    try {
      if ((await store.freeBytes()) < o.minFreeBytes) throw new ApiError(503, 'DISK_FULL', 'the server is nearly out of disk space; try again later', { 'Retry-After': '300' });
      const id = newJobId();
      const now = new Date().toISOString();
      let job: Job;
      let uploads: { name: string; data: Uint8Array }[] = [];
      if (req.is('application/json')) {
        const body = parseBody(TextJobRequestSchema, await readJson(req, res));
        if (!body.prompt.trim()) throw new ApiError(400, 'EMPTY_PROMPT', 'prompt: is empty; say what to make, e.g. "a red mug"');
        try {
          promptTokens(tokenizer, body.prompt, manifest.text.length);
        } catch (err) {
          throw new ApiError(422, 'UNKNOWN_WORDS', (err as Error).message);
        }
        job = { id, kind: 'text', state: 'queued', createdAt: now, progress: 0, prompt: body.prompt.trim(), options: body.options ?? {}, attempts: 0 };
      } else if (req.is('multipart/form-data')) {
        await new Promise<void>((resolve, reject) => upload(req, res, (err: unknown) => (err ? reject(err) : resolve())));
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
          const ext = await sniffImage('image', image, o.maxPixels);
          uploads = [{ name: `image.${ext}`, data: image.buffer }];
          job = { id, kind: 'image', state: 'queued', createdAt: now, progress: 0, inputs: [{ file: `image.${ext}` }], options: jobOptions, attempts: 0 };
        } else if (views.length) {
          if (views.length < 2) throw new ApiError(400, 'INVALID_REQUEST', 'views: need at least 2 photos');
          const azimuths = numberList('azimuths', fields.azimuths, views.length);
          const elevations = numberList('elevations', fields.elevations, views.length, 0);
          if (elevations.some((e) => e <= -90 || e >= 90)) throw new ApiError(400, 'INVALID_REQUEST', 'elevations: each must be between -90 and 90 degrees');
          const inputs = [];
          for (const [i, f] of views.entries()) {
            const ext = await sniffImage(`views[${i}]`, f, o.maxPixels);
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
      const saved = await service.submit(job, uploads);
      res.status(202).location(`${API}/jobs/${id}`).json(publicJob(saved));
    } catch (err) {
      next(err);
    }
  });

  app.get(`${API}/jobs`, (req, res, next) => {
    try {
      const limit = req.query.limit === undefined ? 20 : Number(req.query.limit);
      const offset = req.query.offset === undefined ? 0 : Number(req.query.offset);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ApiError(400, 'INVALID_REQUEST', 'limit: an integer in 1…100');
      if (!Number.isInteger(offset) || offset < 0) throw new ApiError(400, 'INVALID_REQUEST', 'offset: a non-negative integer');
      const all = store.list();
      res.json({ jobs: all.slice(offset, offset + limit).map(publicJob), total: all.length, limit, offset, next: offset + limit < all.length ? `${API}/jobs?limit=${limit}&offset=${offset + limit}` : null });
    } catch (err) {
      next(err);
    }
  });

  app.get(`${API}/jobs/:id`, (req, res, next) => {
    try {
      res.json(publicJob(service.require(idParam(req))));
    } catch (err) {
      next(err);
    }
  });

  app.get(`${API}/jobs/:id/events`, (req, res, next) => {
    let id: string;
    try {
      id = idParam(req);
      service.require(id);
    } catch (err) {
      return next(err);
    }
    const lastId = Number(req.headers['last-event-id'] ?? req.query.lastEventId ?? 0) || 0;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n\n');
    const send = (e: JobEvent) => {
      res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`);
      if (e.type === 'done' || e.type === 'failed' || e.type === 'cancelled') res.end();
    };
    const backlog = service.eventsAfter(id, lastId);
    for (const e of backlog) send(e);
    if (res.writableEnded) return;
    const job = store.get(id);
    if (job && ['succeeded', 'failed', 'cancelled'].includes(job.state)) return res.end();
    const listener = (e: JobEvent) => send(e);
    const ping = setInterval(() => res.write(': ping\n\n'), 15000);
    service.on(`event:${id}`, listener);
    const stop = () => {
      clearInterval(ping);
      service.off(`event:${id}`, listener);
    };
    res.on('close', stop);
    res.on('finish', stop);
  });

  app.get(`${API}/jobs/:id/files/:name`, (req, res, next) => {
    try {
      const id = idParam(req);
      const job = service.require(id);
      const name = String(req.params.name);
      if (!(KNOWN_OUTPUTS as readonly string[]).includes(name)) throw new ApiError(404, 'NOT_FOUND', `no output named '${name.slice(0, 40)}'; outputs are ${KNOWN_OUTPUTS.join(', ')}`);
      // The generated views are there before the outputs are: as soon as diffusion ends.
      const early = name === 'views.png' && job.state === 'running' && existsSync(store.previewPath(id));
      if (!early && (job.state !== 'succeeded' || !job.files?.includes(name))) throw new ApiError(404, 'NOT_FOUND', `job ${id} has no ${name}${job.state !== 'succeeded' ? ` (it is ${job.state})` : ''}`);
      const path = early ? store.previewPath(id) : join(store.outDir(id), name);
      if (!existsSync(path)) throw new ApiError(404, 'NOT_FOUND', `job ${id} has no ${name}`);
      const types: Record<string, string> = { glb: 'model/gltf-binary', obj: 'model/obj', mtl: 'model/mtl', stl: 'model/stl', png: 'image/png', gif: 'image/gif', json: 'application/json' };
      res.type(types[name.split('.').pop()!] ?? 'application/octet-stream');
      if (req.query.download !== undefined) res.attachment(name);
      createReadStream(path).on('error', next).pipe(res);
    } catch (err) {
      next(err);
    }
  });

  app.post(`${API}/jobs/:id/cancel`, writeLimiter, requireKey, async (req, res, next) => {
    try {
      const job = await service.cancel(idParam(req));
      res.status(202).json(publicJob(job));
    } catch (err) {
      next(err);
    }
  });

  app.delete(`${API}/jobs/:id`, writeLimiter, requireKey, async (req, res, next) => {
    try {
      await service.delete(idParam(req));
      res.status(204).end();
    } catch (err) {
      next(err);
    }
  });

  // The web app (built into dist/web by `npm run build`): its page for / and for shareable job
  // URLs (/jobs/<id>), its script and stylesheet under /app. Without a build, a landing page.
  const webDir = fileURLToPath(new URL('../web/', import.meta.url));
  const page = join(webDir, 'index.html');
  app.use('/app', express.static(join(webDir, 'app'), { index: false, maxAge: '1h' }));
  app.get(['/', '/jobs/:id'], (_req, res) => {
    if (existsSync(page)) res.sendFile(page);
    else res.type('html').send(landingPage(service.model));
  });

  app.use((req, _res, next) => next(new ApiError(404, 'NOT_FOUND', `no route ${req.method} ${req.path}`)));
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = toApiError(err);
    if (e.status >= 500) log.error({ err: String(err), stack: (err as Error)?.stack, reqId: req.id }, 'request failed');
    if (res.headersSent) return res.end();
    res.set(e.headers).status(e.status).json({ error: { code: e.code, message: e.message } });
  });

  let server: Server | undefined;
  return {
    app,
    service,
    async listen() {
      await service.start();
      server = await new Promise<Server>((resolve, reject) => {
        const s = app.listen(o.port, o.host, (err?: Error) => (err ? reject(err) : resolve(s)));
      });
      server.requestTimeout = o.requestTimeoutSeconds * 1000;
      server.headersTimeout = Math.min(server.requestTimeout, 30_000);
      const address = server.address();
      return typeof address === 'object' && address ? address.port : o.port;
    },
    async close() {
      await service.shutdown();
      if (server) {
        server.closeIdleConnections();
        const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
        // Event streams stay open until their jobs end; do not wait on them.
        setTimeout(() => server!.closeAllConnections(), 1000).unref();
        await closed;
      }
    },
  };
}

/** express.json for one route, so the JSON size limit answers 413 with our error shape. */
const jsonParser = express.json({ limit: '64kb', strict: true });
function readJson(req: Request, res: Response): Promise<unknown> {
  return new Promise((resolve, reject) => jsonParser(req, res, (err: unknown) => (err ? reject(err) : resolve(req.body))));
}
