import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { KilnError, describeError } from '../core/errors.js';
import { writeImage } from '../core/image.js';
import { computeVertexNormals } from '../geometry/mesh.js';
import { normalizeMesh } from '../geometry/normalize.js';
import { DEFAULT_RIG, parseViewRig, type ViewRig } from '../geometry/rig.js';
import { loadMesh } from '../io/load-mesh.js';
import { compareMeshes } from '../metrics/compare-shapes.js';
import { renderRig, tileImages } from '../render/render-rig.js';
import { runViewsCommand, type ViewsCommandOptions } from './views-command.js';
import { runGenerateCommand, type GenerateCommandOptions } from './generate-command.js';
import { packageRoot } from '../core/package-root.js';

const VERSION = '0.1.0';

function positiveInt(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`expected an integer in 1…${max}`);
    return n;
  };
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function numberList(value: string): number[] {
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isFinite(n))) throw new InvalidArgumentError('expected comma-separated numbers, e.g. 0,90,180,270');
  return list;
}

/** The options image → 3D and text → 3D share. */
function withGenerateOptions(command: Command, defaultOut: string): Command {
  return command
    .option('-o, --out <dir>', 'output folder', defaultOut)
    .option('--seed <n>', 'random seed (same seed, same model)', nonNegativeInt, 0)
    .option('--steps <n>', 'diffusion sampling steps (default: the model’s)', positiveInt(200))
    .option('--cfg <preset>', 'guidance preset: none, constant, hunyuan-lite, adaptive (default: the model’s)')
    .option('--cfg-scale <w>', 'guidance weight for --cfg constant, peak weight for --cfg adaptive', positiveNumber)
    .option('--faces <n>', 'face budget', positiveInt(2_000_000), 20000)
    .option('--texture-size <px>', 'texture size in texels', positiveInt(8192))
    .option('--format <list>', 'model formats, comma-separated: glb, obj, stl', 'glb,obj')
    .option('--compress <method>', "GLB geometry compression: 'none', 'meshopt' or 'draco'", 'none')
    .option('--fast', 'fewer steps, coarser grid, smaller texture (about half the time)')
    .option('--no-preview', 'skip the turntable preview.gif')
    .option('--model <dir>', 'model folder (default: the embedded model)')
    .option('--json', 'print the report as JSON; no progress output')
    .option('-q, --quiet', 'no progress output');
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

/** For long-running commands: waits for Ctrl-C or SIGTERM, says so, and closes gracefully. */
function untilSignal(message: string, close: () => Promise<void>): Promise<void> {
  return new Promise<void>((done) => {
    const stop = () => {
      process.stdout.write(`${message}\n`);
      close().then(done, done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/**
 * Builds the `kiln` command line. Commands only parse arguments and call library operations; every
 * failure reaches the user as one line (`kiln: …`) with a non-zero exit code, never a stack trace.
 */
export function createProgram(): Command {
  const program = new Command('kiln')
    .description('Image/text to 3D: multi-view diffusion, sparse-view reconstruction, glTF export.')
    .version(VERSION)
    .showSuggestionAfterError(true)
    // Commander's own errors (unknown command, bad flag) read like ours: one line, `kiln: …`.
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'kiln: ')) });

  withGenerateOptions(
    program
      .command('image')
      .description('photo of an object → textured 3D model (GLB, OBJ, STL)')
      .argument('<photo>', 'input image (PNG, JPEG, WebP…); a plain background is removed, an alpha channel is honoured')
      .option('--no-project-input', 'texture only from the generated views, not from the photo itself'),
    'out/image',
  ).action(async (photo: string, opts: GenerateCommandOptions) => {
    process.stdout.write(`${await runGenerateCommand('image', photo, opts)}\n`);
  });

  withGenerateOptions(
    program
      .command('text')
      .description('text prompt (English or Chinese) → textured 3D model')
      .argument('<prompt>', 'what to make, e.g. "a red wooden chair" or "一个蓝色的花瓶"'),
    'out/text',
  ).action(async (prompt: string, opts: GenerateCommandOptions) => {
    process.stdout.write(`${await runGenerateCommand('text', prompt, opts)}\n`);
  });

  program
    .command('demo')
    .description('generate a model from the bundled sample photo and print where the files are')
    .option('-o, --out <dir>', 'output folder', 'out/demo')
    .action(async (opts: { out: string }) => {
      const sample = join(packageRoot(), 'assets', 'samples', 'red-mug.png');
      process.stdout.write(`kiln demo: image → 3D from ${sample}\n`);
      const summary = await runGenerateCommand('image', sample, { out: opts.out, seed: 0, faces: 20000, format: 'glb,obj', preview: true });
      process.stdout.write(`${summary}\nOpen model.glb in any glTF viewer; try \`kiln text "a red mug"\` or \`kiln image <photo>\` next.\n`);
    });

  program
    .command('views')
    .description('photos taken around an object with their angles → textured 3D model (no diffusion)')
    .argument('<images...>', 'one photo per view: a cut-out with alpha, or a photo on a plain background')
    .requiredOption('--azimuths <list>', 'azimuth of each view in degrees, comma-separated (0 = front)', numberList)
    .option('--elevations <list>', 'elevation of each view in degrees (default 0 for all)', numberList)
    .option('--distance <d>', 'camera distance from the object centre, in object units', positiveNumber, 3)
    .option('--fov <deg>', 'vertical field of view in degrees', positiveNumber, 30)
    .option('-o, --out <dir>', 'output folder', 'out/views')
    .option('--resolution <n>', 'reconstruction grid resolution (8–256)', positiveInt(256), 128)
    .option('--faces <n>', 'face budget', positiveInt(2_000_000), 20000)
    .option('--texture-size <px>', 'texture size in texels', positiveInt(8192), 1024)
    .option('--vertex-colors', 'per-vertex colours instead of a texture (faster)')
    .option('--format <list>', 'model formats, comma-separated: glb, obj, stl', 'glb,obj')
    .option('--compress <method>', "GLB geometry compression: 'none', 'meshopt' or 'draco'", 'none')
    .option('--no-preview', 'skip the turntable preview.gif')
    .option('--json', 'print the report as JSON; no progress output')
    .option('-q, --quiet', 'no progress output')
    .action(async (images: string[], opts: ViewsCommandOptions) => {
      process.stdout.write(`${await runViewsCommand(images, opts)}\n`);
    });

  program
    .command('serve')
    .description('start the HTTP service (job API, event streams, OpenAPI docs at /api/docs)')
    .option('--port <port>', 'port to listen on (0: any free port)', nonNegativeInt, 8080)
    .option('--host <host>', 'interface to listen on (0.0.0.0 for every one)', '127.0.0.1')
    .option('--data <dir>', 'data folder: one directory per job', 'data')
    .option('--concurrency <n>', 'generations at once, one worker thread each', positiveInt(64), 1)
    .option('--max-queue <n>', 'waiting jobs before new ones get 429', positiveInt(100000), 50)
    .option('--max-upload-mb <n>', 'upload limit per file in MB', positiveNumber, 20)
    .option('--rate-limit <n>', 'write requests per client per minute', positiveInt(1_000_000), 60)
    .option('--keep <n>', 'finished jobs to keep (oldest are deleted)', positiveInt(1_000_000), 500)
    .option('--min-free-mb <n>', 'refuse new jobs (503) below this much free disk', positiveNumber, 512)
    .option('--redis <url>', 'queue jobs in Redis (BullMQ) for `kiln worker` processes instead of running them here')
    .option('--model <dir>', 'model folder (default: the embedded model)')
    .action(async (opts: { port: number; host: string; data: string; concurrency: number; maxQueue: number; maxUploadMb: number; rateLimit: number; keep: number; minFreeMb: number; redis?: string; model?: string }) => {
      const { createKilnServer } = await import('../../server/app.js');
      const server = await createKilnServer({
        port: opts.port,
        host: opts.host,
        dataDir: resolve(opts.data),
        concurrency: opts.concurrency,
        maxQueue: opts.maxQueue,
        maxUploadBytes: Math.round(opts.maxUploadMb * 1024 * 1024),
        writeRateLimit: opts.rateLimit,
        maxJobs: opts.keep,
        minFreeBytes: Math.round(opts.minFreeMb * 1024 * 1024),
        redis: opts.redis,
        modelDir: opts.model,
      });
      const port = await server.listen();
      process.stdout.write(`kiln: serving on http://${opts.host}:${port} (API docs at /api/docs, data in ${resolve(opts.data)}${opts.redis ? `, jobs in ${opts.redis}` : ''})\n`);
      await untilSignal('kiln: shutting down; running jobs will resume on the next start', () => server.close());
    });

  program
    .command('worker')
    .description('run generations for a `kiln serve --redis` server, from the same Redis and data folder')
    .requiredOption('--redis <url>', 'the Redis the server queues jobs in, e.g. redis://10.0.0.5:6379')
    .option('--data <dir>', "this machine's mount of the server's data folder", 'data')
    .option('--concurrency <n>', 'jobs at once, one generation thread each', positiveInt(64), 1)
    .option('--threads <n>', 'onnxruntime threads per generation', positiveInt(256), 2)
    .option('--lock-ms <ms>', 'job lock: a worker that dies gives its jobs up after about this long', positiveInt(3_600_000), 30000)
    .option('--model <dir>', 'model folder (default: the embedded model)')
    .action(async (opts: { redis: string; data: string; concurrency: number; threads: number; lockMs: number; model?: string }) => {
      const { startRedisWorker } = await import('../../server/redis-worker.js');
      const worker = await startRedisWorker({ redis: opts.redis, dataDir: resolve(opts.data), concurrency: opts.concurrency, threads: opts.threads, lockMs: opts.lockMs, modelDir: opts.model });
      process.stdout.write(`kiln: worker ready (pid ${process.pid}, ${opts.concurrency} at a time, jobs from ${opts.redis}, data in ${resolve(opts.data)})\n`);
      await untilSignal('kiln: worker stopping after its current jobs', () => worker.close());
    });

  program
    .command('render')
    .description('render a mesh (GLB, glTF, OBJ, OFF, PLY, STL) from a view rig to PNG images')
    .argument('<mesh>', 'mesh file')
    .option('-o, --out <dir>', 'output folder', 'out/render')
    .option('--size <px>', 'image size in pixels', positiveInt(4096), 512)
    .option('--supersample <n>', 'samples per pixel along each axis', positiveInt(8), 2)
    .option('--rig <file>', 'JSON view rig ({ "views": [{ azimuth, elevation, distance, fov }] }); default: the six-view rig')
    .option('--unlit', 'base colour only, no lighting')
    .action(async (meshPath: string, opts: { out: string; size: number; supersample: number; rig?: string; unlit?: boolean }) => {
      const rig: ViewRig = opts.rig ? parseViewRig(await readJson(opts.rig)) : DEFAULT_RIG;
      const mesh = normalizeMesh(await loadMesh(meshPath));
      mesh.normals ??= computeVertexNormals(mesh);
      const views = renderRig(mesh, rig, opts.size, {
        supersample: opts.supersample,
        shading: opts.unlit ? 'unlit' : 'lit',
        background: [1, 1, 1, 1],
      });
      const out = resolve(opts.out);
      await mkdir(out, { recursive: true });
      await Promise.all(views.map((v, i) => writeImage(v.color, join(out, `view-${i}.png`))));
      const grid = join(out, 'views.png');
      await writeImage(tileImages(views.map((v) => v.color), Math.min(3, views.length)), grid);
      process.stdout.write(`${grid}\n`);
    });

  program
    .command('compare')
    .description('compare a predicted mesh with a ground truth: Chamfer distance and F-score (JSON)')
    .argument('<pred>', 'predicted mesh')
    .argument('<gt>', 'ground-truth mesh')
    .option('--normalize <frame>', "'gt' (one frame from the ground truth) or 'each' (each shape on its own)", 'gt')
    .option('--align <method>', "'none' or 'icp'", 'none')
    .option('--samples <n>', 'surface samples per shape', positiveInt(1_000_000), 10000)
    .option('--json <file>', 'also write the result to this file')
    .action(async (pred: string, gt: string, opts: { normalize: string; align: string; samples: number; json?: string }) => {
      if (opts.normalize !== 'gt' && opts.normalize !== 'each') throw new KilnError('INVALID_INPUT', `kiln compare: --normalize must be 'gt' or 'each', got '${opts.normalize}'`);
      if (opts.align !== 'none' && opts.align !== 'icp') throw new KilnError('INVALID_INPUT', `kiln compare: --align must be 'none' or 'icp', got '${opts.align}'`);
      const [a, b] = await Promise.all([loadMesh(pred), loadMesh(gt)]);
      const result = compareMeshes(a, b, { normalize: opts.normalize, align: opts.align, samples: opts.samples });
      const text = JSON.stringify(result, null, 2);
      if (opts.json) await writeFile(opts.json, text + '\n');
      process.stdout.write(text + '\n');
    });

  return program;
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new KilnError('NOT_FOUND', `cannot read ${path} (${describeError(err)})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new KilnError('INVALID_INPUT', `${path} is not valid JSON (${describeError(err)})`);
  }
}

/** Runs the CLI; resolves when the command finishes. Errors print one line and set a non-zero exit code. */
export async function main(argv: string[]): Promise<void> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const cancelled = err instanceof KilnError && err.code === 'CANCELLED';
    const code = cancelled ? 130 : err instanceof KilnError && err.code === 'NOT_AVAILABLE' ? 2 : 1;
    process.stderr.write(cancelled ? 'kiln: cancelled; nothing was written\n' : `kiln: ${describeError(err)}\n`);
    if (process.env.KILN_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exitCode = code;
  }
}
