import { describe, expect, test } from '@jest/globals';
import { KilnError } from '../../src/core/errors.js';
import { toApiError } from '../../server/api-error.js';

describe('toApiError', () => {
  test('a doubtful cut-out is 422 DOUBTFUL_CUTOUT with its reason; other refusals keep their codes', () => {
    const doubtful = toApiError(new KilnError('DOUBTFUL_CUTOUT', 'preprocessImage: the cut-out is doubtful: the cut is a thin sliver'));
    expect([doubtful.status, doubtful.code, doubtful.message]).toEqual([422, 'DOUBTFUL_CUTOUT', 'preprocessImage: the cut-out is doubtful: the cut is a thin sliver']);
    expect([toApiError(new KilnError('UNKNOWN_WORDS', 'x')).status, toApiError(new KilnError('UNKNOWN_WORDS', 'x')).code]).toEqual([422, 'UNKNOWN_WORDS']);
    expect(toApiError(new Error('secret internals')).status).toBe(500);
  });
});
