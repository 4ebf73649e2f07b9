import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KilnError } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import { throwIfAborted, type OperationOptions } from '../core/progress.js';
import { DEFAULT_RIG, type ViewRig } from '../geometry/rig.js';
import { meshToGlb } from '../export/write-glb.js';
import type { CatalogEntry, Sh3fCatalog } from '../io/sh3f/read-catalog.js';
import { encodeNpy } from './npy.js';
import { DEPTH_SCALE } from './render-sample.js';
import { readSh3dCatalogs, SH3D_DEFAULT_DIR } from './sh3d-catalogs.js';
import { renderCredits } from './sh3d-credits.js';
import { filterSh3dEntry, isTooThin, SH3D_SKIP_REASONS, type Sh3dSkipReason } from './sh3d-filter.js';
import { renderSh3dSample, type Sh3dRecord } from './sh3d-sample.js';
import { sh3dSplitOf, SH3D_SPLITS, type Sh3dSplit } from './sh3d-split.js';
import { sh3dTokenizer } from './sh3d-vocabulary.js';
import { CONDITION_ELEVATION } from './synthesize-sample.js';
import { CORPUS_FORMAT } from './write-corpus.js';

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
export interface Sh3dCorpusManifest {
  format: typeof CORPUS_FORMAT;
  source: 'sh3d';
  split: Sh3dSplit;
  seed: number;
  count: number;
  objects: number;
  copies: number;
  resolution: number;
  views: number;
  rig: ViewRig;
  conditionElevation: readonly [number, number];
  depthScale: number;
  arrays: { rgba: string; depth: string };
  shards: Array<{ name: string; first: number; count: number }>;
  vocab: string;
  credits: string;
  catalogs: Array<{ collection: string; title: string; license: string; entries: number }>;
  /** Entries of this split, how many were rendered, and how many were left out for each reason. */
  entries: number;
  skipped: Record<Sh3dSkipReason, number>;
  glassRemoved: number;
  warnings: number;
  meshes?: string;
  seconds: number;
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
  if (existsSync(out) && (await readdir(out)).length > 0) {
    if (!o.force) throw new KilnError('INVALID_INPUT', `writeSh3dCorpus: ${out} is not empty (pass force to replace it)`);
    await rm(out, { recursive: true, force: true });
  }
  await mkdir(out, { recursive: true });
  const exportMeshes = o.exportMeshes ?? o.split === 'test';
  if (exportMeshes) await mkdir(join(out, 'meshes'), { recursive: true });
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
    const name = `shard-${String(shards.length).padStart(5, '0')}`;
    const dir = join(out, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'rgba.npy'), encodeNpy(rgba, [n, views, o.resolution, o.resolution, 4]));
    await writeFile(join(dir, 'depth.npy'), encodeNpy(depth, [n, views, o.resolution, o.resolution]));
    await writeFileAtomic(join(dir, 'index.json'), JSON.stringify({ format: 'kiln-corpus-shard/1', first: count - n, count: n, records: pending.map((s) => s.record) }));
    shards.push({ name, first: count - n, count: n });
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
    format: CORPUS_FORMAT,
    source: 'sh3d',
    split: o.split,
    seed: o.seed,
    count,
    objects,
    copies: o.copies,
    resolution: o.resolution,
    views,
    rig: o.rig,
    conditionElevation: CONDITION_ELEVATION,
    depthScale: DEPTH_SCALE,
    arrays: { rgba: 'uint8 [N, views, H, W, 4]: sRGB RGBA, straight alpha', depth: `uint16 [N, views, H, W]: depth along the optical axis × ${1 / DEPTH_SCALE}, 0 = background` },
    shards,
    vocab: 'vocab.json',
    credits: 'CREDITS.md',
    catalogs: catalogs.map((c) => ({ collection: c.collection, title: c.title, license: c.license, entries: c.entries.length })),
    entries: entries.length,
    skipped,
    glassRemoved,
    warnings,
    ...(exportMeshes ? { meshes: 'meshes/<id>.glb' } : {}),
    seconds,
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
