import { join } from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../core/package-root.js';
import { GUIDANCE_PRESETS } from '../diffusion/guidance.js';
import { OUTPUT_FORMATS } from '../export/formats.js';
import { nonNegativeInt, numberList, positiveInt, positiveNumber } from './flags.js';
import { runGenerateCommand, type GenerateCommandOptions } from './generate-command.js';
import { runObjectsCommand, type ObjectsCommandOptions } from './objects-command.js';
import { runViewsCommand, type ViewsCommandOptions } from './views-command.js';

/** The options image → 3D and text → 3D share. */
function withGenerateOptions(command: Command, defaultOut: string): Command {
  return command
    .option('-o, --out <dir>', 'output folder', defaultOut)
    .option('--seed <n>', 'random seed (same seed, same model)', nonNegativeInt, 0)
    .option('--steps <n>', 'diffusion sampling steps (default: the model’s)', positiveInt(200))
    .option('--cfg <preset>', `guidance preset: ${GUIDANCE_PRESETS.join(', ')} (default: the model’s)`)
    .option('--cfg-scale <w>', 'guidance weight for --cfg constant, peak weight for --cfg adaptive; alone, rescales the model’s preset', positiveNumber)
    .option('--faces <n>', 'face budget', positiveInt(2_000_000), 20000)
    .option('--texture-size <px>', 'texture size in texels', positiveInt(8192))
    .option('--format <list>', `model formats, comma-separated: ${OUTPUT_FORMATS.join(', ')}`, 'glb,obj')
    .option('--compress <method>', "GLB geometry compression: 'none', 'meshopt' or 'draco'", 'none')
    .option('--fast', 'fewer steps, coarser grid, smaller texture (about half the time)')
    .option('--no-preview', 'skip the turntable preview.gif')
    .option('--model <dir>', 'model folder (default: the embedded model)')
    .option('--json', 'print the report as JSON; no progress output')
    .option('-q, --quiet', 'no progress output');
}

/** `kiln image`, `kiln text`, `kiln objects` (what text prompts may name), `kiln demo` and `kiln views`. */
export function addGenerationCommands(program: Command): void {
  withGenerateOptions(
    program
      .command('image')
      .description('photo of an object → textured 3D model (GLB, OBJ, STL)')
      .argument('<photo>', 'input image (PNG, JPEG, WebP…); a plain background is removed, an alpha channel is honoured')
      .option('--no-project-input', 'texture only from the generated views, not from the photo itself')
      .option('--box <x,y,w,h>', 'the object\'s box in pixels of the photo; cut out by a graph cut inside it (for photos without a plain background)')
      .option('--force', 'go on with a cut-out that looks wrong instead of refusing it (the doubts stay in report.json)'),
    'out/image',
  ).action(async (photo: string, opts: GenerateCommandOptions) => {
    process.stdout.write(`${await runGenerateCommand('image', photo, opts)}\n`);
  });

  withGenerateOptions(
    program
      .command('text')
      .description('text prompt (English or Chinese) → textured 3D model')
      .argument('<prompt>', 'what to make, e.g. "a red wooden chair" or "一个蓝色的花瓶"')
      .option('--t2i-model <dir>', 'text → image model folder: the prompt is drawn as an image first, then made 3D from it (default: the embedded one, when it is there)')
      .option('--t2i-steps <n>', 'text → image sampling steps (default: the text → image model’s)', positiveInt(200))
      .option('--t2i-cfg-scale <w>', 'text → image guidance weight on the prompt (default: the text → image model’s)', positiveNumber),
    'out/text',
  ).action(async (prompt: string, opts: GenerateCommandOptions) => {
    process.stdout.write(`${await runGenerateCommand('text', prompt, opts)}\n`);
  });

  program
    .command('objects')
    .description('list the objects the model that reads prompts knows by name (a text prompt must name one), in English and Chinese')
    .option('--model <dir>', 'multi-view model folder (default: the embedded model)')
    .option('--t2i-model <dir>', 'text → image model folder (default: the embedded one, when it is there; it reads the prompts)')
    .option('--json', 'print them as JSON (as GET /api/v1/vocabulary gives them)')
    .action(async (opts: ObjectsCommandOptions) => {
      process.stdout.write(`${await runObjectsCommand(opts)}\n`);
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
    .option('--force', "keep the model even when the photos disagree with their angles or a cut-out looks wrong (the warnings stay in report.json)")
    .option('--support-plane', 'cut the model flat at the lowest point the cameras see (default: on when every elevation is positive)')
    .option('--no-support-plane', 'never cut the model at a support plane')
    .option('--format <list>', `model formats, comma-separated: ${OUTPUT_FORMATS.join(', ')}`, 'glb,obj')
    .option('--compress <method>', "GLB geometry compression: 'none', 'meshopt' or 'draco'", 'none')
    .option('--no-preview', 'skip the turntable preview.gif')
    .option('--json', 'print the report as JSON; no progress output')
    .option('-q, --quiet', 'no progress output')
    .action(async (images: string[], opts: ViewsCommandOptions) => {
      process.stdout.write(`${await runViewsCommand(images, opts)}\n`);
    });
}
