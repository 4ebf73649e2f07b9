import type { RasterImage } from '../core/image.js';
import { PALETTE, type PaletteColor } from './palette.js';

/** sRGB [0, 1] → CIE Lab (D65), so "nearest colour" means nearest as seen. */
function toLab(r: number, g: number, b: number): [number, number, number] {
  const lin = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const R = lin(r), G = lin(g), B = lin(b);
  const x = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047;
  const y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
  const z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (841 / 108) * t + 4 / 29);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

const PALETTE_LAB = PALETTE.map((p) => toLab(...p.rgb));

/**
 * The palette colour that most foreground pixels (alpha ≥ 0.5) of `images` are nearest to, in Lab,
 * with the share of pixels it won. Shading darkens every colour alike, so compare a result's dominant
 * colour with the ground truth's under the same renderer rather than with the caption's sRGB value.
 */
export function dominantPaletteColor(images: RasterImage[]): { color: PaletteColor; share: number } | undefined {
  const votes = new Float64Array(PALETTE.length);
  let total = 0;
  for (const im of images) {
    for (let i = 0, n = im.width * im.height; i < n; i++) {
      if (im.data[i * 4 + 3] < 0.5) continue;
      const [L, a, b] = toLab(im.data[i * 4], im.data[i * 4 + 1], im.data[i * 4 + 2]);
      let best = 0, bd = Infinity;
      PALETTE_LAB.forEach(([L2, a2, b2], k) => {
        const d = (L - L2) ** 2 + (a - a2) ** 2 + (b - b2) ** 2;
        if (d < bd) {
          bd = d;
          best = k;
        }
      });
      votes[best]++;
      total++;
    }
  }
  if (!total) return undefined;
  let k = 0;
  for (let i = 1; i < votes.length; i++) if (votes[i] > votes[k]) k = i;
  return { color: PALETTE[k], share: votes[k] / total };
}
