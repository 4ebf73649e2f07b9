import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { createLogger } from '../src/core/logger.js';
import { ApiError } from './api-error.js';
import { EARLY_OUTPUTS, workerJobFor, type JobStore } from './job-store.js';
import type { ServerMetrics } from './metrics.js';
import { FINISHED_STATES, type Job } from './schemas.js';
import type { Outcome, WorkerPool } from './worker-pool.js';

const log = createLogger('jobs');

export type JobEventType = 'queued' | 'started' | 'stage' | 'progress' | 'condition' | 'views' | 'done' | 'failed' | 'cancelled';

/** The events that end a job's stream. */
export const TERMINAL_EVENTS: readonly JobEventType[] = ['done', 'failed', 'cancelled'];

/** The terminal event that reports a finished state (`succeeded` is announced as `done`). */
function terminalEventOf(state: Job['state']): JobEventType {
  return state === 'succeeded' ? 'done' : state === 'failed' ? 'failed' : 'cancelled';
}

/** One server-sent event of a job; `id` counts from 1 per job, so a client can resume after it. */
export interface JobEvent {
  id: number;
  type: JobEventType;
  data: Record<string, unknown>;
}

export interface JobServiceOptions {
  /** Jobs running at once (local mode: one per worker thread). */
  concurrency: number;
  /** Jobs waiting beyond this are refused with 429. */
  maxQueue: number;
  /** Retention: finished jobs kept (newest first) and their maximum age. */
  maxJobs: number;
  maxAgeMs: number;
  /** A job interrupted this many times (a crash, a kill) fails instead of running again. */
  maxAttempts: number;
  /** New jobs are refused (503 `DISK_FULL`) below this many free bytes on the data folder. */
  minFreeBytes: number;
}

/**
 * The job lifecycle the API sees, whoever runs the jobs: `job.json` as the record, an event log per
 * job for the event streams, submission order, cancellation, deletion and retention. Subclasses
 * decide where jobs wait and run: `LocalJobService` (an in-process queue and worker threads) or
 * `RedisJobService` (BullMQ, workers in other processes or machines).
 */
export abstract class JobService extends EventEmitter {
  private readonly events = new Map<string, JobEvent[]>();
  private submissions: Promise<void> = Promise.resolve();
  private lastCreated = 0;

  constructor(
    protected readonly store: JobStore,
    protected readonly metrics: ServerMetrics,
    protected readonly o: JobServiceOptions,
  ) {
    super();
    this.setMaxListeners(0);
  }

  /** Jobs waiting for a worker. */
  abstract get queueLength(): number;
  /** Whether the service can run jobs (models loaded, queue reachable). */
  abstract get ready(): boolean;
  /** The model the workers run, once known. */
  abstract get model(): { name: string; sha256: string } | undefined;
  /** Why it is not ready, if something failed. */
  abstract get notReadyReason(): string | undefined;
  /** Starts the workers or connections, and takes over the jobs a previous run left. */
  abstract start(): Promise<void>;
  /** Stops taking work; local mode puts running jobs back in the queue for the next start. */
  abstract shutdown(): Promise<void>;
  /** Puts a stored job in the queue (called in submission order); 429 when full. */
  protected abstract enqueue(job: Job): Promise<void>;
  /** Removes a waiting job from the queue; true if it was waiting. */
  protected abstract dequeue(id: string): Promise<boolean>;
  /** Asks whoever runs the job to stop it; its outcome arrives as `cancelled`. */
  protected abstract stop(id: string): Promise<void>;

  /** Remembers the newest creation time on disk, so `createdAt` keeps increasing across restarts. */
  protected noteExisting(): void {
    for (const job of this.store.list()) this.lastCreated = Math.max(this.lastCreated, Date.parse(job.createdAt));
  }

  /**
   * Stores a new job and queues it (503 `DISK_FULL` below the free-space floor, 503
   * `STORAGE_UNAVAILABLE` when the data folder cannot be written). Submissions are serialised and `createdAt` is stamped inside
   * that order (strictly increasing), so creation order, queue order and start order agree.
   */
  submit(job: Job, uploads: { name: string; data: Uint8Array }[]): Promise<Job> {
    const result = this.submissions.then(async () => {
      if (this.queueLength >= this.o.maxQueue) {
        // A rough wait: the queue ahead, a few seconds per job, spread over the workers.
        const retry = Math.max(1, Math.ceil((this.queueLength * 5) / this.o.concurrency));
        throw new ApiError(429, 'QUEUE_FULL', `the queue is full (${this.queueLength} jobs waiting); try again in about ${retry} s`, { 'Retry-After': String(retry) });
      }
      // Storage is touched only here, after the request has been validated: a client's mistake is a
      // 4xx whatever the state of the disk; the disk's state is a 503.
      if ((await this.store.freeBytes()) < this.o.minFreeBytes) throw new ApiError(503, 'DISK_FULL', 'the server is nearly out of disk space; try again later', { 'Retry-After': '300' });
      this.lastCreated = Math.max(Date.now(), this.lastCreated + 1);
      const stamped = { ...job, createdAt: new Date(this.lastCreated).toISOString() };
      const position = this.queueLength + 1;
      await this.store.create(stamped, uploads);
      try {
        await this.enqueue(stamped);
      } catch (err) {
        await this.store.remove(stamped.id);
        throw err;
      }
      this.emitEvent(job.id, 'queued', { position });
      return this.store.get(job.id)!;
    });
    this.submissions = result.then(() => undefined, () => undefined);
    return result;
  }

  /** A worker started the job (attempt counts from 1). */
  protected async started(id: string, attempt?: number): Promise<void> {
    const job = this.store.get(id);
    if (!job) return;
    const attempts = attempt ?? job.attempts + 1;
    await this.store.save({ ...job, state: 'running', startedAt: new Date().toISOString(), attempts, progress: 0, stage: undefined });
    this.emitEvent(id, 'started', { attempt: attempts });
  }

  /** Progress from a worker: overall fraction of the current stage. */
  protected progressed(id: string, stage: string, fraction: number, worker?: string): void {
    const job = this.store.get(id);
    if (!job || job.state !== 'running') return;
    const progress = Math.max(job.progress, Math.round(fraction * 1000) / 1000);
    this.emitEvent(id, stage !== job.stage ? 'stage' : 'progress', { stage, progress });
    // Failures are logged by the store; progress is also in memory, so a lost write loses nothing.
    this.store.save({ ...job, stage, progress, worker: worker ?? job.worker }).catch(() => undefined);
  }

  protected viewsReady(id: string): void {
    this.emitEvent(id, 'views', { url: `/api/v1/jobs/${id}/files/views.png` });
  }

  /** Text → 3D through a text → image model: the condition image it drew is there. */
  protected conditionReady(id: string): void {
    this.emitEvent(id, 'condition', { url: `/api/v1/jobs/${id}/files/condition.png` });
  }

  /** Records how a job ended, once: a job that has already finished keeps its first outcome. */
  protected async finish(id: string, outcome: Outcome): Promise<void> {
    const job = this.store.get(id);
    if (!job || FINISHED_STATES.includes(job.state)) return;
    const finishedAt = new Date().toISOString();
    if (outcome.state === 'succeeded') {
      const r = outcome.report;
      if (r.timings) this.metrics.observeTimings(r.timings);
      await this.store.save({
        ...job,
        state: 'succeeded',
        finishedAt,
        stage: undefined,
        progress: 1,
        worker: r.worker ?? job.worker,
        timings: r.timings,
        files: r.files,
        mesh: r.mesh ? { vertices: r.mesh.vertices, faces: r.mesh.faces } : undefined,
        viewAgreement: r.viewAgreement,
        cutout: r.cutout,
        cutouts: r.cutouts,
      });
      this.emitEvent(id, 'done', { files: r.files, timings: r.timings });
    } else if (outcome.state === 'failed') {
      // A job that failed after diffusion keeps its drawn condition image and generated views, listed so a client can show them.
      const kept = EARLY_OUTPUTS.filter((name) => existsSync(this.store.earlyPath(id, name)));
      const files = kept.length ? [...kept] : undefined;
      await this.store.save({ ...job, state: 'failed', finishedAt, stage: undefined, files, error: { code: outcome.code, message: outcome.message } });
      this.emitEvent(id, 'failed', { code: outcome.code, message: outcome.message });
    } else {
      await this.store.save({ ...job, state: 'cancelled', finishedAt, stage: undefined });
      this.emitEvent(id, 'cancelled', {});
    }
    await this.store.prune(this.o.maxJobs, this.o.maxAgeMs).catch(() => undefined);
  }

  /** Cancels a queued or running job; 409 when it has already finished. */
  async cancel(id: string): Promise<Job> {
    const job = this.require(id);
    if (FINISHED_STATES.includes(job.state)) throw new ApiError(409, 'ALREADY_FINISHED', `job ${id} has already ${job.state}`);
    if (await this.dequeue(id)) await this.finish(id, { state: 'cancelled' });
    else await this.stop(id);
    return this.store.get(id)!;
  }

  /** Deletes a job and its files; a running job must be cancelled first (409). */
  async delete(id: string): Promise<void> {
    const job = this.require(id);
    if (job.state === 'running') throw new ApiError(409, 'JOB_RUNNING', `job ${id} is running; cancel it first`);
    if (job.state === 'queued') await this.dequeue(id);
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
   * The job's events after `lastId`. A finished job's list always ends with its terminal event
   * (`done`, `failed` or `cancelled`), whatever `lastId` says: a client that resumes with a stale or
   * foreign id (the log restarts with the server) still learns how the job ended and stops, instead
   * of reconnecting to an empty stream forever. A job from before a restart has no log in memory;
   * its current state is replayed as one event.
   */
  eventsAfter(id: string, lastId: number): JobEvent[] {
    const job = this.require(id);
    const events = this.events.get(id);
    const after = events ? events.filter((e) => e.id > lastId) : [];
    if (!FINISHED_STATES.includes(job.state)) {
      if (events || lastId >= 1) return after;
      return [{ id: 1, type: job.state === 'running' ? 'progress' : 'queued', data: { stage: job.stage, progress: job.progress } }];
    }
    if (after.length && TERMINAL_EVENTS.includes(after.at(-1)!.type)) return after;
    const logged = events?.findLast((e) => TERMINAL_EVENTS.includes(e.type));
    if (logged) return [...after, logged];
    const data = job.state === 'failed' ? { ...job.error } : job.state === 'succeeded' ? { files: job.files, timings: job.timings } : {};
    return [...after, { id: Math.max(lastId, events?.at(-1)?.id ?? 0) + 1, type: terminalEventOf(job.state), data }];
  }

  protected emitEvent(id: string, type: JobEventType, data: Record<string, unknown>): void {
    let events = this.events.get(id);
    if (!events) this.events.set(id, (events = []));
    const event = { id: (events.at(-1)?.id ?? 0) + 1, type, data };
    events.push(event);
    // Keep every lifecycle event but only the latest few hundred progress ticks.
    if (events.length > 400) {
      const oldest = events.findIndex((e) => e.type === 'progress');
      if (oldest >= 0) events.splice(oldest, 1);
    }
    this.emit(`event:${id}`, event);
  }
}

/** Jobs run here: a bounded FIFO queue in memory feeding a pool of generation worker threads. */
export class LocalJobService extends JobService {
  private readonly pending: string[] = [];
  private readonly running = new Set<string>();
  private readonly stopping = new Set<string>();
  private shuttingDown = false;

  constructor(store: JobStore, private readonly pool: WorkerPool, metrics: ServerMetrics, o: JobServiceOptions) {
    super(store, metrics, o);
  }

  get queueLength(): number {
    return this.pending.length;
  }

  get ready(): boolean {
    return this.pool.ready;
  }

  get model() {
    return this.pool.model;
  }

  get notReadyReason(): string | undefined {
    return this.pool.loadError;
  }

  /**
   * Starts the workers, then takes over what the last run left: running jobs were interrupted and
   * go back in the queue (or fail once they reach `maxAttempts`); queued ones keep their order.
   */
  async start(): Promise<void> {
    await this.pool.start();
    this.noteExisting();
    for (const job of this.store.list().reverse()) {
      if (job.state === 'running') {
        if (job.attempts >= this.o.maxAttempts) {
          await this.finish(job.id, { state: 'failed', code: 'INTERRUPTED', message: `the server stopped while this job was running, ${job.attempts} times; not retrying` });
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

  protected async enqueue(job: Job): Promise<void> {
    this.pending.push(job.id);
    queueMicrotask(() => this.pump());
  }

  protected async dequeue(id: string): Promise<boolean> {
    const at = this.pending.indexOf(id);
    if (at < 0) return false;
    this.pending.splice(at, 1);
    return true;
  }

  protected async stop(id: string): Promise<void> {
    this.stopping.add(id);
    this.pool.cancel(id);
  }

  private pump(): void {
    while (!this.shuttingDown && this.running.size < this.o.concurrency && this.pending.length > 0 && this.pool.idle > 0) {
      const id = this.pending.shift()!;
      this.running.add(id);
      this.runJob(id).catch((err) => log.error({ id, err: String(err) }, 'job bookkeeping failed'));
    }
  }

  private async runJob(id: string): Promise<void> {
    await this.started(id);
    const job = this.store.get(id)!;
    const outcome = await this.pool.run(workerJobFor(this.store.root, job), (s, f) => this.progressed(id, s, f), () => this.viewsReady(id), () => this.conditionReady(id));
    this.running.delete(id);
    const current = this.store.get(id);
    if (current && this.shuttingDown && outcome.state === 'cancelled' && !this.stopping.has(id)) {
      // Stopped by a shutdown, not by a person: it runs again after the restart.
      await this.store.save({ ...current, state: 'queued', stage: undefined, progress: 0, attempts: current.attempts - 1 });
    } else {
      await this.finish(id, outcome);
    }
    this.stopping.delete(id);
    this.pump();
  }

  async shutdown(timeoutMs = 10000): Promise<void> {
    this.shuttingDown = true;
    for (const id of this.running) this.pool.cancel(id);
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await this.pool.close();
  }
}
