import { createImage, type RasterImage } from '../core/image.js';
import { throwIfAborted, type OperationOptions } from '../core/progress.js';
import { KilnError } from '../core/errors.js';
import type { Mesh } from '../geometry/mesh.js';
import { rigCameras, type ViewRig } from '../geometry/rig.js';
import { renderMesh, type RenderOptions, type RenderResult } from './render-mesh.js';

/**
 * Renders a mesh from every camera of a rig, in rig order, at `size`×`size` pixels. The mesh is
 * rendered as given: normalise it first (see `normalizeMesh`) if it is not in the rig's unit-box frame.
 */
export function renderRig(
  mesh: Mesh,
  rig: ViewRig,
  size: number,
  options: Partial<RenderOptions> & OperationOptions = {},
): RenderResult[] {
  const cameras = rigCameras(rig, size);
  return cameras.map((camera, i) => {
    throwIfAborted(options.signal, 'renderRig');
    const result = renderMesh(mesh, camera, options);
    options.onProgress?.({ stage: 'render', fraction: (i + 1) / cameras.length, message: `view ${i + 1}/${cameras.length}` });
    return result;
  });
}

/**
 * Tiles same-sized images into a grid, row by row (`columns` default: as square as possible), with
 * `background` where no image falls. Used for `views.png` and contact sheets.
 */
export function tileImages(images: RasterImage[], columns = Math.ceil(Math.sqrt(images.length)), background: number[] = [1, 1, 1, 1]): RasterImage {
  if (images.length === 0) throw new KilnError('INVALID_INPUT', 'tileImages: no images');
  const { width: w, height: h, channels } = images[0];
  if (images.some((im) => im.width !== w || im.height !== h || im.channels !== channels)) {
    throw new KilnError('INVALID_INPUT', 'tileImages: images differ in size or channels');
  }
  const rows = Math.ceil(images.length / columns);
  const out = createImage(w * columns, h * rows, channels, background);
  images.forEach((im, k) => {
    const ox = (k % columns) * w;
    const oy = Math.floor(k / columns) * h;
    for (let y = 0; y < h; y++) {
      out.data.set(im.data.subarray(y * w * channels, (y + 1) * w * channels), ((oy + y) * out.width + ox) * channels);
    }
  });
  return out;
}
