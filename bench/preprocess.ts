/**
 * Preprocessing benchmark: cuts out every photo in the shared benchmarks' images/ folder as
 * `kiln image` would, and again with a box where one is drawn (below), and reports for each: the
 * matte (`alpha`, `border`: the border-colour model, `box`: the graph cut in the box, `network`: the
 * segmentation network's, when one is installed, as `kiln image` would use it), IoU against
 * the photo's `*_matte` file where it has one, the confidence check's refusal (its reasons, or
 * null) and the time. A refused cut is still made (forced), so its IoU and picture show why.
 *
 *   npm run -s bench:preprocess -- [--out out/preprocess] [--json] [--sheet docs/preprocess-contact-sheet.png] [--synthetic]
 *
 * --json prints one JSON row per cut instead of the table; --sheet writes a contact sheet of the
 * cut-outs over a checkerboard, each with its refusal written under it; --synthetic also runs the
 * synthetic sets the thresholds were chosen on (bench/preprocess-synthetic.ts; the box set seeded by
 * the network too, when one is installed) and prints how they split them. The cut-outs (the model's
 * condition images, 256 px) are written to --out.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import sharp from 'sharp';
import { readImage, writeImage, type RasterImage } from '../src/core/image.js';
import { describeError } from '../src/core/errors.js';
import { PREPROCESS_DEFAULTS, preprocessPhoto } from '../src/preprocess/preprocess-image.js';
import { installedSegmentationNetwork } from '../src/preprocess/segment-network.js';
import type { PixelBox } from '../src/preprocess/grab-cut.js';
import { shrinkImage } from '../src/preprocess/shrink-image.js';
import { composeContactSheet, type SheetCell } from '../src/synth/contact-sheet.js';
import { overCheckerboard } from './sheet-pictures.js';
import { cutSyntheticSet, summariseSyntheticSet, type SyntheticSet } from './preprocess-synthetic.js';
import { channelOf, maskIoU, printTable, writeResults } from './harness.js';

/**
 * Boxes drawn by hand around the object on benchmark photos, loosely, as a person would
 * (`[x, y, width, height]` in pixels of the photo). A photo with a `*_matte` file gets one from it
 * instead: the matte's bounding box with 5 % of its size added each side.
 */
const DRAWN_BOXES: Record<string, [number, number, number, number]> = {
  'abo/duffel_bag/528c608a.jpg': [0, 0, 894, 970],
  'abo/duffel_bag/d80a51d3.jpg': [0, 0, 1024, 880],
  'abo/led_bulb/dcace9b5.jpg': [5, 0, 890, 1024],
  'apple.jpg': [30, 0, 450, 505],
  'orange.jpg': [20, 35, 460, 470],
  'cutouts/teapot.png': [50, 170, 780, 560],
};

/** One cut of one photo: the fields of a JSON row. */
interface Row {
  file: string;
  box: [number, number, number, number] | null;
  matte: string;
  /** Against the photo's `*_matte` file, or null without one. */
  iou: number | null;
  /** The confidence check's reasons, or null when it trusts the cut. */
  refused: string | null;
  ms: number;
  coverage: number;
  measures?: Record<string, unknown>;
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

/** IoU of a cut's alpha (its last channel; same size) against a matte image's first channel, both at 0.5. */
function matteIoU(cut: RasterImage, matte: RasterImage): number {
  if (cut.width !== matte.width || cut.height !== matte.height) throw new Error(`the cut is ${cut.width}×${cut.height} but the matte ${matte.width}×${matte.height}`);
  return maskIoU(channelOf(cut), channelOf(matte, 0));
}

/** The matte's bounding box with 5 % of its size added each side, clipped to the photo. */
function boxAroundMatte(matte: RasterImage): [number, number, number, number] {
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let y = 0; y < matte.height; y++) {
    for (let x = 0; x < matte.width; x++) {
      if (matte.data[(y * matte.width + x) * matte.channels] < 0.5) continue;
      x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x + 1); y1 = Math.max(y1, y + 1);
    }
  }
  const px = Math.round((x1 - x0) * 0.05), py = Math.round((y1 - y0) * 0.05);
  const bx = Math.max(0, x0 - px), by = Math.max(0, y0 - py);
  return [bx, by, Math.min(matte.width, x1 + px) - bx, Math.min(matte.height, y1 + py) - by];
}

const SHEET_SIZE = 240;

async function main(): Promise<void> {
  const cli = new Command('bench-preprocess')
    .option('--out <dir>', 'where the cut-outs go', 'out/preprocess')
    .option('--json', 'print one JSON row per cut instead of the table')
    .option('--sheet <png>', 'also write a contact sheet of the cut-outs with their refusals')
    .option('--synthetic', 'also run the synthetic sets the confidence thresholds were chosen on');
  const opts = cli.parse(process.argv).opts<{ out: string; json?: boolean; sheet?: string; synthetic?: boolean }>();
  const images = join(process.env.KILN_BENCHMARKS ?? resolve(process.cwd(), '..', 'shared', 'benchmarks'), 'images');
  if (!existsSync(images)) throw new Error(`${images} does not exist (set KILN_BENCHMARKS)`);
  mkdirSync(opts.out, { recursive: true });
  const rows: Row[] = [];
  const cells: SheetCell[] = [];
  // The network `kiln image` uses, when one is installed: the bench measures what a user gets.
  const segmenter = await installedSegmentationNetwork();
  for (const path of photosUnder(images)) {
    const file = relative(images, path).split('\\').join('/');
    const image = await readImage(path, { maxSide: PREPROCESS_DEFAULTS.maxSide });
    const mattePath = join(dirname(path), `${basename(path, extname(path))}_matte.png`);
    const matte = existsSync(mattePath) ? await readImage(mattePath) : undefined;
    const box = matte ? boxAroundMatte(matte) : DRAWN_BOXES[file];
    for (const b of [undefined, ...(box ? [box] : [])]) {
      const pixelBox: PixelBox | undefined = b && { x: b[0], y: b[1], width: b[2], height: b[3] };
      const t = performance.now();
      // Forced: a refused cut is still made, so that its IoU and its picture show what was refused.
      const relativeBox = pixelBox && { x: pixelBox.x / image.width, y: pixelBox.y / image.height, width: pixelBox.width / image.width, height: pixelBox.height / image.height };
      const p = await preprocessPhoto(image, { size: 256, force: true, box: relativeBox, segmenter, keepPhotoMatte: Boolean(matte) });
      const ms = Math.round(performance.now() - t);
      const method = p.cut?.method ?? 'alpha';
      // The cut at the photo's resolution, compared with the ground-truth matte pixel for pixel.
      const iou = matte && p.cut && p.photoMatte ? matteIoU(p.photoMatte, matte) : null;
      const refused = p.cut?.doubts.length ? p.cut.doubts.join('; ') : null;
      rows.push({ file, box: b ?? null, matte: method, iou: iou === null ? null : Math.round(iou * 1000) / 1000, refused, ms, coverage: Math.round(p.coverage * 1000) / 1000, measures: p.cut && { separation: p.cut.separation, ...p.cut.shape, clutter: p.cut.clutter, leftOut: p.cut.leftOut, unsettled: p.cut.unsettled, agreement: p.cut.agreement } });
      await writeImage(p.condition, join(opts.out, `${file.replace(/\//g, '_').replace(extname(file), '')}${b ? '_box' : ''}.png`));
      if (opts.sheet) {
        const title = b ? `${file} with box [${b.join(', ')}]` : file;
        const facts = `${method}${iou === null ? '' : ` · IoU ${iou.toFixed(3)}`} · ${ms} ms`;
        cells.push({
          picture: overCheckerboard(shrinkImage(p.cutout, SHEET_SIZE)),
          lines: [{ text: title, wrap: 2 }, { text: facts, color: '#555' }, refused ? { text: `refused: ${refused}`, color: '#a4161a', wrap: 9 } : { text: 'accepted', color: '#1b6e20' }],
        });
      }
    }
  }
  if (opts.json) for (const r of rows) console.log(JSON.stringify(r));
  else printTable(rows.map((r) => ({ photo: r.file, box: r.box ? `[${r.box.join(', ')}]` : '–', matte: r.matte, coverage: r.coverage, iou: r.iou ?? '–', refused: r.refused ?? '–', ms: r.ms })));
  const note = (line: string) => (opts.json ? console.error(line) : console.log(line));
  if (opts.sheet) {
    mkdirSync(dirname(resolve(opts.sheet)), { recursive: true });
    // A palette PNG: a third of the size, and the photos still read (the sheet is for the README).
    writeFileSync(opts.sheet, await sharp(await composeContactSheet(cells, 4, SHEET_SIZE, 170)).png({ palette: true, effort: 10 }).toBuffer());
    note(`\ncontact sheet: ${resolve(opts.sheet)}`);
  }
  let synthetic: Record<string, string | number>[] = [];
  if (opts.synthetic) {
    const sets: SyntheticSet[] = segmenter ? ['border', 'box', 'box-seeded'] : ['border', 'box'];
    for (const set of sets) synthetic.push(summariseSyntheticSet(set, await cutSyntheticSet(set, segmenter)));
    if (opts.json) for (const s of synthetic) console.log(JSON.stringify(s));
    else {
      console.log('\nsynthetic sets (good: IoU ≥ 0.9, bad: IoU < 0.8):\n');
      printTable(synthetic);
    }
  }
  note(`\nresults: ${writeResults('preprocess', [...rows, ...synthetic])}; cut-outs in ${opts.out}`);
  await segmenter?.dispose();
}

main().catch((err) => {
  console.error(`bench-preprocess: ${describeError(err)}`);
  process.exit(1);
});
