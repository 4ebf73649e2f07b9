/**
 * Errors that are meant for the person running kiln. Each carries a stable `code` (the server maps
 * codes to HTTP statuses, the CLI prints only the message) and a message that names the operation
 * that failed, e.g. `loadMesh: unsupported format ".fbx"`.
 */
export type KilnErrorCode =
  | 'INVALID_INPUT'
  | 'UNSUPPORTED_FORMAT'
  | 'TOO_LARGE'
  | 'NOT_FOUND'
  | 'CANCELLED'
  | 'NOT_AVAILABLE'
  | 'INTERNAL';

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
