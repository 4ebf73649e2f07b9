import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, readdir, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/core/fs.js';
import { createLogger } from '../src/core/logger.js';
import { countQuarantined, quarantineJob } from './quarantine-job.js';
import { FINISHED_STATES, JOB_ID_PATTERN, StoredJobSchema, unknownJobFields, type Job } from './schemas.js';
import type { WorkerJob } from './worker-protocol.js';

const log = createLogger('job-store');

/**
 * The data folder could not be read or written (removed, unmounted, read-only, full): the server's
 * problem, not the client's. The API answers 503 `STORAGE_UNAVAILABLE`; the cause goes to the log.
 */
export class StorageError extends Error {
  constructor(
    readonly operation: string,
    override readonly cause: unknown,
  ) {
    super(`JobStore.${operation}: ${(cause as NodeJS.ErrnoException)?.code ?? String(cause)}`);
    this.name = 'StorageError';
  }
}

/** A time-sortable id: base-36 milliseconds, then 32 random bits. */
export function newJobId(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Where a job's files live under a data folder (the same layout on every machine sharing it). */
export function jobPaths(root: string, id: string): { dir: string; input: string; out: string; preview: string; condition: string } {
  if (!JOB_ID_PATTERN.test(id)) throw new Error(`invalid job id ${id}`);
  const dir = join(root, 'jobs', id);
  return { dir, input: join(dir, 'input'), out: join(dir, 'out'), preview: join(dir, 'preview-views.png'), condition: join(dir, 'preview-condition.png') };
}

/**
 * The outputs a running job shows before it has finished (and a failed one keeps, to show how far it
 * got), each written as soon as it exists to its own file beside the job's outputs: the drawn
 * condition image (text → 3D through a text → image model), then the generated views.
 */
export const EARLY_OUTPUTS = ['condition.png', 'views.png'] as const;
export type EarlyOutput = (typeof EARLY_OUTPUTS)[number];

/** Where an early output of a job is written (see {@link EARLY_OUTPUTS}). */
export function earlyOutputPath(root: string, id: string, name: EarlyOutput): string {
  const p = jobPaths(root, id);
  return name === 'views.png' ? p.preview : p.condition;
}

/** What a generation worker needs to run a stored job, with paths under `root`. */
export function workerJobFor(root: string, job: Job): WorkerJob {
  const p = jobPaths(root, job.id);
  return {
    id: job.id,
    kind: job.kind,
    prompt: job.prompt,
    inputs: (job.inputs ?? []).map((i) => ({ path: join(p.input, i.file), azimuth: i.azimuth, elevation: i.elevation })),
    options: job.options,
    outDir: p.out,
    previewPath: p.preview,
    conditionPath: p.condition,
  };
}

/**
 * Durable job storage: `<data>/jobs/<id>/job.json` (written atomically), the uploads in `input/`,
 * the outputs in `out/` (written by `writeOutputs`, which stages them and moves them in only when
 * complete). Jobs are also kept in memory, so reads never touch the disk.
 *
 * Opening never deletes a job: a folder whose `job.json` cannot be read or validated moves to
 * `<data>/quarantine/` with the reason (see `quarantineJob`). The one exception is a folder with
 * neither `job.json` nor outputs: an interrupted submission, whose client never got its id.
 */
export class JobStore {
  private readonly jobs = new Map<string, Job>();
  private readonly writes = new Map<string, Promise<void>>();
  /** Folders in `<data>/quarantine/`, counted when the store opens (shown in /metrics). */
  quarantined = 0;

  private constructor(readonly root: string) {}

  static async open(root: string): Promise<JobStore> {
    const store = new JobStore(root);
    await mkdir(join(root, 'jobs'), { recursive: true });
    for (const id of await readdir(join(root, 'jobs'))) {
      if (!JOB_ID_PATTERN.test(id)) continue;
      const problem = await store.load(id);
      if (!problem) continue;
      if (problem === 'missing' && !(await exists(store.outDir(id)))) {
        log.info({ id }, 'removing an interrupted submission (no job.json, no outputs)');
        await rm(store.jobDir(id), { recursive: true, force: true });
        continue;
      }
      const reason = problem === 'missing' ? 'job.json is missing but the job has outputs' : problem;
      try {
        const to = await quarantineJob(root, id, reason);
        log.error({ id, reason, to }, 'job record unreadable: moved the job folder to quarantine');
      } catch (err) {
        // Left where it is (and not served): a later start tries again.
        log.error({ id, reason, err: String(err) }, 'job record unreadable, and moving it to quarantine failed');
      }
    }
    store.quarantined = await countQuarantined(root);
    return store;
  }

  /** Reads one job's record into memory; returns why it could not ('missing' when there is none). */
  private async load(id: string): Promise<string | undefined> {
    let text: string;
    try {
      text = await readFile(join(this.jobDir(id), 'job.json'), 'utf8');
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `job.json cannot be read (${String(err)})`;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      return `job.json is not valid JSON (${text.length} bytes: ${(err as Error).message})`;
    }
    const parsed = StoredJobSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return `job.json does not describe a job: ${issue.path.map(String).join('.') || 'record'}: ${issue.message}`;
    }
    if (parsed.data.id !== id) return `job.json belongs to job ${parsed.data.id}, not to its folder ${id}`;
    const unknown = unknownJobFields(raw as Record<string, unknown>);
    if (unknown.length) log.warn({ id, fields: unknown }, 'job.json has fields this version does not know (from a newer version?); kept and ignored');
    this.jobs.set(id, parsed.data);
    return undefined;
  }

  jobDir(id: string): string {
    return jobPaths(this.root, id).dir;
  }

  inputDir(id: string): string {
    return jobPaths(this.root, id).input;
  }

  outDir(id: string): string {
    return jobPaths(this.root, id).out;
  }

  /** The generated views, written as soon as diffusion ends; served until the outputs exist. */
  previewPath(id: string): string {
    return jobPaths(this.root, id).preview;
  }

  /** Where an early output (the drawn condition image, the generated views) is written while the job runs. */
  earlyPath(id: string, name: EarlyOutput): string {
    return earlyOutputPath(this.root, id, name);
  }

  /**
   * Writes the uploads, then `job.json`: a job exists once its record does. A failed write leaves
   * no job (what was written is removed) and throws a `StorageError`.
   */
  async create(job: Job, uploads: { name: string; data: Uint8Array }[]): Promise<void> {
    try {
      // Not recursive above the job's folder: a data folder that vanished is an error, not recreated.
      await mkdir(this.jobDir(job.id));
      await mkdir(this.inputDir(job.id));
      for (const u of uploads) await writeFileAtomic(join(this.inputDir(job.id), u.name), u.data);
      await this.save(job);
    } catch (err) {
      this.jobs.delete(job.id);
      await rm(this.jobDir(job.id), { recursive: true, force: true }).catch(() => undefined);
      throw new StorageError('create', err);
    }
  }

  /**
   * Updates the job in memory at once and on disk in order: writes of one job are chained, so the
   * file always ends with the latest state even when progress updates overlap.
   */
  save(job: Job): Promise<void> {
    this.jobs.set(job.id, job);
    const previous = this.writes.get(job.id) ?? Promise.resolve();
    const next = previous.then(async () => {
      // A job deleted meanwhile must not be resurrected by a late write.
      if (this.jobs.get(job.id) !== job) return;
      await writeFileAtomic(join(this.jobDir(job.id), 'job.json'), JSON.stringify(job, null, 2) + '\n');
    });
    const settled = next.catch((err) => log.error({ id: job.id, err: String(err) }, 'could not write job.json'));
    this.writes.set(job.id, settled);
    void settled.then(() => {
      if (this.writes.get(job.id) === settled) this.writes.delete(job.id);
    });
    return next;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** Newest first. */
  list(): Job[] {
    return [...this.jobs.values()].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1));
  }

  async remove(id: string): Promise<void> {
    this.jobs.delete(id);
    await this.writes.get(id);
    await rm(this.jobDir(id), { recursive: true, force: true });
  }

  /** Deletes finished jobs beyond the newest `maxJobs` and those finished more than `maxAgeMs` ago. */
  async prune(maxJobs: number, maxAgeMs: number, now = Date.now()): Promise<string[]> {
    const finished = this.list().filter((j) => FINISHED_STATES.includes(j.state));
    const doomed = finished.filter((j, i) => i >= maxJobs || now - Date.parse(j.finishedAt ?? j.createdAt) > maxAgeMs);
    for (const j of doomed) await this.remove(j.id);
    return doomed.map((j) => j.id);
  }

  /** Free bytes on the data folder's file system; a `StorageError` when it cannot be asked. */
  async freeBytes(): Promise<number> {
    try {
      const s = await statfs(this.root);
      return s.bavail * s.bsize;
    } catch (err) {
      throw new StorageError('freeBytes', err);
    }
  }

  /**
   * Whether new jobs can be stored: writes and removes a probe file in `<data>/jobs`. Returns why not
   * (the data folder removed or unmounted, read-only, no space) or undefined when it can.
   * The folder is not recreated: a data folder that vanished has taken every job with it, and a
   * person should know rather than find an empty gallery.
   */
  async checkWritable(): Promise<string | undefined> {
    const probe = join(this.root, 'jobs', `.write-probe-${process.pid}`);
    try {
      await writeFile(probe, '');
      await rm(probe, { force: true });
      return undefined;
    } catch (err) {
      return `the data folder ${this.root} is not writable (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
    }
  }
}

/** Whether `path` exists. */
async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
