import sharp from 'sharp';
import { fromUint8, toUint8, type RasterImage } from '../core/image.js';
import { tileImages } from '../render/render-rig.js';

export interface PhotosGridOptions {
  /** Side of each square tile in pixels; photos are scaled to fit inside it. */
  tile: number;
  /** Photos per row; each row of photos has a row of their masks under it. */
  columns: number;
}

export const PHOTOS_GRID_DEFAULTS: PhotosGridOptions = { tile: 256, columns: 6 };

/** An RGBA image scaled to fit a `tile` × `tile` square, centred, transparent around it. */
async function fitTile(image: RasterImage, tile: number): Promise<RasterImage> {
  const { data, info } = await sharp(Buffer.from(toUint8(image)), { raw: { width: image.width, height: image.height, channels: image.channels } })
    .ensureAlpha()
    .resize(tile, tile, { fit: 'contain', background: { r: 255, g: 255, b: 255, alpha: 0 }, kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 4, data: fromUint8(data) };
}

/**
 * The photos a views → 3D run used, as one PNG a person can check at a glance: each photo's
 * cut-out over white (its RGB weighted by the matte it was given or that background removal made),
 * and under it the matte itself, black where the object is. Rows of `columns` photos, each followed
 * by the row of their masks, so a wrong matte or a photo in the wrong place shows next to its outline.
 */
export async function photosGridPng(images: RasterImage[], options: Partial<PhotosGridOptions> = {}): Promise<Buffer> {
  const o = { ...PHOTOS_GRID_DEFAULTS, ...options };
  const tiles = await Promise.all(images.map((im) => fitTile(im, o.tile)));
  const blank = { width: o.tile, height: o.tile, channels: 3 as const, data: new Float32Array(o.tile * o.tile * 3).fill(1) };
  const columns = Math.min(o.columns, tiles.length);
  const cells: RasterImage[] = [];
  for (let start = 0; start < tiles.length; start += columns) {
    const row = tiles.slice(start, start + columns);
    const pad = (list: RasterImage[]) => [...list, ...Array.from({ length: columns - list.length }, () => blank)];
    cells.push(...pad(row.map(overWhite)), ...pad(row.map(maskOf)));
  }
  const grid = tileImages(cells, columns);
  return sharp(Buffer.from(toUint8(grid)), { raw: { width: grid.width, height: grid.height, channels: 3 } }).png().toBuffer();
}

function overWhite(image: RasterImage): RasterImage {
  const n = image.width * image.height;
  const data = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const a = image.data[i * 4 + 3];
    for (let c = 0; c < 3; c++) data[i * 3 + c] = image.data[i * 4 + c] * a + (1 - a);
  }
  return { width: image.width, height: image.height, channels: 3, data };
}

function maskOf(image: RasterImage): RasterImage {
  const n = image.width * image.height;
  const data = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) data.fill(1 - image.data[i * 4 + 3], i * 3, i * 3 + 3);
  return { width: image.width, height: image.height, channels: 3, data };
}
