import { describe, expect, test } from '@jest/globals';
import { CancelledError, KilnError } from '../../src/core/errors.js';
import { clamp01, throwIfAborted, weightedProgress, type ProgressEvent } from '../../src/core/progress.js';

describe('progress and cancellation', () => {
  test('weighted progress maps stages onto one monotonic fraction in [0, 1]', () => {
    const seen: ProgressEvent[] = [];
    const report = weightedProgress({ diffusion: 3, reconstruct: 1 }, (e) => seen.push(e));
    report({ stage: 'diffusion', fraction: 0.5 });
    report({ stage: 'diffusion', fraction: 1 });
    report({ stage: 'reconstruct', fraction: 0 });
    report({ stage: 'reconstruct', fraction: 0.5 });
    report({ stage: 'diffusion', fraction: 0.1 }); // a late event must not move the bar back
    report({ stage: 'reconstruct', fraction: 7 }); // clamped
    expect(seen.map((e) => e.fraction)).toEqual([0.375, 0.75, 0.75, 0.875, 0.875, 1]);
    expect(seen[3].stage).toBe('reconstruct');
    expect(() => report({ stage: 'export', fraction: 0 })).toThrow(/unknown stage/);
  });

  test('clamp01 maps NaN and out-of-range values into [0, 1]', () => {
    expect([clamp01(NaN), clamp01(-1), clamp01(0.3), clamp01(2)]).toEqual([0, 0, 0.3, 1]);
  });

  test('an aborted signal throws a CancelledError naming the operation', () => {
    const ctrl = new AbortController();
    expect(() => throwIfAborted(ctrl.signal, 'renderMesh')).not.toThrow();
    ctrl.abort();
    const err = (() => {
      try {
        throwIfAborted(ctrl.signal, 'renderMesh');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CancelledError);
    expect(err).toBeInstanceOf(KilnError);
    expect((err as KilnError).code).toBe('CANCELLED');
    expect((err as Error).message).toBe('renderMesh: cancelled');
  });
});
