import { describe, expect, test } from '@jest/globals';
import { createImage } from '../../src/core/image.js';
import { createRng } from '../../src/core/rng.js';
import { psnr, ssim } from '../../src/metrics/image-metrics.js';

function pattern(w: number, h: number) {
  const img = createImage(w, h, 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) img.data[(y * w + x) * 3 + c] = 0.5 + 0.4 * Math.sin(x / (3 + c) + y / 5);
  return img;
}

describe('image metrics', () => {
  test('PSNR: identical is Infinity, Gaussian noise of σ gives ≈ 20·log10(1/σ)', () => {
    const a = pattern(64, 64);
    expect(psnr(a, a)).toBe(Infinity);
    const b = createImage(64, 64, 3);
    const rng = createRng(1);
    for (let i = 0; i < a.data.length; i++) b.data[i] = a.data[i] + 0.05 * rng.normal();
    expect(psnr(a, b)).toBeCloseTo(20 * Math.log10(1 / 0.05), 0);
  });

  test('the mask restricts PSNR and SSIM to the object', () => {
    const a = pattern(32, 32);
    const b = createImage(32, 32, 3);
    b.data.set(a.data);
    const mask = new Float32Array(32 * 32);
    for (let i = 0; i < 32 * 16; i++) mask[i] = 1; // top half
    for (let i = 32 * 16 * 3; i < b.data.length; i++) b.data[i] = 0; // ruin the bottom half
    expect(psnr(a, b, { mask })).toBe(Infinity);
    expect(psnr(a, b)).toBeLessThan(15);
    expect(ssim(a, b)).toBeLessThan(0.8);
    // Rows 0–9: their 11×11 windows (radius 5) stay clear of the ruined rows from 16 on.
    expect(ssim(a, b, { mask: mask.map((m, i) => (i < 32 * 10 ? m : 0)) })).toBeCloseTo(1, 6);
    expect(psnr(a, b, { mask: new Float32Array(32 * 32) })).toBeNaN();
  });

  test('SSIM is 1 for identical images and falls with blur and noise, more for noise', () => {
    const a = pattern(64, 64);
    expect(ssim(a, a)).toBeCloseTo(1, 9);
    const noisy = createImage(64, 64, 3);
    const rng = createRng(4);
    for (let i = 0; i < a.data.length; i++) noisy.data[i] = a.data[i] + 0.2 * rng.normal();
    const shifted = createImage(64, 64, 3);
    for (let i = 0; i < a.data.length; i++) shifted.data[i] = a.data[i] + 0.05;
    expect(ssim(a, noisy)).toBeLessThan(0.5);
    expect(ssim(a, shifted)).toBeGreaterThan(0.9); // a small brightness change keeps structure
    expect(() => ssim(a, pattern(32, 32))).toThrow(/sizes differ/);
  });
});
