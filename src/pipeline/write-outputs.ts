import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { KilnError, describeError } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import { encodeImage, type RasterImage } from '../core/image.js';
import { throwIfAborted, type OperationOptions } from '../core/progress.js';
import { viewsOverWhite } from '../diffusion/view-codec.js';
import { tileImages } from '../render/render-rig.js';
import { turntableGif } from '../render/turntable-gif.js';
import { DEFAULT_FORMATS, isOutputFile, type OutputFormat } from '../export/formats.js';
import { writeModelFiles, type WriteModelFilesOptions } from '../export/write-model-files.js';
import type { CalibratedView } from '../geometry/calibrated-view.js';
import type { GenerationResult } from './generation.js';
import { generationReport, type GenerationReport, type ReportFields } from './generation-report.js';
import { photosGridPng } from './photos-grid.js';

export interface WriteOutputsOptions extends OperationOptions {
  formats: readonly OutputFormat[];
  /** Write `preview.gif` (a turntable, about a second of rendering). */
  preview: boolean;
  /** Extra fields for `report.json` (the command, input paths…). */
  report: ReportFields;
  /** GLB geometry compression. */
  compression: WriteModelFilesOptions['compression'];
}

export const WRITE_OUTPUTS_DEFAULTS: WriteOutputsOptions = { formats: DEFAULT_FORMATS, preview: true, report: {}, compression: 'none' };

/** The generated views as one PNG: a 3 × 2 grid over white, upscaled 4× (they are 64 px each). */
export async function viewsGridPng(views: CalibratedView[]): Promise<Buffer> {
  const grid = tileImages(views.map((v) => viewsOverWhite(v.image)), 3);
  return sharp(await encodeImage(grid)).resize(grid.width * 4, grid.height * 4, { kernel: 'lanczos3' }).png().toBuffer();
}

/** A drawn condition image (64 px) as a PNG upscaled 4×, as `views.png` shows the views; alpha kept. */
export async function conditionPng(image: RasterImage): Promise<Buffer> {
  return sharp(await encodeImage(image)).resize(image.width * 4, image.height * 4, { kernel: 'lanczos3' }).png().toBuffer();
}

/**
 * The output files in report order: the drawn condition image first (the first thing a text → 3D
 * generation makes, and what the rest was made from), then the others by name.
 */
export function orderOutputFiles(files: readonly string[]): string[] {
  const rank = (f: string) => (f === 'condition.png' ? 0 : 1);
  return [...files].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Writes a generation into `dir`: `condition.png` (text → 3D through a text → image model: the
 * image drawn from the prompt), `input.png`, `views.png` (the generated views, or the photos of
 * views → 3D with their masks), the model files, `preview.gif` and
 * `report.json`. Everything is staged in a hidden sibling folder and moved into place only when all
 * of it exists, `report.json` last, so a cancelled or failed run leaves no half-written result
 * (and a reader that sees `report.json` sees everything). Returns the report.
 */
export async function writeOutputs(result: GenerationResult, dir: string, options: Partial<WriteOutputsOptions> = {}): Promise<GenerationReport> {
  const o = { ...WRITE_OUTPUTS_DEFAULTS, ...options };
  const out = resolve(dir);
  try {
    await mkdir(out, { recursive: true });
  } catch (err) {
    throw new KilnError('INVALID_INPUT', `cannot create the output folder ${out} (${describeError(err)})`);
  }
  const staging = join(out, `.kiln-partial-${process.pid}-${Date.now().toString(36)}`);
  const timings = { ...result.timings };
  try {
    await mkdir(staging).catch((err: unknown) => {
      throw new KilnError('INVALID_INPUT', `cannot write to the output folder ${out} (${describeError(err)})`);
    });
    let t = performance.now();
    if (result.drawnCondition) await writeFileAtomic(join(staging, 'condition.png'), await conditionPng(result.drawnCondition));
    if (result.input) await writeFileAtomic(join(staging, 'input.png'), await encodeImage(result.input.cutout));
    if (result.views) await writeFileAtomic(join(staging, 'views.png'), await viewsGridPng(result.views));
    else if (result.photos) await writeFileAtomic(join(staging, 'views.png'), await photosGridPng(result.photos));
    throwIfAborted(o.signal, 'writeOutputs');
    await writeModelFiles(result.mesh, staging, { formats: o.formats, compression: o.compression });
    timings.export = Math.round(performance.now() - t) / 1000;
    if (o.preview) {
      t = performance.now();
      await writeFileAtomic(join(staging, 'preview.gif'), turntableGif(result.mesh, { signal: o.signal }));
      timings.preview = Math.round(performance.now() - t) / 1000;
    }
    throwIfAborted(o.signal, 'writeOutputs');
    const files = orderOutputFiles(await readdir(staging));
    const report = generationReport(result, files, timings, o.report);
    await writeFileAtomic(join(staging, 'report.json'), JSON.stringify(report, null, 2) + '\n');
    for (const f of files) await rename(join(staging, f), join(out, f));
    await rename(join(staging, 'report.json'), join(out, 'report.json'));
    // A file of ours left from an earlier run into the same folder would now describe another model.
    for (const stale of await readdir(out)) if (isOutputFile(stale) && !report.files.includes(stale)) await rm(join(out, stale), { force: true });
    return report;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
