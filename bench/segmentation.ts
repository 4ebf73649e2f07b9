/**
 * Segmentation network benchmark: how the installed (or a given) network cuts
 *
 * - held-out composites (`npm run -s seg-corpus -- --split heldout`: backgrounds and objects that
 *   training never saw): IoU of the thresholded probability against the true mask, per composite;
 *   the mean, the 10th percentile and the share at or above 0.95;
 * - the benchmark photos: plant.jpg against its matte (the network's cut, and the graph cut in the
 *   box seeded by the network), apple.jpg and orange.jpg against their box cuts (no matte ships with
 *   them; the box cut is the reference the README's preprocessing table shows to be right);
 *
 * with the confidence check's verdict and the time per photo (the network, then the guided filter);
 * for the held-out composites, the share of cuts the check refuses and the mean IoU of those it
 * accepts, for the network's cut and for the whole no-box cut as `kiln image` makes it (border
 * model, checked by the network) beside the border model alone.
 *
 * `--sheet FILE` also draws each photo beside the network's probability, its cut and the seeded box
 * cut, each cut over a checkerboard with its IoU and verdict.
 *
 *   npm run -s bench:seg -- [--model assets/models/kiln-seg] [--heldout data/seg/heldout] [--count 300] [--no-mirror] [--json] [--sheet FILE]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import sharp from 'sharp';
import { KilnError } from '../src/core/errors.js';
import { fromUint8, readImage, type RasterImage } from '../src/core/image.js';
import { assessCut } from '../src/preprocess/cut-confidence.js';
import { grabCut, type PixelBox } from '../src/preprocess/grab-cut.js';
import { networkCut } from '../src/preprocess/network-cut.js';
import { predictInBox, preprocessImage, preprocessPhoto, type PreprocessedImage } from '../src/preprocess/preprocess-image.js';
import { shrinkImage } from '../src/preprocess/shrink-image.js';
import { loadSegmentationNetwork, segmentationModelDir } from '../src/preprocess/segment-network.js';
import { decodeNpyUint8 } from '../src/synth/npy.js';
import { composeContactSheet, type SheetCell } from '../src/synth/contact-sheet.js';
import { fitInSquare, overCheckerboard } from './sheet-pictures.js';
import { channelOf, maskIoU, printTable, writeResults } from './harness.js';

interface Row {
  set: string;
  method: string;
  n: number;
  iou: number;
  iouP10: number | null;
  share095: number | null;
  certainty: number | null;
  refused: string | null;
  /** Held-out composites: the share the confidence check refuses, and the mean IoU of those it accepts. */
  refusedShare?: number;
  acceptedIoU?: number;
  ms: number;
}

const SHEET_SIZE = 240;

async function main(): Promise<void> {
  const o = new Command('bench:seg')
    .option('--model <dir>', 'model folder', segmentationModelDir())
    .option('--heldout <dir>', 'held-out composites folder', 'data/seg/heldout')
    .option('--count <n>', 'held-out composites to score', (v) => Number(v), 300)
    .option('--no-mirror', 'one pass per photo, without averaging in its mirror image')
    .option('--json', 'print JSON rows instead of the table')
    .option('--sheet <png>', 'also draw the benchmark photos with the network\'s probability and cuts')
    .parse(process.argv)
    .opts<{ model: string; heldout: string; count: number; mirror: boolean; json?: boolean; sheet?: string }>();
  const net = await loadSegmentationNetwork(resolve(o.model), { threads: 2, mirror: o.mirror });
  const rows: Row[] = [];
  const cells: SheetCell[] = [];

  const heldout = resolve(o.heldout);
  if (existsSync(join(heldout, 'composites.json'))) {
    const manifest = JSON.parse(readFileSync(join(heldout, 'composites.json'), 'utf8')) as { shards: Array<{ name: string; count: number }>; resolution: number };
    const R = manifest.resolution, ious: number[] = [], certainties: number[] = [], accepted: boolean[] = [];
    // The whole no-box cut as `kiln image` makes it, and the border model alone (as without a
    // network): IoU against the true mask, or null when the cut is refused or finds nothing.
    const asCut: Array<number | null> = [], byBorderAlone: Array<number | null> = [];
    let ms = 0;
    for (const shard of manifest.shards) {
      const images = decodeNpyUint8(readFileSync(join(heldout, shard.name, 'image.npy')));
      const masks = decodeNpyUint8(readFileSync(join(heldout, shard.name, 'mask.npy')));
      for (let k = 0; k < shard.count && ious.length < o.count; k++) {
        const image: RasterImage = { width: R, height: R, channels: 3, data: fromUint8(images.data.subarray(k * R * R * 3, (k + 1) * R * R * 3)) };
        const t = performance.now();
        const s = await net.predict(image);
        ms += performance.now() - t;
        const truth = masks.data.subarray(k * R * R, (k + 1) * R * R);
        ious.push(maskIoU(s.prob, truth, s.threshold, 128));
        try {
          const evidence = networkCut(image, s).evidence;
          certainties.push(evidence.separation);
          accepted.push(assessCut(evidence).doubts.length === 0);
        } catch {
          certainties.push(0);
          accepted.push(false);
        }
        const score = async (cut: () => Promise<PreprocessedImage> | PreprocessedImage) => {
          try {
            return maskIoU((await cut()).photoMatte!.data, truth, 0.5, 128);
          } catch (err) {
            if (err instanceof KilnError) return null;
            throw err;
          }
        };
        byBorderAlone.push(await score(() => preprocessImage(image, { keepPhotoMatte: true })));
        asCut.push(await score(() => preprocessPhoto(image, { segmenter: net, keepPhotoMatte: true })));
      }
    }
    const sorted = [...ious].sort((a, b) => a - b);
    rows.push({
      set: `held-out composites (${heldout})`, method: 'network', n: ious.length,
      iou: ious.reduce((a, b) => a + b, 0) / ious.length, iouP10: sorted[Math.floor(0.1 * sorted.length)],
      share095: ious.filter((v) => v >= 0.95).length / ious.length, certainty: certainties.reduce((a, b) => a + b, 0) / certainties.length, refused: null,
      refusedShare: accepted.filter((a) => !a).length / ious.length, acceptedIoU: ious.filter((_, i) => accepted[i]).reduce((a, b) => a + b, 0) / Math.max(1, accepted.filter(Boolean).length), ms: ms / ious.length,
    });
    for (const [method, cuts] of [['border model alone (no network)', byBorderAlone], ['as kiln image cuts them (border, checked by the network)', asCut]] as const) {
      const kept = cuts.filter((v): v is number => v !== null), acceptedIoU = kept.reduce((a, b) => a + b, 0) / Math.max(1, kept.length);
      rows.push({ set: 'held-out composites, no box', method, n: cuts.length, iou: acceptedIoU, iouP10: null, share095: null, certainty: null, refused: null, refusedShare: 1 - kept.length / cuts.length, acceptedIoU, ms: 0 });
    }
  } else process.stderr.write(`bench:seg: no held-out composites at ${heldout} (npm run -s seg-corpus -- --split heldout --out ${o.heldout})\n`);

  const photos = process.env.KILN_BENCHMARKS ?? resolve(process.cwd(), '..', 'shared', 'benchmarks');
  if (!existsSync(photos)) throw new Error(`benchmark photos not found at ${photos} (set KILN_BENCHMARKS)`);
  const read = async (name: string) => shrinkImage(await readImage(join(photos, 'images', name), { maxSide: 2048 }), 2048);
  const cases: Array<{ file: string; box: PixelBox; truth: (im: RasterImage) => Promise<Float32Array>; reference: string }> = [
    {
      file: 'plant.jpg', box: { x: 31, y: 0, width: 469, height: 333 }, reference: 'plant_matte.png',
      truth: async () => {
        const m = await readImage(join(photos, 'images', 'plant_matte.png'));
        return channelOf(m, 0);
      },
    },
    { file: 'apple.jpg', box: { x: 30, y: 0, width: 450, height: 505 }, reference: 'box cut', truth: async (im) => channelOf(grabCut(im, { x: 30, y: 0, width: 450, height: 505 }).image) },
    { file: 'orange.jpg', box: { x: 20, y: 35, width: 460, height: 470 }, reference: 'box cut', truth: async (im) => channelOf(grabCut(im, { x: 20, y: 35, width: 460, height: 470 }).image) },
  ];
  for (const c of cases) {
    const image = await read(c.file);
    const truth = await c.truth(image);
    await net.predict(image); // warm-up
    const set = `${c.file} vs ${c.reference}`;
    const t0 = performance.now();
    const s = await net.predict(image);
    const predictMs = performance.now() - t0;
    cells.push({ picture: fitInSquare(image, SHEET_SIZE), lines: [{ text: c.file }, { text: `reference: ${c.reference}`, color: '#555' }] });
    cells.push({ picture: fitInSquare({ width: s.width, height: s.height, channels: 1, data: s.prob }, SHEET_SIZE), lines: [{ text: 'network probability' }, { text: `${s.width}×${s.height}, ${Math.round(predictMs)} ms`, color: '#555' }] });
    // A cut that finds nothing is a row with IoU 0 and its error as the refusal.
    const attempt = (method: string, cut: () => { image: RasterImage; evidence: Parameters<typeof assessCut>[0] }, extraMs: number) => {
      const t = performance.now();
      let row: Row, picture: RasterImage;
      try {
        const r = cut();
        const ms = performance.now() - t + extraMs;
        row = { set, method, n: 1, iou: maskIoU(channelOf(r.image), truth, 0.5, 0.5), iouP10: null, share095: null, certainty: r.evidence.method === 'network' ? r.evidence.separation : null, refused: assessCut(r.evidence).doubts.join('; ') || null, ms };
        picture = fitInSquare(overCheckerboard(r.image), SHEET_SIZE);
      } catch (err) {
        row = { set, method, n: 1, iou: 0, iouP10: null, share095: null, certainty: null, refused: err instanceof Error ? err.message : String(err), ms: performance.now() - t + extraMs };
        picture = fitInSquare(image, SHEET_SIZE);
      }
      rows.push(row);
      cells.push({ picture, lines: [{ text: method }, { text: `IoU ${row.iou.toFixed(3)}`, color: '#555' }, row.refused ? { text: `refused: ${row.refused}`, color: '#a4161a', wrap: 5 } : { text: 'accepted', color: '#1b6e20' }] });
    };
    attempt('network + guided filter', () => networkCut(image, s), predictMs);
    const t1 = performance.now();
    const inBox = await predictInBox(net, image, { x: c.box.x / image.width, y: c.box.y / image.height, width: c.box.width / image.width, height: c.box.height / image.height });
    const boxPredictMs = performance.now() - t1;
    attempt('box, seeded by the network', () => grabCut(image, c.box, { prior: { prob: inBox.prob, width: inBox.width, height: inBox.height, region: inBox.region } }), boxPredictMs);
  }
  await net.dispose();
  if (o.sheet) {
    mkdirSync(dirname(resolve(o.sheet)), { recursive: true });
    writeFileSync(o.sheet, await sharp(await composeContactSheet(cells, 4, SHEET_SIZE, 110)).png({ palette: true, effort: 10 }).toBuffer());
  }
  const path = writeResults('segmentation', rows);
  if (o.json) for (const r of rows) console.log(JSON.stringify(r));
  else {
    printTable(rows.map((r) => ({ set: r.set, method: r.method, n: r.n, IoU: r.iou, 'IoU p10': r.iouP10 ?? '–', '≥ 0.95': r.share095 ?? '–', certainty: r.certainty ?? '–', refused: r.refused ?? (r.refusedShare !== undefined ? `${(r.refusedShare * 100).toFixed(1)} % (accepted: IoU ${r.acceptedIoU!.toFixed(3)})` : '–'), ms: Math.round(r.ms) })));
    console.log(`\nwritten to ${path}`);
  }
}

main().catch((err) => {
  process.stderr.write(`bench:seg: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
