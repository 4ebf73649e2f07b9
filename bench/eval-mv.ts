/**
 * Multi-view model evaluation on held-out procedural objects or real furniture.
 *
 *   npm run -s eval:mv -- [--source procedural|sh3d] [--sh3d-dir DIR] [--split test] [--count 100] [--text 50] [--ablation 24] [--model DIR] [--presets "constant 3,adaptive 8"] [--json]
 *
 * Objects are synthesised from the model's data seed (manifest.training.dataSeed) on the test split,
 * rendered at the model's rig and resolution, so nothing here was seen in training; every third
 * test object is an unseen (category, colour, material) combination.
 *
 * - views: masked PSNR, SSIM, alpha IoU, depth error of the generated views against the renders;
 * - image → 3D: reconstruction from the generated views vs the ground-truth mesh (each shape
 *   normalised to a unit box, no alignment: the views are in the input's frame), F@0.05, F@0.1, Chamfer;
 * - baseline: the condition view alone (its silhouette, and the same silhouette mirrored from behind);
 * - oracle: reconstruction from the true rig views at the model's resolution, with depth and from
 *   silhouettes only, so the gap splits into the model's share and reconstruction's;
 * - `--source sh3d`: the usable models of the Sweet Home 3D test split instead (condition view at
 *   15° elevation; text and ablation default to none there);
 * - text → 3D: English and Chinese captions alternately; F-score after ICP alignment (a caption fixes
 *   no yaw) and colour accuracy where the caption's colour dominates the ground-truth renders;
 * - ablation: the guidance presets on the first `--ablation` objects;
 * - per object: the default guidance's scores for each object (`perObject` in the JSON), which
 *   `compare:mv` pairs between two models.
 */
import { basename, resolve } from 'node:path';
import { Command } from 'commander';
import type { RasterImage } from '../src/core/image.js';
import { rigCameras } from '../src/geometry/rig.js';
import { generateViews } from '../src/diffusion/generate-views.js';
import { loadMultiViewModel, type MultiViewModel } from '../src/diffusion/multiview-model.js';
import { defaultModelDir } from '../src/diffusion/model-manifest.js';
import type { GuidanceSchedule } from '../src/diffusion/guidance.js';
import { compareViews } from '../src/metrics/view-metrics.js';
import { cropToObject } from '../src/preprocess/crop-to-object.js';
import type { CalibratedView } from '../src/geometry/calibrated-view.js';
import { EVAL_SOURCES, evalSamples, sampleCalibratedViews, trainingDataSeed, type EvalSample, type EvalSource } from './eval-sources.js';
import { dominantPaletteColor } from '../src/synth/dominant-color.js';
import type { Split } from '../src/synth/splits.js';
import { mirroredPair } from '../src/geometry/mirrored-pair.js';
import { printTable, writeResults } from './harness.js';
import { shapeScore } from './shape-score.js';

const push = (acc: PresetResult, r: { f005: number; f01: number; chamfer: number }) => {
  acc.f005.push(r.f005);
  acc.f01.push(r.f01);
  acc.chamfer.push(r.chamfer);
};

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

export interface PerObjectRow { id: string; category: string; fscore_005: number; psnr: number; alpha_iou: number; baseline_fscore_005: number }
interface PresetResult { psnr: number[]; ssim: number[]; iou: number[]; depth: number[]; f005: number[]; f01: number[]; chamfer: number[] }
const emptyResult = (): PresetResult => ({ psnr: [], ssim: [], iou: [], depth: [], f005: [], f01: [], chamfer: [] });

async function imageTo3D(model: MultiViewModel, s: EvalSample, gtViews: CalibratedView[], cond: RasterImage, guidance: Partial<GuidanceSchedule>, seed: number, acc: PresetResult): Promise<void> {
  const g = await generateViews(model, { image: cond }, { seed, guidance });
  const v = compareViews(g.views, gtViews);
  acc.psnr.push(v.psnr);
  acc.ssim.push(v.ssim);
  acc.iou.push(v.alphaIoU);
  if (Number.isFinite(v.depthError)) acc.depth.push(v.depthError);
  const sc = await shapeScore(g.views, s.mesh, 'none');
  acc.f005.push(sc.f005);
  acc.f01.push(sc.f01);
  acc.chamfer.push(sc.chamfer);
}

async function main(): Promise<void> {
  const program = new Command()
    .option('--source <source>', `where test objects come from: ${EVAL_SOURCES.join(' | ')}`, 'procedural')
    .option('--sh3d-dir <dir>', 'folder of .sh3f catalogues (--source sh3d)')
    .option('--split <split>', 'corpus split (procedural: train, val, test; sh3d: val or test)', 'test')
    .option('--count <n>', 'objects for image → 3D', (v) => parseInt(v, 10), 100)
    .option('--text <n>', 'objects for text → 3D (alternating EN / ZH; default 50, sh3d 0)', (v) => parseInt(v, 10))
    .option('--ablation <n>', 'objects for the guidance ablation (default 24, sh3d 0)', (v) => parseInt(v, 10))
    .option('--model <dir>', 'model folder', defaultModelDir())
    .option('--seed <n>', 'sampling seed', (v) => parseInt(v, 10), 0)
    .option('--presets <names>', 'comma-separated subset of the ablation presets (default: all)')
    .option('--json', 'print JSON instead of tables')
    .parse();
  const o = program.opts<{ source: EvalSource; sh3dDir?: string; split: Split; count: number; text?: number; ablation?: number; model: string; seed: number; json?: boolean; presets?: string }>();
  if (!(EVAL_SOURCES as readonly string[]).includes(o.source)) throw new Error(`--source must be one of ${EVAL_SOURCES.join(', ')}, got '${o.source}'`);
  const real = o.source === 'sh3d';
  const textCount = o.text ?? (real ? 0 : 50);
  const ablationCount = o.ablation ?? (real ? 0 : 24);
  const model = await loadMultiViewModel(o.model);
  const m = model.manifest;
  const dataSeed = trainingDataSeed(m);
  const r = m.resolution;
  const cameras = rigCameras(m.rig, r);
  const allPresets: Record<string, Partial<GuidanceSchedule>> = {
    none: { preset: 'none' },
    'constant 2': { preset: 'constant', scale: 2 },
    'constant 3': { preset: 'constant', scale: 3 },
    'constant 4': { preset: 'constant', scale: 4 },
    'hunyuan-lite': { preset: 'hunyuan-lite' },
    'adaptive 2': { preset: 'adaptive', scale: 2 },
    'adaptive 3': { preset: 'adaptive', scale: 3 },
    'adaptive 4': { preset: 'adaptive', scale: 4 },
    'adaptive 8': { preset: 'adaptive', scale: 8 },
    'interval 3': { preset: 'interval', scale: 3 },
    'interval 5': { preset: 'interval', scale: 5 },
  };
  const wanted = o.presets?.split(',').map((x) => x.trim()) ?? Object.keys(allPresets);
  const unknown = wanted.filter((x) => !(x in allPresets));
  if (unknown.length > 0) throw new Error(`unknown preset(s) ${unknown.join(', ')}; known: ${Object.keys(allPresets).join(', ')}`);
  const candidates = Object.keys(allPresets).filter((k) => wanted.includes(k));
  const presets: Record<string, Partial<GuidanceSchedule>> = { ...Object.fromEntries(candidates.map((k) => [k, allPresets[k]])), default: m.guidance };
  const results: Record<string, PresetResult> = Object.fromEntries(Object.keys(presets).map((k) => [k, emptyResult()]));
  const baseline = emptyResult();
  const oracleDepth = emptyResult();
  const oracleSilhouette = emptyResult();
  const text = { en: { f005: [] as number[], color: [] as number[] }, zh: { f005: [] as number[], color: [] as number[] } };
  const heldOut = { f005: [] as number[] };
  // One row per object (default guidance), so two models can be compared object by object (compare:mv).
  const perObject: PerObjectRow[] = [];
  const n = Math.max(o.count, textCount, ablationCount);
  const t0 = performance.now();
  let genSeconds = 0, gens = 0;
  const samples = evalSamples({ source: o.source, split: o.split, dataSeed, resolution: r, rig: m.rig, sh3dDir: o.sh3dDir });
  let evaluated = 0;
  for (let i = 0; i < n; i++) {
    const next = await samples.next();
    if (next.done) break; // the sh3d test split has fewer usable objects than asked for
    const s = next.value;
    evaluated++;
    const { condition, rig: gtViews } = sampleCalibratedViews(s, r, cameras);
    const cond = cropToObject(condition.image, { size: m.condition.size, margin: m.condition.cropMargin });
    if (i < o.count) {
      const tg = performance.now();
      await imageTo3D(model, s, gtViews, cond, presets.default, o.seed + i, results.default);
      genSeconds += (performance.now() - tg) / 1000;
      gens++;
      if (s.heldOut) heldOut.f005.push(results.default.f005.at(-1)!);
      push(baseline, await shapeScore(mirroredPair(condition, s.condition), s.mesh, 'none', 0));
      const d = results.default;
      perObject.push({ id: s.id, category: s.category, fscore_005: d.f005.at(-1)!, psnr: d.psnr.at(-1)!, alpha_iou: d.iou.at(-1)!, baseline_fscore_005: baseline.f005.at(-1)! });
      // Oracles: the true views, as the model would ideally draw them, through the same reconstruction.
      push(oracleDepth, await shapeScore(gtViews, s.mesh, 'none', 0));
      push(oracleSilhouette, await shapeScore(gtViews.map(({ camera, image }) => ({ camera, image })), s.mesh, 'none', 0));
    }
    if (i < ablationCount) {
      for (const name of candidates) {
        if (JSON.stringify(presets[name]) === JSON.stringify(presets.default) && i < o.count) continue;
        await imageTo3D(model, s, gtViews, cond, presets[name], o.seed + i, results[name]);
      }
    }
    if (i < textCount) {
      const lang = i % 2 === 0 ? 'en' : 'zh';
      const prompt = s.captions[lang][0];
      const g = await generateViews(model, { prompt }, { seed: o.seed + i });
      const sc = await shapeScore(g.views, s.mesh, 'icp');
      text[lang].f005.push(sc.f005);
      const gtColor = dominantPaletteColor(gtViews.map((v) => v.image));
      if (s.color && gtColor?.color.name === s.color) {
        const got = dominantPaletteColor(g.views.map((v) => v.image));
        text[lang].color.push(got?.color.name === s.color ? 1 : 0);
      }
    }
    if (!o.json && (i + 1) % 10 === 0) console.error(`eval:mv ${i + 1}/${n} objects, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  // Presets identical to the default share its numbers on the ablation subset.
  for (const name of candidates) {
    if (results[name].psnr.length === 0) {
      const d = results.default;
      const k = Math.min(ablationCount, d.psnr.length);
      results[name] = Object.fromEntries(Object.entries(d).map(([key, xs]) => [key, (xs as number[]).slice(0, k)])) as unknown as PresetResult;
    }
  }
  const row = (name: string, p: PresetResult, objects: number) => ({
    guidance: name,
    objects,
    psnr: mean(p.psnr),
    ssim: mean(p.ssim),
    alpha_iou: mean(p.iou),
    depth_err: mean(p.depth),
    fscore_005: mean(p.f005),
    fscore_01: mean(p.f01),
    chamfer: mean(p.chamfer),
  });
  const shapeRow = (task: string, p: PresetResult) => ({ task, objects: p.f005.length, fscore_005: mean(p.f005), fscore_01: mean(p.f01), chamfer: mean(p.chamfer) });
  const ablation = Object.keys(presets).map((name) => {
    const p = results[name];
    const k = Math.min(ablationCount, p.psnr.length);
    const cut = Object.fromEntries(Object.entries(p).map(([key, xs]) => [key, (xs as number[]).slice(0, k)])) as unknown as PresetResult;
    return row(name === 'default' ? `default (${JSON.stringify(presets.default)})` : name, cut, k);
  });
  const summary = {
    model: m.name,
    trainingSteps: (m.training as { steps?: number }).steps,
    dataSeed,
    source: o.source,
    split: real ? (o.split === 'val' ? 'val' : 'test (sh3d-test.txt)') : o.split,
    objects: evaluated,
    imageTo3D: row('default', results.default, results.default.psnr.length),
    heldOutCombinations: { objects: heldOut.f005.length, fscore_005: mean(heldOut.f005) },
    baseline: shapeRow('baseline: condition view alone (and its mirror)', baseline),
    oracleDepth: shapeRow('oracle: true views with depth', oracleDepth),
    oracleSilhouettes: shapeRow('oracle: true silhouettes only', oracleSilhouette),
    textTo3D: {
      en: { objects: text.en.f005.length, fscore_005: mean(text.en.f005), colorAccuracy: mean(text.en.color), colorObjects: text.en.color.length },
      zh: { objects: text.zh.f005.length, fscore_005: mean(text.zh.f005), colorAccuracy: mean(text.zh.color), colorObjects: text.zh.color.length },
    },
    ablation,
    secondsPerImageGeneration: genSeconds / Math.max(1, gens),
    seconds: (performance.now() - t0) / 1000,
    perObject,
  };
  // The plain results files hold the shipped model's test-split measurements (the README's tables);
  // a run on another split, or of another model folder (a candidate being compared), must not
  // overwrite them, so it is written beside them under the split's and the folder's names.
  const stem = real ? 'eval-mv-sh3d' : 'eval-mv';
  const otherModel = resolve(o.model) !== resolve(defaultModelDir());
  const suffix = [o.split === 'test' ? '' : o.split, otherModel ? basename(resolve(o.model)) : ''].filter(Boolean).join('-');
  const resultsPath = writeResults(suffix ? `${stem}-${suffix}` : stem, [summary]);
  if (o.json) {
    console.log(JSON.stringify(summary, null, 2));
    await model.dispose();
    return;
  }
  console.log(`\n${m.name} (${summary.trainingSteps} steps, data seed ${dataSeed}), ${o.source} ${summary.split} split, ${evaluated} objects\n`);
  console.log('Image → 3D and views');
  const blank = { psnr: '', ssim: '', alpha_iou: '', depth_err: '' };
  printTable([
    { task: 'image → 3D (generated views)', objects: summary.imageTo3D.objects, fscore_005: summary.imageTo3D.fscore_005, fscore_01: summary.imageTo3D.fscore_01, chamfer: summary.imageTo3D.chamfer, psnr: summary.imageTo3D.psnr, ssim: summary.imageTo3D.ssim, alpha_iou: summary.imageTo3D.alpha_iou, depth_err: summary.imageTo3D.depth_err },
    ...(real ? [] : [{ task: '  of which unseen combinations', objects: summary.heldOutCombinations.objects, fscore_005: summary.heldOutCombinations.fscore_005, fscore_01: '', chamfer: '', ...blank }]),
    { ...summary.baseline, ...blank },
    { ...summary.oracleDepth, ...blank },
    { ...summary.oracleSilhouettes, ...blank },
  ]);
  if (textCount > 0) console.log('\nText → 3D');
  if (textCount > 0) printTable([
    { captions: 'English', objects: summary.textTo3D.en.objects, fscore_005_icp: summary.textTo3D.en.fscore_005, color_accuracy: summary.textTo3D.en.colorAccuracy, color_objects: summary.textTo3D.en.colorObjects },
    { captions: 'Chinese', objects: summary.textTo3D.zh.objects, fscore_005_icp: summary.textTo3D.zh.fscore_005, color_accuracy: summary.textTo3D.zh.colorAccuracy, color_objects: summary.textTo3D.zh.colorObjects },
  ]);
  if (ablationCount > 0) {
    console.log('\nGuidance ablation (image → 3D)');
    printTable(ablation);
  }
  console.log(`\n${summary.secondsPerImageGeneration.toFixed(2)} s per generation (6 views × ${m.sampler.steps} steps with guidance), ${summary.seconds.toFixed(0)} s in all; results in ${resultsPath}`);
  await model.dispose();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
