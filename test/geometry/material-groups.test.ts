import { describe, expect, test } from '@jest/globals';
import { box } from '../../src/geometry/primitives.js';
import { meshMaterials, validateMesh, weldVertices, type Material, type Mesh } from '../../src/geometry/mesh.js';
import { removeTransparent } from '../../src/geometry/remove-transparent.js';

const red: Material = { name: 'red', baseColor: [1, 0, 0, 1] };
const glass: Material = { name: 'glass', baseColor: [0.8, 0.9, 1, 0.3] };

function twoMaterialBox(): Mesh {
  const b = box(1, 1, 1);
  const n = b.indices.length / 3;
  return { ...b, material: red, groups: [{ start: 0, count: n - 2, material: red }, { start: n - 2, count: 2, material: glass }] };
}

describe('material groups', () => {
  test('groups must cover every triangle in order', () => {
    const m = twoMaterialBox();
    expect(() => validateMesh(m, 'test')).not.toThrow();
    expect(() => validateMesh({ ...m, groups: m.groups!.slice(0, 1) }, 'test')).toThrow(/cover/);
    expect(() => validateMesh({ ...m, groups: [...m.groups!].reverse() }, 'test')).toThrow(/consecutive/);
  });

  test('per-triangle materials, welding keeps them, glass removal drops its triangles', () => {
    const m = twoMaterialBox();
    const { materials, perTriangle } = meshMaterials(m);
    expect(materials).toEqual([red, glass]);
    expect(Array.from(perTriangle!.slice(-3))).toEqual([0, 1, 1]);
    const welded = weldVertices(m);
    expect(welded.groups).toEqual(m.groups);
    const opaque = removeTransparent(m)!;
    expect(opaque.indices.length).toBe(m.indices.length - 6);
    expect(opaque.groups).toBeUndefined();
    expect(opaque.material).toBe(red);
    expect(() => validateMesh(opaque, 'test')).not.toThrow();
    expect(removeTransparent({ ...m, material: glass, groups: undefined })).toBeUndefined();
  });
});
