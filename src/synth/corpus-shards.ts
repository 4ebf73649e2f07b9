import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KilnError } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import type { ViewRig } from '../geometry/rig.js';
import { encodeNpy } from './npy.js';
import { DEPTH_SCALE } from './render-sample.js';
import { CONDITION_ELEVATION } from './synthesize-sample.js';

export const CORPUS_FORMAT = 'kiln-corpus/1';

/** One shard of a corpus: its folder name and the samples it holds. */
export interface ShardEntry {
  name: string;
  first: number;
  count: number;
}

/**
 * The fields of `corpus.json` that every source writes alike, and all a reader
 * (`training/kiln_corpus.py`) needs to read the shards; each source adds what describes it.
 */
export interface CorpusReaderFields {
  format: typeof CORPUS_FORMAT;
  seed: number;
  /** Samples in all shards. */
  count: number;
  resolution: number;
  /** View 0 is the condition view; views 1… are the rig's, in rig order. */
  views: number;
  rig: ViewRig;
  conditionElevation: readonly [number, number];
  depthScale: number;
  arrays: { rgba: string; depth: string };
  shards: ShardEntry[];
  vocab: string;
  meshes?: string;
  seconds: number;
}

/** What the two arrays of every shard hold, as `corpus.json` says it. */
export const CORPUS_ARRAYS: CorpusReaderFields['arrays'] = Object.freeze({
  rgba: 'uint8 [N, views, H, W, 4]: sRGB RGBA, straight alpha',
  depth: `uint16 [N, views, H, W]: depth along the optical axis × ${1 / DEPTH_SCALE}, 0 = background`,
});

/** The reader fields of a finished corpus: the format, the render constants and where things are. */
export function corpusReaderFields(f: { seed: number; count: number; resolution: number; rig: ViewRig; shards: ShardEntry[]; exportMeshes: boolean; seconds: number }): CorpusReaderFields {
  return {
    format: CORPUS_FORMAT,
    seed: f.seed,
    count: f.count,
    resolution: f.resolution,
    views: 1 + f.rig.views.length,
    rig: f.rig,
    conditionElevation: CONDITION_ELEVATION,
    depthScale: DEPTH_SCALE,
    arrays: CORPUS_ARRAYS,
    shards: f.shards,
    vocab: 'vocab.json',
    ...(f.exportMeshes ? { meshes: 'meshes/<id>.glb' } : {}),
    seconds: f.seconds,
  };
}

/**
 * Makes `out` an empty corpus folder (with `meshes/` when ground-truth meshes are written). A
 * non-empty folder is replaced only with `force`, so a finished corpus is never lost by a typo.
 */
export async function prepareCorpusFolder(out: string, o: { force: boolean; exportMeshes: boolean; operation: string }): Promise<void> {
  if (existsSync(out) && (await readdir(out)).length > 0) {
    if (!o.force) throw new KilnError('INVALID_INPUT', `${o.operation}: ${out} is not empty (pass force to replace it)`);
    await rm(out, { recursive: true, force: true });
  }
  await mkdir(out, { recursive: true });
  if (o.exportMeshes) await mkdir(join(out, 'meshes'), { recursive: true });
}

/**
 * Writes shard number `index` into `out`: `shard-NNNNN/rgba.npy` (uint8 `[n, views, res, res, 4]`),
 * `depth.npy` (uint16 `[n, views, res, res]`) and `index.json` (its records; written last and
 * atomically). Returns its entry for `corpus.json`.
 */
export async function writeShard(
  out: string,
  index: number,
  shard: { first: number; records: unknown[]; rgba: Uint8Array; depth: Uint16Array },
  size: { views: number; resolution: number },
): Promise<ShardEntry> {
  const n = shard.records.length;
  const { views, resolution: r } = size;
  const name = `shard-${String(index).padStart(5, '0')}`;
  const dir = join(out, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'rgba.npy'), encodeNpy(shard.rgba, [n, views, r, r, 4]));
  await writeFile(join(dir, 'depth.npy'), encodeNpy(shard.depth, [n, views, r, r]));
  await writeFileAtomic(join(dir, 'index.json'), JSON.stringify({ format: 'kiln-corpus-shard/1', first: shard.first, count: n, records: shard.records }));
  return { name, first: shard.first, count: n };
}
