/**
 * Separable box blur of a [0, 1] field with radius `r` (the window shrinks at the edges, so the
 * borders are not darkened): soft mask edges for both background removal and the box prompt's cut.
 * Returns the input itself when `r` is 0.
 */
export function boxBlur(field: Float32Array, w: number, h: number, r: number): Float32Array {
  if (r <= 0) return field;
  const tmp = new Float32Array(field.length), out = new Float32Array(field.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0, n = 0;
      for (let d = -r; d <= r; d++) if (x + d >= 0 && x + d < w) { s += field[y * w + x + d]; n++; }
      tmp[y * w + x] = s / n;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0, n = 0;
      for (let d = -r; d <= r; d++) if (y + d >= 0 && y + d < h) { s += tmp[(y + d) * w + x]; n++; }
      out[y * w + x] = s / n;
    }
  }
  return out;
}
