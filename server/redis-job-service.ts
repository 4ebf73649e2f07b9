import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { GenerationReport } from '../src/pipeline/generation-report.js';
import { createLogger } from '../src/core/logger.js';
import { JobService, type JobServiceOptions } from './job-service.js';
import type { JobStore } from './job-store.js';
import type { ServerMetrics } from './metrics.js';
import { CANCEL_CHANNEL, QUEUE_NAME, redisOptions } from './redis-connection.js';
import { FINISHED_STATES, type Job } from './schemas.js';

const log = createLogger('redis-jobs');

/** How a job ends when its processor throws: `CODE: message` (see redis-worker.ts). */
function parseFailure(reason: string | undefined): { code: string; message: string } {
  const m = /^([A-Z_]+): ([\s\S]*)$/.exec(reason ?? '');
  if (m) return { code: m[1], message: m[2] };
  // BullMQ's own reasons: a worker that died with the job more often than allowed, and the like.
  if (/stalled/i.test(reason ?? '')) return { code: 'WORKER_LOST', message: `the workers running this job stopped (${reason}); not retrying` };
  return { code: 'INTERNAL', message: reason || 'the job failed' };
}

/**
 * Jobs wait in BullMQ on Redis and run in `kiln worker` processes on any machine that reaches Redis
 * and the shared data folder. The server stays the only writer of `job.json`: workers report
 * progress and outcomes through BullMQ's events, which this service turns into the same job
 * record and event stream as local mode. BullMQ's locks make sure one worker runs a job at a time;
 * a worker that dies mid-job loses its lock, and the job runs again on another (once; then it fails).
 */
export class RedisJobService extends JobService {
  private readonly queue: Queue;
  private readonly queueEvents: QueueEvents;
  private readonly publisher: Redis;
  private waiting = 0;
  private connected = false;
  private lostConnection = false;
  private running = false;
  private refresher?: NodeJS.Timeout;

  constructor(store: JobStore, metrics: ServerMetrics, o: JobServiceOptions, url: string) {
    super(store, metrics, o);
    const connection = redisOptions(url);
    this.queue = new Queue(QUEUE_NAME, { connection });
    this.queueEvents = new QueueEvents(QUEUE_NAME, { connection });
    this.publisher = new Redis(connection);
    for (const client of [this.publisher]) {
      client.on('ready', () => {
        // Back after an outage: a Redis that restarted without persistence forgot its jobs; put
        // back every unfinished one it no longer knows, so none waits for ever.
        if (this.lostConnection && this.running) this.reconcile().catch((err) => log.warn({ err: String(err) }, 'reconciling after a reconnection failed'));
        this.lostConnection = false;
        this.connected = true;
      });
      client.on('end', () => (this.connected = false));
      client.on('close', () => {
        this.connected = false;
        this.lostConnection = true;
      });
      client.on('error', (err) => log.warn({ err: String(err) }, 'redis connection error'));
    }
    this.queue.on('error', (err) => log.warn({ err: String(err) }, 'queue error'));
    this.queueEvents.on('error', (err) => log.warn({ err: String(err) }, 'queue events error'));
  }

  get queueLength(): number {
    return this.waiting;
  }

  get ready(): boolean {
    return this.connected;
  }

  get model() {
    return undefined;
  }

  get notReadyReason(): string | undefined {
    return this.connected ? undefined : 'Redis is not reachable';
  }

  async start(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.queueEvents.waitUntilReady()]);
    this.connected = this.publisher.status === 'ready';
    this.queueEvents.on('active', ({ jobId }) => void this.onActive(jobId));
    this.queueEvents.on('progress', ({ jobId, data }) => {
      const d = data as { stage?: string; fraction?: number; views?: boolean; condition?: boolean; worker?: string };
      if (d.views) this.viewsReady(jobId);
      else if (d.condition) this.conditionReady(jobId);
      else if (d.stage) this.progressed(jobId, d.stage, d.fraction ?? 0, d.worker);
    });
    this.queueEvents.on('completed', ({ jobId, returnvalue }) => {
      const report = typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue;
      void this.finish(jobId, { state: 'succeeded', report: report as GenerationReport }).then(() => this.refresh());
    });
    this.queueEvents.on('failed', ({ jobId, failedReason }) => {
      const f = parseFailure(failedReason);
      void this.finish(jobId, f.code === 'CANCELLED' ? { state: 'cancelled' } : { state: 'failed', ...f }).then(() => this.refresh());
    });
    this.queueEvents.on('stalled', ({ jobId }) => {
      log.warn({ id: jobId }, 'a worker stopped while running this job; it goes back to the queue');
      const job = this.store.get(jobId);
      if (job && job.state === 'running') void this.store.save({ ...job, state: 'queued', stage: undefined, progress: 0 });
    });
    this.noteExisting();
    await this.reconcile();
    this.running = true;
    await this.refresh();
    this.refresher = setInterval(() => void this.refresh(), 1000);
  }

  /** After a server restart: bring every unfinished stored job in line with its BullMQ state. */
  private async reconcile(): Promise<void> {
    for (const job of this.store.list().reverse()) {
      if (FINISHED_STATES.includes(job.state)) continue;
      const q = await this.queue.getJob(job.id);
      if (!q) {
        log.info({ id: job.id }, 'queueing a stored job that Redis does not know');
        await this.store.save({ ...job, state: 'queued', stage: undefined, progress: 0 });
        await this.enqueue(job);
        continue;
      }
      const state = await q.getState();
      if (state === 'completed') await this.finish(job.id, { state: 'succeeded', report: q.returnvalue as GenerationReport });
      else if (state === 'failed') {
        const f = parseFailure(q.failedReason);
        await this.finish(job.id, f.code === 'CANCELLED' ? { state: 'cancelled' } : { state: 'failed', ...f });
      } else if (state === 'active') await this.store.save({ ...job, state: 'running', attempts: q.attemptsStarted });
    }
  }

  private async onActive(id: string): Promise<void> {
    const q = await this.queue.getJob(id).catch(() => undefined);
    await this.started(id, q?.attemptsStarted || undefined);
    await this.refresh();
  }

  private async refresh(): Promise<void> {
    try {
      this.waiting = await this.queue.getWaitingCount();
    } catch {
      // Redis is away; the count stays as it was and readiness says so.
    }
  }

  protected async enqueue(job: Job): Promise<void> {
    // The stored record travels as the job's data; each worker resolves its paths in its own mount
    // of the shared data folder.
    await this.queue.add('generate', job, {
      jobId: job.id,
      attempts: 1,
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 24 * 3600 },
    });
    this.waiting++;
  }

  protected async dequeue(id: string): Promise<boolean> {
    const q = await this.queue.getJob(id);
    if (!q) return false;
    const state = await q.getState();
    if (state !== 'waiting' && state !== 'delayed' && state !== 'prioritized') return false;
    try {
      await q.remove();
    } catch {
      return false; // a worker took it meanwhile: stop() it instead
    }
    await this.refresh();
    return true;
  }

  protected async stop(id: string): Promise<void> {
    await this.publisher.publish(CANCEL_CHANNEL, id);
  }

  async shutdown(): Promise<void> {
    this.running = false;
    clearInterval(this.refresher);
    await Promise.allSettled([this.queueEvents.close(), this.queue.close()]);
    this.publisher.disconnect();
  }
}
