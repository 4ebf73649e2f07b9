/**
 * Exact Euclidean distance transforms on a pixel grid (Felzenszwalb & Huttenlocher 2012: two passes
 * of the 1-D lower envelope of parabolas, O(n) per row and column).
 */

const INF = 1e20;

function edt1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -INF;
  z[1] = INF;
  for (let q = 1; q < n; q++) {
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = INF;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    d[q] = (q - v[k]) * (q - v[k]) + f[v[k]];
  }
}

/** Distance from every pixel to the nearest pixel where `seed` is true (0 on seeds). */
export function distanceToSeeds(seed: Uint8Array, width: number, height: number): Float32Array {
  const n = Math.max(width, height);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  const grid = new Float64Array(width * height);
  for (let i = 0; i < grid.length; i++) grid[i] = seed[i] ? 0 : INF;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = grid[y * width + x];
    edt1d(f, height, d, v, z);
    for (let y = 0; y < height; y++) grid[y * width + x] = d[y];
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) f[x] = grid[y * width + x];
    edt1d(f, width, d, v, z);
    for (let x = 0; x < width; x++) out[y * width + x] = Math.sqrt(d[x]);
  }
  return out;
}

/**
 * Signed distance to the boundary of a soft mask (alpha in [0, 1], inside where alpha ≥ 0.5), in
 * pixels: negative inside, positive outside. The boundary lies between pixel centres; along
 * anti-aliased edges the fractional alpha moves it within the pixel, so the silhouette is sub-pixel.
 */
export function signedDistanceToMask(alpha: Float32Array, width: number, height: number): Float32Array {
  const inside = new Uint8Array(width * height);
  for (let i = 0; i < inside.length; i++) inside[i] = alpha[i] >= 0.5 ? 1 : 0;
  const outside = inside.map((b) => 1 - b);
  const toInside = distanceToSeeds(inside, width, height);
  const toOutside = distanceToSeeds(outside, width, height);
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) {
    const a = alpha[i];
    // Edge pixels (fractional alpha next to the boundary) get 0.5 − alpha: 0 where half covered.
    if (a > 0 && a < 1 && (toInside[i] <= 1 || toOutside[i] <= 1)) out[i] = 0.5 - a;
    else out[i] = inside[i] ? -(toOutside[i] - 0.5) : toInside[i] - 0.5;
  }
  return out;
}
