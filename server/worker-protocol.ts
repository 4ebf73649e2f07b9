import type { GenerationReport } from '../src/pipeline/generation-report.js';
import type { JobOptions } from './schemas.js';

/** What the server asks a generation worker to do. */
export interface WorkerJob {
  id: string;
  kind: 'image' | 'text' | 'views';
  prompt?: string;
  /** Absolute paths of the uploads, with their angles for views jobs. */
  inputs: { path: string; azimuth?: number; elevation?: number }[];
  options: JobOptions;
  outDir: string;
  /** Where the generated views go as soon as diffusion ends (before the outputs exist). */
  previewPath: string;
  /** Text → 3D through a text → image model: where the drawn condition image goes as soon as it exists. */
  conditionPath: string;
}

export type ToWorker = { type: 'run'; job: WorkerJob } | { type: 'cancel'; id: string };

export type FromWorker =
  | { type: 'ready'; model: { name: string; sha256: string } }
  | { type: 'load-failed'; message: string }
  | { type: 'progress'; id: string; stage: string; fraction: number }
  | { type: 'views'; id: string }
  | { type: 'condition'; id: string }
  | { type: 'done'; id: string; report: GenerationReport }
  | { type: 'failed'; id: string; code: string; message: string }
  | { type: 'cancelled'; id: string };
