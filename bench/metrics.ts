/**
 * Metric timing: k-d tree nearest neighbours (10k × 10k), point-to-surface distances through the
 * BVH, and a full mesh comparison with and without ICP, on real benchmark meshes.
 *
 *   npm run bench:metrics
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRng } from '../src/core/rng.js';
import { normalizeMesh } from '../src/geometry/normalize.js';
import { triangleCount } from '../src/geometry/mesh.js';
import { loadMesh } from '../src/io/load-mesh.js';
import { compareMeshes } from '../src/metrics/compare-shapes.js';
import { KdTree } from '../src/metrics/kd-tree.js';
import { sampleSurface } from '../src/metrics/sample-surface.js';
import { SurfaceDistance } from '../src/metrics/surface-distance.js';
import { printTable, time, writeResults } from './harness.js';

async function main(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  const rng = createRng(1);
  const a = Float32Array.from({ length: 30000 }, () => rng.uniform());
  const b = Float32Array.from({ length: 30000 }, () => rng.uniform());
  const kd = time(() => {
    const tree = new KdTree(b);
    for (let i = 0; i < a.length; i += 3) tree.nearest(a[i], a[i + 1], a[i + 2]);
  });
  rows.push({ operation: 'k-d tree: build 10k + 10k nearest queries', input: 'uniform cube', 'median ms': kd.median, 'min ms': kd.min });

  const shared = process.env.KILN_BENCHMARKS ?? resolve(process.cwd(), '..', 'shared', 'benchmarks');
  const bunnyPath = join(shared, 'meshes', 'bunny.glb');
  const teapotPath = join(shared, 'meshes', 'teapot.glb');
  if (existsSync(bunnyPath) && existsSync(teapotPath)) {
    const bunny = normalizeMesh(await loadMesh(bunnyPath));
    const teapot = normalizeMesh(await loadMesh(teapotPath));
    const pts = sampleSurface(teapot, 10000, 3);
    const sd = time(() => {
      const s = new SurfaceDistance(bunny);
      s.distances(pts);
    });
    rows.push({ operation: 'BVH: build + 10k point-to-surface queries', input: `bunny (${triangleCount(bunny)} tris)`, 'median ms': sd.median, 'min ms': sd.min });
    const cmp = time(() => compareMeshes(teapot, bunny), 3);
    rows.push({ operation: 'compareMeshes (10k samples each, surface distance)', input: 'teapot vs bunny', 'median ms': cmp.median, 'min ms': cmp.min });
    const icp = time(() => compareMeshes(teapot, bunny, { normalize: 'each', align: 'icp' }), 3);
    rows.push({ operation: 'compareMeshes + ICP (24 starts)', input: 'teapot vs bunny', 'median ms': icp.median, 'min ms': icp.min });
    const r = compareMeshes(teapot, bunny, { normalize: 'each', align: 'icp' });
    console.log(`reference: teapot vs bunny after ICP: Chamfer ${r.chamfer.toFixed(4)}, F@0.05 ${r.fscore['0.05'].toFixed(3)}, F@0.1 ${r.fscore['0.1'].toFixed(3)}\n`);
  }
  printTable(rows);
  console.log(`\nwrote ${writeResults('metrics', rows)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
