import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KilnError } from './core/errors.js';
import { writeFileAtomic } from './core/fs.js';
import { readImage } from './core/image.js';
import { orbitCamera } from './geometry/camera.js';
import { parseViewRig } from './geometry/rig.js';
import { reconstructFromViews } from './pipeline/reconstruct-from-views.js';
import { writeModelFiles } from './pipeline/write-model-files.js';
import type { CalibratedView } from './reconstruct/calibrated-view.js';

export interface ViewsCommandOptions {
  azimuths: number[];
  elevations?: number[];
  distance: number;
  fov: number;
  out: string;
  resolution: number;
  faces: number;
  texture: number;
  vertexColors?: boolean;
  stl?: boolean;
  compress: string;
}

const COMPRESSIONS = ['none', 'meshopt', 'draco'] as const;

/**
 * `kiln views`: reads RGBA cut-outs with their orbit cameras, reconstructs a textured mesh and
 * writes the model files and a `report.json` into the output folder. Returns the report's path.
 */
export async function runViewsCommand(images: string[], opts: ViewsCommandOptions): Promise<string> {
  if (opts.azimuths.length !== images.length) {
    throw new KilnError('INVALID_INPUT', `views: ${images.length} images but ${opts.azimuths.length} azimuths; give one azimuth per image`);
  }
  const compression = COMPRESSIONS.find((c) => c === opts.compress);
  if (!compression) throw new KilnError('INVALID_INPUT', `views: --compress must be one of ${COMPRESSIONS.join(', ')}, got '${opts.compress}'`);
  const elevations = opts.elevations ?? images.map(() => 0);
  if (elevations.length !== images.length) throw new KilnError('INVALID_INPUT', `views: ${images.length} images but ${elevations.length} elevations`);
  const rig = parseViewRig({
    views: images.map((_, i) => ({ azimuth: opts.azimuths[i], elevation: elevations[i], distance: opts.distance, fov: opts.fov })),
  });
  const views: CalibratedView[] = [];
  for (const [i, path] of images.entries()) {
    const image = await readImage(path).catch((err: unknown) => {
      throw err instanceof KilnError ? new KilnError(err.code, `${path}: ${err.message}`) : err;
    });
    if (image.channels !== 4) {
      throw new KilnError('INVALID_INPUT', `views: ${path} has no alpha channel; give cut-outs (RGBA PNG) whose alpha masks the object`);
    }
    views.push({ camera: orbitCamera(rig.views[i], image.width, image.height), image });
  }
  const started = Date.now();
  const { mesh, timings } = await reconstructFromViews(views, {
    resolution: opts.resolution,
    faceBudget: opts.faces,
    textureSize: opts.texture,
    colorMode: opts.vertexColors ? 'vertex' : 'texture',
  });
  const out = resolve(opts.out);
  await mkdir(out, { recursive: true });
  const files = await writeModelFiles(mesh, out, { stl: !!opts.stl, compression });
  const report = {
    command: 'views',
    inputs: images.map((p, i) => ({ path: p, ...rig.views[i] })),
    options: { resolution: opts.resolution, faces: opts.faces, texture: opts.texture, colorMode: opts.vertexColors ? 'vertex' : 'texture', compression },
    timings: { ...timings, total: (Date.now() - started) / 1000 },
    mesh: { vertices: mesh.positions.length / 3, faces: mesh.indices.length / 3 },
    files,
  };
  const path = join(out, 'report.json');
  await writeFileAtomic(path, JSON.stringify(report, null, 2) + '\n');
  return path;
}
