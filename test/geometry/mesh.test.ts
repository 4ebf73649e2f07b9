import { describe, expect, test } from '@jest/globals';
import { fromRotationY, fromScale, multiply, fromTranslation } from '../../src/geometry/mat4.js';
import { computeBounds, computeVertexNormals, createMesh, surfaceArea, transformMesh, triangleCount, weldVertices, type Mesh } from '../../src/geometry/mesh.js';
import { normalizeMesh } from '../../src/geometry/normalize.js';
import { box, plane, torus, uvSphere } from '../../src/geometry/primitives.js';

/** Fraction of triangles whose geometric normal agrees with their vertices' normals. */
function outwardFraction(m: Mesh): number {
  const p = m.positions, n = m.normals!, idx = m.indices;
  let ok = 0;
  for (let t = 0; t < idx.length; t += 3) {
    const a = idx[t] * 3, b = idx[t + 1] * 3, c = idx[t + 2] * 3;
    const e1 = [p[b] - p[a], p[b + 1] - p[a + 1], p[b + 2] - p[a + 2]];
    const e2 = [p[c] - p[a], p[c + 1] - p[a + 1], p[c + 2] - p[a + 2]];
    const f = [e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]];
    const vn = [n[a] + n[b] + n[c], n[a + 1] + n[b + 1] + n[c + 1], n[a + 2] + n[b + 2] + n[c + 2]];
    if (f[0] * vn[0] + f[1] * vn[1] + f[2] * vn[2] > 0) ok++;
  }
  return ok / (idx.length / 3);
}

describe('primitives', () => {
  test('every primitive winds counter-clockwise seen from outside', () => {
    for (const m of [uvSphere(1, 24, 12), box(1, 2, 3), plane(2, 1, 4), torus()]) expect(outwardFraction(m)).toBe(1);
  });

  test('areas match the analytic values', () => {
    expect(surfaceArea(uvSphere(1, 128, 64))).toBeCloseTo(4 * Math.PI, 1);
    expect(surfaceArea(box(1, 2, 3))).toBeCloseTo(22, 5);
    expect(surfaceArea(torus(0.35, 0.15, 128, 64))).toBeCloseTo(4 * Math.PI ** 2 * 0.35 * 0.15, 2);
  });
});

describe('mesh operations', () => {
  test('computeVertexNormals points outward on a sphere', () => {
    const s = uvSphere(2, 32, 16);
    const n = computeVertexNormals(s);
    let minDot = 1;
    const used = new Set(s.indices);
    for (let i = 0; i < n.length; i += 3) {
      if (!used.has(i / 3)) continue; // the UV sphere's spare pole vertices belong to no triangle
      const p = [s.positions[i] / 2, s.positions[i + 1] / 2, s.positions[i + 2] / 2];
      minDot = Math.min(minDot, n[i] * p[0] + n[i + 1] * p[1] + n[i + 2] * p[2]);
    }
    expect(minDot).toBeGreaterThan(0.98);
  });

  test('transformMesh keeps normals perpendicular and fronts in front under mirroring', () => {
    const b = box(1, 1, 1);
    const m = multiply(fromTranslation([1, 2, 3]), multiply(fromRotationY(0.7), fromScale([2, 0.5, 1])));
    const moved = transformMesh(b, m);
    expect(outwardFraction(moved)).toBe(1);
    const mirrored = transformMesh(b, fromScale([-1, 1, 1]));
    expect(outwardFraction(mirrored)).toBe(1);
    const bounds = computeBounds(transformMesh(b, fromTranslation([1, 2, 3])));
    expect(bounds.min).toEqual([0.5, 1.5, 2.5]);
  });

  test('normalizeMesh centres the box and makes its longest side 1', () => {
    const m = normalizeMesh(transformMesh(box(4, 2, 1), fromTranslation([10, -5, 3])));
    const { min, max } = computeBounds(m);
    expect(max[0] - min[0]).toBeCloseTo(1, 6);
    expect(max[1] - min[1]).toBeCloseTo(0.5, 6);
    for (let k = 0; k < 3; k++) expect(min[k] + max[k]).toBeCloseTo(0, 6);
  });

  test('weldVertices merges a triangle soup but keeps UV seams', () => {
    // Two triangles of a quad as a soup: 6 vertices, 4 distinct.
    const soup = createMesh({ positions: [0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0], indices: [0, 1, 2, 3, 4, 5] });
    const welded = weldVertices(soup);
    expect(welded.positions.length / 3).toBe(4);
    expect(triangleCount(welded)).toBe(2);
    expect(computeBounds(welded)).toEqual(computeBounds(soup));
    const b = box();
    expect(weldVertices(b).positions.length / 3).toBe(24); // distinct normals/UVs per face corner
  });

  test('createMesh rejects out-of-range indices and mismatched attributes', () => {
    expect(() => createMesh({ positions: [0, 0, 0, 1, 0, 0, 0, 1, 0], indices: [0, 1, 3] })).toThrow(/index 3/);
    expect(() => createMesh({ positions: [0, 0, 0, 1, 0, 0, 0, 1, 0], indices: [0, 1, 2], uvs: [0, 0] })).toThrow(/uvs/);
    expect(() => createMesh({ positions: [0, 0, NaN, 1, 0, 0, 0, 1, 0], indices: [0, 1, 2] })).toThrow(/non-finite/);
  });
});
