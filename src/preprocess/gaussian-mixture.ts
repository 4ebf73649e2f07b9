import { KilnError } from '../core/errors.js';

/**
 * A mixture of 3-D Gaussians with full covariance, over colours (GrabCut's colour model: one for
 * the object, one for the background). Stored as flat typed arrays: weights[k], means[k·3], the
 * inverse covariances[k·9] and log-normalisers, so evaluating a pixel allocates nothing.
 */
export interface GaussianMixture {
  components: number;
  weights: Float64Array;
  means: Float64Array;
  inverse: Float64Array;
  /** log(weight) − ½·log((2π)³·det Σ) per component. */
  logNorm: Float64Array;
}

/**
 * Fits a mixture to colour samples (`samples`: n × 3, interleaved) given each sample's component in
 * `labels` (0…components−1): each component's weight, mean and covariance are the maximum-likelihood
 * ones of its samples. A small ridge keeps flat-coloured components (one exact colour) invertible;
 * empty components get zero weight. Throws when there are no samples at all.
 */
export function fitGaussianMixture(samples: Float32Array, labels: Int32Array | Uint8Array, components: number, ridge = 0.01): GaussianMixture {
  const n = samples.length / 3;
  if (n < 1) throw new KilnError('INVALID_INPUT', 'fitGaussianMixture: no samples');
  const k = components;
  const count = new Float64Array(k), sum = new Float64Array(k * 3), prod = new Float64Array(k * 9);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    count[c]++;
    for (let a = 0; a < 3; a++) {
      const va = samples[i * 3 + a];
      sum[c * 3 + a] += va;
      for (let b = 0; b < 3; b++) prod[c * 9 + a * 3 + b] += va * samples[i * 3 + b];
    }
  }
  const weights = new Float64Array(k), means = new Float64Array(k * 3), inverse = new Float64Array(k * 9), logNorm = new Float64Array(k).fill(-Infinity);
  for (let c = 0; c < k; c++) {
    if (!count[c]) continue;
    weights[c] = count[c] / n;
    for (let a = 0; a < 3; a++) means[c * 3 + a] = sum[c * 3 + a] / count[c];
    const m = means.subarray(c * 3, c * 3 + 3);
    const s = new Float64Array(9);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s[a * 3 + b] = prod[c * 9 + a * 3 + b] / count[c] - m[a] * m[b] + (a === b ? ridge : 0);
    let det = s[0] * (s[4] * s[8] - s[5] * s[7]) - s[1] * (s[3] * s[8] - s[5] * s[6]) + s[2] * (s[3] * s[7] - s[4] * s[6]);
    if (!(det > 1e-12)) {
      // Degenerate (e.g. all samples on a line): widen the ridge until it is invertible.
      for (let a = 0; a < 3; a++) s[a * 4] += 1;
      det = s[0] * (s[4] * s[8] - s[5] * s[7]) - s[1] * (s[3] * s[8] - s[5] * s[6]) + s[2] * (s[3] * s[7] - s[4] * s[6]);
    }
    const inv = inverse.subarray(c * 9, c * 9 + 9);
    inv[0] = (s[4] * s[8] - s[5] * s[7]) / det;
    inv[1] = (s[2] * s[7] - s[1] * s[8]) / det;
    inv[2] = (s[1] * s[5] - s[2] * s[4]) / det;
    inv[3] = (s[5] * s[6] - s[3] * s[8]) / det;
    inv[4] = (s[0] * s[8] - s[2] * s[6]) / det;
    inv[5] = (s[2] * s[3] - s[0] * s[5]) / det;
    inv[6] = (s[3] * s[7] - s[4] * s[6]) / det;
    inv[7] = (s[1] * s[6] - s[0] * s[7]) / det;
    inv[8] = (s[0] * s[4] - s[1] * s[3]) / det;
    logNorm[c] = Math.log(weights[c]) - 0.5 * (3 * Math.log(2 * Math.PI) + Math.log(det));
  }
  return { components: k, weights, means, inverse, logNorm };
}

/** log N_c(x) + log w_c for one component (−∞ for an empty one). */
function componentLogDensity(g: GaussianMixture, c: number, r: number, gr: number, b: number): number {
  if (g.logNorm[c] === -Infinity) return -Infinity;
  const d0 = r - g.means[c * 3], d1 = gr - g.means[c * 3 + 1], d2 = b - g.means[c * 3 + 2];
  const q = g.inverse, o = c * 9;
  const m = d0 * (q[o] * d0 + q[o + 1] * d1 + q[o + 2] * d2) + d1 * (q[o + 3] * d0 + q[o + 4] * d1 + q[o + 5] * d2) + d2 * (q[o + 6] * d0 + q[o + 7] * d1 + q[o + 8] * d2);
  return g.logNorm[c] - 0.5 * m;
}

let scratch = new Float64Array(8);

/** −log p(x) under the mixture (log-sum-exp, so far-away colours give large finite costs, not ∞). */
export function mixtureNegLogLikelihood(g: GaussianMixture, r: number, gr: number, b: number): number {
  let best = -Infinity;
  if (scratch.length < g.components) scratch = new Float64Array(g.components);
  const l = scratch;
  for (let c = 0; c < g.components; c++) {
    l[c] = componentLogDensity(g, c, r, gr, b);
    if (l[c] > best) best = l[c];
  }
  if (best === -Infinity) return 1e6;
  let s = 0;
  for (let c = 0; c < g.components; c++) if (l[c] > -Infinity) s += Math.exp(l[c] - best);
  return -(best + Math.log(s));
}

/** The component most likely to have produced colour x. */
export function likeliestComponent(g: GaussianMixture, r: number, gr: number, b: number): number {
  let best = 0, bestL = -Infinity;
  for (let c = 0; c < g.components; c++) {
    const l = componentLogDensity(g, c, r, gr, b);
    if (l > bestL) {
      bestL = l;
      best = c;
    }
  }
  return best;
}

/** The index of the centre (k × 3) nearest to sample i (n × 3), by squared distance; ties go to the first. */
export function nearestCentre(samples: ArrayLike<number>, i: number, centres: ArrayLike<number>, k: number): number {
  let best = 0, bd = Infinity;
  for (let c = 0; c < k; c++) {
    const d = (samples[i * 3] - centres[c * 3]) ** 2 + (samples[i * 3 + 1] - centres[c * 3 + 1]) ** 2 + (samples[i * 3 + 2] - centres[c * 3 + 2]) ** 2;
    if (d < bd) {
      bd = d;
      best = c;
    }
  }
  return best;
}

/**
 * Initial component labels for samples (n × 3) by k-means: deterministic farthest-point seeds, then
 * a few Lloyd rounds. GrabCut starts each colour model this way.
 */
export function kmeansLabels(samples: Float32Array, k: number, rounds = 8): Int32Array {
  const n = samples.length / 3;
  const labels = new Int32Array(n);
  if (n === 0) return labels;
  const centres = new Float64Array(k * 3);
  const d2 = (i: number, c: number) => (samples[i * 3] - centres[c * 3]) ** 2 + (samples[i * 3 + 1] - centres[c * 3 + 1]) ** 2 + (samples[i * 3 + 2] - centres[c * 3 + 2]) ** 2;
  // Seed from the sample nearest the mean, then repeatedly the farthest from all seeds so far.
  const mean = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) mean[a] += samples[i * 3 + a] / n;
  const nearest = new Float64Array(n).fill(Infinity);
  centres.set(mean, 0);
  for (let c = 0; c < k; c++) {
    if (c > 0) {
      let far = 0;
      for (let i = 0; i < n; i++) if (nearest[i] > nearest[far]) far = i;
      for (let a = 0; a < 3; a++) centres[c * 3 + a] = samples[far * 3 + a];
    }
    for (let i = 0; i < n; i++) nearest[i] = Math.min(nearest[i], d2(i, c));
  }
  for (let r = 0; r < rounds; r++) {
    const sum = new Float64Array(k * 3), count = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const best = nearestCentre(samples, i, centres, k);
      labels[i] = best;
      count[best]++;
      for (let a = 0; a < 3; a++) sum[best * 3 + a] += samples[i * 3 + a];
    }
    for (let c = 0; c < k; c++) if (count[c]) for (let a = 0; a < 3; a++) centres[c * 3 + a] = sum[c * 3 + a] / count[c];
  }
  return labels;
}
