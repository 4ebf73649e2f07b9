import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { KilnError, describeError } from '../core/errors.js';
import { writeImage } from '../core/image.js';
import { computeVertexNormals } from '../geometry/mesh.js';
import { normalizeMesh } from '../geometry/normalize.js';
import { DEFAULT_RIG, parseViewRig, type ViewRig } from '../geometry/rig.js';
import { loadMesh } from '../io/load-mesh.js';
import { compareMeshes } from '../metrics/compare-shapes.js';
import { renderRig, tileImages } from '../render/render-rig.js';
import { positiveInt } from './flags.js';

/** `kiln render` (a mesh from a view rig to PNGs) and `kiln compare` (Chamfer distance and F-score). */
export function addMeshCommands(program: Command): void {
  program
    .command('render')
    .description('render a mesh (GLB, glTF, OBJ, OFF, PLY, STL) from a view rig to PNG images')
    .argument('<mesh>', 'mesh file')
    .option('-o, --out <dir>', 'output folder', 'out/render')
    .option('--size <px>', 'image size in pixels', positiveInt(4096), 512)
    .option('--supersample <n>', 'samples per pixel along each axis', positiveInt(8), 2)
    .option('--rig <file>', 'JSON view rig ({ "views": [{ azimuth, elevation, distance, fov }] }); default: the six-view rig')
    .option('--unlit', 'base colour only, no lighting')
    .action(async (meshPath: string, opts: { out: string; size: number; supersample: number; rig?: string; unlit?: boolean }) => {
      const rig: ViewRig = opts.rig ? parseViewRig(await readJson(opts.rig)) : DEFAULT_RIG;
      const mesh = normalizeMesh(await loadMesh(meshPath));
      mesh.normals ??= computeVertexNormals(mesh);
      const views = renderRig(mesh, rig, opts.size, {
        supersample: opts.supersample,
        shading: opts.unlit ? 'unlit' : 'lit',
        background: [1, 1, 1, 1],
      });
      const out = resolve(opts.out);
      await mkdir(out, { recursive: true });
      await Promise.all(views.map((v, i) => writeImage(v.color, join(out, `view-${i}.png`))));
      const grid = join(out, 'views.png');
      await writeImage(tileImages(views.map((v) => v.color), Math.min(3, views.length)), grid);
      process.stdout.write(`${grid}\n`);
    });

  program
    .command('compare')
    .description('compare a predicted mesh with a ground truth: Chamfer distance and F-score (JSON)')
    .argument('<pred>', 'predicted mesh')
    .argument('<gt>', 'ground-truth mesh')
    .option('--normalize <frame>', "'gt' (one frame from the ground truth) or 'each' (each shape on its own)", 'gt')
    .option('--align <method>', "'none' or 'icp'", 'none')
    .option('--samples <n>', 'surface samples per shape', positiveInt(1_000_000), 10000)
    .option('--json <file>', 'also write the result to this file')
    .action(async (pred: string, gt: string, opts: { normalize: string; align: string; samples: number; json?: string }) => {
      if (opts.normalize !== 'gt' && opts.normalize !== 'each') throw new KilnError('INVALID_INPUT', `kiln compare: --normalize must be 'gt' or 'each', got '${opts.normalize}'`);
      if (opts.align !== 'none' && opts.align !== 'icp') throw new KilnError('INVALID_INPUT', `kiln compare: --align must be 'none' or 'icp', got '${opts.align}'`);
      const [a, b] = await Promise.all([loadMesh(pred), loadMesh(gt)]);
      const result = compareMeshes(a, b, { normalize: opts.normalize, align: opts.align, samples: opts.samples });
      const text = JSON.stringify(result, null, 2);
      if (opts.json) await writeFile(opts.json, text + '\n');
      process.stdout.write(text + '\n');
    });
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new KilnError('NOT_FOUND', `cannot read ${path} (${describeError(err)})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new KilnError('INVALID_INPUT', `${path} is not valid JSON (${describeError(err)})`);
  }
}
