import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { KilnError } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import { throwIfAborted, type OperationOptions } from '../core/progress.js';
import { DEFAULT_RIG, type ViewRig } from '../geometry/rig.js';
import { meshToGlb } from '../export/write-glb.js';
import { CATEGORIES } from './categories.js';
import { PALETTE, MATERIAL_NAMES } from './palette.js';
import { heldOutTriples, SPLITS, type Split } from './splits.js';
import { synthesizeSample, type SampleRecord } from './synthesize-sample.js';
import { corpusReaderFields, prepareCorpusFolder, writeShard, type CorpusReaderFields } from './corpus-shards.js';
import { corpusTokenizer } from './vocabulary.js';

export interface CorpusOptions extends OperationOptions {
  split: Split;
  count: number;
  /** Square image size of every view (64 default; 128 and 256 work). */
  resolution: number;
  out: string;
  /** Corpus seed: with split and index it fixes every object. */
  seed: number;
  /** Objects per shard (default: about 115 MB of RGBA per shard at any resolution). */
  shardSize?: number;
  /** Worker threads (0 = synthesise on the calling thread). */
  workers: number;
  /** Write ground-truth GLBs under meshes/ (default: for val and test). */
  exportMeshes?: boolean;
  /** Replace an existing non-empty output folder. */
  force: boolean;
  rig: ViewRig;
}

export const CORPUS_DEFAULTS: Omit<CorpusOptions, 'split' | 'count' | 'out'> = {
  resolution: 64,
  seed: 1,
  workers: Math.max(1, Math.min(2, availableParallelism())),
  force: false,
  rig: DEFAULT_RIG,
};

/** The corpus manifest, `corpus.json`, written last: a folder without it is not a finished corpus. */
export interface CorpusManifest extends CorpusReaderFields {
  split: Split;
  categories: string[];
  colors: string[];
  materials: string[];
  heldOut: Array<{ category: string; color: string; material: string }>;
}

export interface WorkerInit {
  corpusSeed: number;
  split: Split;
  resolution: number;
  rig: ViewRig;
  exportMeshes: boolean;
}

export interface WorkerResult {
  index: number;
  record: SampleRecord;
  rgba: Uint8Array;
  depth: Uint16Array;
  glb?: Uint8Array;
}

/** Makes one sample (and its GLB when meshes are exported): the work of a worker thread, or of the caller with `workers: 0`. */
export async function produceSample(init: WorkerInit, index: number): Promise<WorkerResult> {
  const s = synthesizeSample({ corpusSeed: init.corpusSeed, split: init.split, index, resolution: init.resolution, rig: init.rig });
  const glb = init.exportMeshes ? await meshToGlb(s.mesh, { name: s.record.id }) : undefined;
  return { index, record: s.record, rgba: s.views.rgba, depth: s.views.depth, glb };
}

/**
 * Writes `count` samples of a split as shards: `shard-NNNNN/{rgba.npy, depth.npy, index.json}`,
 * plus `vocab.json`, ground-truth meshes for val/test, and finally `corpus.json`. Samples are made
 * by worker threads but written in index order, so the output is the same bytes whatever the
 * number of workers. Aborting stops at the next sample and leaves no `corpus.json`.
 */
export async function writeCorpus(options: Partial<CorpusOptions> & Pick<CorpusOptions, 'split' | 'count' | 'out'>): Promise<CorpusManifest> {
  const o: CorpusOptions = { ...CORPUS_DEFAULTS, ...options };
  if (!SPLITS.includes(o.split)) throw new KilnError('INVALID_INPUT', `writeCorpus: split must be one of ${SPLITS.join(', ')}, got '${o.split}'`);
  if (!(Number.isInteger(o.count) && o.count >= 1)) throw new KilnError('INVALID_INPUT', `writeCorpus: count must be a positive integer, got ${o.count}`);
  if (!(Number.isInteger(o.resolution) && o.resolution >= 16 && o.resolution <= 1024)) throw new KilnError('INVALID_INPUT', `writeCorpus: resolution must be an integer in 16…1024, got ${o.resolution}`);
  const exportMeshes = o.exportMeshes ?? o.split !== 'train';
  const shardSize = o.shardSize ?? Math.max(8, Math.round(1000 * (64 / o.resolution) ** 2));
  const out = resolve(o.out);
  await prepareCorpusFolder(out, { force: o.force, exportMeshes, operation: 'writeCorpus' });
  const started = performance.now();
  const views = 1 + o.rig.views.length;
  const px = o.resolution * o.resolution;

  const init: WorkerInit = { corpusSeed: o.seed, split: o.split, resolution: o.resolution, rig: o.rig, exportMeshes };
  const produce = o.workers > 0 ? workerPool(init, o.workers, o.signal) : inline(init, o.signal);
  const shards: CorpusManifest['shards'] = [];
  let done = 0;
  try {
    for (let first = 0; first < o.count; first += shardSize) {
      const n = Math.min(shardSize, o.count - first);
      const rgba = new Uint8Array(n * views * px * 4);
      const depth = new Uint16Array(n * views * px);
      const records: SampleRecord[] = [];
      const indices = Array.from({ length: n }, (_, k) => first + k);
      await produce.run(indices, async (r) => {
        throwIfAborted(o.signal, 'writeCorpus');
        const k = r.index - first;
        rgba.set(r.rgba, k * views * px * 4);
        depth.set(r.depth, k * views * px);
        records[k] = r.record;
        if (r.glb) await writeFile(join(out, 'meshes', `${r.record.id}.glb`), r.glb);
        done++;
        o.onProgress?.({ stage: 'corpus', fraction: done / o.count, message: `${done}/${o.count}` });
      });
      shards.push(await writeShard(out, shards.length, { first, records, rgba, depth }, { views, resolution: o.resolution }));
    }
  } finally {
    await produce.close();
  }
  await writeFileAtomic(join(out, 'vocab.json'), JSON.stringify(corpusTokenizer().toJSON()));
  const seconds = Math.round((performance.now() - started) / 10) / 100;
  const manifest: CorpusManifest = {
    ...corpusReaderFields({ seed: o.seed, count: o.count, resolution: o.resolution, rig: o.rig, shards, exportMeshes, seconds }),
    split: o.split,
    categories: CATEGORIES.map((c) => c.name),
    colors: PALETTE.map((c) => c.name),
    materials: [...MATERIAL_NAMES],
    heldOut: [...heldOutTriples()].flatMap(([category, list]) => list.map((a) => ({ category, color: a.color, material: a.material }))),
  };
  await writeFileAtomic(join(out, 'corpus.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

interface Producer {
  /** Produces every index, calling `consume` once per result (in any order, one at a time). */
  run(indices: number[], consume: (r: WorkerResult) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

function inline(init: WorkerInit, signal: AbortSignal | undefined): Producer {
  return {
    async run(indices, consume) {
      for (const index of indices) {
        throwIfAborted(signal, 'writeCorpus');
        await consume(await produceSample(init, index));
      }
    },
    async close() {},
  };
}

function workerPool(init: WorkerInit, count: number, signal: AbortSignal | undefined): Producer {
  const workers = Array.from({ length: count }, () => new Worker(new URL('./corpus-worker.js', import.meta.url), { workerData: init }));
  return {
    run(indices, consume) {
      return new Promise<void>((resolveRun, rejectRun) => {
        let next = 0;
        let pending = 0;
        let failed = false;
        let chain = Promise.resolve();
        const fail = (err: unknown) => {
          if (failed) return;
          failed = true;
          rejectRun(err);
        };
        const feed = (w: Worker) => {
          if (failed || next >= indices.length) return;
          pending++;
          w.postMessage(indices[next++]);
        };
        for (const w of workers) {
          w.removeAllListeners('message');
          w.removeAllListeners('error');
          w.on('error', fail);
          w.on('message', (msg: WorkerResult | { index: number; error: string }) => {
            pending--;
            if ('error' in msg) return fail(new KilnError('INTERNAL', `writeCorpus: sample ${msg.index} failed: ${msg.error}`));
            // Consume in arrival order but one at a time, so shard buffers are never written concurrently.
            chain = chain.then(() => consume(msg)).catch(fail);
            if (signal?.aborted) return fail(new KilnError('CANCELLED', 'writeCorpus: cancelled'));
            feed(w);
            if (pending === 0 && next >= indices.length) chain.then(() => !failed && resolveRun(), fail);
          });
          feed(w);
        }
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
