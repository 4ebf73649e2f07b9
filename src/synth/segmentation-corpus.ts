import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { KilnError } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import { createRng, hashSeed } from '../core/rng.js';
import { throwIfAborted, type OperationOptions } from '../core/progress.js';
import { normalizeMesh } from '../geometry/normalize.js';
import type { CatalogEntry, Sh3fCatalog } from '../io/sh3f/read-catalog.js';
import { prepareCorpusFolder } from './corpus-shards.js';
import { generateObject } from './generate-object.js';
import { encodeNpy } from './npy.js';
import { backgroundsOf, loadBackgrounds, renderBackgroundCredits, BACKGROUND_SPLITS, type BackgroundPicture, type BackgroundSplit, type LicensePolicy } from './segmentation-backgrounds.js';
import { COMPOSITE_RANGES, compositeSeed, makeComposite, type CompositeObject, type CompositeRecord } from './segmentation-composites.js';
import { readSh3dCatalogs, SH3D_DEFAULT_DIR } from './sh3d-catalogs.js';
import { renderCredits, type CreditedModel } from './sh3d-credits.js';
import { filterSh3dEntry } from './sh3d-filter.js';
import { sh3dSplitOf, type Sh3dSplit } from './sh3d-split.js';
import { objectSeed, type Split } from './splits.js';

export const SEG_CORPUS_FORMAT = 'kiln-seg-composites/1';

/**
 * Where a segmentation split takes its objects from. Held-out composites use objects that training
 * never sees: procedural objects of the procedural corpus's test stream (other seeds, a third of them
 * in appearance triples held out of every training split) and the Sweet Home 3D validation keys.
 * The Sweet Home 3D test keys (`../shared/benchmarks/sh3d-test.txt`) are used by neither.
 */
export const SEG_OBJECT_SOURCES: Readonly<Record<BackgroundSplit, { procedural: Split; sh3d: Sh3dSplit }>> = Object.freeze({
  train: { procedural: 'train', sh3d: 'train' },
  heldout: { procedural: 'test', sh3d: 'val' },
});

export interface SegCorpusOptions extends OperationOptions {
  split: BackgroundSplit;
  /** Composites to write. */
  count: number;
  /** Index of the first composite: parts of one corpus can be written by several processes. */
  start: number;
  /** Side of the square composites (the network's working resolution). */
  resolution: number;
  out: string;
  seed: number;
  /** Which background licences may be used (see `PERMISSIVE_LICENSES`). */
  licenses: LicensePolicy;
  /** Folder of `.sh3f` catalogues; null: procedural objects only. */
  sh3dDir: string | null;
  /** Share of targets that are Sweet Home 3D objects (when the catalogues are there). */
  sh3dShare: number;
  /** Share of composites over a photograph (the rest over plain or graded backdrops). */
  photoShare: number;
  /** Share of composites over a rendered, furnished room, drawn first (the photograph share applies to the rest). */
  roomShare: number;
  /** Chance the frame cuts a target (by up to 35 % of its box). */
  targetCut: number;
  /** Composites per target object (each its own pose, light, place and background). */
  copies: number;
  /** Which objects are targets: any, or only foliage (see `TARGET_FOCI`); distractors are any object either way. */
  focus: TargetFocus;
  /** Composites per shard. */
  shardSize: number;
  /** Longer side the photographs are decoded to before cropping. */
  backgroundSide: number;
  /** The pictures to use (default: the split's in `BACKGROUND_PICTURES`, under the licence policy). */
  pictures?: readonly BackgroundPicture[];
  force: boolean;
}

export const SEG_CORPUS_DEFAULTS: Omit<SegCorpusOptions, 'split' | 'count' | 'out'> = {
  start: 0,
  resolution: 256,
  seed: 1,
  licenses: 'all',
  sh3dDir: SH3D_DEFAULT_DIR,
  sh3dShare: 0.35,
  photoShare: 0.85,
  roomShare: 0,
  targetCut: COMPOSITE_RANGES.targetCut,
  copies: 3,
  focus: 'any',
  shardSize: 500,
  backgroundSide: 1280,
  force: false,
};

/** One shard of a segmentation corpus. */
export interface SegShardEntry {
  name: string;
  first: number;
  count: number;
}

/** `composites.json`, written last: a folder without it is not a finished corpus. */
export interface SegCorpusManifest {
  format: typeof SEG_CORPUS_FORMAT;
  split: BackgroundSplit;
  seed: number;
  start: number;
  count: number;
  resolution: number;
  arrays: { image: string; mask: string };
  shards: SegShardEntry[];
  licenses: LicensePolicy;
  /** Every background picture the corpus used, with its licence. */
  backgrounds: Array<{ path: string; license: string; kind: string }>;
  objects: { procedural: number; sh3d: number };
  sh3dShare: number;
  photoShare: number;
  roomShare: number;
  targetCut: number;
  copies: number;
  focus: TargetFocus;
  credits: string;
  seconds: number;
  compositesPerSecond: number;
}

/**
 * Target foci: `foliage` draws targets only from the leafy procedural categories and the catalogue's
 * plants, for a corpus that teaches the network that a mass of thin leaves is one object (it found
 * the pot and missed the leaves of a real potted plant).
 */
export const TARGET_FOCI = ['any', 'foliage'] as const;
export type TargetFocus = (typeof TARGET_FOCI)[number];
const FOLIAGE_CATEGORIES = ['plant', 'plant', 'tree', 'cactus'];
// Word starts, so that a street lamp is not a tree.
const FOLIAGE_NAMES = /\b(plants?|trees?|flowers?|bush|palm|cactus|fern|ficus|bamboo|yucca|orchid|leaf|leaves|bouquet)/i;

interface ObjectSlot {
  object: CompositeObject;
  credit?: CreditedModel;
}

/**
 * Loads the targets and distractors of a split: slot j is a Sweet Home 3D object with probability
 * `sh3dShare` (a seeded draw from the split's keys; one the filter refuses passes to the next key),
 * otherwise procedural object j of the split's stream. Slots are cached while they may still be used.
 */
class ObjectPool {
  private cache = new Map<number, Promise<ObjectSlot>>();
  private refused = new Set<string>();
  constructor(
    private readonly o: SegCorpusOptions,
    private readonly sh3d: Array<{ catalog: Sh3fCatalog; entry: CatalogEntry }>,
    /** Objects of this focus only; a pool of another focus than `any` draws its own stream. */
    private readonly focus: TargetFocus = 'any',
  ) {}

  slot(j: number): Promise<ObjectSlot> {
    let p = this.cache.get(j);
    if (!p) {
      p = this.load(j);
      this.cache.set(j, p);
    }
    return p;
  }

  /** Forgets slots below `j` (targets advance monotonically; distractors look ahead). */
  forgetBelow(j: number): void {
    for (const k of this.cache.keys()) if (k < j) this.cache.delete(k);
  }

  private async load(j: number): Promise<ObjectSlot> {
    const { split, seed, resolution } = this.o;
    const stream = this.focus === 'any' ? `${seed}/${split}/${j}` : `${seed}/${split}/${this.focus}/${j}`;
    const rng = createRng(hashSeed(`kiln-seg-object/${stream}`));
    if (this.sh3d.length && rng.uniform() < this.o.sh3dShare) {
      const first = rng.int(this.sh3d.length);
      for (let t = 0; t < this.sh3d.length; t++) {
        const { catalog, entry } = this.sh3d[(first + t) % this.sh3d.length];
        if (this.refused.has(entry.key)) continue;
        const c = await filterSh3dEntry(catalog, entry);
        if ('skip' in c) {
          this.refused.add(entry.key);
          continue;
        }
        return {
          object: { id: `sh3d:${entry.key}`, mesh: normalizeMesh(c.object.mesh) },
          credit: { name: entry.name, creator: entry.creator, collection: entry.collection, license: entry.license, key: entry.key },
        };
      }
    }
    const source = SEG_OBJECT_SOURCES[split].procedural;
    const s = objectSeed(seed, source, j);
    const category = this.focus === 'foliage' ? rng.pick(FOLIAGE_CATEGORIES) : undefined;
    const object = generateObject(s, { category, avoidHeldOut: source !== 'test', tile: Math.max(32, Math.min(128, resolution / 2)) });
    return { object: { id: `procedural:${source}:${j}${category ? `:${category}` : ''}`, mesh: object.mesh } };
  }
}

/** How many later slots a composite's distractors are drawn from. */
const DISTRACTOR_WINDOW = 12;

/**
 * Writes composites `start … start + count − 1` of a split as shards: `shard-NNNNN/image.npy` (uint8
 * `[n, R, R, 3]`, sRGB), `mask.npy` (uint8 `[n, R, R]`, the target's coverage × 255) and `index.json`
 * (what was drawn for each), then `CREDITS.md` (every background picture used with its licence, and
 * every CC-BY catalogue model) and, last, `composites.json`. Composite i depends only on (seed, split,
 * i), so a corpus written in parts by several processes (`start`) is the same as one written whole.
 */
export async function writeSegmentationCorpus(options: Partial<SegCorpusOptions> & Pick<SegCorpusOptions, 'split' | 'count' | 'out'>): Promise<SegCorpusManifest> {
  const o: SegCorpusOptions = { ...SEG_CORPUS_DEFAULTS, ...options };
  const name = 'writeSegmentationCorpus';
  if (!(BACKGROUND_SPLITS as readonly string[]).includes(o.split)) throw new KilnError('INVALID_INPUT', `${name}: split must be one of ${BACKGROUND_SPLITS.join(', ')}, got '${o.split}'`);
  if (!(Number.isInteger(o.count) && o.count >= 1)) throw new KilnError('INVALID_INPUT', `${name}: count must be a positive integer, got ${o.count}`);
  if (!(Number.isInteger(o.resolution) && o.resolution >= 32 && o.resolution <= 1024)) throw new KilnError('INVALID_INPUT', `${name}: resolution must be an integer in 32…1024, got ${o.resolution}`);
  if (!(Number.isInteger(o.copies) && o.copies >= 1)) throw new KilnError('INVALID_INPUT', `${name}: copies must be a positive integer, got ${o.copies}`);
  if (!(TARGET_FOCI as readonly string[]).includes(o.focus)) throw new KilnError('INVALID_INPUT', `${name}: focus must be one of ${TARGET_FOCI.join(', ')}, got '${o.focus}'`);
  const out = resolve(o.out);
  const pictures = o.pictures ?? backgroundsOf(o.split, o.licenses);
  const backgrounds = await loadBackgrounds(pictures, o.backgroundSide, false);
  let sh3d: Array<{ catalog: Sh3fCatalog; entry: CatalogEntry }> = [];
  if (o.sh3dDir && o.sh3dShare > 0 && existsSync(o.sh3dDir)) {
    const want = SEG_OBJECT_SOURCES[o.split].sh3d;
    // Test keys are never drawn: the split rule below only ever selects train or val keys.
    sh3d = (await readSh3dCatalogs(o.sh3dDir)).flatMap((catalog) => catalog.entries.filter((e) => sh3dSplitOf(e.key) === want).map((entry) => ({ catalog, entry })));
  }
  await prepareCorpusFolder(out, { force: o.force, exportMeshes: false, operation: name });
  const started = performance.now();
  const pool = new ObjectPool(o, sh3d);
  const targets = o.focus === 'any' ? pool : new ObjectPool(o, sh3d.filter((c) => FOLIAGE_NAMES.test(c.entry.name)), o.focus);
  const R = o.resolution, px = R * R;
  const shards: SegShardEntry[] = [];
  const credits = new Map<string, CreditedModel>();
  const usedPictures = new Set<string>();
  const ids = { procedural: new Set<string>(), sh3d: new Set<string>() };
  let pending: Array<{ image: Uint8Array; mask: Uint8Array; record: CompositeRecord & { index: number } }> = [];
  const flush = async (first: number) => {
    if (!pending.length) return;
    const k = pending.length;
    const image = new Uint8Array(k * px * 3), mask = new Uint8Array(k * px);
    pending.forEach((p, i) => {
      image.set(p.image, i * px * 3);
      mask.set(p.mask, i * px);
    });
    const shardName = `shard-${String(shards.length).padStart(5, '0')}`;
    const dir = join(out, shardName);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'image.npy'), encodeNpy(image, [k, R, R, 3]));
    await writeFile(join(dir, 'mask.npy'), encodeNpy(mask, [k, R, R]));
    await writeFileAtomic(join(dir, 'index.json'), JSON.stringify({ format: 'kiln-seg-shard/1', first, count: k, records: pending.map((p) => p.record) }));
    shards.push({ name: shardName, first, count: k });
    pending = [];
  };
  let shardFirst = o.start;
  for (let i = o.start; i < o.start + o.count; i++) {
    throwIfAborted(o.signal, name);
    const j = Math.floor(i / o.copies);
    pool.forgetBelow(j);
    targets.forgetBelow(j);
    const target = await targets.slot(j);
    const others: ObjectSlot[] = [];
    for (let d = 1; d <= DISTRACTOR_WINDOW; d++) others.push(await pool.slot(j + d));
    const c = await makeComposite({
      seed: compositeSeed(o.seed, o.split, i),
      resolution: R,
      target: target.object,
      distractors: others.map((s) => s.object),
      backgrounds,
      photoShare: o.photoShare,
      roomShare: o.roomShare,
      targetCut: o.targetCut,
    });
    const bg = c.record.background;
    const shown = new Set([...c.record.distractors.map((d) => d.id), ...(bg.kind === 'room' ? bg.furniture.map((f) => f.id) : [])]);
    const used = [target, ...others.filter((s) => shown.has(s.object.id))];
    for (const s of used) {
      if (s.credit) credits.set(s.credit.key, s.credit);
      (s.object.id.startsWith('sh3d:') ? ids.sh3d : ids.procedural).add(s.object.id);
    }
    // Behind the object or on a surface, a picture shown is a picture used (and credited).
    if (c.record.background.kind === 'photo') usedPictures.add(c.record.background.path);
    for (const surface of [c.record.target.surface, ...c.record.distractors.map((d) => d.surface)]) if (surface.kind === 'photo') usedPictures.add(surface.path);
    pending.push({ image: c.image, mask: c.mask, record: { index: i, ...c.record } });
    if (pending.length >= o.shardSize) {
      await flush(shardFirst);
      shardFirst = i + 1;
    }
    o.onProgress?.({ stage: 'composites', fraction: (i - o.start + 1) / o.count, message: `${i - o.start + 1}/${o.count}` });
  }
  await flush(shardFirst);
  const picturesUsed = pictures.filter((p) => usedPictures.has(p.path));
  const creditText = [renderBackgroundCredits(picturesUsed), ...(credits.size ? [renderCredits([...credits.values()])] : [])].join('\n');
  await writeFileAtomic(join(out, 'CREDITS.md'), creditText);
  const seconds = Math.round((performance.now() - started) / 10) / 100;
  const manifest: SegCorpusManifest = {
    format: SEG_CORPUS_FORMAT,
    split: o.split,
    seed: o.seed,
    start: o.start,
    count: o.count,
    resolution: R,
    arrays: { image: 'uint8 [N, H, W, 3]: sRGB composite', mask: 'uint8 [N, H, W]: the target object’s coverage × 255 (fractional along edges; 0 where distractors hide it)' },
    shards,
    licenses: o.licenses,
    backgrounds: picturesUsed.map((p) => ({ path: p.path, license: p.license, kind: p.kind })),
    objects: { procedural: ids.procedural.size, sh3d: ids.sh3d.size },
    sh3dShare: sh3d.length ? o.sh3dShare : 0,
    photoShare: o.photoShare,
    roomShare: o.roomShare,
    targetCut: o.targetCut,
    copies: o.copies,
    focus: o.focus,
    credits: 'CREDITS.md',
    seconds,
    compositesPerSecond: Math.round((o.count / Math.max(0.01, seconds)) * 100) / 100,
  };
  await writeFileAtomic(join(out, 'composites.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}
