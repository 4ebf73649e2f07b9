import { describe, expect, test } from '@jest/globals';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createImage } from '../../src/core/image.js';
import { computeBounds, triangleCount } from '../../src/geometry/mesh.js';
import { box, uvSphere } from '../../src/geometry/primitives.js';
import { validateGlb } from '../../src/export/validate-glb.js';
import { meshToGlb } from '../../src/export/write-glb.js';
import { meshToObj, meshToStl } from '../../src/export/write-obj-stl.js';
import { loadGltf } from '../../src/io/load-gltf.js';
import { parseObj } from '../../src/io/load-obj.js';
import { parseStl } from '../../src/io/load-three.js';
import { writeModelFiles } from '../../src/export/write-model-files.js';
import { FORMAT_REGISTRY, formatOfFile, isOutputFile, listOutputFiles, outputFileSpec } from '../../src/export/formats.js';
import { tempDir } from '../helpers/paths.js';
import { meshFromSdf } from '../helpers/shapes.js';

const texture = createImage(64, 64, 3, [0.2, 0.6, 0.9]);
const textured = uvSphere(0.5, 32, 16, { baseColor: [1, 1, 1, 1], baseColorTexture: texture });

describe('export', () => {
  test('GLBs pass the Khronos validator with zero errors, plain, meshopt- and Draco-compressed', async () => {
    const colored = { ...box(1, 2, 3), colors: new Float32Array(24 * 4).fill(0.5) };
    for (const mesh of [textured, colored]) {
      for (const compression of ['none', 'meshopt', 'draco'] as const) {
        const glb = await meshToGlb(mesh, { compression });
        const report = await validateGlb(glb);
        expect(report.messages).toEqual([]);
        expect(report.errors).toBe(0);
        const back = await loadGltf(glb);
        expect(triangleCount(back)).toBe(triangleCount(mesh));
        const [a, b] = [computeBounds(back), computeBounds(mesh)];
        for (let k = 0; k < 3; k++) expect(a.max[k]).toBeCloseTo(b.max[k], 2);
      }
    }
    const plain = await meshToGlb(textured);
    for (const compression of ['meshopt', 'draco'] as const) expect((await meshToGlb(textured, { compression })).length).toBeLessThan(plain.length);
  });

  test('OBJ + MTL + PNG round-trips geometry, UVs and texture', async () => {
    const files = await meshToObj(textured, 'globe');
    expect(files.mtl).toContain('map_Kd globe.png');
    expect(files.textures.map((t) => t.file)).toEqual(['globe.png']);
    const back = await parseObj(files.obj);
    expect(triangleCount(back)).toBe(triangleCount(textured));
    expect(back.uvs).toBeDefined();
    expect(back.uvs![2 * 40 + 1]).toBeCloseTo(textured.uvs![2 * 40 + 1], 5); // v flipped and flipped back
  });

  test('STL of a closed reconstruction is watertight after welding', () => {
    const closed = meshFromSdf((x, y, z) => Math.hypot(x, y, z) - 0.4, 24);
    const back = parseStl(meshToStl(closed));
    expect(triangleCount(back)).toBe(triangleCount(closed));
    const edges = new Map<string, number>();
    for (let t = 0; t < back.indices.length; t += 3) for (let k = 0; k < 3; k++) {
      const a = back.indices[t + k], b = back.indices[t + ((k + 1) % 3)];
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      edges.set(key, (edges.get(key) ?? 0) + 1);
    }
    expect([...edges.values()].every((c) => c === 2)).toBe(true);
  });

  test('writeModelFiles writes every format, validated, atomically', async () => {
    const dir = tempDir();
    const names = await writeModelFiles(textured, dir, { formats: ['glb', 'obj', 'stl'] });
    expect(names.sort()).toEqual(['model.glb', 'model.mtl', 'model.obj', 'model.png', 'model.stl']);
    for (const n of names) expect(existsSync(join(dir, n))).toBe(true);
    expect((await validateGlb(readFileSync(join(dir, 'model.glb')))).errors).toBe(0);
  });

  test('OBJ export writes one PNG per textured material, and the format registry knows every one', async () => {
    const half = triangleCount(textured) / 2;
    const red = { baseColor: [1, 1, 1, 1] as [number, number, number, number], baseColorTexture: createImage(8, 8, 3, [1, 0, 0]) };
    const twoTextures = { ...textured, groups: [{ start: 0, count: half, material: textured.material }, { start: half, count: half, material: red }] };
    const dir = tempDir();
    const names = await writeModelFiles(twoTextures, dir, { formats: ['obj'] });
    expect(names.sort()).toEqual(['model-1.png', 'model.mtl', 'model.obj', 'model.png']);
    expect(readFileSync(join(dir, 'model.mtl'), 'utf8')).toContain('map_Kd model-1.png');
    for (const n of names) {
      expect(formatOfFile(n)).toBe('obj');
      expect(isOutputFile(n)).toBe(true);
    }
    expect(FORMAT_REGISTRY.obj.files.every((f) => formatOfFile(f) === 'obj')).toBe(true);
    expect(outputFileSpec('model-1.png')?.type).toBe('image/png');
    for (const bad of ['model-0.png', 'model-01.png', 'model-1.png.exe', '../model-1.png']) expect(isOutputFile(bad)).toBe(false);
    expect(listOutputFiles(['report.json', 'model-2.png', 'model.stl', 'model-1.png', 'model.png', 'notes.txt']).map(([f]) => f)).toEqual([
      'model.png', 'model-1.png', 'model-2.png', 'model.stl', 'report.json',
    ]);
  });
});
