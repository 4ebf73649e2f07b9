import { KdTree } from './kd-tree.js';
import { applyRigid, composeRigid, fitRigid, identityTransform, type RigidTransform } from './rigid-fit.js';

export interface IcpOptions {
  /** Iterations per start: enough to tell a good basin from a bad one. */
  iterations: number;
  /** Further iterations for the best start: ICP creeps slowly along near-symmetries (a torus turning about its axis). */
  refineIterations: number;
  /** Initial rotations: 'cube' tries the 24 axis-aligned orientations, 'yaw' 8 turns about +Y, 'none' only the identity. */
  starts: 'cube' | 'yaw' | 'none';
  /** Stop a start early when the mean distance improves by less than this. */
  tolerance: number;
}

export const ICP_DEFAULTS: IcpOptions = { iterations: 30, refineIterations: 300, starts: 'cube', tolerance: 1e-7 };

export interface IcpResult {
  /** Maps source points onto the target. */
  transform: RigidTransform;
  /** Symmetric mean nearest-neighbour distance after alignment (half the sum of both directions). */
  error: number;
}

/**
 * Rigidly aligns `source` to `target` (flat xyz arrays) by point-to-point ICP from several initial
 * rotations, keeping the one with the lowest symmetric error. Both clouds should already share a
 * centre and scale (e.g. each normalised to a unit box). Multiple starts matter because ICP only
 * finds the nearest local minimum, and a generated object may face any way the model's convention says.
 */
export function icpAlign(source: Float32Array, target: Float32Array, options: Partial<IcpOptions> = {}): IcpResult {
  const o = { ...ICP_DEFAULTS, ...options };
  const targetTree = new KdTree(target);
  const n = source.length / 3;
  const pairs = new Uint32Array(n);
  const moved = new Float32Array(source.length);
  const d2 = new Float64Array(1);

  // Runs ICP from `start` for at most `iterations` steps, stopping once it no longer improves.
  const run = (start: RigidTransform, iterations: number): RigidTransform => {
    let t = start;
    let prev = Infinity;
    for (let it = 0; it < iterations; it++) {
      applyRigid(t, source, moved);
      let sum = 0;
      for (let i = 0; i < n; i++) {
        pairs[i] = targetTree.nearest(moved[i * 3], moved[i * 3 + 1], moved[i * 3 + 2], d2);
        sum += Math.sqrt(d2[0]);
      }
      const mean = sum / n;
      if (prev - mean < o.tolerance) break;
      prev = mean;
      // Fit the increment from the current position, then compose: steadier than refitting from scratch.
      t = composeRigid(fitRigid(moved, target, pairs), t);
    }
    return t;
  };

  let best: IcpResult = { transform: identityTransform(), error: Infinity };
  for (const start of startRotations(o.starts)) {
    const t = run(start, o.iterations);
    const error = symmetricMeanDistance(applyRigid(t, source, moved), targetTree, target);
    if (error < best.error) best = { transform: t, error };
  }
  const refined = run(best.transform, o.refineIterations);
  return { transform: refined, error: symmetricMeanDistance(applyRigid(refined, source, moved), targetTree, target) };
}

function symmetricMeanDistance(a: Float32Array, treeB: KdTree, b: Float32Array): number {
  const d2 = new Float64Array(1);
  let ab = 0;
  for (let i = 0; i < a.length; i += 3) {
    treeB.nearest(a[i], a[i + 1], a[i + 2], d2);
    ab += Math.sqrt(d2[0]);
  }
  const treeA = new KdTree(a);
  let ba = 0;
  for (let i = 0; i < b.length; i += 3) {
    treeA.nearest(b[i], b[i + 1], b[i + 2], d2);
    ba += Math.sqrt(d2[0]);
  }
  return 0.5 * (ab / (a.length / 3) + ba / (b.length / 3));
}

/** Proper rotations used as ICP starts (row-major 3×3, no translation). */
export function startRotations(kind: IcpOptions['starts']): RigidTransform[] {
  if (kind === 'none') return [identityTransform()];
  if (kind === 'yaw') {
    return Array.from({ length: 8 }, (_, k) => {
      const a = (k * Math.PI) / 4;
      const c = Math.cos(a), s = Math.sin(a);
      return { rotation: new Float64Array([c, 0, s, 0, 1, 0, -s, 0, c]), translation: [0, 0, 0] };
    });
  }
  // The 24 rotations of the cube: signed permutation matrices with determinant +1.
  const out: RigidTransform[] = [];
  const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  for (const perm of perms) {
    for (let signs = 0; signs < 8; signs++) {
      const r = new Float64Array(9);
      for (let i = 0; i < 3; i++) r[i * 3 + perm[i]] = signs & (1 << i) ? -1 : 1;
      const det =
        r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);
      if (det > 0) out.push({ rotation: r, translation: [0, 0, 0] });
    }
  }
  return out;
}
