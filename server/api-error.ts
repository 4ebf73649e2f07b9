import { KilnError, describeError, type KilnErrorCode } from '../src/core/errors.js';
import { StorageError } from './job-store.js';

/** An error with its HTTP status and stable code; everything the API refuses is one of these. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const KILN_STATUS: Partial<Record<KilnErrorCode, [number, string]>> = {
  INVALID_INPUT: [422, 'UNPROCESSABLE'],
  NO_OBJECT: [422, 'UNPROCESSABLE'],
  DOUBTFUL_CUTOUT: [422, 'DOUBTFUL_CUTOUT'],
  UNKNOWN_WORDS: [422, 'UNKNOWN_WORDS'],
  UNSUPPORTED_FORMAT: [415, 'UNSUPPORTED_MEDIA_TYPE'],
  TOO_LARGE: [413, 'TOO_LARGE'],
  NOT_FOUND: [404, 'NOT_FOUND'],
  CANCELLED: [409, 'CANCELLED'],
  NOT_AVAILABLE: [503, 'UNAVAILABLE'],
};

/**
 * Maps any thrown value to a status and a JSON body. Library errors keep their message (it is
 * written for people); anything unexpected becomes a 500 whose message hides internals.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof StorageError) return new ApiError(503, 'STORAGE_UNAVAILABLE', 'the server cannot write to its storage right now; try again later', { 'Retry-After': '30' });
  const known = err instanceof KilnError ? KILN_STATUS[err.code] : undefined;
  if (known) {
    const [status, code] = known;
    return new ApiError(status, code, (err as KilnError).message);
  }
  // body-parser and multer errors carry a status or a code of their own.
  const e = err as { status?: number; type?: string; code?: string };
  if (e?.type === 'entity.too.large' || e?.code === 'LIMIT_FILE_SIZE') return new ApiError(413, 'TOO_LARGE', `upload too large (${describeError(err)})`);
  if (e?.type === 'entity.parse.failed') return new ApiError(400, 'INVALID_REQUEST', `the body is not valid JSON (${describeError(err)})`);
  if (typeof e?.code === 'string' && e.code.startsWith('LIMIT_')) return new ApiError(400, 'INVALID_REQUEST', describeError(err));
  // body-parser's unsupported charset or content encoding: 415 goes with its code, as the docs say.
  if (e?.status === 415) return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', describeError(err));
  if (e?.status && e.status >= 400 && e.status < 500) return new ApiError(e.status, 'INVALID_REQUEST', describeError(err));
  return new ApiError(500, 'INTERNAL', 'internal error; the server log has the details');
}
