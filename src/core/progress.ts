import { CancelledError } from './errors.js';

/**
 * Progress of one operation. `fraction` is in [0, 1] for the stage named by `stage`; pipelines
 * combine stages with {@link weightedProgress} so that a job's overall fraction only moves forward.
 */
export interface ProgressEvent {
  stage: string;
  fraction: number;
  message?: string;
  /**
   * The stage's own fraction when `fraction` is an overall one (set by {@link weightedProgress}), so a
   * display can show one bar per stage and one for the whole.
   */
  stageFraction?: number;
}

export type ProgressCallback = (event: ProgressEvent) => void;

/** Options that every long-running operation accepts. */
export interface OperationOptions {
  /** Aborting it stops the operation at its next checkpoint with a {@link CancelledError}. */
  signal?: AbortSignal;
  /** Called with progress in [0, 1]; may be called often, so keep it cheap. */
  onProgress?: ProgressCallback;
}

export function clamp01(x: number): number {
  if (!(x > 0)) return 0; // also maps NaN to 0
  return x < 1 ? x : 1;
}

/** Throws a {@link CancelledError} naming `operation` if `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, operation: string): void {
  if (signal?.aborted) throw new CancelledError(operation);
}

/**
 * Maps the progress of consecutive stages onto one overall fraction. Stage weights are relative
 * (they need not sum to 1); the returned callback reports `{ stage: 'total' }`-style overall events
 * through `onProgress` with the inner stage's name kept, and never goes backwards, so a stage that
 * restarts its own count does not make a progress bar jump back.
 */
export function weightedProgress(
  weights: Record<string, number>,
  onProgress: ProgressCallback | undefined,
): ProgressCallback {
  const names = Object.keys(weights);
  const total = names.reduce((s, n) => s + Math.max(0, weights[n]), 0) || 1;
  const offsets = new Map<string, number>();
  let acc = 0;
  for (const n of names) {
    offsets.set(n, acc / total);
    acc += Math.max(0, weights[n]);
  }
  let last = 0;
  return (event) => {
    const offset = offsets.get(event.stage);
    if (offset === undefined) throw new Error(`weightedProgress: unknown stage "${event.stage}"`);
    const local = clamp01(event.stageFraction ?? event.fraction);
    const overall = clamp01(offset + (local * Math.max(0, weights[event.stage])) / total);
    last = Math.max(last, overall);
    onProgress?.({ stage: event.stage, fraction: last, message: event.message, stageFraction: local });
  };
}
