import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { KilnError } from '../core/errors.js';
import { renderContactSheet } from '../synth/contact-sheet.js';
import { SPLITS, type Split } from '../synth/splits.js';
import { CORPUS_DEFAULTS, writeCorpus } from '../synth/write-corpus.js';
import { SH3D_DEFAULT_DIR } from '../synth/sh3d-catalogs.js';
import { writeContactSheetFile } from './corpus-preview.js';
import { runSh3dCorpus } from './corpus-sh3d.js';
import { intInRange, runCommand } from './flags.js';

/**
 * `npm run -s corpus -- [--source procedural|sh3d] --split train|val|test --count N --res 64 --out DIR [--preview FILE]`:
 * writes a split of the procedural corpus (or of the Sweet Home 3D catalogues, splits train|test)
 * as shards, or (with --preview) a contact sheet PNG.
 */
export interface CorpusCliOptions {
  source: 'procedural' | 'sh3d';
  sh3dDir?: string;
  copies: number;
  split: Split;
  count: number;
  res: number;
  out?: string;
  seed: number;
  workers: number;
  shardSize?: number;
  force?: boolean;
  preview?: string;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('corpus')
    .description('Write an object corpus (shards of views, depth, captions) or a contact sheet of it: procedural objects, or real furniture from the Sweet Home 3D catalogues.')
    .addOption(new Option('--source <source>', 'procedural objects, or the Sweet Home 3D furniture catalogues').choices(['procedural', 'sh3d']).default('procedural'))
    .option('--sh3d-dir <dir>', `folder of .sh3f catalogues (--source sh3d; default ${SH3D_DEFAULT_DIR})`)
    .option('--copies <n>', 'renderings per catalogue object, each with its own view and augmentation (--source sh3d)', intInRange(1, 1000), 1)
    .addOption(new Option('--split <split>', 'which split (sh3d: train or test)').choices(SPLITS).default('train'))
    .option('--count <n>', 'number of objects (sh3d: only the first N entries of the split; default all)', intInRange(1, 10_000_000), 1000)
    .option('--res <px>', 'view resolution (64, 128, 256…)', intInRange(16, 1024), CORPUS_DEFAULTS.resolution)
    .option('--out <dir>', 'output folder for the shards')
    .option('--seed <n>', 'corpus seed', intInRange(0, 2 ** 32 - 1), CORPUS_DEFAULTS.seed)
    .option('--workers <n>', 'worker threads (0: none)', intInRange(0, 64), CORPUS_DEFAULTS.workers)
    .option('--shard-size <n>', 'objects per shard', intInRange(1, 1_000_000))
    .option('--force', 'replace a non-empty output folder')
    .option('--preview <file>', 'instead of shards, write a contact sheet PNG of the first --count objects (default 48)')
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'corpus: ')) })
    .exitOverride();
  program.parse(argv);
  const o = program.opts<CorpusCliOptions>();

  if (o.source === 'sh3d') return runSh3dCorpus(o, program.getOptionValueSource('count') === 'default' ? undefined : o.count);
  if (o.preview) {
    const count = program.getOptionValueSource('count') === 'default' ? 48 : o.count;
    return writeContactSheetFile(o.preview, await renderContactSheet({ split: o.split, seed: o.seed, count, columns: Math.min(8, count) }));
  }
  if (!o.out) throw new KilnError('INVALID_INPUT', '--out <dir> is required (or --preview <file>)');

  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const tty = process.stderr.isTTY;
  const bar = tty ? new SingleBar({ format: 'corpus {bar} {percentage}% | {value}/{total} | {duration_formatted} elapsed, ETA {eta_formatted}' }, Presets.shades_classic) : undefined;
  bar?.start(o.count, 0);
  let lastLogged = 0;
  const manifest = await writeCorpus({
    split: o.split,
    count: o.count,
    resolution: o.res,
    out: o.out,
    seed: o.seed,
    workers: o.workers,
    shardSize: o.shardSize,
    force: o.force ?? false,
    signal: controller.signal,
    onProgress: (e) => {
      const done = Math.round(e.fraction * o.count);
      if (bar) bar.update(done);
      else if (e.fraction - lastLogged >= 0.1 || done === o.count) {
        lastLogged = e.fraction;
        process.stderr.write(`corpus: ${done}/${o.count}\n`);
      }
    },
  }).finally(() => bar?.stop());
  const perObject = (manifest.seconds / manifest.count) * 1000;
  process.stdout.write(
    `${resolve(o.out)}: ${manifest.count} ${manifest.split} objects at ${manifest.resolution}px in ${manifest.shards.length} shard(s), ${manifest.seconds} s (${perObject.toFixed(1)} ms per object)\n`,
  );
}

runCommand('corpus', main);
