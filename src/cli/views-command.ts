import { basename, resolve } from 'node:path';
import { KilnError } from '../core/errors.js';
import { readImage } from '../core/image.js';
import { parseFormats } from '../export/formats.js';
import { resolveViewsOptions } from '../pipeline/generation-options.js';
import { findRigProblem } from '../geometry/rig.js';
import { viewsTo3D, type PhotoView } from '../pipeline/views-to-3d.js';
import { flagOf } from './flags.js';
import { ensureWritableFolder, produceAndWrite, type OutputCommandOptions } from './generate-command.js';

export interface ViewsCommandOptions extends OutputCommandOptions {
  azimuths: number[];
  elevations?: number[];
  distance: number;
  fov: number;
  resolution: number;
  faces: number;
  textureSize: number;
  vertexColors?: boolean;
  force?: boolean;
  /** Undefined: the pipeline's default (on when every elevation is positive). */
  supportPlane?: boolean;
}

/**
 * `kiln views`: photos around an object with their orbit angles → textured mesh, written like the
 * other generating commands (views.png with the photos and their masks, model files, preview.gif,
 * report.json with each photo's silhouette agreement). Returns what to print.
 */
export async function runViewsCommand(images: string[], opts: ViewsCommandOptions): Promise<string> {
  // The options views → 3D shares with the other commands obey the same limits, checked before any work.
  const { options } = resolveViewsOptions(
    { faces: opts.faces, textureSize: opts.textureSize, formats: parseFormats(opts.format), force: opts.force, supportPlane: opts.supportPlane },
    flagOf,
  );
  if (opts.azimuths.length !== images.length) {
    throw new KilnError('INVALID_INPUT', `views: ${images.length} images but ${opts.azimuths.length} azimuths; give one azimuth per image`);
  }
  const elevations = opts.elevations ?? images.map(() => 0);
  if (elevations.length !== images.length) throw new KilnError('INVALID_INPUT', `views: ${images.length} images but ${elevations.length} elevations`);
  // Angles, distance and field of view against the rig's limits before any image is read.
  const problem = findRigProblem({ views: images.map((_, i) => ({ azimuth: opts.azimuths[i], elevation: elevations[i], distance: opts.distance, fov: opts.fov })) });
  if (problem) {
    const flag = problem.field === 'distance' || problem.field === 'fov' ? `--${problem.field}` : `--${problem.field}s (view ${problem.view})`;
    throw new KilnError('INVALID_INPUT', `views: ${flag}: ${problem.message}`);
  }
  const photos: PhotoView[] = [];
  for (const [i, path] of images.entries()) {
    const image = await readImage(path).catch((err: unknown) => {
      throw err instanceof KilnError ? new KilnError(err.code, `${path}: ${err.message}`) : err;
    });
    photos.push({ image, azimuth: opts.azimuths[i], elevation: elevations[i], name: basename(path) });
  }
  await ensureWritableFolder(opts.out);
  const inputs = images.map((p, i) => ({ path: resolve(p), azimuth: opts.azimuths[i], elevation: elevations[i] }));
  return produceAndWrite(opts, { command: 'views', inputs }, (signal, onProgress) =>
    viewsTo3D(photos, {
      distance: opts.distance,
      fov: opts.fov,
      resolution: opts.resolution,
      ...options,
      colorMode: opts.vertexColors ? 'vertex' : 'texture',
      signal,
      onProgress,
    }),
  );
}
