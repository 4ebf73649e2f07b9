/**
 * Paired comparison of two models measured on the same objects.
 *
 * Two model means 0.02 apart on 60 objects say little by themselves: objects differ from each other
 * far more than models do. Pairing each object's score under model A with its score under model B
 * removes the object-to-object spread, and a bootstrap over objects (resampling the pairs) gives an
 * interval for the mean difference that assumes no particular distribution.
 */
import { createRng } from '../core/rng.js';

export interface PairedDifference {
  /** Objects scored by both models. */
  objects: number;
  meanA: number;
  meanB: number;
  /** mean(B − A). */
  meanDifference: number;
  /** The bootstrap's central interval for mean(B − A) (95 % unless asked otherwise). */
  low: number;
  high: number;
  /** Objects where B scored higher, lower, equal. */
  better: number;
  worse: number;
  ties: number;
}

export interface PairedOptions {
  resamples?: number;
  /** Central mass of the interval, e.g. 0.95. */
  confidence?: number;
  seed?: number;
}

const mean = (xs: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
};

/** B − A over paired scores (`a[i]` and `b[i]` are the same object), with a percentile-bootstrap interval. */
export function pairedDifference(a: readonly number[], b: readonly number[], options: PairedOptions = {}): PairedDifference {
  const { resamples = 10000, confidence = 0.95, seed = 0 } = options;
  if (a.length !== b.length) throw new Error(`pairedDifference: ${a.length} scores for A but ${b.length} for B`);
  if (a.length === 0) throw new Error('pairedDifference: no paired scores');
  if (!(confidence > 0 && confidence < 1)) throw new Error(`pairedDifference: confidence must be in (0, 1), got ${confidence}`);
  const d = a.map((x, i) => b[i] - x);
  if (d.some((x) => !Number.isFinite(x))) throw new Error('pairedDifference: scores must be finite');
  const rng = createRng(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[rng.int(d.length)];
    means[r] = s / d.length;
  }
  means.sort();
  const tail = (1 - confidence) / 2;
  const at = (q: number) => means[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))];
  return {
    objects: d.length,
    meanA: mean(a),
    meanB: mean(b),
    meanDifference: mean(d),
    low: at(tail),
    high: at(1 - tail),
    better: d.filter((x) => x > 0).length,
    worse: d.filter((x) => x < 0).length,
    ties: d.filter((x) => x === 0).length,
  };
}
