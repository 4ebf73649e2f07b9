import type { Material, Mesh } from './mesh.js';
import { DEFAULT_MATERIAL } from './mesh.js';

/**
 * Parametric primitives with normals and UVs, built on typed arrays. Tests, benchmarks and the
 * procedural corpus build their shapes from these. All wind counter-clockwise seen from outside.
 */
function material(m?: Partial<Material>): Material {
  return { ...DEFAULT_MATERIAL, baseColor: [...DEFAULT_MATERIAL.baseColor], ...m };
}

/**
 * A UV sphere centred at the origin: `segments` around the Y axis, `rings` from pole to pole,
 * 2·segments·(rings − 1) triangles. u runs with longitude from the +Z side, v from top (0) to bottom (1).
 */
export function uvSphere(radius = 1, segments = 32, rings = 16, mat?: Partial<Material>): Mesh {
  const nv = (segments + 1) * (rings + 1);
  const positions = new Float32Array(nv * 3);
  const normals = new Float32Array(nv * 3);
  const uvs = new Float32Array(nv * 2);
  let v = 0;
  for (let r = 0; r <= rings; r++) {
    const theta = (r / rings) * Math.PI;
    for (let s = 0; s <= segments; s++, v++) {
      const phi = (s / segments) * 2 * Math.PI;
      const x = Math.sin(theta) * Math.sin(phi);
      const y = Math.cos(theta);
      const z = Math.sin(theta) * Math.cos(phi);
      normals.set([x, y, z], v * 3);
      positions.set([x * radius, y * radius, z * radius], v * 3);
      uvs.set([s / segments, r / rings], v * 2);
    }
  }
  const indices: number[] = [];
  for (let r = 0; r < rings; r++) {
    for (let s = 0; s < segments; s++) {
      const a = r * (segments + 1) + s;
      const b = a + segments + 1;
      if (r > 0) indices.push(a, b, a + 1);
      if (r < rings - 1) indices.push(a + 1, b, b + 1);
    }
  }
  return { positions, normals, uvs, indices: Uint32Array.from(indices), material: material(mat) };
}

/**
 * An axis-aligned box centred at the origin with the given full sizes; 24 vertices (flat normals,
 * each face with the full [0, 1]² UV square), 12 triangles.
 */
export function box(sx = 1, sy = 1, sz = 1, mat?: Partial<Material>): Mesh {
  const hx = sx / 2, hy = sy / 2, hz = sz / 2;
  // Each face: normal, and the in-plane axes u (right) and v (up) seen from outside.
  const faces: [number[], number[], number[]][] = [
    [[1, 0, 0], [0, 0, -1], [0, 1, 0]],
    [[-1, 0, 0], [0, 0, 1], [0, 1, 0]],
    [[0, 1, 0], [1, 0, 0], [0, 0, -1]],
    [[0, -1, 0], [1, 0, 0], [0, 0, 1]],
    [[0, 0, 1], [1, 0, 0], [0, 1, 0]],
    [[0, 0, -1], [-1, 0, 0], [0, 1, 0]],
  ];
  const positions = new Float32Array(24 * 3);
  const normals = new Float32Array(24 * 3);
  const uvs = new Float32Array(24 * 2);
  const indices = new Uint32Array(36);
  const h = [hx, hy, hz];
  faces.forEach(([n, u, w], f) => {
    const corners = [[-1, -1], [1, -1], [1, 1], [-1, 1]];
    corners.forEach(([cu, cw], k) => {
      const vi = f * 4 + k;
      for (let a = 0; a < 3; a++) {
        positions[vi * 3 + a] = (n[a] + u[a] * cu + w[a] * cw) * h[a];
        normals[vi * 3 + a] = n[a];
      }
      uvs[vi * 2] = (cu + 1) / 2;
      uvs[vi * 2 + 1] = (1 - cw) / 2;
    });
    indices.set([f * 4, f * 4 + 1, f * 4 + 2, f * 4, f * 4 + 2, f * 4 + 3], f * 6);
  });
  return { positions, normals, uvs, indices, material: material(mat) };
}

/**
 * A rectangle in the XY plane facing +Z, centred at the origin, split into `divisions`² quads.
 * UV (0, 0) is its top-left corner (−x, +y), as glTF samples textures.
 */
export function plane(width = 1, height = 1, divisions = 1, mat?: Partial<Material>): Mesh {
  const n = divisions + 1;
  const positions = new Float32Array(n * n * 3);
  const normals = new Float32Array(n * n * 3);
  const uvs = new Float32Array(n * n * 2);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const k = j * n + i;
      const u = i / divisions, v = j / divisions;
      positions.set([(u - 0.5) * width, (0.5 - v) * height, 0], k * 3);
      normals.set([0, 0, 1], k * 3);
      uvs.set([u, v], k * 2);
    }
  }
  const indices: number[] = [];
  for (let j = 0; j < divisions; j++) {
    for (let i = 0; i < divisions; i++) {
      const a = j * n + i;
      indices.push(a, a + n, a + 1, a + 1, a + n, a + n + 1);
    }
  }
  return { positions, normals, uvs, indices: Uint32Array.from(indices), material: material(mat) };
}

/** A torus around the Y axis: major radius R, tube radius r. */
export function torus(R = 0.35, r = 0.15, segments = 48, tube = 24, mat?: Partial<Material>): Mesh {
  const nv = (segments + 1) * (tube + 1);
  const positions = new Float32Array(nv * 3);
  const normals = new Float32Array(nv * 3);
  const uvs = new Float32Array(nv * 2);
  let v = 0;
  for (let i = 0; i <= segments; i++) {
    const a = (i / segments) * 2 * Math.PI;
    for (let j = 0; j <= tube; j++, v++) {
      const b = (j / tube) * 2 * Math.PI;
      const nx = Math.cos(b) * Math.sin(a), ny = Math.sin(b), nz = Math.cos(b) * Math.cos(a);
      normals.set([nx, ny, nz], v * 3);
      positions.set([R * Math.sin(a) + r * nx, r * ny, R * Math.cos(a) + r * nz], v * 3);
      uvs.set([i / segments, j / tube], v * 2);
    }
  }
  const indices: number[] = [];
  for (let i = 0; i < segments; i++) {
    for (let j = 0; j < tube; j++) {
      const a = i * (tube + 1) + j;
      const b = a + tube + 1;
      indices.push(a, b, a + 1, a + 1, b, b + 1);
    }
  }
  return { positions, normals, uvs, indices: Uint32Array.from(indices), material: material(mat) };
}
