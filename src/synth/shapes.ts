import { fromRotationX, fromRotationY, fromRotationZ, fromScale, fromTranslation, multiply, type Mat4, type Vec3 } from '../geometry/mat4.js';
import { computeVertexNormals, DEFAULT_MATERIAL, signedVolume, transformMesh, type Mesh } from '../geometry/mesh.js';
import { box, uvSphere, torus as torusMesh } from '../geometry/primitives.js';

/**
 * Closed building blocks for the procedural corpus: every function returns a watertight part
 * (when its vertices are welded by position) with normals, UVs in [0, 1]² and outward winding, so
 * that objects assembled from them render correctly from any side and their ground-truth meshes
 * are fit for Chamfer and F-score.
 */
export type Geometry = Mesh;

const TAU = Math.PI * 2;

function geometry(positions: ArrayLike<number>, indices: ArrayLike<number>, uvs: ArrayLike<number>, normals?: ArrayLike<number>): Geometry {
  const mesh: Mesh = {
    positions: Float32Array.from(positions),
    indices: Uint32Array.from(indices),
    uvs: Float32Array.from(uvs),
    material: { ...DEFAULT_MATERIAL, baseColor: [...DEFAULT_MATERIAL.baseColor] },
  };
  mesh.normals = normals ? Float32Array.from(normals) : computeVertexNormals(mesh);
  return mesh;
}

/** Flips the winding (and normals) of a closed part whose signed volume is negative. */
function orientOutward(mesh: Geometry): Geometry {
  if (signedVolume(mesh) >= 0) return mesh;
  const indices = mesh.indices.slice();
  for (let t = 0; t < indices.length; t += 3) {
    const tmp = indices[t + 1];
    indices[t + 1] = indices[t + 2];
    indices[t + 2] = tmp;
  }
  const normals = mesh.normals ? mesh.normals.map((x) => -x) : undefined;
  return { ...mesh, indices, normals };
}

/**
 * A surface of revolution around +Y from a profile of (radius, height) points, bottom to top.
 * Ends with a radius above zero get flat caps, so a profile that goes up the outside, over a rim and
 * down the inside to the axis makes a closed vessel with a real cavity. Normals follow the profile
 * (smooth), caps have their own flat normals.
 */
export function lathe(profile: Array<[number, number]>, segments = 24): Geometry {
  const n = profile.length;
  const positions: number[] = [];
  const normals: number[] = [];
  const uvs: number[] = [];
  const indices: number[] = [];
  const arc = [0];
  for (let i = 1; i < n; i++) arc.push(arc[i - 1] + Math.hypot(profile[i][0] - profile[i - 1][0], profile[i][1] - profile[i - 1][1]));
  const total = arc[n - 1] || 1;
  for (let i = 0; i < n; i++) {
    const prev = profile[Math.max(0, i - 1)];
    const next = profile[Math.min(n - 1, i + 1)];
    let nr = next[1] - prev[1];
    let ny = -(next[0] - prev[0]);
    const l = Math.hypot(nr, ny) || 1;
    nr /= l;
    ny /= l;
    const [r, y] = profile[i];
    for (let s = 0; s <= segments; s++) {
      const phi = (s / segments) * TAU;
      positions.push(r * Math.sin(phi), y, r * Math.cos(phi));
      normals.push(nr * Math.sin(phi), ny, nr * Math.cos(phi));
      uvs.push(s / segments, 1 - arc[i] / total);
    }
  }
  const row = segments + 1;
  for (let i = 0; i < n - 1; i++) {
    for (let s = 0; s < segments; s++) {
      const lo = i * row + s, up = (i + 1) * row + s;
      indices.push(up, lo, up + 1, up + 1, lo, lo + 1);
    }
  }
  const cap = (i: number, top: boolean) => {
    const [r, y] = profile[i];
    if (r <= 1e-6) return;
    const centre = positions.length / 3;
    positions.push(0, y, 0);
    normals.push(0, top ? 1 : -1, 0);
    uvs.push(0.5, 0.5);
    for (let s = 0; s <= segments; s++) {
      const phi = (s / segments) * TAU;
      positions.push(r * Math.sin(phi), y, r * Math.cos(phi));
      normals.push(0, top ? 1 : -1, 0);
      uvs.push(0.5 + 0.5 * Math.sin(phi), 0.5 + 0.5 * Math.cos(phi));
    }
    for (let s = 0; s < segments; s++) {
      if (top) indices.push(centre, centre + 1 + s, centre + 2 + s);
      else indices.push(centre, centre + 2 + s, centre + 1 + s);
    }
  };
  cap(0, false);
  cap(n - 1, true);
  // A profile given top to bottom winds inward; turn it around rather than trust the caller.
  return orientOutward(geometry(positions, indices, uvs, normals));
}

/** A closed cylinder along Y, from y = 0 to y = h (base at the origin: parts stack easily). */
export function cylinder(radius: number, h: number, segments = 20): Geometry {
  return lathe([[radius, 0], [radius, h]], segments);
}

/** A closed cone frustum along Y from radius r0 at y = 0 to r1 at y = h (r1 = 0: a cone). */
export function frustum(r0: number, r1: number, h: number, segments = 20): Geometry {
  return lathe([[r0, 0], [r1, h]], segments);
}

/** An ellipsoid centred at the origin with semi-axes rx, ry, rz. */
export function ellipsoid(rx: number, ry: number, rz: number, segments = 20, rings = 12): Geometry {
  return transformMesh(uvSphere(1, segments, rings), fromScale([rx, ry, rz]));
}

/** A box with full sizes sx, sy, sz centred at the origin. */
export function cuboid(sx: number, sy: number, sz: number): Geometry {
  return box(sx, sy, sz);
}

/** A torus around the Y axis (major radius R, tube radius r). */
export function ring(R: number, r: number, segments = 24, tube = 10): Geometry {
  return torusMesh(R, r, segments, tube);
}

/**
 * A tube of circular cross-section swept along a polyline with rotation-minimising (parallel
 * transport) frames, so it does not twist at bends; both ends are capped. `radius` may vary per
 * path point (tapering branches, horns).
 */
export function tube(path: Vec3[], radius: number | number[], sides = 10): Geometry {
  const n = path.length;
  const radii = typeof radius === 'number' ? path.map(() => radius) : radius;
  const tangents: Vec3[] = path.map((_, i) => {
    const a = path[Math.max(0, i - 1)], b = path[Math.min(n - 1, i + 1)];
    return norm([b[0] - a[0], b[1] - a[1], b[2] - a[2]]);
  });
  // Initial normal: any vector perpendicular to the first tangent.
  const t0 = tangents[0];
  let normal = norm(Math.abs(t0[1]) < 0.9 ? crossV(t0, [0, 1, 0]) : crossV(t0, [1, 0, 0]));
  const rings: Vec3[][] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      // Parallel transport: remove the component of the previous normal along the new tangent.
      const t = tangents[i];
      const d = normal[0] * t[0] + normal[1] * t[1] + normal[2] * t[2];
      normal = norm([normal[0] - d * t[0], normal[1] - d * t[1], normal[2] - d * t[2]]);
    }
    const binormal = crossV(tangents[i], normal);
    const ring: Vec3[] = [];
    for (let s = 0; s < sides; s++) {
      const a = (s / sides) * TAU;
      const c = Math.cos(a) * radii[i], si = Math.sin(a) * radii[i];
      ring.push([
        path[i][0] + c * normal[0] + si * binormal[0],
        path[i][1] + c * normal[1] + si * binormal[1],
        path[i][2] + c * normal[2] + si * binormal[2],
      ]);
    }
    rings.push(ring);
  }
  // The rings' centroids are the path points, so the loft's end fans cap the tube.
  return loft(rings);
}

/**
 * A flat-shaded prism: a simple polygon in the XY plane (counter-clockwise, convex or star-shaped
 * around its centroid) extruded symmetrically along Z to a total `depth`. Roofs, fins, wings, sails.
 */
export function prism(polygon: Array<[number, number]>, depth: number): Geometry {
  const positions: number[] = [];
  const uvs: number[] = [];
  const indices: number[] = [];
  const normals: number[] = [];
  const hz = depth / 2;
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const [x, y] of polygon) {
    minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  const uv = (x: number, y: number): [number, number] => [(x - minX) / (maxX - minX || 1), 1 - (y - minY) / (maxY - minY || 1)];
  const cx = polygon.reduce((s, p) => s + p[0], 0) / polygon.length;
  const cy = polygon.reduce((s, p) => s + p[1], 0) / polygon.length;
  for (const z of [hz, -hz]) {
    const base = positions.length / 3;
    positions.push(cx, cy, z);
    uvs.push(...uv(cx, cy));
    normals.push(0, 0, Math.sign(z));
    for (const [x, y] of polygon) {
      positions.push(x, y, z);
      uvs.push(...uv(x, y));
      normals.push(0, 0, Math.sign(z));
    }
    for (let i = 0; i < polygon.length; i++) {
      const a = base + 1 + i, b = base + 1 + ((i + 1) % polygon.length);
      if (z > 0) indices.push(base, a, b);
      else indices.push(base, b, a);
    }
  }
  for (let i = 0; i < polygon.length; i++) {
    const [x0, y0] = polygon[i];
    const [x1, y1] = polygon[(i + 1) % polygon.length];
    const l = Math.hypot(x1 - x0, y1 - y0) || 1;
    const nx = (y1 - y0) / l, ny = -(x1 - x0) / l;
    const base = positions.length / 3;
    positions.push(x0, y0, hz, x1, y1, hz, x1, y1, -hz, x0, y0, -hz);
    uvs.push(0, 0, 1, 0, 1, 1, 0, 1);
    for (let k = 0; k < 4; k++) normals.push(nx, ny, 0);
    indices.push(base, base + 3, base + 2, base, base + 2, base + 1);
  }
  return orientOutward(geometry(positions, indices, uvs, normals));
}

/**
 * A closed loft through cross-sections (each a loop of the same number of points), capped at both
 * ends by fans from the section centroids. Hulls, car bodies, fuselages.
 */
export function loft(sections: Vec3[][]): Geometry {
  const m = sections[0].length;
  const positions: number[] = [];
  const uvs: number[] = [];
  const indices: number[] = [];
  sections.forEach((sec, i) => {
    for (let s = 0; s <= m; s++) {
      positions.push(...sec[s % m]);
      uvs.push(s / m, i / (sections.length - 1));
    }
  });
  const row = m + 1;
  for (let i = 0; i < sections.length - 1; i++) {
    for (let s = 0; s < m; s++) {
      const a = i * row + s, b = (i + 1) * row + s;
      indices.push(a, b, a + 1, a + 1, b, b + 1);
    }
  }
  for (const [i, flip] of [[0, true], [sections.length - 1, false]] as const) {
    const sec = sections[i];
    const c: Vec3 = [0, 1, 2].map((k) => sec.reduce((acc, p) => acc + p[k], 0) / m) as Vec3;
    const centre = positions.length / 3;
    positions.push(...c);
    uvs.push(0.5, 0.5);
    for (let s = 0; s < m; s++) {
      if (flip) indices.push(centre, i * row + s + 1, i * row + s);
      else indices.push(centre, i * row + s, i * row + s + 1);
    }
  }
  return orientOutward(geometry(positions, indices, uvs));
}

/** A placement: scale first, then rotate (Euler angles in degrees, applied Z, then X, then Y), then translate. */
export interface Placement {
  at?: Vec3;
  rotate?: Vec3;
  scale?: number | Vec3;
}

export function placementMatrix(p: Placement): Mat4 {
  const r = p.rotate ?? [0, 0, 0];
  const rad = Math.PI / 180;
  let m = fromScale(p.scale ?? 1);
  if (r[2]) m = multiply(fromRotationZ(r[2] * rad), m);
  if (r[0]) m = multiply(fromRotationX(r[0] * rad), m);
  if (r[1]) m = multiply(fromRotationY(r[1] * rad), m);
  return multiply(fromTranslation(p.at ?? [0, 0, 0]), m);
}

/** Returns a placed copy of a part. */
export function place(g: Geometry, p: Placement): Geometry {
  return transformMesh(g, placementMatrix(p));
}

function norm(v: Vec3): Vec3 {
  const l = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / l, v[1] / l, v[2] / l];
}

function crossV(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
