import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { KilnError } from '../src/core/errors.js';
import { createLogger } from '../src/core/logger.js';
import { loadModelManifest } from '../src/diffusion/model-manifest.js';
import { loadPromptReader } from '../src/pipeline/prompt-reader.js';
import { ApiError, toApiError } from './api-error.js';
import { SERVER_DEFAULTS, type ServerOptions } from './config.js';
import { LocalJobService, type JobService } from './job-service.js';
import { JobStore } from './job-store.js';
import { ServerMetrics } from './metrics.js';
import { WorkerPool } from './worker-pool.js';
import { writeGuards, type RouteContext } from './routes/context.js';
import { docsRouter } from './routes/docs.js';
import { filesRouter } from './routes/files.js';
import { healthRouter } from './routes/health.js';
import { jobsRouter } from './routes/jobs.js';
import { vocabularyRouter } from './routes/vocabulary.js';
import { webRouter } from './routes/web.js';

const log = createLogger('server');

export interface KilnServer {
  app: express.Express;
  service: JobService;
  /** Listens; resolves with the bound port (useful with port 0). */
  listen(): Promise<number>;
  /** Graceful stop: no new connections, running jobs re-queued, workers stopped, store flushed. */
  close(): Promise<void>;
  /** Who may do what, for the start-up line: e.g. `; reads public, writes need the API key`. */
  access: string;
}

/** Builds the app: API v1, OpenAPI, health and metrics, over a job store and a worker pool. */
export async function createKilnServer(options: Partial<ServerOptions> = {}): Promise<KilnServer> {
  const o = { ...SERVER_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as ServerOptions;
  if (o.private && !o.apiKey) throw new KilnError('INVALID_INPUT', 'createKilnServer: private mode needs an API key (set KILN_API_KEY)');
  const manifest = await loadModelManifest(o.modelDir, { verify: false });
  // The vocabulary of the model that will read them checks prompts before they are queued (no ONNX session here).
  const prompts = await loadPromptReader(o.modelDir, o.textToImageModelDir);
  const store = await JobStore.open(o.dataDir);
  let service!: JobService;
  const metrics = new ServerMetrics(() => store.list(), () => service?.queueLength ?? 0, () => store.quarantined);
  const serviceOptions = { concurrency: o.concurrency, maxQueue: o.maxQueue, maxJobs: o.maxJobs, maxAgeMs: o.maxAgeDays * 86400e3, maxAttempts: 2, minFreeBytes: o.minFreeBytes };
  if (o.redis) {
    const { RedisJobService } = await import('./redis-job-service.js');
    service = new RedisJobService(store, metrics, serviceOptions, o.redis);
  } else {
    const pool = new WorkerPool({ size: o.concurrency, modelDir: o.modelDir, textToImageModelDir: o.textToImageModelDir, threads: o.threads, maxPixels: o.maxPixels });
    service = new LocalJobService(store, pool, metrics, serviceOptions);
  }

  const app = express();
  app.disable('x-powered-by');
  try {
    app.set('trust proxy', parseTrustProxy(o.trustProxy));
  } catch (err) {
    throw new KilnError('INVALID_INPUT', `createKilnServer: trustProxy '${o.trustProxy}' is not a hop count, address, subnet or loopback/linklocal/uniquelocal (${(err as Error).message})`);
  }
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
  const csp = { 'script-src': ["'self'"], 'img-src': ["'self'", 'data:', 'blob:'], 'connect-src': ["'self'", 'blob:', 'data:'] };
  // HSTS and upgrade-insecure-requests only where HTTPS is really there: sent over plain HTTP (the
  // service on a LAN address), the browser would upgrade the page's own script and stylesheet to
  // an https:// that does not exist, and the page would be dead.
  const overTls = helmet({ contentSecurityPolicy: { directives: csp } });
  const overHttp = helmet({ contentSecurityPolicy: { directives: { ...csp, 'upgrade-insecure-requests': null } }, strictTransportSecurity: false });
  app.use((req, res, next) => (o.https || req.secure ? overTls : overHttp)(req, res, next));
  if (o.corsOrigin) app.use(cors({ origin: o.corsOrigin.split(',').map((s) => s.trim()), exposedHeaders: ['X-Request-Id', 'Retry-After', 'Location'] }));

  const ctx: RouteContext = { options: o, store, service, metrics, manifest, prompts, ...writeGuards(o) };
  app.use(healthRouter(ctx));
  app.use(docsRouter());
  app.use(jobsRouter(ctx));
  app.use(vocabularyRouter(ctx));
  app.use(filesRouter(ctx));
  app.use(webRouter(ctx));

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
    access: `; ${o.private ? 'private: reads and writes need the API key' : o.apiKey ? 'reads public, writes need the API key' : 'no API key: anyone who reaches the port can read and write'}`,
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

/**
 * express's `trust proxy` from the `trustProxy` option: off when unset, a hop count for digits,
 * `true` for "true" (every proxy: only when nothing but the proxy can reach the port), else
 * addresses, subnets or the names express knows (`loopback`, `linklocal`, `uniquelocal`), comma-separated.
 */
function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
