import { join } from 'node:path';
import { DEFAULT_MAX_PIXELS } from '../src/core/image.js';
import { defaultModelDir } from '../src/diffusion/model-manifest.js';

export interface ServerOptions {
  port: number;
  host: string;
  /** Data folder: one directory per job. */
  dataDir: string;
  modelDir: string;
  /** The text → image model for text → 3D (default: the embedded one, when it is there; else the multi-view model reads prompts). */
  textToImageModelDir?: string;
  /** Generations at once, each in its own worker thread (1 on 2 cores: one generation uses both). */
  concurrency: number;
  /** onnxruntime threads per worker. */
  threads: number;
  /** Waiting jobs beyond which submissions get 429. */
  maxQueue: number;
  /** Upload limit per file, bytes. */
  maxUploadBytes: number;
  /** Decoded pixel limit per image. */
  maxPixels: number;
  /** Views per views job. */
  maxViews: number;
  /** Retention: finished jobs kept, and their maximum age in days. */
  maxJobs: number;
  maxAgeDays: number;
  /** Refuse new jobs with 503 below this much free disk. */
  minFreeBytes: number;
  /** Write requests (POST, DELETE) per client per minute. */
  writeRateLimit: number;
  /** Bearer token required for write requests (and, in private mode, for reads); none when undefined. */
  apiKey?: string;
  /**
   * Private mode: the API key also guards every read (the job list and records, files, event streams)
   * and `/metrics`. Off by default: without it, anyone who can reach the port can read every job.
   * Needs `apiKey`.
   */
  private: boolean;
  /**
   * The service is reached over HTTPS (a TLS-terminating proxy in front): always send HSTS and the
   * CSP's upgrade-insecure-requests. Without it they go only with requests that arrived over TLS,
   * so the web app also works over plain HTTP on a LAN.
   */
  https: boolean;
  /**
   * express's `trust proxy`: whose X-Forwarded-* headers to believe (`loopback`, a hop count, addresses
   * or subnets). Then a request forwarded as https counts as secure, and the rate limit sees the
   * client's address rather than the proxy's. Off by default.
   */
  trustProxy?: string;
  /** Allowed CORS origin(s); CORS is off when undefined. */
  corsOrigin?: string;
  /** Seconds a client has to send a request (SSE streams are not cut by it). */
  requestTimeoutSeconds: number;
  /** Redis URL: jobs go to BullMQ for `kiln worker` processes instead of local worker threads. */
  redis?: string;
}

export const SERVER_DEFAULTS: ServerOptions = {
  port: 8080,
  host: '127.0.0.1',
  dataDir: join(process.cwd(), 'data'),
  modelDir: defaultModelDir(),
  concurrency: 1,
  threads: 2,
  maxQueue: 50,
  maxUploadBytes: 20 * 1024 * 1024,
  maxPixels: Math.min(DEFAULT_MAX_PIXELS, 40_000_000),
  maxViews: 12,
  maxJobs: 500,
  maxAgeDays: 30,
  minFreeBytes: 512 * 1024 * 1024,
  writeRateLimit: 60,
  apiKey: process.env.KILN_API_KEY || undefined,
  private: ['1', 'true'].includes(process.env.KILN_PRIVATE ?? ''),
  https: false,
  corsOrigin: process.env.KILN_CORS_ORIGIN || undefined,
  requestTimeoutSeconds: 60,
};
