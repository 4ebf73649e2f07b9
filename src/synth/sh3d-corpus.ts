import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KilnError } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import { throwIfAborted, type OperationOptions } from '../core/progress.js';
import { DEFAULT_RIG, type ViewRig } from '../geometry/rig.js';
import { meshToGlb } from '../export/write-glb.js';
import type { CatalogEntry, Sh3fCatalog } from '../io/sh3f/read-catalog.js';
import { readSh3dCatalogs, SH3D_DEFAULT_DIR } from './sh3d-catalogs.js';
import { renderCredits } from './sh3d-credits.js';
import { filterSh3dEntry, isTooThin, SH3D_SKIP_REASONS, type Sh3dSkipReason } from './sh3d-filter.js';
import { renderSh3dSample, type Sh3dRecord } from './sh3d-sample.js';
import { sh3dSplitOf, SH3D_SPLITS, type Sh3dSplit } from './sh3d-split.js';
import { sh3dTokenizer } from './sh3d-vocabulary.js';
import { corpusReaderFields, prepareCorpusFolder, writeShard, type CorpusReaderFields } from './corpus-shards.js';

export interface Sh3dCorpusOptions extends OperationOptions {
  split: Sh3dSplit;
  out: string;
  /** Folder of `.sh3f` catalogues. */
  dir: string;
  resolution: number;
  /** Seed of yaws, elevations and augmentations. */
  seed: number;
  /** Renderings per object (each with its own yaw, elevation and augmentation). */
  copies: number;
  /** Lighting and colour changes; default on for train, off for test. */
  augment?: boolean;
  /** Only the first `limit` entries of the split (before filtering), for quick looks. */
  limit?: number;
  /** Write ground-truth GLBs under meshes/ (default: for test). */
  exportMeshes?: boolean;
  force: boolean;
  rig: ViewRig;
  /** Samples per shard. */
  shardSize: number;
}

export const SH3D_CORPUS_DEFAULTS: Omit<Sh3dCorpusOptions, 'split' | 'out'> = {
  dir: SH3D_DEFAULT_DIR,
  resolution: 64,
  seed: 1,
  copies: 1,
  force: false,
  rig: DEFAULT_RIG,
  shardSize: 1000,
};

/** `corpus.json` of a catalogue corpus: the procedural manifest's reader fields, plus what was filtered. */
export interface Sh3dCorpusManifest extends CorpusReaderFields {
  source: 'sh3d';
  split: Sh3dSplit;
  objects: number;
  copies: number;
  credits: string;
  catalogs: Array<{ collection: string; title: string; license: string; entries: number }>;
  /** Entries of this split, how many were rendered, and how many were left out for each reason. */
  entries: number;
  skipped: Record<Sh3dSkipReason, number>;
  glassRemoved: number;
  warnings: number;
  msPerObject: number;
}

/** The entries of a split, in catalogue order. */
export function sh3dSplitEntries(catalogs: readonly Sh3fCatalog[], split: Sh3dSplit): Array<{ catalog: Sh3fCatalog; entry: CatalogEntry }> {
  return catalogs.flatMap((catalog) => catalog.entries.filter((e) => sh3dSplitOf(e.key) === split).map((entry) => ({ catalog, entry })));
}

/**
 * Renders a split of the Sweet Home 3D catalogues into corpus shards, the format of the procedural
 * corpus (`shard-NNNNN/{rgba,depth}.npy` + `index.json`, `vocab.json`, `corpus.json` last), so
 * training reads both sources alike. Entries are filtered ({@link filterSh3dEntry}; coverage below
 * 2 % of the condition view counts as flat), the split follows {@link sh3dSplitOf}, and
 * `CREDITS.md` names every CC-BY model used. Aborting leaves no `corpus.json`.
 */
export async function writeSh3dCorpus(options: Partial<Sh3dCorpusOptions> & Pick<Sh3dCorpusOptions, 'split' | 'out'>): Promise<Sh3dCorpusManifest> {
  const o: Sh3dCorpusOptions = { ...SH3D_CORPUS_DEFAULTS, ...options };
  if (!SH3D_SPLITS.includes(o.split)) throw new KilnError('INVALID_INPUT', `writeSh3dCorpus: split must be one of ${SH3D_SPLITS.join(', ')}, got '${o.split}'`);
  if (!(Number.isInteger(o.copies) && o.copies >= 1)) throw new KilnError('INVALID_INPUT', `writeSh3dCorpus: copies must be a positive integer, got ${o.copies}`);
  if (!(Number.isInteger(o.resolution) && o.resolution >= 16 && o.resolution <= 1024)) throw new KilnError('INVALID_INPUT', `writeSh3dCorpus: resolution must be an integer in 16…1024, got ${o.resolution}`);
  const catalogs = await readSh3dCatalogs(o.dir);
  const out = resolve(o.out);
  const exportMeshes = o.exportMeshes ?? o.split === 'test';
  await prepareCorpusFolder(out, { force: o.force, exportMeshes, operation: 'writeSh3dCorpus' });
  const started = performance.now();
  const tokenizer = sh3dTokenizer(catalogs);
  const augment = o.augment ?? o.split === 'train';
  let entries = sh3dSplitEntries(catalogs, o.split);
  if (o.limit !== undefined) entries = entries.slice(0, o.limit);

  const views = 1 + o.rig.views.length;
  const px = o.resolution * o.resolution;
  const skipped = Object.fromEntries(SH3D_SKIP_REASONS.map((r) => [r, 0])) as Record<Sh3dSkipReason, number>;
  const shards: Sh3dCorpusManifest['shards'] = [];
  const used: Sh3dRecord[] = [];
  let glassRemoved = 0, warnings = 0, count = 0, objects = 0;
  let pending: Array<{ record: Sh3dRecord; rgba: Uint8Array; depth: Uint16Array }> = [];

  const flush = async () => {
    if (pending.length === 0) return;
    const n = pending.length;
    const rgba = new Uint8Array(n * views * px * 4);
    const depth = new Uint16Array(n * views * px);
    pending.forEach((s, k) => {
      rgba.set(s.rgba, k * views * px * 4);
      depth.set(s.depth, k * views * px);
    });
    shards.push(await writeShard(out, shards.length, { first: count - n, records: pending.map((s) => s.record), rgba, depth }, { views, resolution: o.resolution }));
    pending = [];
  };

  for (const [i, { catalog, entry }] of entries.entries()) {
    throwIfAborted(o.signal, 'writeSh3dCorpus');
    const candidate = await filterSh3dEntry(catalog, entry);
    if ('skip' in candidate) skipped[candidate.skip]++;
    else {
      const object = candidate.object;
      for (let copy = 0; copy < o.copies; copy++) {
        const s = renderSh3dSample(object, { corpusSeed: o.seed, split: o.split, index: count, copy, resolution: o.resolution, rig: o.rig, tokenizer, augment });
        if (copy === 0 && isTooThin(meanAlpha(s.views.rgba, px))) {
          skipped.flat++;
          break;
        }
        if (copy === 0) {
          objects++;
          if (object.glassRemoved) glassRemoved++;
          warnings += object.warnings.length;
          used.push(s.record);
        }
        if (exportMeshes) await writeFile(join(out, 'meshes', `${s.record.id}.glb`), await meshToGlb(s.mesh, { name: s.record.id }));
        pending.push({ record: s.record, rgba: s.views.rgba, depth: s.views.depth });
        count++;
        if (pending.length >= o.shardSize) await flush();
      }
    }
    o.onProgress?.({ stage: 'corpus', fraction: (i + 1) / entries.length, message: `${i + 1}/${entries.length}` });
  }
  await flush();
  if (count === 0) throw new KilnError('INVALID_INPUT', `writeSh3dCorpus: no usable model in the ${o.split} split of ${o.dir}`);
  await writeFileAtomic(join(out, 'vocab.json'), JSON.stringify(tokenizer.toJSON()));
  await writeFileAtomic(join(out, 'CREDITS.md'), renderCredits(used.map((r) => ({ name: r.name, creator: r.creator, collection: r.collection, license: r.license, key: r.key }))));
  const seconds = Math.round((performance.now() - started) / 10) / 100;
  const manifest: Sh3dCorpusManifest = {
    ...corpusReaderFields({ seed: o.seed, count, resolution: o.resolution, rig: o.rig, shards, exportMeshes, seconds }),
    source: 'sh3d',
    split: o.split,
    objects,
    copies: o.copies,
    credits: 'CREDITS.md',
    catalogs: catalogs.map((c) => ({ collection: c.collection, title: c.title, license: c.license, entries: c.entries.length })),
    entries: entries.length,
    skipped,
    glassRemoved,
    warnings,
    msPerObject: Math.round((seconds * 1000) / Math.max(1, entries.length)),
  };
  await writeFileAtomic(join(out, 'corpus.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

/** Mean alpha of the first (condition) view of a sample's RGBA block. */
function meanAlpha(rgba: Uint8Array, px: number): number {
  let s = 0;
  for (let i = 0; i < px; i++) s += rgba[i * 4 + 3];
  return s / (255 * px);
}
