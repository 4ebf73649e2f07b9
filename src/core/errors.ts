/**
 * Errors that are meant for the person running kiln. Each carries a stable `code` (the server maps
 * codes to HTTP statuses, the CLI prints only the message, and code that recovers from a failure
 * tests the code, never the message) and a message that names the operation that failed, e.g.
 * `loadMesh: unsupported format ".fbx"`.
 */
export const KILN_ERROR_CODES = {
  /** The input or an option is wrong; the message says which and why. */
  INVALID_INPUT: 'invalid input',
  /** The views hold no object to reconstruct: no foreground, silhouettes that share no volume. */
  NO_OBJECT: 'no object in the views',
  /**
   * A cut-out the system itself doubts (a cluttered background, colours too close, a cut in pieces,
   * along the frame, a sliver, a speck); the message names the reasons and what to do (draw a box,
   * or force the run).
   */
  DOUBTFUL_CUTOUT: 'doubtful cut-out',
  /** A prompt that names no object the model knows; the message names the words not understood. */
  UNKNOWN_WORDS: 'prompt not understood',
  UNSUPPORTED_FORMAT: 'unsupported file format',
  TOO_LARGE: 'input too large',
  NOT_FOUND: 'not found',
  CANCELLED: 'cancelled',
  NOT_AVAILABLE: 'not available here',
  INTERNAL: 'internal error',
} as const;

export type KilnErrorCode = keyof typeof KILN_ERROR_CODES;

export class KilnError extends Error {
  readonly code: KilnErrorCode;

  constructor(code: KilnErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KilnError';
    this.code = code;
  }
}

/** Thrown when an operation's `AbortSignal` fires; the message names the operation. */
export class CancelledError extends KilnError {
  constructor(operation: string) {
    super('CANCELLED', `${operation}: cancelled`);
    this.name = 'CancelledError';
  }
}

/** A one-line, stack-free description of any thrown value, for CLIs and API responses. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] || err.name;
  return String(err);
}
