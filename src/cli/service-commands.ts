import { resolve } from 'node:path';
import type { Command } from 'commander';
import { nonNegativeInt, positiveInt, positiveNumber } from './flags.js';

/** For long-running commands: waits for Ctrl-C or SIGTERM, says so, and closes gracefully. */
function untilSignal(message: string, close: () => Promise<void>): Promise<void> {
  return new Promise<void>((done) => {
    const stop = () => {
      process.stdout.write(`${message}\n`);
      close().then(done, done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** `kiln serve` (the HTTP service) and `kiln worker` (generations for a Redis-backed server). */
export function addServiceCommands(program: Command): void {
  program
    .command('serve')
    .description('start the HTTP service (job API, event streams, OpenAPI docs at /api/docs)')
    .option('--port <port>', 'port to listen on (0: any free port)', nonNegativeInt, 8080)
    .option('--host <host>', 'interface to listen on (0.0.0.0 for every one)', '127.0.0.1')
    .option('--data <dir>', 'data folder: one directory per job', 'data')
    .option('--concurrency <n>', 'generations at once, one worker thread each', positiveInt(64), 1)
    .option('--max-queue <n>', 'waiting jobs before new ones get 429', positiveInt(100000), 50)
    .option('--max-upload-mb <n>', 'upload limit per file in MB', positiveNumber, 20)
    .option('--rate-limit <n>', 'write requests per client per minute', positiveInt(1_000_000), 60)
    .option('--keep <n>', 'finished jobs to keep (oldest are deleted)', positiveInt(1_000_000), 500)
    .option('--min-free-mb <n>', 'refuse new jobs (503) below this much free disk', positiveNumber, 512)
    .option('--redis <url>', 'queue jobs in Redis (BullMQ) for `kiln worker` processes instead of running them here')
    .option('--model <dir>', 'model folder (default: the embedded model)')
    .option('--t2i-model <dir>', 'text → image model folder for text → 3D (default: the embedded one, when it is there)')
    .option('--private', 'the API key (KILN_API_KEY) also guards reads: jobs, files, event streams, /metrics (default: reads are public)')
    .option('--https', 'the service is reached over HTTPS (a TLS proxy in front): always send HSTS and upgrade-insecure-requests')
    .option('--trust-proxy <value>', "trust X-Forwarded-* from these proxies: 'loopback', a hop count, addresses or subnets (default: none)")
    .action(async (opts: { port: number; host: string; data: string; concurrency: number; maxQueue: number; maxUploadMb: number; rateLimit: number; keep: number; minFreeMb: number; redis?: string; model?: string; t2iModel?: string; private?: boolean; https?: boolean; trustProxy?: string }) => {
      const { createKilnServer } = await import('../../server/app.js');
      const server = await createKilnServer({
        port: opts.port,
        host: opts.host,
        dataDir: resolve(opts.data),
        concurrency: opts.concurrency,
        maxQueue: opts.maxQueue,
        maxUploadBytes: Math.round(opts.maxUploadMb * 1024 * 1024),
        writeRateLimit: opts.rateLimit,
        maxJobs: opts.keep,
        minFreeBytes: Math.round(opts.minFreeMb * 1024 * 1024),
        redis: opts.redis,
        modelDir: opts.model,
        textToImageModelDir: opts.t2iModel,
        private: opts.private || undefined,
        https: opts.https || undefined,
        trustProxy: opts.trustProxy,
      });
      const port = await server.listen();
      process.stdout.write(`kiln: serving on http://${opts.host}:${port} (API docs at /api/docs, data in ${resolve(opts.data)}${opts.redis ? `, jobs in ${opts.redis}` : ''}${server.access})\n`);
      await untilSignal('kiln: shutting down; running jobs will resume on the next start', () => server.close());
    });

  program
    .command('worker')
    .description('run generations for a `kiln serve --redis` server, from the same Redis and data folder')
    .requiredOption('--redis <url>', 'the Redis the server queues jobs in, e.g. redis://10.0.0.5:6379')
    .option('--data <dir>', "this machine's mount of the server's data folder", 'data')
    .option('--concurrency <n>', 'jobs at once, one generation thread each', positiveInt(64), 1)
    .option('--threads <n>', 'onnxruntime threads per generation', positiveInt(256), 2)
    .option('--lock-ms <ms>', 'job lock: a worker that dies gives its jobs up after about this long', positiveInt(3_600_000), 30000)
    .option('--model <dir>', 'model folder (default: the embedded model)')
    .option('--t2i-model <dir>', 'text → image model folder for text → 3D (default: the embedded one, when it is there)')
    .action(async (opts: { redis: string; data: string; concurrency: number; threads: number; lockMs: number; model?: string; t2iModel?: string }) => {
      const { startRedisWorker } = await import('../../server/redis-worker.js');
      const worker = await startRedisWorker({ redis: opts.redis, dataDir: resolve(opts.data), concurrency: opts.concurrency, threads: opts.threads, lockMs: opts.lockMs, modelDir: opts.model, textToImageModelDir: opts.t2iModel });
      process.stdout.write(`kiln: worker ready (pid ${process.pid}, ${opts.concurrency} at a time, jobs from ${opts.redis}, data in ${resolve(opts.data)})\n`);
      await untilSignal('kiln: worker stopping after its current jobs', () => worker.close());
    });
}
