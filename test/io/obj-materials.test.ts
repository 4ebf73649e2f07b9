import { describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createImage, encodeImage } from '../../src/core/image.js';
import { orbitCamera } from '../../src/geometry/camera.js';
import { meshMaterials, triangleCount } from '../../src/geometry/mesh.js';
import { loadObj, parseObj } from '../../src/io/load-obj.js';
import { loadGltf } from '../../src/io/load-gltf.js';
import { meshToGlb } from '../../src/export/write-glb.js';
import { validateGlb } from '../../src/export/validate-glb.js';
import { meshToObj } from '../../src/export/write-obj-stl.js';
import { renderMesh } from '../../src/render/render-mesh.js';
import { tempDir } from '../helpers/paths.js';

/** Three unit quads side by side along x, facing +z: red, textured (right half cut out by map_d), missing texture (blue Kd). */
function threeQuadObj(): string {
  const lines = ['mtllib quads.mtl'];
  // The first quad's face comes before its vertices (one catalogue file is written so).
  lines.push('usemtl red', 'f 1/1 2/2 3/3 4/4');
  const quad = (x0: number) => [`v ${x0} -0.5 0`, `v ${x0 + 1} -0.5 0`, `v ${x0 + 1} 0.5 0`, `v ${x0} 0.5 0`];
  lines.push(...quad(-1.5), 'vt 0 0', 'vt 1 0', 'vt 1 1', 'vt 0 1');
  lines.push(...quad(-0.5), 'usemtl textured', 'f 5/1 6/2 7/3 8/4');
  lines.push(...quad(0.5), 'usemtl lost', 'f 9/1 10/2 11/3 12/4');
  return lines.join('\n');
}

async function writeFixture(dir: string): Promise<string> {
  const green = createImage(8, 8, 3, [0, 1, 0]);
  const alpha = createImage(8, 8, 1);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 4; x++) alpha.data[y * 8 + x] = 1; // left half opaque
  writeFileSync(join(dir, 'green.png'), await encodeImage(green));
  writeFileSync(join(dir, 'alpha.png'), await encodeImage(alpha));
  writeFileSync(
    join(dir, 'quads.mtl'),
    ['newmtl red', 'Kd 1 0 0', 'newmtl textured', 'Kd 0.5 0.5 0.5', 'map_Kd green.png', 'map_d alpha.png', 'newmtl lost', 'Kd 0 0 1', 'd 0.4', 'map_Kd nowhere.png'].join('\n'),
  );
  writeFileSync(join(dir, 'quads.obj'), threeQuadObj());
  return join(dir, 'quads.obj');
}

describe('OBJ with several materials', () => {
  const dir = tempDir();

  test('every material survives loading, rendering and export; a missing texture warns and keeps the colour', async () => {
    const warnings: string[] = [];
    const mesh = await loadObj(await writeFixture(dir), { onWarning: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('nowhere.png');
    const { materials } = meshMaterials(mesh);
    expect(materials.map((m) => m.name)).toEqual(['red', 'textured', 'lost']);
    expect(materials[0].baseColor.slice(0, 3)).toEqual([1, 0, 0]);
    expect(materials[1].baseColorTexture?.channels).toBe(4);
    expect(materials[2].baseColorTexture).toBeUndefined();
    expect(materials[2].baseColor[2]).toBeCloseTo(1, 5);
    expect(materials[2].baseColor[3]).toBeCloseTo(0.4, 5);

    const r = renderMesh(mesh, orbitCamera({ azimuth: 0, elevation: 0, distance: 5, fov: 40 }, 64, 64), { shading: 'unlit', supersample: 1 });
    const px = (x: number, y = 32) => Array.from(r.color.data.subarray((y * 64 + x) * 4, (y * 64 + x) * 4 + 4));
    const [red, green, cut, blue] = [px(14), px(27), px(37), px(50)];
    expect(red[0]).toBeGreaterThan(0.9);
    expect(red[1]).toBeLessThan(0.1);
    expect(green[1]).toBeGreaterThan(0.9);
    expect(green[0]).toBeLessThan(0.1);
    expect(cut[3]).toBe(0); // map_d cut the right half of the textured quad out
    expect(blue[2]).toBeGreaterThan(0.9);
    expect(blue[0]).toBeLessThan(0.1);

    const glb = await meshToGlb(mesh);
    expect((await validateGlb(glb)).errors).toBe(0);
    const back = await loadGltf(glb);
    expect(meshMaterials(back).materials).toHaveLength(3);
    expect(triangleCount(back)).toBe(triangleCount(mesh));

    const files = await meshToObj(mesh, 'out');
    expect(files.obj.match(/^usemtl /gm)).toHaveLength(3);
    expect(files.textures.map((t) => t.file)).toEqual(['out.png']);
    const reparsed = await parseObj(files.obj);
    expect(triangleCount(reparsed)).toBe(triangleCount(mesh));
  });
});
