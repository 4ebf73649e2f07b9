/**
 * End-to-end benchmark: the real CLI, one fresh process per run (model loading included, as a user
 * meets it), for image → 3D and text → 3D at the default and --fast presets. Reports the median over
 * runs of every stage's seconds (from report.json), the process's wall time and peak RSS.
 *
 *   npm run -s bench:e2e -- [--runs 3] [--photo PATH] [--prompt "a red mug"] [--gain 8] [--json]
 *
 * Then, in-process, the gain from texturing with the input photo itself (issue: "the input image
 * as a texture source"): for `--gain` photos, image → 3D with and without it, scored as the PSNR
 * of the front view (rendered unlit where the photo was placed) against the photo, over the
 * photo's solid interior.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { describeError } from '../src/core/errors.js';
import { readImage } from '../src/core/image.js';
import { packageRoot } from '../src/core/package-root.js';
import { defaultModelDir } from '../src/diffusion/model-manifest.js';
import { loadMultiViewModel } from '../src/diffusion/multiview-model.js';
import { psnr } from '../src/metrics/image-metrics.js';
import { imageTo3D } from '../src/pipeline/image-to-3d.js';
import { renderMesh } from '../src/render/render-mesh.js';
import { alignReferenceView } from '../src/texture/reference-view.js';
import { printTable, writeResults } from './harness.js';

const STAGES = ['text-to-image', 'preprocess', 'diffusion', 'reconstruct', 'unwrap', 'align', 'texture', 'export', 'preview'] as const;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

interface Run {
  timings: Record<string, number>;
  peakRssMB: number;
  wall: number;
}

function runCli(args: string[]): Run {
  const out = mkdtempSync(join(tmpdir(), 'kiln-e2e-'));
  try {
    const t = performance.now();
    const r = spawnSync(process.execPath, [join(packageRoot(), 'bin', 'kiln.js'), ...args, '-o', out, '--json'], { encoding: 'utf8' });
    const wall = (performance.now() - t) / 1000;
    if (r.status !== 0) throw new Error(`kiln ${args.join(' ')} failed: ${r.stderr.trim()}`);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { timings: Record<string, number>; peakRssMB: number };
    return { timings: report.timings, peakRssMB: report.peakRssMB, wall };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Photos for the texture-source gain: the shared benchmark images that preprocess accepts, else the bundled sample. */
function gainPhotos(limit: number): string[] {
  const images = join(process.env.KILN_BENCHMARKS ?? resolve(process.cwd(), '..', 'shared', 'benchmarks'), 'images');
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, name.name);
      if (name.isDirectory()) walk(path);
      else if (/\.(png|jpe?g)$/i.test(name.name) && !/_(matte|trimap)\./.test(name.name)) found.push(path);
    }
  };
  if (existsSync(images)) walk(images);
  found.sort();
  return [join(packageRoot(), 'assets', 'samples', 'red-mug.png'), ...found].slice(0, limit);
}

async function main(): Promise<void> {
  const int = (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
    return n;
  };
  const cli = new Command('bench-e2e')
    .option('--runs <n>', 'runs per configuration (median reported)', int, 3)
    .option('--photo <path>', 'photo for image → 3D', join(packageRoot(), 'assets', 'samples', 'red-mug.png'))
    .option('--prompt <text>', 'prompt for text → 3D', 'a red mug')
    .option('--gain <n>', 'photos for the texture-source gain (0 skips it)', int, 8)
    .option('--json', 'print rows as JSON');
  const o = cli.parse(process.argv).opts<{ runs: number; photo: string; prompt: string; gain: number; json?: boolean }>();

  const configs: [string, string[]][] = [
    ['image → 3D', ['image', o.photo]],
    ['image → 3D --fast', ['image', o.photo, '--fast']],
    ['text → 3D', ['text', o.prompt]],
    ['text → 3D --fast', ['text', o.prompt, '--fast']],
  ];
  const rows: Record<string, string | number>[] = [];
  for (const [name, args] of configs) {
    const runs: Run[] = [];
    for (let i = 0; i < o.runs; i++) runs.push(runCli(args));
    const row: Record<string, string | number> = { pipeline: name };
    for (const s of STAGES) {
      const xs = runs.map((r) => r.timings[s]).filter((x) => x !== undefined);
      row[s] = xs.length ? median(xs) : '–';
    }
    row['stages total'] = median(runs.map((r) => r.timings.total));
    row['process wall'] = median(runs.map((r) => r.wall));
    row['peak RSS MB'] = Math.max(...runs.map((r) => r.peakRssMB));
    rows.push(row);
    if (!o.json) process.stderr.write(`${name}: ${row['stages total']} s\n`);
  }

  const gain: Record<string, string | number>[] = [];
  if (o.gain > 0) {
    const model = await loadMultiViewModel(defaultModelDir());
    try {
      for (const path of gainPhotos(o.gain)) {
        const name = path.split('/').slice(-2).join('/');
        try {
          const image = await readImage(path);
          const scores: number[] = [];
          let placed = { elevation: 0, iou: 0 };
          for (const projectInput of [false, true]) {
            const r = await imageTo3D(model, image, { projectInput });
            const a = alignReferenceView(r.mesh, r.input!.cutout);
            const ref = a.view.image;
            const mask = new Float32Array(ref.width * ref.height).map((_, i) => (ref.data[i * 4 + 3] >= 0.99 ? 1 : 0));
            scores.push(psnr(renderMesh(r.mesh, a.view.camera, { shading: 'unlit' }).color, ref, { mask, channels: 3 }));
            if (projectInput) placed = { elevation: a.elevation, iou: a.iou };
          }
          gain.push({ photo: name, 'elevation °': placed.elevation, 'silhouette IoU': placed.iou, 'front PSNR, views only': scores[0], 'front PSNR, + photo': scores[1], 'gain dB': scores[1] - scores[0] });
        } catch (err) {
          gain.push({ photo: name, 'elevation °': '–', 'silhouette IoU': '–', 'front PSNR, views only': '–', 'front PSNR, + photo': '–', 'gain dB': `failed: ${describeError(err)}` });
        }
      }
    } finally {
      await model.dispose();
    }
  }

  if (o.json) console.log(JSON.stringify({ stages: rows, gain }, null, 2));
  else {
    printTable(rows);
    if (gain.length) {
      console.log('');
      printTable(gain);
    }
  }
  console.log(`\nresults: ${writeResults('e2e', [{ runs: o.runs, photo: o.photo, prompt: o.prompt, stages: rows, gain }])}`);
}

main().catch((err) => {
  console.error(`bench-e2e: ${describeError(err)}`);
  process.exit(1);
});
