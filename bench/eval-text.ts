/**
 * Text → 3D evaluation through the text → image model: caption → condition image → six views →
 * shape, on held-out procedural objects' captions and the Sweet Home 3D test split's names.
 *
 *   npm run -s eval:text -- [--count 50] [--sources procedural,sh3d] [--sh3d-dir DIR] [--model DIR] [--t2i-model DIR] [--seed 0] [--json]
 *
 * Per source, the first `--count` test objects, each with its first English and its first Chinese
 * caption (measured separately):
 *
 * - colorAccuracy: where the caption names a colour and that colour dominates the true render of the
 *   object at the text → image model's camera, whether it also dominates the drawn condition image
 *   (the palette colour most of its opaque pixels are nearest to, in Lab; `dominantPaletteColor`,
 *   the measure eval:mv uses on views);
 * - categoryTop1: whether the drawing is more similar to the true render of its own object than to
 *   those of 9 objects of other categories (from the same source's test objects). The similarity is
 *   fixed, not learned: both images cropped to their alpha as a photo is (64 px, margin 1.15), then
 *   ½ · (IoU of the silhouettes, alpha ≥ ½) + ½ · (intersection of their colour histograms: 4 bins
 *   per RGB channel over opaque pixels, each summing to 1). Chance is 1 in 10;
 * - fscore_005: F@0.05 after ICP alignment (a caption fixes no yaw) of the shape reconstructed from
 *   the views the multi-view model generates from the drawing, against the caption's object (as
 *   eval:mv measures direct text → 3D).
 *
 * A caption the text → image model's prompt check refuses (it names no object the model knows:
 * `understood` is the share that pass, per language) and a drawing with no object in it score a
 * miss on all three, as a person would get nothing. Needs a text → image model: the
 * embedded one (assets/models/kiln-t2i-cpu) or --t2i-model.
 */
import { Command } from 'commander';
import { KilnError, describeError } from '../src/core/errors.js';
import type { RasterImage } from '../src/core/image.js';
import { generateViews } from '../src/diffusion/generate-views.js';
import { defaultModelDir, defaultTextToImageModelDir } from '../src/diffusion/model-manifest.js';
import { loadMultiViewModel } from '../src/diffusion/multiview-model.js';
import { loadTextToImageModel } from '../src/diffusion/text-to-image-model.js';
import { rigCameras } from '../src/geometry/rig.js';
import { completeTextToImageOptions } from '../src/pipeline/generation-options.js';
import { promptVocabularyOf } from '../src/pipeline/prompt-reader.js';
import { drawCondition } from '../src/pipeline/text-to-3d.js';
import { understandPrompt } from '../src/text/understand-prompt.js';
import { cropToObject } from '../src/preprocess/crop-to-object.js';
import { dominantPaletteColor } from '../src/synth/dominant-color.js';
import { EVAL_SOURCES, evalSamples, sampleCalibratedViews, trainingDataSeed, type EvalSample, type EvalSource } from './eval-sources.js';
import { printTable, writeResults } from './harness.js';
import { shapeScore } from './shape-score.js';

const LANGUAGES = ['en', 'zh'] as const;
type Language = (typeof LANGUAGES)[number];

/** Objects each caption's drawing is ranked against: its own and this many of other categories. */
const DISTRACTORS = 9;
/** Test objects per source that distractors are drawn from (at least this many, or all there are). */
const DISTRACTOR_POOL = 40;
/** The similarity's crop: the multi-view model's condition framing. */
const CROP = { size: 64, margin: 1.15 };
const HISTOGRAM_BINS = 4;

/** An object's true render at the text → image model's camera, cropped as a photo is. */
interface Truth {
  sample: EvalSample;
  image: RasterImage;
  histogram: Float64Array;
  alpha: Uint8Array;
}

function silhouette(image: RasterImage): Uint8Array {
  const out = new Uint8Array(image.width * image.height);
  for (let i = 0; i < out.length; i++) out[i] = image.data[i * 4 + 3] >= 0.5 ? 1 : 0;
  return out;
}

/** Normalised RGB histogram (HISTOGRAM_BINS³ bins) of the opaque pixels. */
function colourHistogram(image: RasterImage): Float64Array {
  const b = HISTOGRAM_BINS;
  const h = new Float64Array(b * b * b);
  let n = 0;
  for (let i = 0, px = image.width * image.height; i < px; i++) {
    if (image.data[i * 4 + 3] < 0.5) continue;
    const q = (c: number) => Math.min(b - 1, Math.floor(image.data[i * 4 + c] * b));
    h[(q(0) * b + q(1)) * b + q(2)]++;
    n++;
  }
  if (n) for (let k = 0; k < h.length; k++) h[k] /= n;
  return h;
}

function describeImage(image: RasterImage): { image: RasterImage; alpha: Uint8Array; histogram: Float64Array } {
  const cropped = cropToObject(image, CROP);
  return { image: cropped, alpha: silhouette(cropped), histogram: colourHistogram(cropped) };
}

/** The fixed similarity of two described images: ½ silhouette IoU + ½ histogram intersection. */
function similarity(a: { alpha: Uint8Array; histogram: Float64Array }, b: { alpha: Uint8Array; histogram: Float64Array }): number {
  let inter = 0, union = 0;
  for (let i = 0; i < a.alpha.length; i++) {
    inter += a.alpha[i] & b.alpha[i];
    union += a.alpha[i] | b.alpha[i];
  }
  let hist = 0;
  for (let k = 0; k < a.histogram.length; k++) hist += Math.min(a.histogram[k], b.histogram[k]);
  return 0.5 * (union ? inter / union : 0) + 0.5 * hist;
}

/** The 9 distractors of object `i`: the next pool objects of other categories, a new category each while there are any. */
function distractorsOf(i: number, pool: Truth[]): Truth[] {
  const own = pool[i].sample.category;
  const order = pool.map((_, k) => pool[(i + 1 + k) % pool.length]).filter((t) => t.sample.category !== own);
  const chosen: Truth[] = [];
  const seen = new Set<string>();
  for (const t of order) if (chosen.length < DISTRACTORS && !seen.has(t.sample.category)) (chosen.push(t), seen.add(t.sample.category));
  for (const t of order) if (chosen.length < DISTRACTORS && !chosen.includes(t)) chosen.push(t);
  return chosen;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
type PerLanguage<T> = Record<Language, T>;
const perLanguage = <T>(f: () => T): PerLanguage<T> => ({ en: f(), zh: f() });

interface Scores {
  color: number[];
  category: number[];
  f005: number[];
  understood: number[];
}

async function main(): Promise<void> {
  const program = new Command()
    .option('--count <n>', 'test objects per source (each with one English and one Chinese caption)', (v) => parseInt(v, 10), 50)
    .option('--sources <list>', `comma-separated: ${EVAL_SOURCES.join(', ')}`, EVAL_SOURCES.join(','))
    .option('--sh3d-dir <dir>', 'folder of .sh3f catalogues (Sweet Home 3D source)')
    .option('--model <dir>', 'multi-view model folder', defaultModelDir())
    .option('--t2i-model <dir>', 'text → image model folder', defaultTextToImageModelDir())
    .option('--seed <n>', 'sampling seed', (v) => parseInt(v, 10), 0)
    .option('--json', 'print JSON instead of tables')
    .parse();
  const o = program.opts<{ count: number; sources: string; sh3dDir?: string; model: string; t2iModel: string; seed: number; json?: boolean }>();
  const sources = o.sources.split(',').map((s) => s.trim()) as EvalSource[];
  const bad = sources.filter((s) => !(EVAL_SOURCES as readonly string[]).includes(s));
  if (bad.length) throw new Error(`--sources: unknown ${bad.join(', ')}; known: ${EVAL_SOURCES.join(', ')}`);
  const mv = await loadMultiViewModel(o.model);
  const t2i = await loadTextToImageModel(o.t2iModel).catch((err: unknown) => {
    throw new Error(`eval:text needs a text → image model: ${describeError(err)} (train one with training/configs/t2i-cpu.json, or pass --t2i-model)`);
  });
  const m = mv.manifest;
  const r = m.resolution;
  const cameras = rigCameras(m.rig, r);
  // The rig view the text → image model draws (its camera), else the sample's condition view.
  const cam = t2i.manifest.view.camera;
  const rigIndex = cam ? m.rig.views.findIndex((v) => v.azimuth === cam.azimuth && v.elevation === cam.elevation && v.distance === cam.distance && v.fov === cam.fov) : -1;
  const sampling = completeTextToImageOptions(undefined, t2i.manifest);
  const dataSeed = trainingDataSeed(m);
  const t0 = performance.now();
  let captions = 0;
  const bySource: Record<string, unknown> = {};
  const all: PerLanguage<Scores> = perLanguage(() => ({ color: [], category: [], f005: [], understood: [] }));
  // What textTo3D checks a prompt against before drawing anything.
  const prompts = promptVocabularyOf(t2i);
  const skipped: Record<string, string> = {};
  for (const source of sources) {
    const pool: Truth[] = [];
    try {
      const it = evalSamples({ source, split: 'test', dataSeed, resolution: r, rig: m.rig, sh3dDir: o.sh3dDir });
      for (let i = 0; i < Math.max(o.count, DISTRACTOR_POOL); i++) {
        const next = await it.next();
        if (next.done) break;
        const views = sampleCalibratedViews(next.value, r, cameras);
        const truth = rigIndex >= 0 ? views.rig[rigIndex].image : views.condition.image;
        pool.push({ sample: next.value, ...describeImage(truth) });
      }
    } catch (err) {
      // The Sweet Home 3D source needs the catalogues installed; without them it is skipped, and says why.
      if (!(err instanceof KilnError)) throw err;
      skipped[source] = err.message;
      continue;
    }
    const scores: PerLanguage<Scores> = perLanguage(() => ({ color: [], category: [], f005: [], understood: [] }));
    const objects = Math.min(o.count, pool.length);
    for (let i = 0; i < objects; i++) {
      const truth = pool[i];
      const s = truth.sample;
      const trueColor = dominantPaletteColor([truth.image])?.color.name;
      const rivals = distractorsOf(i, pool);
      for (const lang of LANGUAGES) {
        const prompt = s.captions[lang][0];
        const seed = o.seed + i;
        const acc = scores[lang];
        const colorCounts = s.color !== undefined && trueColor === s.color;
        captions++;
        const understood = understandPrompt(prompt, prompts).objects.length > 0;
        acc.understood.push(understood ? 1 : 0);
        let drawn;
        try {
          if (!understood) throw new KilnError('UNKNOWN_WORDS', `"${prompt}" names no object the model knows`);
          drawn = await drawCondition(t2i, prompt, m, { seed, ...sampling });
        } catch (err) {
          if (!(err instanceof KilnError)) throw err;
          // Nothing drawn: a miss on every measure.
          if (colorCounts) acc.color.push(0);
          acc.category.push(0);
          acc.f005.push(0);
          continue;
        }
        if (colorCounts) acc.color.push(dominantPaletteColor([drawn.drawn.image])?.color.name === s.color ? 1 : 0);
        const d = describeImage(drawn.drawn.image);
        const own = similarity(d, truth);
        acc.category.push(rivals.every((t) => similarity(d, t) < own) ? 1 : 0);
        const views = await generateViews(mv, { image: drawn.input.condition }, { seed });
        acc.f005.push((await shapeScore(views.views, s.mesh, 'icp')).f005);
      }
      if (!o.json && (i + 1) % 10 === 0) console.error(`eval:text ${source} ${i + 1}/${objects} objects, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    for (const lang of LANGUAGES) for (const k of ['color', 'category', 'f005', 'understood'] as const) all[lang][k].push(...scores[lang][k]);
    bySource[source] = summarise(scores, objects);
  }
  const summary = {
    model: m.name,
    textToImageModel: t2i.manifest.name,
    textToImageSteps: (t2i.manifest.training as { steps?: number }).steps,
    sampling: { steps: sampling.steps, guidance: { preset: 'constant', scale: sampling.guidanceScale } },
    dataSeed,
    ...summarise(all, undefined),
    sources: bySource,
    skipped,
    chance: { categoryTop1: 1 / (DISTRACTORS + 1) },
    secondsPerCaption: (performance.now() - t0) / 1000 / Math.max(1, captions),
  };
  writeResults('eval-text', [summary]);
  await mv.dispose();
  await t2i.dispose();
  if (o.json) {
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  console.log(`\n${summary.textToImageModel} → ${summary.model}, ${sampling.steps} steps, guidance ${sampling.guidanceScale} (chance for category top-1: ${summary.chance.categoryTop1})\n`);
  printTable(
    Object.entries(bySource).flatMap(([source, v]) => {
      const x = v as ReturnType<typeof summarise>;
      return LANGUAGES.map((lang) => ({ source, captions: lang === 'en' ? 'English' : 'Chinese', objects: x.objects ?? 0, understood: x.understood[lang], color_accuracy: x.colorAccuracy[lang], color_captions: x.colorCaptions[lang], category_top1: x.categoryTop1[lang], fscore_005_icp: x.fscore_005[lang] }));
    }),
  );
  for (const [source, why] of Object.entries(skipped)) console.log(`${source}: skipped (${why})`);
}

function summarise(s: PerLanguage<Scores>, objects: number | undefined) {
  return {
    ...(objects !== undefined ? { objects } : {}),
    colorAccuracy: { en: mean(s.en.color), zh: mean(s.zh.color) },
    colorCaptions: { en: s.en.color.length, zh: s.zh.color.length },
    categoryTop1: { en: mean(s.en.category), zh: mean(s.zh.category) },
    fscore_005: { en: mean(s.en.f005), zh: mean(s.zh.f005) },
    understood: { en: mean(s.en.understood), zh: mean(s.zh.understood) },
  };
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
