import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { createLogger } from '../src/core/logger.js';
import { ApiError } from './api-error.js';
import type { JobStore } from './job-store.js';
import type { ServerMetrics } from './metrics.js';
import { FINISHED_STATES, type Job } from './schemas.js';
import type { Outcome, WorkerPool } from './worker-pool.js';
import type { WorkerJob } from './worker-protocol.js';

const log = createLogger('jobs');

export type JobEventType = 'queued' | 'started' | 'stage' | 'progress' | 'views' | 'done' | 'failed' | 'cancelled';

/** One server-sent event of a job; `id` counts from 1 per job, so a client can resume after it. */
export interface JobEvent {
  id: number;
  type: JobEventType;
  data: Record<string, unknown>;
}

export interface JobServiceOptions {
  /** Jobs running at once (one per worker). */
  concurrency: number;
  /** Jobs waiting beyond this are refused with 429. */
  maxQueue: number;
  /** Retention: finished jobs kept (newest first) and their maximum age. */
  maxJobs: number;
  maxAgeMs: number;
  /** A job interrupted this many times (a crash, a kill) fails instead of running again. */
  maxAttempts: number;
}

/**
 * The job lifecycle: submission into a bounded FIFO queue, hand-off to the worker pool, progress
 * and outcome into `job.json` and the job's event log, cancellation, deletion, retention, and
 * recovery after a restart (interrupted jobs are re-queued until they reach `maxAttempts`).
 */
export class JobService extends EventEmitter {
  private readonly pending: string[] = [];
  private readonly running = new Set<string>();
  private readonly events = new Map<string, JobEvent[]>();
  private readonly stopping = new Set<string>();
  private shuttingDown = false;
  private submissions: Promise<void> = Promise.resolve();
  private lastCreated = 0;

  constructor(
    private readonly store: JobStore,
    private readonly pool: WorkerPool,
    private readonly metrics: ServerMetrics,
    private readonly o: JobServiceOptions,
  ) {
    super();
    this.setMaxListeners(0);
  }

  get queueLength(): number {
    return this.pending.length;
  }

  /** After a restart: running jobs were interrupted; they and the queued ones go back in the queue. */
  async recover(): Promise<void> {
    const old = this.store.list().reverse(); // oldest first: the queue keeps submission order
    for (const job of old) this.lastCreated = Math.max(this.lastCreated, Date.parse(job.createdAt));
    for (const job of old) {
      if (job.state === 'running') {
        if (job.attempts >= this.o.maxAttempts) {
          await this.finish(job, { state: 'failed', code: 'INTERRUPTED', message: `the server stopped while this job was running, ${job.attempts} times; not retrying` });
          continue;
        }
        log.info({ id: job.id }, 're-queueing a job interrupted by a restart');
        await this.store.save({ ...job, state: 'queued', stage: undefined, progress: 0 });
      }
      if (this.store.get(job.id)?.state === 'queued') {
        this.pending.push(job.id);
        this.emitEvent(job.id, 'queued', { position: this.pending.length });
      }
    }
    await this.store.prune(this.o.maxJobs, this.o.maxAgeMs);
    this.pump();
  }

  /**
   * Stores a new job and queues it; 429 when the queue is full. Submissions are serialised, and
   * `createdAt` is stamped inside that order (strictly increasing), so creation order, queue order
   * and the order jobs start in are one and the same.
   */
  submit(job: Job, uploads: { name: string; data: Uint8Array }[]): Promise<Job> {
    const result = this.submissions.then(async () => {
      if (this.pending.length >= this.o.maxQueue) {
        // A rough wait: the queue ahead, a few seconds per job, spread over the workers.
        const retry = Math.max(1, Math.ceil((this.pending.length * 5) / this.o.concurrency));
        throw new ApiError(429, 'QUEUE_FULL', `the queue is full (${this.pending.length} jobs waiting); try again in about ${retry} s`, { 'Retry-After': String(retry) });
      }
      this.lastCreated = Math.max(Date.now(), this.lastCreated + 1);
      const stamped = { ...job, createdAt: new Date(this.lastCreated).toISOString() };
      await this.store.create(stamped, uploads);
      this.pending.push(job.id);
      this.emitEvent(job.id, 'queued', { position: this.pending.length });
      this.pump();
      return this.store.get(job.id)!;
    });
    this.submissions = result.then(() => undefined, () => undefined);
    return result;
  }

  private pump(): void {
    while (!this.shuttingDown && this.running.size < this.o.concurrency && this.pending.length > 0 && this.pool.idle > 0) {
      const id = this.pending.shift()!;
      this.running.add(id);
      this.runJob(id).catch((err) => log.error({ id, err: String(err) }, 'job bookkeeping failed'));
    }
  }

  private async runJob(id: string): Promise<void> {
    let job = this.store.get(id)!;
    job = { ...job, state: 'running', startedAt: new Date().toISOString(), attempts: job.attempts + 1, progress: 0, stage: undefined };
    await this.store.save(job);
    this.emitEvent(id, 'started', { attempt: job.attempts });
    const inputs = (job.inputs ?? []).map((i) => ({ ...i, path: join(this.store.inputDir(id), i.file) }));
    const work: WorkerJob = { id, kind: job.kind, prompt: job.prompt, inputs, options: job.options, outDir: this.store.outDir(id), previewPath: this.store.previewPath(id) };
    let stage = '';
    const outcome = await this.pool.run(work, (s, fraction) => {
      const current = this.store.get(id);
      if (!current) return;
      const updated = { ...current, stage: s, progress: Math.round(fraction * 1000) / 1000 };
      if (s !== stage) {
        stage = s;
        this.emitEvent(id, 'stage', { stage: s, progress: updated.progress });
      } else {
        this.emitEvent(id, 'progress', { stage: s, progress: updated.progress });
      }
      // Failures are logged by the store; progress is also in memory, so a lost write loses nothing.
      this.store.save(updated).catch(() => undefined);
    }, () => this.emitEvent(id, 'views', { url: `/api/v1/jobs/${id}/files/views.png` }));
    this.running.delete(id);
    const current = this.store.get(id);
    if (current) {
      if (this.shuttingDown && outcome.state === 'cancelled' && !this.stopping.has(id)) {
        // Stopped by a shutdown, not by a person: it runs again after the restart.
        await this.store.save({ ...current, state: 'queued', stage: undefined, progress: 0, attempts: current.attempts - 1 });
      } else {
        await this.finish(current, outcome);
      }
    }
    this.stopping.delete(id);
    await this.store.prune(this.o.maxJobs, this.o.maxAgeMs).catch(() => undefined);
    this.pump();
  }

  private async finish(job: Job, outcome: Outcome): Promise<void> {
    const finishedAt = new Date().toISOString();
    if (outcome.state === 'succeeded') {
      const r = outcome.report as { timings?: Record<string, number>; files?: string[]; mesh?: { vertices: number; faces: number } };
      if (r.timings) this.metrics.observeTimings(r.timings);
      await this.store.save({ ...job, state: 'succeeded', finishedAt, stage: undefined, progress: 1, timings: r.timings, files: r.files, mesh: r.mesh ? { vertices: r.mesh.vertices, faces: r.mesh.faces } : undefined });
      this.emitEvent(job.id, 'done', { files: r.files, timings: r.timings });
    } else if (outcome.state === 'failed') {
      await this.store.save({ ...job, state: 'failed', finishedAt, stage: undefined, error: { code: outcome.code, message: outcome.message } });
      this.emitEvent(job.id, 'failed', { code: outcome.code, message: outcome.message });
    } else {
      await this.store.save({ ...job, state: 'cancelled', finishedAt, stage: undefined });
      this.emitEvent(job.id, 'cancelled', {});
    }
  }

  /** Cancels a queued or running job; 409 when it has already finished. */
  async cancel(id: string): Promise<Job> {
    const job = this.require(id);
    if (FINISHED_STATES.includes(job.state)) throw new ApiError(409, 'ALREADY_FINISHED', `job ${id} has already ${job.state === 'succeeded' ? 'succeeded' : job.state}`);
    const at = this.pending.indexOf(id);
    if (at >= 0) {
      this.pending.splice(at, 1);
      await this.finish(job, { state: 'cancelled' });
    } else {
      this.stopping.add(id);
      this.pool.cancel(id);
    }
    return this.store.get(id)!;
  }

  /** Deletes a job and its files; a running job must be cancelled first (409). */
  async delete(id: string): Promise<void> {
    const job = this.require(id);
    if (job.state === 'running') throw new ApiError(409, 'JOB_RUNNING', `job ${id} is running; cancel it first`);
    const at = this.pending.indexOf(id);
    if (at >= 0) this.pending.splice(at, 1);
    await this.store.remove(id);
    this.emitEvent(id, 'cancelled', { deleted: true });
    this.events.delete(id);
  }

  require(id: string): Job {
    const job = this.store.get(id);
    if (!job) throw new ApiError(404, 'NOT_FOUND', `no job ${id}`);
    return job;
  }

  /**
   * The job's events after `lastId`. A job from before a restart has no log in memory; its
   * current state is replayed as one event so a client always learns how it ended.
   */
  eventsAfter(id: string, lastId: number): JobEvent[] {
    const log = this.events.get(id);
    if (log) return log.filter((e) => e.id > lastId);
    const job = this.require(id);
    const type: JobEventType = job.state === 'succeeded' ? 'done' : job.state === 'running' ? 'progress' : (job.state as JobEventType);
    const data = job.state === 'failed' ? { ...job.error } : job.state === 'succeeded' ? { files: job.files, timings: job.timings } : { stage: job.stage, progress: job.progress };
    return lastId < 1 ? [{ id: 1, type, data }] : [];
  }

  private emitEvent(id: string, type: JobEventType, data: Record<string, unknown>): void {
    let log = this.events.get(id);
    if (!log) this.events.set(id, (log = []));
    const event = { id: (log.at(-1)?.id ?? 0) + 1, type, data };
    // Keep every lifecycle event but only the latest few hundred progress ticks.
    log.push(event);
    if (log.length > 400) {
      const oldest = log.findIndex((e) => e.type === 'progress');
      if (oldest >= 0) log.splice(oldest, 1);
    }
    this.emit(`event:${id}`, event);
  }

  /** Stops taking work, cancels running jobs (they are re-queued for the next start) and waits for them. */
  async shutdown(timeoutMs = 10000): Promise<void> {
    this.shuttingDown = true;
    for (const id of this.running) this.pool.cancel(id);
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }
}
