/**
 * Pull-push hole filling for an RGB image with per-texel weights in [0, 1] (0 = unknown): a mip
 * pyramid of weight-averaged colours is built upwards ("pull"), then each texel takes its own colour
 * in proportion to its weight and the coarser level's colour for the rest ("push"). Every unknown
 * texel receives a smooth colour from its nearest known neighbourhood in O(n), which both fills
 * texels no view saw and pads chart borders so that filtering and mip-maps do not bleed background
 * into the surface. `color` (3 values per texel, linear) is modified in place.
 */
export function pullPushFill(color: Float32Array, weight: Float32Array, size: number): void {
  if (size <= 1) return;
  const half = Math.ceil(size / 2);
  const c2 = new Float32Array(half * half * 3);
  const w2 = new Float32Array(half * half);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const w = weight[i];
      if (!(w > 0)) continue;
      const j = (y >> 1) * half + (x >> 1);
      c2[j * 3] += color[i * 3] * w;
      c2[j * 3 + 1] += color[i * 3 + 1] * w;
      c2[j * 3 + 2] += color[i * 3 + 2] * w;
      w2[j] += w;
    }
  }
  let any = false;
  for (let j = 0; j < half * half; j++) {
    if (w2[j] > 0) {
      c2[j * 3] /= w2[j];
      c2[j * 3 + 1] /= w2[j];
      c2[j * 3 + 2] /= w2[j];
      w2[j] = Math.min(1, w2[j]);
      any = true;
    }
  }
  if (!any) return;
  pullPushFill(c2, w2, half);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const w = Math.min(1, Math.max(0, weight[i]));
      if (w >= 1) continue;
      const j = (y >> 1) * half + (x >> 1);
      color[i * 3] = color[i * 3] * w + c2[j * 3] * (1 - w);
      color[i * 3 + 1] = color[i * 3 + 1] * w + c2[j * 3 + 1] * (1 - w);
      color[i * 3 + 2] = color[i * 3 + 2] * w + c2[j * 3 + 2] * (1 - w);
    }
  }
}
