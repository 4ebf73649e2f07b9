import * as watlas from 'watlas';
import { KilnError } from '../core/errors.js';
import { surfaceArea, type Mesh } from '../geometry/mesh.js';

let ready: Promise<void> | undefined;

export interface UvAtlasOptions {
  /** Atlas size in texels (square). */
  size: number;
  /** Texels of empty space between charts, so filtering and mip-maps do not mix neighbours. */
  padding: number;
  /**
   * Largest chart, as a fraction of the surface area. Capping chart growth, and skipping xatlas's
   * chart-merging iterations, is what makes it fast on reconstructed meshes (7.6 s → 0.8 s for 20k
   * faces here), at the price of more seams, which the baker's blending and padding hide.
   */
  maxChartFraction: number;
}

export const UV_ATLAS_DEFAULTS: UvAtlasOptions = { size: 1024, padding: 4, maxChartFraction: 1 / 150 };

/**
 * Unwraps a mesh into one UV atlas with xatlas (through watlas): segments it into charts,
 * parameterises and packs them. Vertices on chart seams are split, so the result has more vertices
 * than the input; positions and normals follow. UVs use glTF's convention (origin top-left, [0, 1]).
 */
export async function unwrapUvAtlas(mesh: Mesh, options: Partial<UvAtlasOptions> = {}): Promise<Mesh> {
  const o = { ...UV_ATLAS_DEFAULTS, ...options };
  ready ??= watlas.Initialize();
  await ready;
  const atlas = new watlas.Atlas();
  try {
    atlas.addMesh({
      vertexPositionData: mesh.positions,
      vertexCount: mesh.positions.length / 3,
      vertexPositionStride: 12,
      ...(mesh.normals ? { vertexNormalData: mesh.normals, vertexNormalStride: 12 } : {}),
      indexData: mesh.indices,
      indexCount: mesh.indices.length,
    });
    atlas.generate({ maxChartArea: surfaceArea(mesh) * o.maxChartFraction, maxIterations: 0 }, { resolution: o.size, padding: o.padding, bilinear: true });
    if (atlas.atlasCount !== 1) throw new KilnError('INTERNAL', `unwrapUvAtlas: charts did not fit one atlas (${atlas.atlasCount})`);
    const out = atlas.getMesh(0);
    const n = out.vertexCount;
    const indices = new Uint32Array(out.indexCount);
    out.getIndexArray(indices);
    const positions = new Float32Array(n * 3);
    const normals = mesh.normals ? new Float32Array(n * 3) : undefined;
    const uvs = new Float32Array(n * 2);
    const w = atlas.width, h = atlas.height;
    for (let i = 0; i < n; i++) {
      const v = out.getVertex(i);
      const src = v.xref;
      positions.set(mesh.positions.subarray(src * 3, src * 3 + 3), i * 3);
      if (normals) normals.set(mesh.normals!.subarray(src * 3, src * 3 + 3), i * 3);
      uvs[i * 2] = v.uv[0] / w;
      uvs[i * 2 + 1] = v.uv[1] / h;
    }
    const result: Mesh = { positions, indices, uvs, material: mesh.material };
    if (normals) result.normals = normals;
    return result;
  } finally {
    atlas.delete();
  }
}
