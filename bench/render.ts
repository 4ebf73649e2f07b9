/**
 * Renderer timing: meshes of 6k–100k triangles, textured or not, at 512×512, with and without
 * supersampling and extra buffers. Single-threaded (Node's main thread = one core).
 *
 *   npm run bench:render
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createImage } from '../src/core/image.js';
import { orbitCamera } from '../src/geometry/camera.js';
import { computeVertexNormals, triangleCount, type Mesh } from '../src/geometry/mesh.js';
import { normalizeMesh } from '../src/geometry/normalize.js';
import { uvSphere } from '../src/geometry/primitives.js';
import { loadMesh } from '../src/io/load-mesh.js';
import { renderMesh, type RenderOptions } from '../src/render/render-mesh.js';
import { printTable, time, writeResults } from './harness.js';

function checkerTexture(size: number) {
  const img = createImage(size, size, 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = ((x >> 5) + (y >> 5)) % 2 ? 0.9 : 0.2;
      img.data.set([c, 0.5 * c + 0.2, 1 - c], (y * size + x) * 3);
    }
  }
  return img;
}

async function main(): Promise<void> {
  const meshes: { name: string; mesh: Mesh }[] = [];
  // 2·316·158 = 99,856 triangles with a 1024² texture.
  meshes.push({ name: 'sphere 100k, textured', mesh: normalizeMesh(uvSphere(1, 316, 159, { baseColor: [1, 1, 1, 1], baseColorTexture: checkerTexture(1024) })) });
  const shared = process.env.KILN_BENCHMARKS ?? resolve(process.cwd(), '..', 'shared', 'benchmarks');
  for (const [file, label] of [['spot.glb', 'spot, textured'], ['camel.glb', 'camel']] as const) {
    const path = existsSync(join(shared, 'meshes', file)) ? join(shared, 'meshes', file) : join('assets', 'samples', file);
    if (!existsSync(path)) continue;
    const mesh = normalizeMesh(await loadMesh(path));
    mesh.normals ??= computeVertexNormals(mesh);
    meshes.push({ name: `${label} (${file})`, mesh });
  }

  const configs: { label: string; options: Partial<RenderOptions> }[] = [
    { label: 'lit, 1 spp', options: { supersample: 1 } },
    { label: 'unlit, 1 spp', options: { supersample: 1, shading: 'unlit' } },
    { label: 'lit, 4 spp (2×2)', options: { supersample: 2 } },
    { label: 'lit, 1 spp, +normal +position', options: { supersample: 1, normals: true, positions: true } },
  ];
  const size = 512;
  const camera = orbitCamera({ azimuth: 30, elevation: 20, distance: 3, fov: 30 }, size, size);
  const rows: Record<string, string | number>[] = [];
  for (const { name, mesh } of meshes) {
    for (const { label, options } of configs) {
      const t = time(() => renderMesh(mesh, camera, options), 7);
      rows.push({ mesh: name, triangles: triangleCount(mesh), size: `${size}×${size}`, mode: label, 'median ms': t.median, 'min ms': t.min });
    }
  }
  printTable(rows);
  console.log(`\nwrote ${writeResults('render', rows)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
