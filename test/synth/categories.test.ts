import { describe, expect, it } from '@jest/globals';
import { CATEGORIES } from '../../src/synth/categories.js';
import { generateObject } from '../../src/synth/generate-object.js';
import { computeBounds, signedVolume, validateMesh, type Mesh } from '../../src/geometry/mesh.js';
import { PALETTE } from '../../src/synth/palette.js';

/** Edges used by exactly one triangle, after welding vertices by position (degenerate triangles skipped). */
function boundaryEdgeFraction(mesh: Mesh): number {
  const key = new Map<string, number>();
  const id = (v: number) => {
    const p = mesh.positions;
    const k = `${Math.round(p[v * 3] * 1e5)},${Math.round(p[v * 3 + 1] * 1e5)},${Math.round(p[v * 3 + 2] * 1e5)}`;
    let i = key.get(k);
    if (i === undefined) key.set(k, (i = key.size));
    return i;
  };
  const edges = new Map<string, number>();
  for (let t = 0; t < mesh.indices.length; t += 3) {
    const a = id(mesh.indices[t]), b = id(mesh.indices[t + 1]), c = id(mesh.indices[t + 2]);
    if (a === b || b === c || a === c) continue;
    for (const [u, v] of [[a, b], [b, c], [c, a]]) {
      const e = u < v ? `${u}:${v}` : `${v}:${u}`;
      edges.set(e, (edges.get(e) ?? 0) + 1);
    }
  }
  let open = 0;
  for (const n of edges.values()) if (n === 1) open++;
  return open / Math.max(1, edges.size);
}

describe('procedural categories', () => {
  it('has at least 24 categories and a palette of at least 12 colours', () => {
    expect(CATEGORIES.length).toBeGreaterThanOrEqual(24);
    expect(new Set(CATEGORIES.map((c) => c.name)).size).toBe(CATEGORIES.length);
    expect(PALETTE.length).toBeGreaterThanOrEqual(12);
  });

  it.each(CATEGORIES.map((c) => c.name))('%s builds valid, closed, outward, normalised meshes across 100 draws', (name: string) => {
    const shapes = new Set<string>();
    const aspects: number[] = [];
    for (let i = 0; i < 100; i++) {
      const o = generateObject(1000 + i, { category: name, tile: 4 });
      expect(o.category).toBe(name);
      validateMesh(o.mesh, name);
      expect(o.mesh.uvs && o.mesh.normals && o.mesh.material.baseColorTexture).toBeTruthy();
      const b = computeBounds(o.mesh);
      const sides = [0, 1, 2].map((k) => b.max[k] - b.min[k]);
      expect(Math.max(...sides)).toBeCloseTo(1, 4);
      expect(Math.min(...sides)).toBeGreaterThan(0.05);
      expect(boundaryEdgeFraction(o.mesh)).toBeLessThan(0.005);
      expect(signedVolume(o.mesh)).toBeGreaterThan(0);
      const p = o.mesh.positions;
      let checksum = 0;
      for (let k = 0; k < p.length; k++) checksum += p[k] * ((k % 7) + 1);
      shapes.add(`${p.length}:${checksum.toFixed(3)}`);
      aspects.push(sides[1] / Math.max(sides[0], sides[2]));
    }
    // Wide variation: no two of a hundred draws alike, and proportions that really differ.
    expect(shapes.size).toBeGreaterThan(97);
    expect(Math.max(...aspects) / Math.min(...aspects)).toBeGreaterThan(1.15);
  });
});
