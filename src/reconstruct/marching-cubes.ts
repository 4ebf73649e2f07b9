import { throwIfAborted } from '../core/progress.js';
import { KilnError } from '../core/errors.js';
import type { Mesh } from '../geometry/mesh.js';
import { DEFAULT_MATERIAL } from '../geometry/mesh.js';

/**
 * Marching cubes over a scalar grid, table-driven.
 *
 * The triangle table is not typed in by hand: it is generated once, at load, by walking the six
 * faces of the cube for each of the 256 corner configurations. On each face, the edges whose
 * corners disagree are joined by segments; on an ambiguous face (diagonal corners inside) the
 * inside corners are always separated. Because that choice depends only on the face's own four
 * corners, the two cells that share a face always agree, so the surface is watertight (no cracks,
 * unlike the classic table's ambiguous cases). Segments are oriented, chained into loops and
 * fanned into triangles whose normals point from inside (value < iso) to outside.
 *
 * Vertices are shared between cells (one per crossed grid edge), so the output is welded.
 */

// Corner i of a cell sits at (i & 1, (i >> 1) & 1, (i >> 2) & 1).
const EDGES: [number, number][] = [];
for (let a = 0; a < 8; a++) for (const bit of [1, 2, 4]) if (!(a & bit)) EDGES.push([a, a | bit]);
const edgeIndex = (a: number, b: number) => EDGES.findIndex(([p, q]) => (p === a && q === b) || (p === b && q === a));

// The six faces, each as four corners in counter-clockwise order seen from outside the cell.
const FACES: number[][] = [
  [0, 2, 6, 4], // x = 0, outward −x
  [1, 5, 7, 3], // x = 1, outward +x
  [0, 4, 5, 1], // y = 0, outward −y
  [2, 3, 7, 6], // y = 1, outward +y
  [0, 1, 3, 2], // z = 0, outward −z
  [4, 6, 7, 5], // z = 1, outward +z
];

function onCommonFace(e1: number, e2: number): boolean {
  const corners = [...EDGES[e1], ...EDGES[e2]];
  return FACES.some((f) => corners.every((c) => f.includes(c)));
}

/** TRIANGLES[c] lists edge triples for configuration c (bit i set = corner i inside). */
const TRIANGLES: Int8Array[] = buildTable();

function buildTable(): Int8Array[] {
  const table: Int8Array[] = [];
  for (let c = 0; c < 256; c++) {
    const inside = (k: number) => (c >> k) & 1;
    // Directed segments next[from edge] = to edge. Walking a face CCW (seen from outside), a
    // segment runs from the edge where we leave the inside to the edge where we enter it again,
    // which keeps the inside region on one consistent side of every loop.
    const next = new Map<number, number>();
    for (const f of FACES) {
      const crossings: { edge: number; entering: boolean }[] = [];
      for (let k = 0; k < 4; k++) {
        const a = f[k], b = f[(k + 1) % 4];
        if (inside(a) !== inside(b)) crossings.push({ edge: edgeIndex(a, b), entering: !inside(a) });
      }
      // Each "leaving" crossing is joined to the next "entering" crossing in CCW order. With four
      // crossings this cuts off each inside corner separately: the ambiguity rule.
      for (let i = 0; i < crossings.length; i++) {
        if (crossings[i].entering) continue;
        const to = crossings[(i + 1) % crossings.length];
        next.set(crossings[i].edge, to.edge);
      }
    }
    const tris: number[] = [];
    const used = new Set<number>();
    for (const start of next.keys()) {
      if (used.has(start)) continue;
      const loop: number[] = [];
      for (let e = start; !used.has(e); e = next.get(e)!) {
        used.add(e);
        loop.push(e);
      }
      // Fan from an apex whose diagonals never join two crossings of one face: such a chord lies
      // in the face, where the neighbouring cell may draw the same chord, and the two surfaces
      // would then meet along it (a non-manifold edge).
      const k = loop.length;
      let apex = 0;
      for (let r = 0; r < k; r++) {
        let ok = true;
        for (let i = 2; i < k - 1 && ok; i++) ok = !onCommonFace(loop[r], loop[(r + i) % k]);
        if (ok) {
          apex = r;
          break;
        }
      }
      for (let i = 1; i + 1 < k; i++) tris.push(loop[apex], loop[(apex + i) % k], loop[(apex + i + 1) % k]);
    }
    table.push(Int8Array.from(tris));
  }
  return table;
}

export interface MarchingCubesOptions {
  /** The surface is where the field equals this value; values below it are inside. */
  iso: number;
  /** World position of grid point (0, 0, 0). */
  origin: [number, number, number];
  /** World distance between neighbouring grid points. */
  spacing: number;
  signal?: AbortSignal;
}

export const MARCHING_CUBES_DEFAULTS: MarchingCubesOptions = { iso: 0, origin: [0, 0, 0], spacing: 1 };

/**
 * Extracts the iso-surface of a scalar field sampled on an nx × ny × nz grid (x fastest:
 * `field[x + nx·(y + ny·z)]`). Non-finite values count as outside. Returns a welded mesh with
 * outward (towards larger values) counter-clockwise triangles, no normals.
 */
export function marchingCubes(field: Float32Array, dims: [number, number, number], options: Partial<MarchingCubesOptions> = {}): Mesh {
  const o = { ...MARCHING_CUBES_DEFAULTS, ...options };
  const [nx, ny, nz] = dims;
  if (field.length !== nx * ny * nz) throw new KilnError('INVALID_INPUT', `marchingCubes: field has ${field.length} values, expected ${nx}×${ny}×${nz}`);
  const iso = o.iso;
  const value = (i: number) => {
    const v = field[i];
    return Number.isFinite(v) ? v : iso + 1;
  };
  // One output vertex per crossed grid edge: edgeVertex[3·gridIndex + axis].
  const edgeVertex = new Int32Array(nx * ny * nz * 3).fill(-1);
  const positions: number[] = [];
  const indices: number[] = [];
  const sx = 1, sy = nx, sz = nx * ny;
  const cornerOffset = [0, sx, sy, sx + sy, sz, sx + sz, sy + sz, sx + sy + sz];
  const [ox, oy, oz] = o.origin;
  const h = o.spacing;

  const vertexOn = (edge: number, base: number, x: number, y: number, z: number): number => {
    const [a, b] = EDGES[edge];
    const ia = base + cornerOffset[a];
    const ib = base + cornerOffset[b];
    const axis = b - a === 1 ? 0 : b - a === 2 ? 1 : 2;
    const key = ia * 3 + axis;
    let v = edgeVertex[key];
    if (v >= 0) return v;
    const va = value(ia), vb = value(ib);
    const t = va === vb ? 0.5 : (iso - va) / (vb - va);
    const ax = x + (a & 1), ay = y + ((a >> 1) & 1), az = z + ((a >> 2) & 1);
    v = positions.length / 3;
    positions.push(
      ox + (ax + (axis === 0 ? t : 0)) * h,
      oy + (ay + (axis === 1 ? t : 0)) * h,
      oz + (az + (axis === 2 ? t : 0)) * h,
    );
    edgeVertex[key] = v;
    return v;
  };

  for (let z = 0; z < nz - 1; z++) {
    throwIfAborted(o.signal, 'marchingCubes');
    for (let y = 0; y < ny - 1; y++) {
      for (let x = 0; x < nx - 1; x++) {
        const base = x + nx * (y + ny * z);
        let c = 0;
        for (let k = 0; k < 8; k++) if (value(base + cornerOffset[k]) < iso) c |= 1 << k;
        if (c === 0 || c === 255) continue;
        const tris = TRIANGLES[c];
        for (let i = 0; i < tris.length; i++) indices.push(vertexOn(tris[i], base, x, y, z));
      }
    }
  }
  return {
    positions: Float32Array.from(positions),
    indices: Uint32Array.from(indices),
    material: { ...DEFAULT_MATERIAL, baseColor: [...DEFAULT_MATERIAL.baseColor] },
  };
}
