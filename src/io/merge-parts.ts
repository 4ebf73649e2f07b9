import type { MaterialGroup, Mesh } from '../geometry/mesh.js';

/** One drawable piece of a file (a glTF primitive, an OBJ material group) before merging: a one-material mesh. */
export type MeshPart = Omit<Mesh, 'groups'>;

/**
 * Concatenates parts into one {@link Mesh}, keeping every part's material: parts become material
 * groups (neighbouring parts with the same material share one), so each keeps its own colour,
 * texture and opacity. Attributes that only some parts have are filled with neutral values
 * (UV 0, colour white); normals are kept only when every part has them.
 */
export function mergeParts(parts: MeshPart[], operation: string): Mesh {
  const used = parts.filter((p) => p.indices.length > 0);
  if (used.length === 0) throw new Error(`${operation}: the file contains no triangles`);
  const hasNormals = used.every((p) => p.normals);
  const hasUvs = used.some((p) => p.uvs);
  const hasColors = used.some((p) => p.colors);

  const nv = used.reduce((s, p) => s + p.positions.length / 3, 0);
  const ni = used.reduce((s, p) => s + p.indices.length, 0);
  const positions = new Float32Array(nv * 3);
  const indices = new Uint32Array(ni);
  const normals = hasNormals ? new Float32Array(nv * 3) : undefined;
  const uvs = hasUvs ? new Float32Array(nv * 2) : undefined;
  const colors = hasColors ? new Float32Array(nv * 4).fill(1) : undefined;
  const groups: MaterialGroup[] = [];

  let vo = 0;
  let io = 0;
  for (const p of used) {
    positions.set(p.positions, vo * 3);
    for (let i = 0; i < p.indices.length; i++) indices[io + i] = p.indices[i] + vo;
    if (normals && p.normals) normals.set(p.normals, vo * 3);
    if (uvs && p.uvs) uvs.set(p.uvs, vo * 2);
    if (colors && p.colors) colors.set(p.colors, vo * 4);
    const last = groups.at(-1);
    if (last && last.material === p.material) last.count += p.indices.length / 3;
    else groups.push({ start: io / 3, count: p.indices.length / 3, material: p.material });
    vo += p.positions.length / 3;
    io += p.indices.length;
  }

  const mesh: Mesh = { positions, indices, material: groups[0].material };
  if (new Set(groups.map((g) => g.material)).size > 1) mesh.groups = groups;
  if (normals) mesh.normals = normals;
  if (uvs) mesh.uvs = uvs;
  if (colors) mesh.colors = colors;
  return mesh;
}
