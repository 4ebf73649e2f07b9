import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { KilnError, describeError } from '../core/errors.js';
import { readImage, readImageSize } from '../core/image.js';
import { loadMultiViewModel } from '../diffusion/multiview-model.js';
import { defaultModelDir, defaultTextToImageModelDir, loadModelManifest } from '../diffusion/model-manifest.js';
import { loadTextToImageModel, textToImageManifestIfPresent } from '../diffusion/text-to-image-model.js';
import { parseFormats } from '../export/formats.js';
import { imageTo3D } from '../pipeline/image-to-3d.js';
import { PREPROCESS_DEFAULTS } from '../preprocess/preprocess-image.js';
import { textTo3D } from '../pipeline/text-to-3d.js';
import type { GenerationResult } from '../pipeline/generation.js';
import { resolveGenerationOptions } from '../pipeline/generation-options.js';
import { parseBoxText, parseGenerationRequest, parsePrompt, type GenerationRequest } from '../pipeline/generation-request.js';
import type { ReportFields, ViewAgreement } from '../pipeline/generation-report.js';
import { writeOutputs } from '../pipeline/write-outputs.js';
import { requireKnownObject } from '../text/understand-prompt.js';
import { flagOf } from './flags.js';
import { OBJECTS_COMMAND } from './objects-command.js';
import { loadPromptReader } from '../pipeline/prompt-reader.js';
import { createProgressDisplay } from './progress-display.js';
import type { ProgressEvent } from '../core/progress.js';

export interface GenerateCommandOptions extends OutputCommandOptions {
  seed: number;
  steps?: number;
  cfg?: string;
  cfgScale?: number;
  faces: number;
  textureSize?: number;
  fast?: boolean;
  model?: string;
  /** `--no-project-input` sets it false. */
  projectInput?: boolean;
  /** `--box x,y,w,h` in pixels of the photo (image → 3D). */
  box?: string;
  /** Text → 3D: the text → image model's folder (default: the embedded one, when it is there). */
  t2iModel?: string;
  t2iSteps?: number;
  t2iCfgScale?: number;
  /** `--force`: go on with a doubtful cut-out (image → 3D). */
  force?: boolean;
}

/**
 * Fails before any heavy work when the output folder could not be written: the folder itself if it
 * exists, else its nearest existing ancestor (the folder is only created once there are outputs, so
 * a failed run leaves nothing behind).
 */
export async function ensureWritableFolder(dir: string): Promise<void> {
  let at = resolve(dir);
  for (;;) {
    try {
      const s = await stat(at);
      if (!s.isDirectory()) throw new KilnError('INVALID_INPUT', `cannot write to the output folder ${resolve(dir)} (${at} is not a folder)`);
      await access(at, constants.W_OK);
      return;
    } catch (err) {
      if (err instanceof KilnError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && dirname(at) !== at) {
        at = dirname(at);
        continue;
      }
      throw new KilnError('INVALID_INPUT', `cannot write to the output folder ${resolve(dir)} (${describeError(err)})`);
    }
  }
}


/**
 * Runs image → 3D or text → 3D for the CLI: loads the model, drives the pipeline with a progress
 * display, cancels cleanly on Ctrl-C (nothing half-written is left), and writes the outputs.
 * Returns what to print: the report as JSON with `--json`, else a short summary.
 */
export async function runGenerateCommand(kind: 'image' | 'text', input: string, opts: GenerateCommandOptions): Promise<string> {
  // Every flag is checked before any work: a bad --faces or --cfg fails here, not after diffusion.
  const modelDir = opts.model ?? defaultModelDir();
  const request = generationRequest(opts);
  if (kind === 'text') {
    // The prompt must name an object the model that reads it knows: checked from its vocabulary, before any work.
    requireKnownObject(parsePrompt(input, 'text'), (await loadPromptReader(modelDir, opts.t2iModel)).vocabulary, OBJECTS_COMMAND, 'text');
  }
  const named = (err: unknown) => {
    throw err instanceof KilnError ? new KilnError(err.code, `${input}: ${err.message}`) : err;
  };
  // The request is resolved against the model's manifest and the photo's size (header only) before
  // the photo is decoded (downscaled) or the model loaded, so a --box outside the photo fails first.
  const photo = kind === 'image' ? await readImageSize(input).catch(named) : undefined;
  const resolved = resolveGenerationOptions(request, await loadModelManifest(modelDir, { verify: false }), photo, flagOf).options;
  // Text → 3D goes through a text → image model when there is one (--t2i-model, or the embedded one).
  const t2iDir = kind === 'text' ? (opts.t2iModel ?? defaultTextToImageModelDir()) : undefined;
  const t2iManifest = kind === 'text' ? await textToImageManifestIfPresent(opts.t2iModel) : undefined;
  if (kind === 'text' && !t2iManifest) {
    const asked = (['t2iSteps', 't2iCfgScale'] as const).find((f) => request[f] !== undefined);
    if (asked) throw new KilnError('INVALID_INPUT', `${flagOf(asked)}: there is no text → image model (${t2iDir} does not exist); text → 3D reads the prompt with the multi-view model`);
  }
  const image = kind === 'image' ? await readImage(input, { maxSide: PREPROCESS_DEFAULTS.maxSide }).catch(named) : undefined;
  await ensureWritableFolder(opts.out);
  return produceAndWrite(opts, { command: kind, input: kind === 'image' ? resolve(input) : input }, async (signal, onProgress) => {
    const model = await loadMultiViewModel(modelDir);
    const textToImageModel = t2iManifest ? await loadTextToImageModel(t2iDir) : undefined;
    const options = { ...resolved, textToImageModel, signal, onProgress };
    try {
      return kind === 'image' ? await imageTo3D(model, image!, options) : await textTo3D(model, input, options);
    } finally {
      await model.dispose();
      await textToImageModel?.dispose();
    }
  });
}

/** The generation request that the flags make, validated by the shared schema. */
export function generationRequest(opts: GenerateCommandOptions): GenerationRequest {
  return parseGenerationRequest(
    {
      seed: opts.seed,
      steps: opts.steps,
      cfg: opts.cfg,
      cfgScale: opts.cfgScale,
      faces: opts.faces,
      textureSize: opts.textureSize,
      formats: parseFormats(opts.format),
      fast: opts.fast,
      projectInput: opts.projectInput,
      box: opts.box === undefined ? undefined : parseBoxText(opts.box),
      t2iSteps: opts.t2iSteps,
      t2iCfgScale: opts.t2iCfgScale,
      force: opts.force,
    },
    flagOf,
  );
}

/** What every generating command shares: output formats, preview, progress style, compression. */
export interface OutputCommandOptions {
  out: string;
  format: string;
  preview: boolean;
  json?: boolean;
  quiet?: boolean;
  compress?: string;
}

const COMPRESSIONS = ['none', 'meshopt', 'draco'] as const;

/** Views → 3D's silhouette check for the summary: each photo's IoU, and the warning of a forced run. */
function describeAgreement(a: ViewAgreement): string {
  const ious = a.views.map((v, i) => `${v.name} ${v.iou.toFixed(3)}${a.disagreeing.includes(i) ? ' (disagrees)' : ''}`).join(', ');
  return `silhouette agreement (IoU, ${a.threshold} needed): ${ious}${a.warning ? `\nwarning: ${a.warning}` : ''}`;
}

/**
 * Runs a generation with a progress display and Ctrl-C / SIGTERM cancellation, then writes its
 * outputs (staged; nothing half-written is left). Returns what to print: the report as JSON with
 * `--json`, else one summary line.
 */
export async function produceAndWrite(
  opts: OutputCommandOptions,
  reportFields: ReportFields,
  produce: (signal: AbortSignal, onProgress: (e: ProgressEvent) => void) => Promise<GenerationResult>,
): Promise<string> {
  const formats = parseFormats(opts.format);
  const compression = COMPRESSIONS.find((c) => c === (opts.compress ?? 'none'));
  if (!compression) throw new KilnError('INVALID_INPUT', `--compress must be one of ${COMPRESSIONS.join(', ')}, got '${opts.compress}'`);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const display = createProgressDisplay(!opts.json && !opts.quiet);
  const started = performance.now();
  try {
    const result = await produce(controller.signal, (e) => display.update(e));
    const report = await writeOutputs(result, opts.out, { formats, compression, preview: opts.preview, signal: controller.signal, report: reportFields });
    display.stop();
    if (opts.json) return JSON.stringify({ out: resolve(opts.out), ...report }, null, 2);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const fallback = report.options.fallback ? '; the generated views disagreed, so the model was built from the front view and its mirror' : '';
    const agreement = report.viewAgreement ? `\n${describeAgreement(report.viewAgreement)}` : '';
    // A forced run kept cut-outs the check doubted: say so under the summary, as for the angles.
    const doubted = [report.cutout, ...(report.cutouts ?? [])].filter((c) => c?.warning).map((c) => `\nwarning: ${c && 'name' in c ? `${c.name}: ` : ''}${c!.warning}`);
    return `${resolve(opts.out)}: ${report.files.join(', ')} (${report.mesh.faces} faces, ${seconds} s${fallback})${agreement}${doubted.join('')}`;
  } finally {
    display.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
