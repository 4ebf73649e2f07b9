import { hostname } from 'node:os';
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger } from '../src/core/logger.js';
import { DEFAULT_MAX_PIXELS } from '../src/core/image.js';
import { defaultModelDir } from '../src/diffusion/model-manifest.js';
import { workerJobFor } from './job-store.js';
import { CANCEL_CHANNEL, QUEUE_NAME, redisOptions } from './redis-connection.js';
import type { Job } from './schemas.js';
import { WorkerPool } from './worker-pool.js';

const log = createLogger('redis-worker');

export interface RedisWorkerOptions {
  redis: string;
  /** This machine's mount of the data folder the server uses. */
  dataDir: string;
  /** Jobs at once, one generation thread each. */
  concurrency: number;
  modelDir?: string;
  /** The text → image model for text → 3D (default: the embedded one, when it is there). */
  textToImageModelDir?: string;
  threads?: number;
  /**
   * How long a job's lock lasts without renewal; a worker that dies loses its jobs to the others
   * after about this long (the lock is renewed every half of it while the job runs).
   */
  lockMs?: number;
}

export interface RunningRedisWorker {
  close(): Promise<void>;
}

/**
 * A generation worker for the Redis queue: loads the model into `concurrency` threads, then takes
 * jobs from BullMQ, writes their outputs into the shared data folder, and reports progress and the
 * outcome through BullMQ. Outcomes that retrying cannot change (a photo with no object, a
 * cancellation) end the job at once; only a worker that dies mid-job makes it run again elsewhere.
 */
export async function startRedisWorker(o: RedisWorkerOptions): Promise<RunningRedisWorker> {
  const connection = redisOptions(o.redis);
  const pool = new WorkerPool({ size: o.concurrency, modelDir: o.modelDir ?? defaultModelDir(), textToImageModelDir: o.textToImageModelDir, threads: o.threads ?? 2, maxPixels: Math.min(DEFAULT_MAX_PIXELS, 40_000_000) });
  await pool.start();
  const name = `${hostname()}:${process.pid}`;
  const lockDuration = o.lockMs ?? 30000;
  const worker = new Worker(
    QUEUE_NAME,
    async (job) => {
      const record = job.data as Job;
      log.info({ id: record.id, attempt: job.attemptsStarted }, 'running job');
      const outcome = await pool.run(
        workerJobFor(o.dataDir, record),
        (stage, fraction) => void job.updateProgress({ stage, fraction, worker: name }).catch(() => undefined),
        () => void job.updateProgress({ views: true }).catch(() => undefined),
        () => void job.updateProgress({ condition: true }).catch(() => undefined),
      );
      if (outcome.state === 'succeeded') return { ...outcome.report, worker: name };
      if (outcome.state === 'cancelled') throw new UnrecoverableError('CANCELLED: cancelled');
      throw new UnrecoverableError(`${outcome.code}: ${outcome.message}`);
    },
    { connection, concurrency: o.concurrency, name, lockDuration, stalledInterval: Math.max(1000, lockDuration / 2), maxStalledCount: 1 },
  );
  worker.on('error', (err) => log.warn({ err: String(err) }, 'worker connection error'));
  const subscriber = new Redis(connection);
  subscriber.on('error', (err) => log.warn({ err: String(err) }, 'cancel channel error'));
  await subscriber.subscribe(CANCEL_CHANNEL);
  // Every worker hears every cancel; only the one running the job has anything to stop.
  subscriber.on('message', (_channel, id: string) => pool.cancel(id));
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      subscriber.disconnect();
      await pool.close();
    },
  };
}
