/** Connected regions of a binary mask: a label per pixel (0 = not set) and each label's size. */
export interface MaskComponents {
  labels: Int32Array;
  /** Pixels per label; index 0 is unused (0). */
  sizes: number[];
}

/**
 * Labels the 4-connected components of `mask` (1 = set) on a `w`×`h` grid, iteratively (no
 * recursion, so a photo-sized region cannot overflow the stack). Shared by background removal
 * (what the border reaches, the largest object, holes) and the cut's confidence check (how many
 * pieces a cut fell into).
 */
export function connectedComponents(mask: Uint8Array, w: number, h: number): MaskComponents {
  const labels = new Int32Array(w * h);
  const sizes = [0];
  const stack: number[] = [];
  for (let s = 0; s < w * h; s++) {
    if (!mask[s] || labels[s]) continue;
    const id = sizes.length;
    let size = 0;
    labels[s] = id;
    stack.push(s);
    while (stack.length) {
      const p = stack.pop()!;
      size++;
      const x = p % w;
      if (x > 0 && mask[p - 1] && !labels[p - 1]) { labels[p - 1] = id; stack.push(p - 1); }
      if (x < w - 1 && mask[p + 1] && !labels[p + 1]) { labels[p + 1] = id; stack.push(p + 1); }
      if (p >= w && mask[p - w] && !labels[p - w]) { labels[p - w] = id; stack.push(p - w); }
      if (p + w < w * h && mask[p + w] && !labels[p + w]) { labels[p + w] = id; stack.push(p + w); }
    }
    sizes.push(size);
  }
  return { labels, sizes };
}
