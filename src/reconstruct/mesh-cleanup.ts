import { MeshoptSimplifier } from 'meshoptimizer';
import { KilnError } from '../core/errors.js';
import type { Mesh } from '../geometry/mesh.js';

/**
 * Keeps the connected components (faces joined through shared vertices) that have at least
 * `minFraction` of the largest component's faces, dropping floaters. Unused vertices are removed.
 */
export function keepMainComponents(mesh: Mesh, minFraction = 0.05): Mesh {
  const nv = mesh.positions.length / 3;
  const parent = new Int32Array(nv);
  for (let i = 0; i < nv; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const idx = mesh.indices;
  for (let t = 0; t < idx.length; t += 3) {
    const a = find(idx[t]), b = find(idx[t + 1]), c = find(idx[t + 2]);
    parent[b] = a;
    parent[find(c)] = a;
  }
  const faces = new Map<number, number>();
  for (let t = 0; t < idx.length; t += 3) {
    const r = find(idx[t]);
    faces.set(r, (faces.get(r) ?? 0) + 1);
  }
  const largest = Math.max(0, ...faces.values());
  const kept: number[] = [];
  for (let t = 0; t < idx.length; t += 3) {
    if (faces.get(find(idx[t]))! >= minFraction * largest) kept.push(idx[t], idx[t + 1], idx[t + 2]);
  }
  return compactVertices({ ...mesh, indices: Uint32Array.from(kept) });
}

/** Drops vertices that no triangle uses, renumbering indices (all attributes follow). */
export function compactVertices(mesh: Mesh): Mesh {
  const nv = mesh.positions.length / 3;
  const remap = new Int32Array(nv).fill(-1);
  let n = 0;
  for (const i of mesh.indices) if (remap[i] < 0) remap[i] = n++;
  const gather = (src: Float32Array | undefined, size: number) => {
    if (!src) return undefined;
    const out = new Float32Array(n * size);
    for (let i = 0; i < nv; i++) if (remap[i] >= 0) for (let k = 0; k < size; k++) out[remap[i] * size + k] = src[i * size + k];
    return out;
  };
  const out: Mesh = { ...mesh, positions: gather(mesh.positions, 3)!, indices: mesh.indices.map((i) => remap[i]) };
  if (mesh.normals) out.normals = gather(mesh.normals, 3);
  if (mesh.uvs) out.uvs = gather(mesh.uvs, 2);
  if (mesh.colors) out.colors = gather(mesh.colors, 4);
  return out;
}

/**
 * Taubin λ|μ smoothing (uniform umbrella weights): a shrinking step λ followed by an inflating step
 * μ < −λ, so noise and staircase steps from the grid are removed without the volume loss of plain
 * Laplacian smoothing. Returns new positions.
 */
export function taubinSmooth(mesh: Mesh, iterations = 6, lambda = 0.5, mu = -0.53): Mesh {
  const nv = mesh.positions.length / 3;
  const idx = mesh.indices;
  // Vertex adjacency in compressed rows (each triangle edge both ways; duplicates only reweight).
  const degree = new Int32Array(nv + 1);
  for (let t = 0; t < idx.length; t += 3) for (let k = 0; k < 3; k++) degree[idx[t + k] + 1] += 2;
  for (let i = 0; i < nv; i++) degree[i + 1] += degree[i];
  const fill = degree.slice(0, nv);
  const adj = new Int32Array(degree[nv]);
  for (let t = 0; t < idx.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const a = idx[t + k], b = idx[t + ((k + 1) % 3)], c = idx[t + ((k + 2) % 3)];
      adj[fill[a]++] = b;
      adj[fill[a]++] = c;
    }
  }
  let p = Float32Array.from(mesh.positions);
  let q = new Float32Array(p.length);
  for (let it = 0; it < iterations * 2; it++) {
    const f = it % 2 === 0 ? lambda : mu;
    for (let i = 0; i < nv; i++) {
      const s = degree[i], e = degree[i + 1];
      if (s === e) {
        q[i * 3] = p[i * 3];
        q[i * 3 + 1] = p[i * 3 + 1];
        q[i * 3 + 2] = p[i * 3 + 2];
        continue;
      }
      let x = 0, y = 0, z = 0;
      for (let j = s; j < e; j++) {
        const n = adj[j] * 3;
        x += p[n];
        y += p[n + 1];
        z += p[n + 2];
      }
      const inv = 1 / (e - s);
      q[i * 3] = p[i * 3] + f * (x * inv - p[i * 3]);
      q[i * 3 + 1] = p[i * 3 + 1] + f * (y * inv - p[i * 3 + 1]);
      q[i * 3 + 2] = p[i * 3 + 2] + f * (z * inv - p[i * 3 + 2]);
    }
    [p, q] = [q, p];
  }
  return { ...mesh, positions: p };
}

/**
 * Simplifies a mesh to at most `maxFaces` triangles with meshoptimizer's quadric simplifier,
 * preserving the border of open meshes. Attributes other than positions are dropped (they are
 * recomputed or baked afterwards). Uses meshoptimizer's MeshoptSimplifier, awaiting its wasm once.
 */
export async function decimate(mesh: Mesh, maxFaces: number): Promise<Mesh> {
  if (!(maxFaces >= 4)) throw new KilnError('INVALID_INPUT', `decimate: face budget must be at least 4, got ${maxFaces}`);
  if (mesh.indices.length / 3 <= maxFaces) return mesh;
  await MeshoptSimplifier.ready;
  // Error bound relative to the mesh's extent: generous, so that the face budget is what stops it.
  const [indices] = MeshoptSimplifier.simplify(mesh.indices, mesh.positions, 3, maxFaces * 3, 0.05, ['LockBorder']);
  return compactVertices({ positions: mesh.positions, indices, material: mesh.material });
}
