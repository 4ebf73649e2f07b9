import type { Mesh } from '../../src/geometry/mesh.js';
import { marchingCubes } from '../../src/reconstruct/marching-cubes.js';

/** Meshes an analytic signed distance function on an n³ grid over [−0.6, 0.6]³. */
export function meshFromSdf(sdf: (x: number, y: number, z: number) => number, n = 64): Mesh {
  const h = 1.2 / (n - 1);
  const field = new Float32Array(n * n * n);
  for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) field[x + n * (y + n * z)] = sdf(-0.6 + x * h, -0.6 + y * h, -0.6 + z * h);
  return marchingCubes(field, [n, n, n], { origin: [-0.6, -0.6, -0.6], spacing: h });
}

const box = (x: number, y: number, z: number, hx: number, hy: number, hz: number) => {
  const qx = Math.abs(x) - hx, qy = Math.abs(y) - hy, qz = Math.abs(z) - hz;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0), Math.max(qz, 0)) + Math.min(Math.max(qx, qy, qz), 0);
};

/** A cup: a 0.8 × 0.6 × 0.8 block with a 0.6 × 0.5 × 0.6 cavity open at the top (y = 0.3). */
export const CUP_TOP = 0.3;
export function cupSdf(x: number, y: number, z: number): number {
  const outer = box(x, y, z, 0.4, 0.3, 0.4);
  const inner = box(x, y - 0.3, z, 0.3, 0.5, 0.3); // from y = −0.2 up through the top
  return Math.max(outer, -inner);
}

/**
 * An object with no mirror symmetry about a vertical plane: a 0.7 × 0.3 × 0.4 block with a post
 * (0.14 × 0.3 × 0.14) standing on its +X, +Z corner and a fin sticking out of its −X end towards
 * −Z. Flat bottom at y = −0.3.
 */
export function asymmetricSdf(x: number, y: number, z: number): number {
  const block = box(x, y + 0.15, z, 0.35, 0.15, 0.2);
  const post = box(x - 0.25, y - 0.15, z - 0.1, 0.07, 0.15, 0.07);
  const fin = box(x + 0.3, y + 0.15, z + 0.3, 0.05, 0.1, 0.12);
  return Math.min(block, post, fin);
}
