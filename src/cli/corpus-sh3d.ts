import { resolve } from 'node:path';
import { KilnError } from '../core/errors.js';
import { renderSh3dContactSheet } from '../synth/sh3d-contact-sheet.js';
import { writeSh3dCorpus } from '../synth/sh3d-corpus.js';
import { SH3D_SPLITS, type Sh3dSplit } from '../synth/sh3d-split.js';
import { SH3D_DEFAULT_DIR } from '../synth/sh3d-catalogs.js';
import type { CorpusCliOptions } from './corpus.js';
import { writeContactSheetFile } from './corpus-preview.js';

/**
 * `corpus --source sh3d`: renders a split of the Sweet Home 3D catalogues into shards (or, with
 * --preview, a contact sheet) and prints where, how many objects, the time and the count of
 * entries left out for each reason. `limit` is --count when given.
 */
export async function runSh3dCorpus(o: CorpusCliOptions, limit: number | undefined): Promise<void> {
  if (!(SH3D_SPLITS as readonly string[]).includes(o.split)) {
    throw new KilnError('INVALID_INPUT', `--source sh3d has the splits ${SH3D_SPLITS.join(' and ')}, not '${o.split}'`);
  }
  const split = o.split as Sh3dSplit;
  const dir = o.sh3dDir ?? SH3D_DEFAULT_DIR;
  if (o.preview) {
    const count = limit ?? 48;
    return writeContactSheetFile(o.preview, await renderSh3dContactSheet({ dir, split, count, columns: Math.min(8, count) }));
  }
  if (!o.out) throw new KilnError('INVALID_INPUT', '--out <dir> is required (or --preview <file>)');
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  let lastLogged = 0;
  const m = await writeSh3dCorpus({
    dir,
    split,
    out: o.out,
    resolution: o.res,
    seed: o.seed,
    copies: o.copies,
    limit,
    force: o.force ?? false,
    ...(o.shardSize ? { shardSize: o.shardSize } : {}),
    signal: controller.signal,
    onProgress: (e) => {
      if (e.fraction - lastLogged >= 0.1 || e.fraction === 1) {
        lastLogged = e.fraction;
        process.stderr.write(`corpus: ${e.message}\n`);
      }
    },
  });
  const skipped = Object.entries(m.skipped).map(([k, n]) => `${k} ${n}`).join(', ');
  process.stdout.write(
    `${resolve(o.out)}: ${m.objects} ${m.split} objects of ${m.entries} entries (${m.count} samples) at ${m.resolution}px in ${m.shards.length} shard(s), ${m.seconds} s (${m.msPerObject} ms per entry); left out: ${skipped}; glass removed from ${m.glassRemoved}; credits in CREDITS.md\n`,
  );
}
