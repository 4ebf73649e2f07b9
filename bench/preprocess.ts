/**
 * Preprocessing benchmark: cuts out every photo in the shared benchmarks' images/ folder and
 * reports how (existing alpha or background removal), the object's coverage, the separating
 * contrast and the time; the plant, which has a ground-truth matte, also gets IoU against it, and
 * a second row cut with a box prompt (`grabCut`) drawn loosely around its matte.
 *
 *   npm run -s bench:preprocess -- [--out out/preprocess] [--json]
 *
 * The cut-outs (the model's condition images, 256 px) are written to --out for inspection.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import { readImage, writeImage, type RasterImage } from '../src/core/image.js';
import { describeError } from '../src/core/errors.js';
import { PREPROCESS_DEFAULTS, preprocessImage } from '../src/preprocess/preprocess-image.js';
import { removeBackground } from '../src/preprocess/remove-background.js';
import { grabCut } from '../src/preprocess/grab-cut.js';
import { printTable, writeResults } from './harness.js';

interface Row {
  photo: string;
  matte: string;
  coverage: number;
  contrast: number | string;
  iou: number | string;
  ms: number;
}

function photosUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...photosUnder(path));
    else if (/\.(png|jpe?g|webp)$/i.test(name) && !/_(matte|trimap)\./.test(name)) out.push(path);
  }
  return out;
}

/** IoU of a cut-out's alpha (RGBA, same size) against a matte image's first channel, both at 0.5. */
function matteIoU(cutout: RasterImage, matte: RasterImage): number {
  let inter = 0, union = 0;
  for (let k = 0; k < cutout.width * cutout.height; k++) {
    const p = cutout.data[k * 4 + 3] >= 0.5, q = matte.data[k * matte.channels] >= 0.5;
    if (p && q) inter++;
    if (p || q) union++;
  }
  return union ? inter / union : 0;
}

async function main(): Promise<void> {
  const cli = new Command('bench-preprocess').option('--out <dir>', 'where the cut-outs go', 'out/preprocess').option('--json', 'print rows as JSON');
  const opts = cli.parse(process.argv).opts<{ out: string; json?: boolean }>();
  const images = join(process.env.KILN_BENCHMARKS ?? resolve(process.cwd(), '..', 'shared', 'benchmarks'), 'images');
  if (!existsSync(images)) throw new Error(`${images} does not exist (set KILN_BENCHMARKS)`);
  mkdirSync(opts.out, { recursive: true });
  const rows: Row[] = [];
  for (const path of photosUnder(images)) {
    const name = relative(images, path);
    const image = await readImage(path, { maxSide: PREPROCESS_DEFAULTS.maxSide });
    const t = performance.now();
    try {
      const p = preprocessImage(image, { size: 256 });
      const ms = performance.now() - t;
      await writeImage(p.condition, join(opts.out, `${name.replace(/[\\/]/g, '_').replace(extname(name), '')}.png`));
      const mattePath = join(images, `${basename(path, extname(path))}_matte.png`);
      let iou: number | string = '–';
      let contrast: number | string = '–';
      if (p.matte === 'background-removal') {
        // Same segmentation at full resolution, to compare with the ground-truth matte pixel for pixel.
        const full = removeBackground(image);
        contrast = full.contrast;
        if (existsSync(mattePath)) iou = matteIoU(full.image, await readImage(mattePath));
      }
      rows.push({ photo: name, matte: p.matte, coverage: p.coverage, contrast, iou, ms: Math.round(ms) });
    } catch (err) {
      const ms = Math.round(performance.now() - t);
      const why = /\(([^)]*)\)/.exec(describeError(err))?.[1] ?? describeError(err);
      // Where there is a ground-truth matte, also score what the segmentation would have cut had it
      // not refused: the measure of how far from usable the refused photo is.
      const mattePath = join(images, `${basename(path, extname(path))}_matte.png`);
      const iou = existsSync(mattePath) ? `${matteIoU(removeBackground(image).image, await readImage(mattePath)).toFixed(3)} if forced` : '–';
      rows.push({ photo: name, matte: `refused: ${why}`, coverage: 0, contrast: '–', iou, ms });
    }
  }
  // The box prompt: on each photo with a ground-truth matte, a box drawn around the object (the
  // matte's bounding box with 5 % of its size added each side, as a person would draw it loosely).
  for (const path of photosUnder(images)) {
    const mattePath = join(images, `${basename(path, extname(path))}_matte.png`);
    if (!existsSync(mattePath)) continue;
    const name = relative(images, path);
    const image = await readImage(path, { maxSide: PREPROCESS_DEFAULTS.maxSide });
    const matte = await readImage(mattePath);
    let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
    for (let y = 0; y < matte.height; y++) for (let x = 0; x < matte.width; x++) if (matte.data[(y * matte.width + x) * matte.channels] >= 0.5) {
      x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x + 1); y1 = Math.max(y1, y + 1);
    }
    const px = Math.round((x1 - x0) * 0.05), py = Math.round((y1 - y0) * 0.05);
    const box = { x: Math.max(0, x0 - px), y: Math.max(0, y0 - py), width: 0, height: 0 };
    box.width = Math.min(matte.width, x1 + px) - box.x;
    box.height = Math.min(matte.height, y1 + py) - box.y;
    const t = performance.now();
    const cut = grabCut(image, box);
    const ms = Math.round(performance.now() - t);
    const p = preprocessImage(image, { size: 256, box: { x: box.x / image.width, y: box.y / image.height, width: box.width / image.width, height: box.height / image.height } });
    await writeImage(p.condition, join(opts.out, `${name.replace(/[\\/]/g, '_').replace(extname(name), '')}_box.png`));
    rows.push({ photo: `${name} with box [${box.x}, ${box.y}, ${box.width}, ${box.height}]`, matte: p.matte, coverage: p.coverage, contrast: '–', iou: matteIoU(cut.image, matte), ms });
  }
  if (opts.json) console.log(JSON.stringify(rows, null, 2));
  else printTable(rows as unknown as Record<string, string | number>[]);
  console.log(`\nresults: ${writeResults('preprocess', rows)}; cut-outs in ${opts.out}`);
}

main().catch((err) => {
  console.error(`bench-preprocess: ${describeError(err)}`);
  process.exit(1);
});
