import { createLogger } from '../core/logger.js';
import { DEFAULT_MATERIAL, type Material, type Mesh } from '../geometry/mesh.js';

const log = createLogger('io');

/** One drawable piece of a file (a glTF primitive, an OBJ material group) before merging. */
export interface MeshPart {
  positions: Float32Array;
  indices: Uint32Array;
  normals?: Float32Array;
  uvs?: Float32Array;
  colors?: Float32Array;
  material: Material;
}

/**
 * Concatenates parts into one {@link Mesh}. Kiln's mesh has one material, so when parts differ in
 * material each part's base colour is baked into vertex colours; a texture survives only if it is
 * the single texture of the file (otherwise it is dropped with a warning, since parts would sample
 * one another's texture). Attributes that only some parts have are filled with neutral values.
 */
export function mergeParts(parts: MeshPart[], operation: string): Mesh {
  const used = parts.filter((p) => p.indices.length > 0);
  if (used.length === 0) throw new Error(`${operation}: the file contains no triangles`);
  const materials = [...new Set(used.map((p) => p.material))];
  const textures = [...new Set(materials.map((m) => m.baseColorTexture).filter((t) => t !== undefined))];
  const sameMaterial = materials.length === 1;
  if (!sameMaterial && textures.length > 1) {
    log.warn({ operation, textures: textures.length }, 'several textures in one file: keeping base colours only');
  }
  const keepTexture = textures.length === 1 && (sameMaterial || used.every((p) => p.material.baseColorTexture === textures[0] || !p.uvs));
  const hasNormals = used.every((p) => p.normals);
  const hasUvs = used.some((p) => p.uvs);
  const hasColors = !sameMaterial || used.some((p) => p.colors);

  const nv = used.reduce((s, p) => s + p.positions.length / 3, 0);
  const ni = used.reduce((s, p) => s + p.indices.length, 0);
  const positions = new Float32Array(nv * 3);
  const indices = new Uint32Array(ni);
  const normals = hasNormals ? new Float32Array(nv * 3) : undefined;
  const uvs = hasUvs ? new Float32Array(nv * 2) : undefined;
  const colors = hasColors ? new Float32Array(nv * 4).fill(1) : undefined;

  let vo = 0;
  let io = 0;
  for (const p of used) {
    const n = p.positions.length / 3;
    positions.set(p.positions, vo * 3);
    for (let i = 0; i < p.indices.length; i++) indices[io + i] = p.indices[i] + vo;
    if (normals && p.normals) normals.set(p.normals, vo * 3);
    if (uvs && p.uvs) uvs.set(p.uvs, vo * 2);
    if (colors) {
      const f = sameMaterial ? [1, 1, 1, 1] : p.material.baseColor;
      for (let v = 0; v < n; v++) {
        for (let k = 0; k < 4; k++) colors[(vo + v) * 4 + k] = (p.colors ? p.colors[v * 4 + k] : 1) * f[k];
      }
    }
    vo += n;
    io += p.indices.length;
  }

  const material: Material = sameMaterial
    ? materials[0]
    : { ...DEFAULT_MATERIAL, baseColor: [1, 1, 1, 1], baseColorTexture: keepTexture ? textures[0] : undefined };
  if (!keepTexture) delete material.baseColorTexture;
  const mesh: Mesh = { positions, indices, material };
  if (normals) mesh.normals = normals;
  if (uvs) mesh.uvs = uvs;
  if (colors) mesh.colors = colors;
  return mesh;
}
