import { Worker } from 'node:worker_threads';
import { createLogger } from '../src/core/logger.js';
import type { GenerationReport } from '../src/pipeline/generation-report.js';
import type { FromWorker, WorkerJob } from './worker-protocol.js';

const log = createLogger('worker-pool');

export type Outcome =
  | { state: 'succeeded'; report: GenerationReport }
  | { state: 'failed'; code: string; message: string }
  | { state: 'cancelled' };

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: { id: string; resolve: (o: Outcome) => void; onProgress: (stage: string, fraction: number) => void; onViews: () => void; onCondition: () => void };
}

export interface WorkerPoolOptions {
  size: number;
  modelDir: string;
  /** The text → image model for text → 3D (default: the embedded one, when it is there). */
  textToImageModelDir?: string;
  /** onnxruntime threads per worker. */
  threads: number;
  maxPixels: number;
}

/**
 * A fixed set of generation worker threads, each with the model loaded once. `run` hands a job to
 * an idle worker; a worker that dies mid-job fails that job with a reason and is replaced.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private closing = false;
  model?: { name: string; sha256: string };
  loadError?: string;

  constructor(private readonly o: WorkerPoolOptions) {}

  /** Starts the workers; resolves when every one has loaded the model (rejects if loading fails). */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.o.size }, () => this.spawn()));
  }

  get ready(): boolean {
    return this.slots.length === this.o.size && this.slots.every((s) => s.ready);
  }

  get idle(): number {
    return this.slots.filter((s) => s.ready && !s.job).length;
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./generation-worker.js', import.meta.url), {
        workerData: { modelDir: this.o.modelDir, textToImageModelDir: this.o.textToImageModelDir, threads: this.o.threads, maxPixels: this.o.maxPixels },
      });
      const slot: Slot = { worker, ready: false };
      this.slots.push(slot);
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          slot.ready = true;
          this.model = m.model;
          resolve();
        } else if (m.type === 'load-failed') {
          this.loadError = m.message;
          reject(new Error(`the model could not be loaded: ${m.message}`));
        } else if (slot.job && 'id' in m && m.id === slot.job.id) {
          if (m.type === 'progress') slot.job.onProgress(m.stage, m.fraction);
          else if (m.type === 'views') slot.job.onViews();
          else if (m.type === 'condition') slot.job.onCondition();
          else {
            const job = slot.job;
            slot.job = undefined;
            job.resolve(m.type === 'done' ? { state: 'succeeded', report: m.report } : m.type === 'failed' ? { state: 'failed', code: m.code, message: m.message } : { state: 'cancelled' });
          }
        }
      });
      worker.on('error', (err) => log.error({ err: String(err) }, 'generation worker error'));
      worker.on('exit', (code) => {
        this.slots.splice(this.slots.indexOf(slot), 1);
        if (slot.job) slot.job.resolve({ state: 'failed', code: 'WORKER_CRASHED', message: `the generation worker stopped (exit code ${code}) while running this job` });
        if (!slot.ready) reject(new Error(`a generation worker exited (code ${code}) before loading the model`));
        else if (!this.closing) {
          log.warn({ code }, 'generation worker exited; starting a new one');
          this.spawn().catch((err) => log.error({ err: String(err) }, 'could not restart a generation worker'));
        }
      });
    });
  }

  /**
   * Runs a job on an idle worker (the caller keeps at most `size` running). `onViews` and
   * `onCondition` are called when the generated views and the drawn condition image are written.
   */
  run(job: WorkerJob, onProgress: (stage: string, fraction: number) => void, onViews: () => void = () => undefined, onCondition: () => void = () => undefined): Promise<Outcome> {
    const slot = this.slots.find((s) => s.ready && !s.job);
    if (!slot) return Promise.resolve({ state: 'failed', code: 'INTERNAL', message: 'no generation worker is available' });
    return new Promise((resolve) => {
      slot.job = { id: job.id, resolve, onProgress, onViews, onCondition };
      slot.worker.postMessage({ type: 'run', job });
    });
  }

  cancel(id: string): void {
    for (const s of this.slots) if (s.job?.id === id) s.worker.postMessage({ type: 'cancel', id });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
