import type { RasterImage } from '../core/image.js';
import { KilnError } from '../core/errors.js';
import type { Mat4, Vec3 } from './mat4.js';

/**
 * A surface material, after glTF's metallic-roughness model reduced to what kiln produces and
 * renders: a base colour factor (linear RGBA) times an optional base-colour texture (sRGB-encoded,
 * sampled with UVs whose origin is the texture's top-left corner, as in glTF).
 */
export interface Material {
  name?: string;
  /** Linear RGB and opacity (OBJ's `d`): below 1 the surface is see-through (glass). */
  baseColor: [number, number, number, number];
  /** RGB or RGBA; an alpha channel (OBJ's `map_d` folded in) cuts the surface out where it is below ½. */
  baseColorTexture?: RasterImage;
}

/**
 * A run of consecutive triangles drawn with one material: how a mesh keeps every material of a
 * multi-material file (an OBJ's `usemtl` groups, a glTF mesh's primitives) without an atlas, so
 * tiling UVs keep repeating their own texture.
 */
export interface MaterialGroup {
  /** First triangle (not index) of the run. */
  start: number;
  /** Number of triangles. */
  count: number;
  material: Material;
}

/**
 * An indexed triangle mesh over typed arrays. Triangles wind counter-clockwise when seen from the
 * outside (glTF's front face). Optional attributes have one entry per vertex: `normals` (xyz),
 * `uvs` (uv, top-left origin), `colors` (linear RGBA, multiplied with the material).
 */
export interface Mesh {
  positions: Float32Array;
  indices: Uint32Array;
  normals?: Float32Array;
  uvs?: Float32Array;
  colors?: Float32Array;
  /** The material of every triangle when `groups` is absent; otherwise the first group's. */
  material: Material;
  /**
   * Per-material triangle runs, in order and covering every triangle, when the mesh has more than
   * one material. Operations that keep triangle order (transform, weld) keep them; operations that
   * rebuild the triangles (reconstruction, baking) produce one-material meshes.
   */
  groups?: MaterialGroup[];
}

export interface Bounds {
  min: Vec3;
  max: Vec3;
}

export const DEFAULT_MATERIAL: Readonly<Material> = Object.freeze({ baseColor: [0.8, 0.8, 0.8, 1] as [number, number, number, number] });

export function vertexCount(mesh: Mesh): number {
  return mesh.positions.length / 3;
}

export function triangleCount(mesh: Mesh): number {
  return mesh.indices.length / 3;
}

/** Creates a mesh from arrays, copying them into typed arrays and checking their sizes. */
export function createMesh(init: {
  positions: ArrayLike<number>;
  indices: ArrayLike<number>;
  normals?: ArrayLike<number>;
  uvs?: ArrayLike<number>;
  colors?: ArrayLike<number>;
  material?: Partial<Material>;
}): Mesh {
  const mesh: Mesh = {
    positions: Float32Array.from(init.positions),
    indices: Uint32Array.from(init.indices),
    material: { ...DEFAULT_MATERIAL, baseColor: [...DEFAULT_MATERIAL.baseColor], ...init.material },
  };
  if (init.normals) mesh.normals = Float32Array.from(init.normals);
  if (init.uvs) mesh.uvs = Float32Array.from(init.uvs);
  if (init.colors) mesh.colors = Float32Array.from(init.colors);
  validateMesh(mesh, 'createMesh');
  return mesh;
}

/**
 * Throws a `KilnError` naming `operation` if the mesh is inconsistent: attribute lengths that do not
 * match the vertex count, indices out of range, or non-finite positions.
 */
export function validateMesh(mesh: Mesh, operation: string): void {
  const fail = (why: string): never => {
    throw new KilnError('INVALID_INPUT', `${operation}: invalid mesh: ${why}`);
  };
  if (mesh.positions.length % 3 !== 0) fail('positions length is not a multiple of 3');
  if (mesh.indices.length % 3 !== 0) fail('indices length is not a multiple of 3');
  const n = mesh.positions.length / 3;
  if (mesh.normals && mesh.normals.length !== n * 3) fail('normals do not match the vertex count');
  if (mesh.uvs && mesh.uvs.length !== n * 2) fail('uvs do not match the vertex count');
  if (mesh.colors && mesh.colors.length !== n * 4) fail('colors (RGBA) do not match the vertex count');
  for (let i = 0; i < mesh.indices.length; i++) if (mesh.indices[i] >= n) fail(`index ${mesh.indices[i]} ≥ vertex count ${n}`);
  for (let i = 0; i < mesh.positions.length; i++) if (!Number.isFinite(mesh.positions[i])) fail('non-finite position');
  if (mesh.groups) {
    let next = 0;
    for (const g of mesh.groups) {
      if (g.start !== next || !Number.isInteger(g.count) || g.count < 0) fail('material groups are not consecutive runs from triangle 0');
      next += g.count;
    }
    if (next !== mesh.indices.length / 3) fail(`material groups cover ${next} of ${mesh.indices.length / 3} triangles`);
  }
}

/**
 * The distinct materials of a mesh and, when it has several, each triangle's index into them
 * (`perTriangle` is undefined for a one-material mesh). The renderer and exporters read materials
 * through this, so a mesh with and without groups draws the same way.
 */
export function meshMaterials(mesh: Mesh): { materials: Material[]; perTriangle?: Uint16Array } {
  if (!mesh.groups || mesh.groups.length <= 1) return { materials: [mesh.groups?.[0]?.material ?? mesh.material] };
  const materials: Material[] = [];
  const perTriangle = new Uint16Array(mesh.indices.length / 3);
  for (const g of mesh.groups) {
    let k = materials.indexOf(g.material);
    if (k < 0) k = materials.push(g.material) - 1;
    perTriangle.fill(k, g.start, g.start + g.count);
  }
  return { materials, perTriangle };
}

/** Axis-aligned bounds of the vertices that triangles use (unreferenced vertices are ignored). */
export function computeBounds(mesh: Mesh): Bounds {
  const p = mesh.positions;
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < mesh.indices.length; i++) {
    const v = mesh.indices[i] * 3;
    for (let k = 0; k < 3; k++) {
      const x = p[v + k];
      if (x < min[k]) min[k] = x;
      if (x > max[k]) max[k] = x;
    }
  }
  return { min, max };
}

/** Bounds of a flat xyz point array. */
export function pointBounds(points: Float32Array): Bounds {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < points.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      const x = points[i + k];
      if (x < min[k]) min[k] = x;
      if (x > max[k]) max[k] = x;
    }
  }
  return { min, max };
}

/**
 * Area-weighted vertex normals (each face adds its unnormalised cross product, so large faces
 * count more and slivers do not skew the result). Returns a new array; does not modify the mesh.
 */
export function computeVertexNormals(mesh: Mesh): Float32Array {
  const p = mesh.positions;
  const idx = mesh.indices;
  const acc = new Float64Array(p.length);
  for (let t = 0; t < idx.length; t += 3) {
    const a = idx[t] * 3;
    const b = idx[t + 1] * 3;
    const c = idx[t + 2] * 3;
    const e1x = p[b] - p[a], e1y = p[b + 1] - p[a + 1], e1z = p[b + 2] - p[a + 2];
    const e2x = p[c] - p[a], e2y = p[c + 1] - p[a + 1], e2z = p[c + 2] - p[a + 2];
    const nx = e1y * e2z - e1z * e2y;
    const ny = e1z * e2x - e1x * e2z;
    const nz = e1x * e2y - e1y * e2x;
    for (const v of [a, b, c]) {
      acc[v] += nx;
      acc[v + 1] += ny;
      acc[v + 2] += nz;
    }
  }
  return normalizeVectors(acc);
}

/**
 * Scales each 3-vector of `v` to unit length, into a new array; a zero vector becomes `fallback`
 * (zero by default: a vertex of degenerate triangles only has no direction).
 */
export function normalizeVectors(v: ArrayLike<number>, fallback: readonly [number, number, number] = [0, 0, 0]): Float32Array {
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i += 3) {
    const l = Math.hypot(v[i], v[i + 1], v[i + 2]);
    if (l > 0) {
      out[i] = v[i] / l;
      out[i + 1] = v[i + 1] / l;
      out[i + 2] = v[i + 2] / l;
    } else out.set(fallback, i);
  }
  return out;
}

/** Signed volume by the divergence theorem: positive when a closed mesh winds outward. */
export function signedVolume(mesh: Mesh): number {
  const p = mesh.positions;
  const idx = mesh.indices;
  let v = 0;
  for (let t = 0; t < idx.length; t += 3) {
    const a = idx[t] * 3, b = idx[t + 1] * 3, c = idx[t + 2] * 3;
    v += p[a] * (p[b + 1] * p[c + 2] - p[b + 2] * p[c + 1]) - p[a + 1] * (p[b] * p[c + 2] - p[b + 2] * p[c]) + p[a + 2] * (p[b] * p[c + 1] - p[b + 1] * p[c]);
  }
  return v / 6;
}

/** Total surface area. */
export function surfaceArea(mesh: Mesh): number {
  const p = mesh.positions;
  const idx = mesh.indices;
  let area = 0;
  for (let t = 0; t < idx.length; t += 3) {
    const a = idx[t] * 3, b = idx[t + 1] * 3, c = idx[t + 2] * 3;
    const e1x = p[b] - p[a], e1y = p[b + 1] - p[a + 1], e1z = p[b + 2] - p[a + 2];
    const e2x = p[c] - p[a], e2y = p[c + 1] - p[a + 1], e2z = p[c + 2] - p[a + 2];
    area += 0.5 * Math.hypot(e1y * e2z - e1z * e2y, e1z * e2x - e1x * e2z, e1x * e2y - e1y * e2x);
  }
  return area;
}

/**
 * Returns a copy of the mesh with positions transformed by `m` and normals by its inverse
 * transpose (so non-uniform scales keep normals perpendicular to the surface). A transform with a
 * negative determinant flips the winding so that front faces stay front faces.
 */
export function transformMesh(mesh: Mesh, m: Mat4): Mesh {
  const p = mesh.positions;
  const out = new Float32Array(p.length);
  for (let i = 0; i < p.length; i += 3) {
    const x = p[i], y = p[i + 1], z = p[i + 2];
    out[i] = m[0] * x + m[4] * y + m[8] * z + m[12];
    out[i + 1] = m[1] * x + m[5] * y + m[9] * z + m[13];
    out[i + 2] = m[2] * x + m[6] * y + m[10] * z + m[14];
  }
  const det =
    m[0] * (m[5] * m[10] - m[9] * m[6]) - m[4] * (m[1] * m[10] - m[9] * m[2]) + m[8] * (m[1] * m[6] - m[5] * m[2]);
  let indices = mesh.indices;
  if (det < 0) {
    indices = indices.slice();
    for (let t = 0; t < indices.length; t += 3) {
      const tmp = indices[t + 1];
      indices[t + 1] = indices[t + 2];
      indices[t + 2] = tmp;
    }
  }
  const result: Mesh = { ...mesh, positions: out, indices };
  if (mesh.normals) {
    // b×c, c×a, a×b (a, b, c: the columns of the 3×3 part): det · inverse transpose, by columns.
    const c = [
      m[5] * m[10] - m[6] * m[9], m[6] * m[8] - m[4] * m[10], m[4] * m[9] - m[5] * m[8],
      m[2] * m[9] - m[1] * m[10], m[0] * m[10] - m[2] * m[8], m[1] * m[8] - m[0] * m[9],
      m[1] * m[6] - m[2] * m[5], m[2] * m[4] - m[0] * m[6], m[0] * m[5] - m[1] * m[4],
    ];
    const n = mesh.normals;
    const nout = new Float32Array(n.length);
    const s = det < 0 ? -1 : 1;
    // n' = x·(b×c) + y·(c×a) + z·(a×b) for columns a, b, c: the cofactor matrix applied to n.
    for (let i = 0; i < n.length; i += 3) {
      const x = n[i], y = n[i + 1], z = n[i + 2];
      const nx = (c[0] * x + c[3] * y + c[6] * z) * s;
      const ny = (c[1] * x + c[4] * y + c[7] * z) * s;
      const nz = (c[2] * x + c[5] * y + c[8] * z) * s;
      const l = Math.hypot(nx, ny, nz) || 1;
      nout[i] = nx / l;
      nout[i + 1] = ny / l;
      nout[i + 2] = nz / l;
    }
    result.normals = nout;
  }
  return result;
}

/**
 * Merges vertices that have identical position and identical attributes (to float precision), so a
 * triangle soup (STL, per-corner OBJ) becomes a connected mesh. Attributes are compared too, so a UV
 * seam stays a seam. Returns a new mesh.
 */
export function weldVertices(mesh: Mesh): Mesh {
  const n = vertexCount(mesh);
  const keyOf = (i: number): string => {
    let k = `${mesh.positions[i * 3]},${mesh.positions[i * 3 + 1]},${mesh.positions[i * 3 + 2]}`;
    if (mesh.uvs) k += `|${mesh.uvs[i * 2]},${mesh.uvs[i * 2 + 1]}`;
    if (mesh.normals) k += `|${mesh.normals[i * 3]},${mesh.normals[i * 3 + 1]},${mesh.normals[i * 3 + 2]}`;
    if (mesh.colors) k += `|${mesh.colors[i * 4]},${mesh.colors[i * 4 + 1]},${mesh.colors[i * 4 + 2]},${mesh.colors[i * 4 + 3]}`;
    return k;
  };
  const remap = new Uint32Array(n);
  const first: number[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const k = keyOf(i);
    let j = seen.get(k);
    if (j === undefined) {
      j = first.length;
      seen.set(k, j);
      first.push(i);
    }
    remap[i] = j;
  }
  const gather = (src: Float32Array | undefined, size: number): Float32Array | undefined => {
    if (!src) return undefined;
    const out = new Float32Array(first.length * size);
    first.forEach((i, j) => {
      for (let k = 0; k < size; k++) out[j * size + k] = src[i * size + k];
    });
    return out;
  };
  const result: Mesh = {
    positions: gather(mesh.positions, 3)!,
    indices: mesh.indices.map((i) => remap[i]),
    material: mesh.material,
  };
  if (mesh.groups) result.groups = mesh.groups; // welding keeps every triangle in place
  const normals = gather(mesh.normals, 3);
  const uvs = gather(mesh.uvs, 2);
  const colors = gather(mesh.colors, 4);
  if (normals) result.normals = normals;
  if (uvs) result.uvs = uvs;
  if (colors) result.colors = colors;
  return result;
}
