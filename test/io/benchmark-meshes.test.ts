import { describe, expect, test } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { computeBounds, surfaceArea, triangleCount } from '../../src/geometry/mesh.js';
import { loadMesh } from '../../src/io/load-mesh.js';
import { benchmarksDir } from '../helpers/paths.js';

// Triangle counts and texturing as published in the benchmark README.
const EXPECTED: Record<string, { triangles: number; textured: boolean }> = {
  'avocado.glb': { triangles: 682, textured: true },
  'water_bottle.glb': { triangles: 4510, textured: true },
  'boombox.glb': { triangles: 6036, textured: true },
  'suzanne.glb': { triangles: 3936, textured: true },
  'spot.glb': { triangles: 5856, textured: true },
  'bunny.glb': { triangles: 3674, textured: false },
  'teapot.glb': { triangles: 992, textured: false },
  'elephant.glb': { triangles: 5558, textured: false },
  'camel.glb': { triangles: 19536, textured: false },
  'bull.glb': { triangles: 12396, textured: false },
  'fandisk.glb': { triangles: 12946, textured: false },
  'cow.glb': { triangles: 5804, textured: false },
  'rotor.glb': { triangles: 1200, textured: false },
};

const dir = benchmarksDir();
const maybe = dir ? describe : describe.skip;

maybe('benchmark meshes', () => {
  const meshDir = join(dir ?? '', 'meshes');

  test('the folder holds exactly the expected meshes', () => {
    expect(readdirSync(meshDir).filter((f) => f.endsWith('.glb')).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  test.each(Object.keys(EXPECTED))('%s loads with sane bounds', async (file) => {
    const m = await loadMesh(join(meshDir, file));
    expect(triangleCount(m)).toBe(EXPECTED[file].triangles);
    expect(!!m.material.baseColorTexture && !!m.uvs).toBe(EXPECTED[file].textured);
    const { min, max } = computeBounds(m);
    const size = [0, 1, 2].map((k) => max[k] - min[k]);
    for (const s of size) {
      expect(Number.isFinite(s)).toBe(true);
      expect(s).toBeGreaterThanOrEqual(0);
    }
    const longest = Math.max(...size);
    expect(longest).toBeGreaterThan(1e-3);
    expect(longest).toBeLessThan(1e3);
    // Not degenerate: at least two dimensions have real extent, and the surface has area.
    expect(size.filter((s) => s > longest * 0.05).length).toBeGreaterThanOrEqual(2);
    expect(surfaceArea(m)).toBeGreaterThan(longest * longest * 1e-3);
    if (m.uvs) for (const u of m.uvs) expect(Number.isFinite(u)).toBe(true);
  });
});
