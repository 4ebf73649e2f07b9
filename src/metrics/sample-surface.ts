import { createRng, type Rng } from '../core/rng.js';
import { KilnError } from '../core/errors.js';
import type { Mesh } from '../geometry/mesh.js';

/**
 * Samples `count` points uniformly over the surface of a mesh: a triangle is chosen with probability
 * proportional to its area (binary search in the cumulative areas), then a point uniformly inside it
 * (the square-root warp). Seeded, so the same mesh, count and seed give the same points.
 */
export function sampleSurface(mesh: Mesh, count: number, seed: number | Rng = 0): Float32Array {
  const rng = typeof seed === 'number' ? createRng(seed) : seed;
  const p = mesh.positions;
  const idx = mesh.indices;
  const nt = idx.length / 3;
  const cdf = new Float64Array(nt);
  let total = 0;
  for (let t = 0; t < nt; t++) {
    const a = idx[t * 3] * 3, b = idx[t * 3 + 1] * 3, c = idx[t * 3 + 2] * 3;
    const e1x = p[b] - p[a], e1y = p[b + 1] - p[a + 1], e1z = p[b + 2] - p[a + 2];
    const e2x = p[c] - p[a], e2y = p[c + 1] - p[a + 1], e2z = p[c + 2] - p[a + 2];
    total += 0.5 * Math.hypot(e1y * e2z - e1z * e2y, e1z * e2x - e1x * e2z, e1x * e2y - e1y * e2x);
    cdf[t] = total;
  }
  if (!(total > 0)) throw new KilnError('INVALID_INPUT', 'sampleSurface: mesh has no area');
  const out = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    const target = rng.uniform() * total;
    let lo = 0;
    let hi = nt - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] <= target) lo = mid + 1;
      else hi = mid;
    }
    const a = idx[lo * 3] * 3, b = idx[lo * 3 + 1] * 3, c = idx[lo * 3 + 2] * 3;
    const r1 = Math.sqrt(rng.uniform());
    const r2 = rng.uniform();
    const wa = 1 - r1, wb = r1 * (1 - r2), wc = r1 * r2;
    for (let k = 0; k < 3; k++) out[i * 3 + k] = p[a + k] * wa + p[b + k] * wb + p[c + k] * wc;
  }
  return out;
}
