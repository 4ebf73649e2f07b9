/**
 * Reconstruction benchmark: renders a real mesh at a six-view rig (as the diffusion stage would
 * deliver it: RGBA + depth, unlit, 512 px), reconstructs a textured mesh from those views, and
 * scores it against the original.
 *
 *   npm run -s bench:recon -- [--mesh <path>] [--no-depth] [--views 6] [--json]
 *
 * Per mesh: F-score at 0.05 and 0.1 and Chamfer distance (surface distance, in the ground truth's
 * unit-box frame), novel-view PSNR (azimuths 30°, 150°, 270° at elevation 10°, unlit, over the
 * union of both silhouettes, on white; null for untextured meshes), faces, and the seconds that
 * reconstruction took (views → textured mesh; rendering the input views is not counted).
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { orbitCamera } from '../src/geometry/camera.js';
import { computeVertexNormals, type Mesh } from '../src/geometry/mesh.js';
import { normalizeMesh } from '../src/geometry/normalize.js';
import type { ViewRig } from '../src/geometry/rig.js';
import { loadMesh } from '../src/io/load-mesh.js';
import { compareMeshes } from '../src/metrics/compare-shapes.js';
import { psnr } from '../src/metrics/image-metrics.js';
import { reconstructFromViews } from '../src/pipeline/reconstruct-from-views.js';
import { renderCalibratedViews } from '../src/render/render-views.js';
import { renderMesh } from '../src/render/render-mesh.js';
import { printTable, writeResults } from './harness.js';

interface Row {
  mesh: string;
  fscore_005: number;
  fscore_01: number;
  chamfer: number;
  psnr: number | null;
  faces: number;
  seconds: number;
}

/** `n` views at even azimuths from 0°, elevations alternating +20° / −10° (n = 6: the default rig). */
function rigOf(n: number): ViewRig {
  return { views: Array.from({ length: n }, (_, i) => ({ azimuth: (360 * i) / n, elevation: i % 2 === 0 ? 20 : -10, distance: 3, fov: 30 })) };
}

function novelViewPsnr(gt: Mesh, rec: Mesh): number {
  const values: number[] = [];
  for (const azimuth of [30, 150, 270]) {
    const cam = orbitCamera({ azimuth, elevation: 10, distance: 3, fov: 30 }, 256, 256);
    const a = renderMesh(gt, cam, { shading: 'unlit' }).color;
    const b = renderMesh(rec, cam, { shading: 'unlit' }).color;
    const mask = new Float32Array(256 * 256);
    const onWhite = (im: typeof a) => {
      const out = { ...im, channels: 3 as const, data: new Float32Array(256 * 256 * 3) };
      for (let i = 0; i < 256 * 256; i++) for (let k = 0; k < 3; k++) out.data[i * 3 + k] = im.data[i * 4 + k] * im.data[i * 4 + 3] + (1 - im.data[i * 4 + 3]);
      return out;
    };
    for (let i = 0; i < mask.length; i++) mask[i] = a.data[i * 4 + 3] > 0 || b.data[i * 4 + 3] > 0 ? 1 : 0;
    values.push(psnr(onWhite(a), onWhite(b), { mask }));
  }
  return values.reduce((s, v) => s + v, 0) / values.length;
}

async function benchOne(path: string, views: number, useDepth: boolean): Promise<Row> {
  const gt = normalizeMesh(await loadMesh(path));
  gt.normals ??= computeVertexNormals(gt);
  const input = renderCalibratedViews(gt, rigOf(views), 512, { supersample: 2, shading: 'unlit' });
  const t = performance.now();
  const { mesh } = await reconstructFromViews(input, { useDepth });
  const seconds = (performance.now() - t) / 1000;
  const shape = compareMeshes(mesh, gt);
  const textured = !!gt.material.baseColorTexture && !!gt.uvs;
  return {
    mesh: basename(path),
    fscore_005: shape.fscore['0.05'],
    fscore_01: shape.fscore['0.1'],
    chamfer: shape.chamfer,
    psnr: textured ? novelViewPsnr(gt, mesh) : null,
    faces: mesh.indices.length / 3,
    seconds,
  };
}

async function main(): Promise<void> {
  const positiveInt = (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 2 || n > 64) throw new InvalidArgumentError('expected an integer in 2…64');
    return n;
  };
  const opts = new Command('bench:recon')
    .option('--mesh <path>', 'one mesh (default: every mesh in ../shared/benchmarks/meshes)')
    .option('--no-depth', 'silhouettes only')
    .option('--views <n>', 'number of views', positiveInt, 6)
    .option('--json', 'one JSON object per line')
    .parse()
    .opts<{ mesh?: string; depth: boolean; views: number; json?: boolean }>();

  let paths: string[];
  if (opts.mesh) paths = [opts.mesh];
  else {
    const dir = join(process.env.KILN_BENCHMARKS ?? resolve(process.cwd(), '..', 'shared', 'benchmarks'), 'meshes');
    if (!existsSync(dir)) throw new Error(`no --mesh given and ${dir} does not exist (set KILN_BENCHMARKS)`);
    paths = readdirSync(dir).filter((f) => /\.(glb|gltf|obj|off|ply|stl)$/i.test(f)).sort().map((f) => join(dir, f));
  }
  const rows: Row[] = [];
  for (const p of paths) {
    const row = await benchOne(p, opts.views, opts.depth);
    rows.push(row);
    if (opts.json) console.log(JSON.stringify(row));
  }
  if (opts.json) return;
  const mean = (k: keyof Row) => {
    const v = rows.map((r) => r[k]).filter((x): x is number => typeof x === 'number');
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
  };
  const table = rows.map((r) => ({ ...r, psnr: r.psnr === null ? '–' : r.psnr }));
  if (rows.length > 1) {
    table.push({ mesh: '**mean**', fscore_005: mean('fscore_005'), fscore_01: mean('fscore_01'), chamfer: mean('chamfer'), psnr: mean('psnr'), faces: mean('faces'), seconds: mean('seconds') });
  }
  console.log(`views: ${opts.views}, depth: ${opts.depth ? 'yes' : 'no'}\n`);
  printTable(table as unknown as Record<string, string | number>[]);
  console.log(`\nwrote ${writeResults(`recon-${opts.views}views-${opts.depth ? 'depth' : 'silhouette'}`, rows)}`);
}

main().catch((err) => {
  console.error(`bench:recon: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
