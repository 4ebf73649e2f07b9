import { describe, expect, test } from '@jest/globals';
import { createImage } from '../../src/core/image.js';
import { createRng } from '../../src/core/rng.js';
import { boxMean, guidedFilter, refineMask } from '../../src/preprocess/guided-filter.js';

/** The guided filter as He et al. write it, every window mean summed pixel by pixel (O(r²) per pixel). */
function directGuidedFilter(I: Float32Array, C: 1 | 3, p: Float32Array, w: number, h: number, r: number, eps: number): Float32Array {
  const win = (x: number, y: number) => {
    const px: number[] = [];
    for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) px.push(yy * w + xx);
    return px;
  };
  const solve3 = (A: number[][], v: number[]) => {
    // Gaussian elimination with partial pivoting.
    const M = A.map((row, i) => [...row, v[i]]);
    for (let c = 0; c < 3; c++) {
      let piv = c;
      for (let r2 = c + 1; r2 < 3; r2++) if (Math.abs(M[r2][c]) > Math.abs(M[piv][c])) piv = r2;
      [M[c], M[piv]] = [M[piv], M[c]];
      for (let r2 = 0; r2 < 3; r2++) {
        if (r2 === c) continue;
        const f = M[r2][c] / M[c][c];
        for (let k = c; k < 4; k++) M[r2][k] -= f * M[c][k];
      }
    }
    return [M[0][3] / M[0][0], M[1][3] / M[1][1], M[2][3] / M[2][2]];
  };
  const a: number[][] = [], b: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const px = win(x, y), n = px.length;
      const mI = Array.from({ length: C }, (_, c) => px.reduce((s, q) => s + I[q * C + c], 0) / n);
      const mp = px.reduce((s, q) => s + p[q], 0) / n;
      const cov = Array.from({ length: C }, (_, c) => px.reduce((s, q) => s + I[q * C + c] * p[q], 0) / n - mI[c] * mp);
      const S = Array.from({ length: C }, (_, c) => Array.from({ length: C }, (_, d) => px.reduce((s, q) => s + I[q * C + c] * I[q * C + d], 0) / n - mI[c] * mI[d] + (c === d ? eps : 0)));
      const ak = C === 1 ? [cov[0] / S[0][0]] : solve3(S, cov);
      a.push(ak);
      b.push(mp - ak.reduce((s, v, c) => s + v * mI[c], 0));
    }
  }
  const q = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const px = win(x, y), n = px.length, i = y * w + x;
      let v = px.reduce((s, k) => s + b[k], 0) / n;
      for (let c = 0; c < C; c++) v += (px.reduce((s, k) => s + a[k][c], 0) / n) * I[i * C + c];
      q[i] = v;
    }
  }
  return q;
}

describe('guided filter', () => {
  const w = 23, h = 17;
  const rng = createRng(5);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.uniform());

  test('boxMean equals the window average cut at the edges', () => {
    // Six places: the planes are stored as 32-bit floats (about seven significant digits).
    const f = rand(w * h);
    for (const r of [1, 3, 12]) {
      const m = boxMean(f, w, h, r);
      for (const [x, y] of [[0, 0], [22, 16], [5, 9], [11, 0], [0, 8]]) {
        let s = 0, n = 0;
        for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) { s += f[yy * w + xx]; n++; }
        expect(m[y * w + x]).toBeCloseTo(s / n, 6);
      }
    }
  });

  test('matches the direct box-filter formulation, grey and colour guides', () => {
    const p = rand(w * h);
    for (const C of [1, 3] as const) {
      const I = rand(w * h * C);
      for (const [r, eps] of [[1, 1e-2], [3, 1e-3], [4, 0.1]]) {
        const fast = guidedFilter(I, C, p, w, h, { radius: r, eps });
        const direct = directGuidedFilter(I, C, p, w, h, r, eps);
        let worst = 0;
        for (let i = 0; i < w * h; i++) worst = Math.max(worst, Math.abs(fast[i] - direct[i]));
        expect(worst).toBeLessThan(1e-5);
      }
    }
  });

  test('refineMask snaps a coarse mask to the photo’s edge: IoU rises over plain upsampling', () => {
    // A 256² photo: a disc of one colour on a background of another, with noise; the mask is the
    // disc seen at 32² and blurred (what a low-resolution network gives).
    const W = 256, R = 70, cx = 121.3, cy = 133.7;
    const image = createImage(W, W, 3);
    const truth = new Uint8Array(W * W);
    const noise = createRng(9);
    for (let y = 0; y < W; y++) {
      for (let x = 0; x < W; x++) {
        const inside = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= R * R;
        truth[y * W + x] = inside ? 1 : 0;
        const c = inside ? [0.55, 0.35, 0.2] : [0.45, 0.4, 0.35];
        for (let k = 0; k < 3; k++) image.data[(y * W + x) * 3 + k] = c[k] + noise.normal() * 0.01;
      }
    }
    const m = 32, coarse = new Float32Array(m * m);
    for (let y = 0; y < m; y++) {
      for (let x = 0; x < m; x++) {
        let s = 0;
        for (let yy = 0; yy < 8; yy++) for (let xx = 0; xx < 8; xx++) s += truth[(y * 8 + yy) * W + x * 8 + xx];
        coarse[y * m + x] = s / 64;
      }
    }
    const iou = (alpha: Float32Array) => {
      let i = 0, u = 0;
      for (let k = 0; k < W * W; k++) {
        const a = alpha[k] >= 0.5, t = truth[k] === 1;
        if (a && t) i++;
        if (a || t) u++;
      }
      return i / u;
    };
    const plain = refineMask(image, coarse, m, m, { eps: 1e6, sharpen: 1 }); // eps → ∞: a = 0, q = the box-smoothed upsampled mask
    const refined = refineMask(image, coarse, m, m);
    expect(iou(refined)).toBeGreaterThan(iou(plain));
    expect(iou(refined)).toBeGreaterThan(0.98);
    const band = (alpha: Float32Array) => {
      let edge = 0;
      for (let k = 0; k < W * W; k++) if (alpha[k] > 0.1 && alpha[k] < 0.9) edge++;
      return edge / (2 * Math.PI * R);
    };
    // The soft band hugs the edge (under 3 px on average along the circle), where upsampling smears it over tens.
    expect(band(refined)).toBeLessThan(3);
    expect(band(plain)).toBeGreaterThan(20);
  });
});
