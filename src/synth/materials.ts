import { createImage, type RasterImage } from '../core/image.js';
import { colorByName, type Appearance } from './palette.js';

/**
 * Procedural material textures. Each appearance (palette colour × material) is painted into one
 * square tile of an object's texture atlas; patterns are tinted by the colour so a "red wooden"
 * chair is red-stained wood and a "blue striped" vase is blue and white stripes. The patterns are
 * deterministic functions of the tile coordinates and a per-object `variant` (an integer), so the
 * same seed paints the same pixels.
 */

function hash2(x: number, y: number, seed: number): number {
  let h = Math.imul(x, 0x27d4eb2d) ^ Math.imul(y, 0x165667b1) ^ Math.imul(seed, 0x9e3779b9);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Smooth value noise in [0, 1] on a lattice of unit cells. */
function valueNoise(x: number, y: number, seed: number): number {
  const xi = Math.floor(x), yi = Math.floor(y);
  const fx = x - xi, fy = y - yi;
  const sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy);
  const a = hash2(xi, yi, seed), b = hash2(xi + 1, yi, seed);
  const c = hash2(xi, yi + 1, seed), d = hash2(xi + 1, yi + 1, seed);
  return (a + (b - a) * sx) * (1 - sy) + (c + (d - c) * sx) * sy;
}

function fbm(x: number, y: number, seed: number): number {
  return 0.55 * valueNoise(x, y, seed) + 0.3 * valueNoise(2 * x, 2 * y, seed + 1) + 0.15 * valueNoise(4 * x, 4 * y, seed + 2);
}

/** A contrasting companion colour for two-tone patterns: white on dark or saturated, charcoal on light. */
function companion(rgb: [number, number, number]): [number, number, number] {
  const luma = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  return luma > 0.7 ? [0.2, 0.2, 0.22] : [0.95, 0.95, 0.93];
}

/** Colour of the appearance at tile coordinates (u, v) ∈ [0, 1]², written into `out` (sRGB). */
export function paintMaterial(appearance: Appearance, u: number, v: number, variant: number, out: Float32Array): void {
  const base = colorByName(appearance.color).rgb;
  let r = base[0], g = base[1], b = base[2];
  const mix = (c: [number, number, number], t: number) => {
    r = r + (c[0] - r) * t;
    g = g + (c[1] - g) * t;
    b = b + (c[2] - b) * t;
  };
  const shade = (k: number) => {
    r *= k;
    g *= k;
    b *= k;
  };
  const freq = 3 + (variant % 3);
  switch (appearance.material) {
    case 'plain':
      shade(0.96 + 0.08 * valueNoise(u * 8, v * 8, variant));
      break;
    case 'wood': {
      // Growth rings bent by low-frequency noise, plus fine grain along the board.
      const ring = (u * 6 + 2.5 * fbm(u * 2, v * 3, variant)) % 1;
      const grain = valueNoise(u * 40, v * 3, variant + 7);
      shade(0.72 + 0.22 * Math.abs(ring * 2 - 1) + 0.1 * grain);
      break;
    }
    case 'metal': {
      // Brushed: fine streaks along u, and a soft sheen across v.
      const streak = valueNoise(u * 3, v * 60, variant);
      mix([1, 1, 1], 0.12 + 0.18 * Math.max(0, Math.sin(v * Math.PI * 2)) ** 4);
      shade(0.88 + 0.16 * streak);
      break;
    }
    case 'stone': {
      const n = fbm(u * 6, v * 6, variant);
      shade(0.68 + 0.4 * n);
      if (hash2(Math.floor(u * 48), Math.floor(v * 48), variant) > 0.93) shade(0.6);
      break;
    }
    case 'stripes':
      if ((v * freq * 2) % 2 < 1) mix(companion(base), 1);
      break;
    case 'checks':
      if ((Math.floor(u * freq * 2) + Math.floor(v * freq * 2)) % 2 === 1) mix(companion(base), 1);
      break;
    case 'dots': {
      const cu = (u * freq * 2) % 1 - 0.5, cv = (v * freq * 2) % 1 - 0.5;
      if (cu * cu + cv * cv < 0.08) mix(companion(base), 1);
      break;
    }
  }
  out[0] = Math.min(1, Math.max(0, r));
  out[1] = Math.min(1, Math.max(0, g));
  out[2] = Math.min(1, Math.max(0, b));
}

/**
 * Paints an atlas of square tiles, one per appearance, `columns` tiles wide, each `tile` pixels.
 * Returns the RGBA atlas (sRGB, opaque).
 */
export function paintAtlas(appearances: Appearance[], tile: number, columns: number, variant: number): RasterImage {
  const rows = Math.ceil(appearances.length / columns);
  const atlas = createImage(columns * tile, rows * tile, 4, [1, 1, 1, 1]);
  const px = new Float32Array(3);
  appearances.forEach((a, k) => {
    const ox = (k % columns) * tile, oy = Math.floor(k / columns) * tile;
    for (let y = 0; y < tile; y++) {
      for (let x = 0; x < tile; x++) {
        paintMaterial(a, (x + 0.5) / tile, (y + 0.5) / tile, variant + k * 101, px);
        const o = ((oy + y) * atlas.width + ox + x) * 4;
        atlas.data[o] = px[0];
        atlas.data[o + 1] = px[1];
        atlas.data[o + 2] = px[2];
      }
    }
  });
  return atlas;
}
