import { resolve } from 'node:path';
import { KilnError } from '../core/errors.js';
import { readImage } from '../core/image.js';
import { parseFormats } from '../export/formats.js';
import { findRigProblem } from '../geometry/rig.js';
import { parseGenerationRequest } from '../pipeline/generation-request.js';
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
}

/**
 * `kiln views`: photos around an object with their orbit angles → textured mesh, written like the
 * other generating commands (model files, preview.gif, report.json). Returns what to print.
 */
export async function runViewsCommand(images: string[], opts: ViewsCommandOptions): Promise<string> {
  // The options views → 3D shares with the other commands obey the same limits, checked before any work.
  parseGenerationRequest({ faces: opts.faces, textureSize: opts.textureSize, formats: parseFormats(opts.format) }, flagOf);
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
    photos.push({ image, azimuth: opts.azimuths[i], elevation: elevations[i] });
  }
  await ensureWritableFolder(opts.out);
  const inputs = images.map((p, i) => ({ path: resolve(p), azimuth: opts.azimuths[i], elevation: elevations[i] }));
  return produceAndWrite(opts, { command: 'views', inputs }, (signal, onProgress) =>
    viewsTo3D(photos, {
      distance: opts.distance,
      fov: opts.fov,
      resolution: opts.resolution,
      faceBudget: opts.faces,
      textureSize: opts.textureSize,
      colorMode: opts.vertexColors ? 'vertex' : 'texture',
      signal,
      onProgress,
    }),
  );
}
