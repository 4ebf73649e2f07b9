/**
 * A generation worker thread: loads the model once, then runs one job at a time (image → 3D, text →
 * 3D or views → 3D, then the outputs), posting progress to the server. Runs off the HTTP thread so
 * the API stays responsive while the CPU is busy.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { basename } from 'node:path';
import { CancelledError, KilnError, describeError } from '../src/core/errors.js';
import { readImage, readImageSize } from '../src/core/image.js';
import { loadMultiViewModel, type MultiViewModel } from '../src/diffusion/multiview-model.js';
import { loadTextToImageModelIfPresent, type TextToImageModel } from '../src/diffusion/text-to-image-model.js';
import type { GenerationOptions, GenerationResult } from '../src/pipeline/generation.js';
import type { OutputFormat } from '../src/export/formats.js';
import { resolveGenerationOptions, resolveViewsOptions } from '../src/pipeline/generation-options.js';
import { imageTo3D } from '../src/pipeline/image-to-3d.js';
import { PREPROCESS_DEFAULTS } from '../src/preprocess/preprocess-image.js';
import { textTo3D } from '../src/pipeline/text-to-3d.js';
import { viewsTo3D } from '../src/pipeline/views-to-3d.js';
import { conditionPng, viewsGridPng, writeOutputs } from '../src/pipeline/write-outputs.js';
import { writeFileAtomic } from '../src/core/fs.js';
import type { FromWorker, ToWorker, WorkerJob } from './worker-protocol.js';

const { modelDir, textToImageModelDir, threads, maxPixels } = workerData as { modelDir: string; textToImageModelDir?: string; threads: number; maxPixels: number };
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);
const controllers = new Map<string, AbortController>();
let model: MultiViewModel;
/** Text → 3D draws the prompt as an image first when there is a text → image model. */
let textToImageModel: TextToImageModel | undefined;

async function run(job: WorkerJob): Promise<void> {
  const controller = new AbortController();
  controllers.set(job.id, controller);
  let lastPost = 0;
  let lastStage = '';
  // The pipeline's stages take the first 90 %; writing the outputs (export, preview) the rest.
  const onPipelineProgress = (e: { stage: string; fraction: number }) => onProgress({ stage: e.stage, fraction: 0.9 * e.fraction });
  const onProgress = (e: { stage: string; fraction: number }) => {
    const now = performance.now();
    // Stage changes always go out; progress within a stage at most ten times a second.
    if (e.stage === lastStage && now - lastPost < 100 && e.fraction < 1) return;
    lastStage = e.stage;
    lastPost = now;
    post({ type: 'progress', id: job.id, stage: e.stage, fraction: e.fraction });
  };
  try {
    // The job's options were validated when it was accepted; here the model (or views → 3D) fills in the rest.
    let result: GenerationResult;
    let formats: OutputFormat[];
    if (job.kind === 'views') {
      const photos = [];
      for (const input of job.inputs) {
        photos.push({ image: await readImage(input.path, { maxPixels }), azimuth: input.azimuth ?? 0, elevation: input.elevation ?? 0, name: basename(input.path) });
      }
      const resolved = resolveViewsOptions(job.options);
      formats = resolved.formats;
      result = await viewsTo3D(photos, { ...resolved.options, signal: controller.signal, onProgress: onPipelineProgress });
    } else {
      // A box was checked against the photo when the job was accepted; here it becomes fractions of it.
      const photo = job.kind === 'image' ? await readImageSize(job.inputs[0].path) : undefined;
      const resolved = resolveGenerationOptions(job.options, model.manifest, photo);
      formats = resolved.formats;
      const options: GenerationOptions = {
        ...resolved.options,
        signal: controller.signal,
        onProgress: onPipelineProgress,
        onViews: async (views) => {
          await writeFileAtomic(job.previewPath, await viewsGridPng(views));
          post({ type: 'views', id: job.id });
        },
        textToImageModel: job.kind === 'text' ? textToImageModel : undefined,
        onCondition: async (image) => {
          await writeFileAtomic(job.conditionPath, await conditionPng(image));
          post({ type: 'condition', id: job.id });
        },
      };
      result = job.kind === 'image'
        ? await imageTo3D(model, await readImage(job.inputs[0].path, { maxPixels, maxSide: PREPROCESS_DEFAULTS.maxSide }), options)
        : await textTo3D(model, job.prompt ?? '', options);
    }
    onProgress({ stage: 'export', fraction: 0.9 });
    const report = await writeOutputs(result, job.outDir, { formats, preview: true, signal: controller.signal, report: { command: job.kind, job: job.id } });
    post({ type: 'done', id: job.id, report });
  } catch (err) {
    if (err instanceof CancelledError || controller.signal.aborted) post({ type: 'cancelled', id: job.id });
    else post({ type: 'failed', id: job.id, code: err instanceof KilnError ? err.code : 'INTERNAL', message: describeError(err) });
  } finally {
    controllers.delete(job.id);
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'run') void run(m.job);
  else if (m.type === 'cancel') controllers.get(m.id)?.abort();
});

try {
  model = await loadMultiViewModel(modelDir, { threads });
  textToImageModel = await loadTextToImageModelIfPresent(textToImageModelDir, { threads });
  post({ type: 'ready', model: { name: model.manifest.name, sha256: model.manifest.files.denoiser.sha256 } });
} catch (err) {
  post({ type: 'load-failed', message: describeError(err) });
}
