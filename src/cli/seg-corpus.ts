import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { BACKGROUND_SPLITS, type BackgroundSplit, type LicensePolicy } from '../synth/segmentation-backgrounds.js';
import { SEG_CORPUS_DEFAULTS, TARGET_FOCI, writeSegmentationCorpus, type TargetFocus } from '../synth/segmentation-corpus.js';
import { SH3D_DEFAULT_DIR } from '../synth/sh3d-catalogs.js';
import { intInRange, runCommand } from './flags.js';

/**
 * `npm run -s seg-corpus -- --split train|heldout --count N --out DIR [--start I] [--res 256] …`:
 * writes composites for the segmentation network (rendered objects over real photographs, with
 * their exact masks) as numpy shards, and prints the throughput.
 */
function share(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a number in 0…1');
  return n;
}

interface SegCorpusCliOptions {
  split: BackgroundSplit;
  count: number;
  start: number;
  res: number;
  out: string;
  seed: number;
  licenses: LicensePolicy;
  sh3dDir: string;
  sh3d: boolean;
  sh3dShare: number;
  photoShare: number;
  roomShare: number;
  targetCut: number;
  copies: number;
  focus: TargetFocus;
  shardSize: number;
  force?: boolean;
}

async function main(argv: string[]): Promise<void> {
  const d = SEG_CORPUS_DEFAULTS;
  const program = new Command('seg-corpus')
    .description('Write training composites for the segmentation network: rendered objects (procedural and Sweet Home 3D) over real photographs, with clutter, and their exact masks.')
    .addOption(new Option('--split <split>', 'train, or heldout (backgrounds and objects training never sees)').choices(BACKGROUND_SPLITS).default('train'))
    .requiredOption('--count <n>', 'number of composites', intInRange(1, 10_000_000))
    .requiredOption('--out <dir>', 'output folder')
    .option('--start <i>', 'index of the first composite (write one corpus in parts)', intInRange(0, 1e9), d.start)
    .option('--res <px>', 'side of the square composites (the network’s working resolution)', intInRange(32, 1024), d.resolution)
    .option('--seed <n>', 'corpus seed', intInRange(0, 2 ** 32 - 1), d.seed)
    .addOption(new Option('--licenses <policy>', 'background licences: all, or permissive (CC0 and CC-BY only)').choices(['all', 'permissive']).default(d.licenses))
    .option('--sh3d-dir <dir>', 'folder of Sweet Home 3D .sh3f catalogues', SH3D_DEFAULT_DIR)
    .option('--no-sh3d', 'procedural objects only')
    .option('--sh3d-share <x>', 'share of targets that are Sweet Home 3D objects', share, d.sh3dShare)
    .option('--photo-share <x>', 'share of composites over a photograph (the rest: plain or graded backdrops)', share, d.photoShare)
    .option('--room-share <x>', 'share of composites over a rendered room furnished with other objects (before --photo-share)', share, d.roomShare)
    .option('--target-cut <x>', 'chance the frame cuts a target (by up to 35 % of its box)', share, d.targetCut)
    .option('--copies <n>', 'composites per target object', intInRange(1, 1000), d.copies)
    .addOption(new Option('--focus <kind>', 'targets: any object, or foliage only (leafy procedural objects and catalogue plants; distractors stay any object)').choices(TARGET_FOCI).default(d.focus))
    .option('--shard-size <n>', 'composites per shard', intInRange(1, 100_000), d.shardSize)
    .option('--force', 'replace a non-empty output folder')
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'seg-corpus: ')) })
    .exitOverride();
  program.parse(argv);
  const o = program.opts<SegCorpusCliOptions>();
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  let lastLogged = 0;
  const m = await writeSegmentationCorpus({
    split: o.split,
    count: o.count,
    start: o.start,
    resolution: o.res,
    out: o.out,
    seed: o.seed,
    licenses: o.licenses,
    sh3dDir: o.sh3d ? o.sh3dDir : null,
    sh3dShare: o.sh3dShare,
    photoShare: o.photoShare,
    roomShare: o.roomShare,
    targetCut: o.targetCut,
    copies: o.copies,
    focus: o.focus,
    shardSize: o.shardSize,
    force: o.force ?? false,
    signal: controller.signal,
    onProgress: (e) => {
      if (e.fraction - lastLogged >= 0.1 || e.fraction === 1) {
        lastLogged = e.fraction;
        process.stderr.write(`seg-corpus: ${e.message}\n`);
      }
    },
  });
  process.stdout.write(
    `${resolve(o.out)}: ${m.count} ${m.split} composites at ${m.resolution}px in ${m.shards.length} shard(s), ${m.seconds} s (${m.compositesPerSecond} per second); objects: ${m.objects.procedural} procedural, ${m.objects.sh3d} Sweet Home 3D; ${m.backgrounds.length} background photo(s); credits in CREDITS.md\n`,
  );
}

runCommand('seg-corpus', main);
