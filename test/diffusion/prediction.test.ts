import { describe, expect, test } from '@jest/globals';
import { createRng } from '../../src/core/rng.js';
import { PREDICTION_TYPES, predictionToX0 } from '../../src/diffusion/prediction.js';

// On x_t = (1 − t)·x₀ + t·ε, every parametrisation must give back the same x₀.
describe('predictionToX0', () => {
  const n = 64;
  const rng = createRng(5);
  const x0 = new Float32Array(n);
  const eps = new Float32Array(n);
  rng.fillNormal(x0);
  rng.fillNormal(eps);

  test.each([0.02, 0.5, 1])('x0 and velocity predictions agree at t = %p', (t) => {
    const xt = x0.map((a, i) => (1 - t) * a + t * eps[i]);
    const predictions = { x0, velocity: eps.map((e, i) => e - x0[i]) };
    for (const type of PREDICTION_TYPES) {
      const back = predictionToX0(type, predictions[type], xt, t);
      for (let i = 0; i < n; i++) expect(back[i]).toBeCloseTo(x0[i], 5);
    }
  });

  test('a prediction of the wrong size is refused by name', () => {
    expect(() => predictionToX0('velocity', new Float32Array(3), new Float32Array(4), 0.5)).toThrow(/predictionToX0/);
  });
});
