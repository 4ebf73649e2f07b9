import { meshMaterials, type MaterialGroup, type Mesh } from './mesh.js';

/** Opacity below which a material counts as see-through (glass, water, veils). */
export const TRANSPARENT_BELOW = 0.9;

/**
 * The mesh without its see-through material groups (opacity factor below `threshold`), or
 * undefined when nothing opaque is left. Kiln's renderer draws surfaces opaque; dropping glass
 * keeps a window pane or a vitrine's front from hiding what is behind it, and the same mesh is
 * the ground truth its renders are compared with. Vertices are kept (unreferenced ones are inert).
 */
export function removeTransparent(mesh: Mesh, threshold = TRANSPARENT_BELOW): Mesh | undefined {
  const groups: MaterialGroup[] = mesh.groups ?? [{ start: 0, count: mesh.indices.length / 3, material: mesh.material }];
  const kept = groups.filter((g) => g.material.baseColor[3] >= threshold && g.count > 0);
  if (kept.length === groups.length) return mesh;
  if (kept.length === 0) return undefined;
  const indices = new Uint32Array(kept.reduce((n, g) => n + g.count * 3, 0));
  const out: MaterialGroup[] = [];
  let at = 0;
  for (const g of kept) {
    indices.set(mesh.indices.subarray(g.start * 3, (g.start + g.count) * 3), at * 3);
    out.push({ start: at, count: g.count, material: g.material });
    at += g.count;
  }
  const { groups: _old, ...rest } = mesh;
  const result: Mesh = { ...rest, indices, material: out[0].material };
  if (meshMaterials({ ...result, groups: out }).materials.length > 1) result.groups = out;
  return result;
}
