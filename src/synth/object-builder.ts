import type { Mesh } from '../geometry/mesh.js';
import { paintAtlas } from './materials.js';
import type { Appearance } from './palette.js';
import { place, type Geometry, type Placement } from './shapes.js';

/**
 * Collects the parts of one procedural object, each tagged with an appearance slot, and merges them
 * into a single textured mesh: every slot's material is painted into one tile of a texture atlas and
 * each part's UVs are remapped into its slot's tile (inset by a margin, so bilinear sampling never
 * reads a neighbouring tile). One mesh with one texture is what the renderer and the GLB exporter
 * take, and it is exactly how a generated asset looks too.
 */
export class ObjectBuilder {
  private readonly parts: Array<{ geometry: Geometry; slot: number }> = [];

  /** Adds a part (placed by `placement`, if given) painted with appearance slot `slot`. */
  add(geometry: Geometry, slot: number, placement?: Placement): this {
    this.parts.push({ geometry: placement ? place(geometry, placement) : geometry, slot });
    return this;
  }

  /** Adds the same part mirrored to ±x (legs, wheels, arms): `at[0]` is the +x position. */
  addMirrored(geometry: Geometry, slot: number, placement: Placement & { at: [number, number, number] }): this {
    const [x, y, z] = placement.at;
    this.add(geometry, slot, { ...placement, at: [x, y, z] });
    const r = placement.rotate;
    return this.add(geometry, slot, { ...placement, at: [-x, y, z], rotate: r ? [r[0], -r[1], -r[2]] : undefined });
  }

  get partCount(): number {
    return this.parts.length;
  }

  /** Merges the parts into one mesh textured by an atlas of `tile`-pixel material tiles. */
  build(appearances: Appearance[], options: { tile?: number; variant?: number } = {}): Mesh {
    const tile = options.tile ?? 64;
    const columns = Math.ceil(Math.sqrt(appearances.length));
    const rows = Math.ceil(appearances.length / columns);
    const atlas = paintAtlas(appearances, tile, columns, options.variant ?? 0);
    const nv = this.parts.reduce((s, p) => s + p.geometry.positions.length / 3, 0);
    const ni = this.parts.reduce((s, p) => s + p.geometry.indices.length, 0);
    const positions = new Float32Array(nv * 3);
    const normals = new Float32Array(nv * 3);
    const uvs = new Float32Array(nv * 2);
    const indices = new Uint32Array(ni);
    const margin = 1.5 / tile;
    let v0 = 0, i0 = 0;
    for (const { geometry: g, slot } of this.parts) {
      if (slot < 0 || slot >= appearances.length) throw new Error(`ObjectBuilder.build: part uses slot ${slot}, but only ${appearances.length} appearances were given`);
      const n = g.positions.length / 3;
      positions.set(g.positions, v0 * 3);
      if (g.normals) normals.set(g.normals, v0 * 3);
      const tu = (slot % columns) / columns, tv = Math.floor(slot / columns) / rows;
      const su = 1 / columns, sv = 1 / rows;
      for (let k = 0; k < n; k++) {
        const u = g.uvs ? g.uvs[k * 2] : 0.5, v = g.uvs ? g.uvs[k * 2 + 1] : 0.5;
        uvs[(v0 + k) * 2] = tu + su * (margin + (1 - 2 * margin) * clamp01(u));
        uvs[(v0 + k) * 2 + 1] = tv + sv * (margin + (1 - 2 * margin) * clamp01(v));
      }
      for (let k = 0; k < g.indices.length; k++) indices[i0 + k] = g.indices[k] + v0;
      v0 += n;
      i0 += g.indices.length;
    }
    return { positions, normals, uvs, indices, material: { name: 'atlas', baseColor: [1, 1, 1, 1], baseColorTexture: atlas } };
  }
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
