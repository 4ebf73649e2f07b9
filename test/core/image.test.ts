import { describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { KilnError } from '../../src/core/errors.js';
import { createImage, encodeImage, readImage, readImageSize, writeImage } from '../../src/core/image.js';
import { tempDir } from '../helpers/paths.js';

describe('image I/O', () => {
  test('PNG round trip preserves RGBA values to 8-bit precision', async () => {
    const img = createImage(7, 5, 4);
    for (let i = 0; i < img.data.length; i++) img.data[i] = ((i * 37) % 256) / 255;
    const back = await readImage(await encodeImage(img, 'png'));
    expect(back.width).toBe(7);
    expect(back.height).toBe(5);
    expect(back.channels).toBe(4);
    let maxErr = 0;
    for (let i = 0; i < img.data.length; i++) maxErr = Math.max(maxErr, Math.abs(back.data[i] - img.data[i]));
    expect(maxErr).toBeLessThan(1e-6);
  });

  test('rows are top-first and greyscale becomes RGB', async () => {
    const grey = await sharp(Buffer.from([0, 0, 255, 255]), { raw: { width: 2, height: 2, channels: 1 } }).png().toBuffer();
    const img = await readImage(grey);
    expect(img.channels).toBe(3);
    expect(img.data[0]).toBe(0); // top-left is black
    expect(img.data[(2 * 1 + 0) * 3]).toBe(1); // bottom-left is white
  });

  test('writeImage writes atomically to the named format', async () => {
    const dir = tempDir();
    const path = join(dir, 'a', 'b.jpg');
    await writeImage(createImage(4, 4, 3, [1, 0, 0]), path);
    const meta = await sharp(path).metadata();
    expect(meta.format).toBe('jpeg');
  });

  test('corrupt bytes give a one-line INVALID_INPUT error', async () => {
    const dir = tempDir();
    const png = await encodeImage(createImage(16, 16, 3, [0.5, 0.5, 0.5]));
    const broken = join(dir, 'broken.png');
    writeFileSync(broken, png.subarray(0, 40));
    const err = await readImage(broken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KilnError);
    expect((err as KilnError).code).toBe('INVALID_INPUT');
    expect((err as KilnError).message).toMatch(/^readImage: /);
    expect((err as KilnError).message).not.toContain('\n');
    await expect(readImage(Buffer.from('not an image at all'))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  test('an image over the pixel limit is refused from its header, before decoding', async () => {
    // A 50000×50000 PNG would take gigabytes to decode; its header alone must be enough to refuse it.
    const header = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer();
    const huge = Buffer.from(header);
    huge.writeUInt32BE(50000, 16); // IHDR width
    huge.writeUInt32BE(50000, 20); // IHDR height
    const err = await readImage(huge).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TOO_LARGE' });
    expect((err as Error).message).toContain('50000×50000');
    await expect(readImage(header, { maxPixels: 1000 })).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });

  test('maxSide decodes a large photo downscaled, aspect kept, never enlarged; readImageSize reads the header', async () => {
    const jpg = await sharp({ create: { width: 1200, height: 600, channels: 3, background: '#c04020' } }).jpeg().toBuffer();
    const small = await readImage(jpg, { maxSide: 300 });
    expect([small.width, small.height]).toEqual([300, 150]);
    expect(small.data[0]).toBeCloseTo(0xc0 / 255, 1);
    const same = await readImage(jpg, { maxSide: 5000 });
    expect([same.width, same.height]).toEqual([1200, 600]);
    expect(await readImageSize(jpg)).toEqual({ width: 1200, height: 600 });
    // EXIF orientation 6 turns the picture: what people see, and draw a box on, is 600 × 1200.
    const turned = await sharp(jpg).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect(await readImageSize(turned)).toEqual({ width: 600, height: 1200 });
    const read = await readImage(turned, { maxSide: 300 });
    expect([read.width, read.height]).toEqual([150, 300]);
    await expect(readImage(jpg, { maxSide: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
