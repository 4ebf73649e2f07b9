import gifenc from 'gifenc';
import { KilnError } from '../core/errors.js';
import { toUint8, type RasterImage } from '../core/image.js';
import { throwIfAborted, type OperationOptions } from '../core/progress.js';
import { orbitCamera } from '../geometry/camera.js';
import { computeVertexNormals, type Mesh } from '../geometry/mesh.js';
import { normalizeMesh } from '../geometry/normalize.js';
import { renderMesh } from './render-mesh.js';

export interface TurntableOptions extends OperationOptions {
  size: number;
  frames: number;
  elevation: number;
  /** Milliseconds per frame. */
  delay: number;
  supersample: number;
}

export const TURNTABLE_DEFAULTS: TurntableOptions = { size: 256, frames: 24, elevation: 15, delay: 80, supersample: 2 };

/**
 * The frames of a turntable of a mesh (normalised to the unit box): `frames` views evenly around
 * it at `elevation`, rendered with the software rasteriser on white.
 */
export function turntableFrames(mesh: Mesh, options: Partial<Omit<TurntableOptions, 'delay'>> = {}): RasterImage[] {
  const o = { ...TURNTABLE_DEFAULTS, ...options };
  if (!(Number.isInteger(o.frames) && o.frames >= 1 && o.frames <= 360)) throw new KilnError('INVALID_INPUT', `turntableFrames: frames must be 1…360, got ${o.frames}`);
  const m = normalizeMesh(mesh);
  m.normals ??= computeVertexNormals(m);
  const frames: RasterImage[] = [];
  for (let i = 0; i < o.frames; i++) {
    throwIfAborted(o.signal, 'turntableFrames');
    const camera = orbitCamera({ azimuth: (360 * i) / o.frames, elevation: o.elevation, distance: 2.6, fov: 30 }, o.size, o.size);
    frames.push(renderMesh(m, camera, { supersample: o.supersample, background: [1, 1, 1, 1] }).color);
    o.onProgress?.({ stage: 'preview', fraction: (i + 1) / o.frames });
  }
  return frames;
}

/** A looping turntable GIF of a mesh ({@link turntableFrames}). One palette is quantised from all frames, so colours do not flicker. */
export function turntableGif(mesh: Mesh, options: Partial<TurntableOptions> = {}): Uint8Array {
  const o = { ...TURNTABLE_DEFAULTS, ...options };
  const frames = turntableFrames(mesh, o).map(toUint8);
  const all = new Uint8Array(frames.length * frames[0].length);
  frames.forEach((f, i) => all.set(f, i * f.length));
  const palette = gifenc.quantize(all, 256);
  const gif = gifenc.GIFEncoder();
  for (const f of frames) gif.writeFrame(gifenc.applyPalette(f, palette), o.size, o.size, { palette, delay: o.delay, repeat: 0 });
  gif.finish();
  return gif.bytes();
}
