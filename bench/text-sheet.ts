/**
 * The English/Chinese text → 3D example sheet: test objects' captions, each in both languages, run
 * through text → 3D with the embedded models (or --model / --t2i-model). One row per caption: the
 * condition image the text → image model drew, then turntable frames of the mesh made from it.
 *
 *   npm run -s bench:text-sheet -- [--out docs/text-to-3d-examples.png] [--per-source 3] [--frames 5] [--seed 0]
 *
 * The objects are each source's first test objects of distinct categories (never trained on), so
 * the sheet shows what a user gets for captions the models have not seen, not picked successes.
 */
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import sharp from 'sharp';
import { KilnError, describeError } from '../src/core/errors.js';
import { createImage, readImage, toUint8, type RasterImage } from '../src/core/image.js';
import { defaultModelDir, defaultTextToImageModelDir } from '../src/diffusion/model-manifest.js';
import { loadMultiViewModel } from '../src/diffusion/multiview-model.js';
import { loadTextToImageModel } from '../src/diffusion/text-to-image-model.js';
import { textTo3D } from '../src/pipeline/text-to-3d.js';
import { turntableFrames } from '../src/render/turntable-gif.js';
import { composeContactSheet, type SheetCell } from '../src/synth/contact-sheet.js';
import { EVAL_SOURCES, evalSamples, trainingDataSeed, type EvalSample } from './eval-sources.js';

const CELL = 128;

/** A small drawing enlarged to the sheet's cell, pixels kept sharp so the model's resolution shows. */
async function enlarge(image: RasterImage, size: number): Promise<RasterImage> {
  const png = await sharp(Buffer.from(toUint8(image)), { raw: { width: image.width, height: image.height, channels: 4 } })
    .resize(size, size, { kernel: 'nearest' })
    .png()
    .toBuffer();
  return readImage(png);
}

/** The first `count` test objects of a source, one per category. */
async function distinctObjects(source: (typeof EVAL_SOURCES)[number], count: number, mv: Awaited<ReturnType<typeof loadMultiViewModel>>): Promise<EvalSample[]> {
  const m = mv.manifest;
  const dataSeed = trainingDataSeed(m);
  const chosen: EvalSample[] = [];
  for await (const s of evalSamples({ source, split: 'test', dataSeed, resolution: m.resolution, rig: m.rig })) {
    if (!chosen.some((c) => c.category === s.category)) chosen.push(s);
    if (chosen.length === count) break;
  }
  return chosen;
}

async function main(): Promise<void> {
  const o = new Command()
    .option('--out <file>', 'PNG to write', 'docs/text-to-3d-examples.png')
    .option('--per-source <n>', 'objects per source, each captioned in English and in Chinese', (v) => parseInt(v, 10), 3)
    .option('--frames <n>', 'turntable frames per row', (v) => parseInt(v, 10), 5)
    .option('--seed <n>', 'sampling seed', (v) => parseInt(v, 10), 0)
    .option('--model <dir>', 'multi-view model folder', defaultModelDir())
    .option('--t2i-model <dir>', 'text → image model folder', defaultTextToImageModelDir())
    .parse()
    .opts<{ out: string; perSource: number; frames: number; seed: number; model: string; t2iModel: string }>();
  const mv = await loadMultiViewModel(o.model);
  const t2i = await loadTextToImageModel(o.t2iModel).catch((err: unknown) => {
    throw new Error(`bench:text-sheet needs a text → image model: ${describeError(err)}`);
  });
  const cells: SheetCell[] = [];
  for (const source of EVAL_SOURCES) {
    let objects: EvalSample[];
    try {
      objects = await distinctObjects(source, o.perSource, mv);
    } catch (err) {
      if (!(err instanceof KilnError)) throw err;
      console.error(`${source}: skipped (${err.message})`);
      continue;
    }
    for (const s of objects) {
      for (const lang of ['en', 'zh'] as const) {
        const prompt = s.captions[lang][0];
        const label = [{ text: prompt, wrap: 2, cjk: lang === 'zh' }, { text: `${source} · ${s.category}`, color: '#777' }];
        let row: RasterImage[];
        try {
          const result = await textTo3D(mv, prompt, { seed: o.seed, textToImageModel: t2i });
          row = [await enlarge(result.drawnCondition!, CELL), ...turntableFrames(result.mesh, { size: CELL, frames: o.frames })];
        } catch (err) {
          // A refused caption is part of what the sheet shows: its row stays blank with the reason.
          if (!(err instanceof KilnError)) throw err;
          const reason = err.code === 'UNKNOWN_WORDS' ? 'names no object the model knows' : err.message;
          const blank = createImage(CELL, CELL, 4); // transparent: white on the sheet
          cells.push({ picture: blank, lines: label });
          cells.push({ picture: blank, lines: [{ text: `refused: ${reason}`, color: '#b00', wrap: 3 }] });
          for (let f = 1; f < o.frames; f++) cells.push({ picture: blank, lines: [] });
          continue;
        }
        row.forEach((picture, k) => cells.push({ picture, lines: k === 0 ? label : k === 1 ? [{ text: 'turntable →', color: '#777' }] : [] }));
        console.error(`${source} ${lang}: "${prompt}" done`);
      }
    }
  }
  await writeFile(o.out, await composeContactSheet(cells, 1 + o.frames, CELL, 64));
  console.log(`wrote ${o.out} (${cells.length / (1 + o.frames)} captions)`);
  await mv.dispose();
  await t2i.dispose();
}

main().catch((err) => {
  console.error(describeError(err));
  process.exit(1);
});
