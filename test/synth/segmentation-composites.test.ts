import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { generateObject } from '../../src/synth/generate-object.js';
import { BACKGROUND_PICTURES, PERMISSIVE_LICENSES, backgroundsOf, loadBackgrounds, type BackgroundPicture, type LoadedBackground } from '../../src/synth/segmentation-backgrounds.js';
import { compositeSeed, makeComposite, type CompositeObject } from '../../src/synth/segmentation-composites.js';
import { SEG_OBJECT_SOURCES, writeSegmentationCorpus } from '../../src/synth/segmentation-corpus.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { pythonWithNumpy } from '../helpers/python.js';

/** A 320×200 picture made in code: colour bands and a checker, standing in for a photograph. */
function fakePhoto(): LoadedBackground {
  const width = 320, height = 200, rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = (y * width + x) * 3, check = ((x >> 4) + (y >> 4)) & 1;
      rgb.set([(x * 0.8) & 255, 90 + 60 * check, (y * 1.2) & 255], k);
    }
  }
  const picture: BackgroundPicture = { path: '/nowhere/fake.jpg', package: 'none', title: 'fake', author: 'test', license: 'CC0-1.0', kind: 'photo', indoor: false, split: 'train' };
  return { picture, width, height, rgb };
}

const objects: CompositeObject[] = [1, 2, 3, 4].map((seed) => ({ id: `procedural:test:${seed}`, mesh: generateObject(seed, { tile: 32 }).mesh }));

describe('segmentation backgrounds', () => {
  test('train and held-out pictures are disjoint, each split has photographs, licences are known', () => {
    const train = backgroundsOf('train'), heldout = backgroundsOf('heldout');
    expect(new Set(BACKGROUND_PICTURES.map((p) => p.path)).size).toBe(BACKGROUND_PICTURES.length);
    expect(train.filter((p) => heldout.some((q) => q.path === p.path))).toEqual([]);
    expect(train.length + heldout.length).toBe(BACKGROUND_PICTURES.length);
    expect(train.filter((p) => p.kind === 'photo').length).toBe(30);
    expect(heldout.filter((p) => p.kind === 'photo').length).toBe(6);
    expect(heldout.some((p) => p.indoor)).toBe(true);
    for (const p of BACKGROUND_PICTURES) expect(['CC0-1.0', 'CC-BY-4.0', 'CC-BY-SA-3.0', 'CC-BY-SA-4.0', 'GPL-2.0-or-later', 'LGPL-3.0-only']).toContain(p.license);
    expect(backgroundsOf('train', 'permissive').every((p) => PERMISSIVE_LICENSES.has(p.license))).toBe(true);
    expect(backgroundsOf('heldout', 'permissive').length).toBeGreaterThan(0);
  });

  test('held-out objects come from streams training never draws, and Sweet Home 3D test keys from neither split', () => {
    expect(SEG_OBJECT_SOURCES.train).toEqual({ procedural: 'train', sh3d: 'train' });
    expect(SEG_OBJECT_SOURCES.heldout).toEqual({ procedural: 'test', sh3d: 'val' });
  });
});

describe('segmentation composites', () => {
  const spec = { resolution: 64, target: objects[0], distractors: objects.slice(1), backgrounds: [fakePhoto()], photoShare: 0.85 };

  test('are deterministic, and another seed draws another composite', async () => {
    const a = await makeComposite({ ...spec, seed: compositeSeed(1, 'train', 5) });
    const b = await makeComposite({ ...spec, seed: compositeSeed(1, 'train', 5) });
    expect(Buffer.from(a.image).equals(Buffer.from(b.image))).toBe(true);
    expect(Buffer.from(a.mask).equals(Buffer.from(b.mask))).toBe(true);
    expect(JSON.stringify(a.record)).toBe(JSON.stringify(b.record));
    const c = await makeComposite({ ...spec, seed: compositeSeed(1, 'train', 6) });
    expect(Buffer.from(a.image).equals(Buffer.from(c.image))).toBe(false);
  });

  test('masks cover the target and nothing else; images vary over backgrounds, clutter and degradations', async () => {
    const kinds = new Set<string>();
    let jpeg = 0, distractors = 0, front = 0, photoSurfaces = 0;
    for (let i = 0; i < 16; i++) {
      const c = await makeComposite({ ...spec, seed: compositeSeed(2, 'train', i) });
      expect(c.image.length).toBe(64 * 64 * 3);
      expect(c.mask.length).toBe(64 * 64);
      let solid = 0;
      for (const m of c.mask) if (m >= 128) solid++;
      expect(solid / (64 * 64)).toBeCloseTo(c.record.coverage, 3);
      expect(c.record.coverage).toBeGreaterThan(0.02);
      expect(c.record.coverage).toBeLessThan(0.9);
      // The mask's box is about the target's size: its bounding sphere spans `size` of the frame.
      let x0 = 64, x1 = -1;
      for (let k = 0; k < c.mask.length; k++) if (c.mask[k] >= 128) { x0 = Math.min(x0, k % 64); x1 = Math.max(x1, k % 64); }
      expect(x1 - x0 + 1).toBeLessThanOrEqual(Math.ceil(c.record.target.size * 64) + 2);
      kinds.add(c.record.background.kind);
      if (c.record.jpeg !== null) jpeg++;
      distractors += c.record.distractors.length;
      front += c.record.distractors.filter((d) => d.front).length;
      if (c.record.target.surface.kind === 'photo') photoSurfaces++;
    }
    // Some targets wear a photograph (not only rendered materials), some their own.
    expect(photoSurfaces).toBeGreaterThan(0);
    expect(photoSurfaces).toBeLessThan(16);
    expect(kinds.has('photo')).toBe(true);
    expect(jpeg).toBeGreaterThan(0);
    expect(distractors).toBeGreaterThan(0);
    expect(front).toBeLessThan(distractors);
  });

  test('a corpus is written as numpy shards with credits; written in parts it is the same; numpy reads it', async () => {
    const dir = tempDir();
    // Two pictures on disk (the generator decodes them as it would Debian's wallpapers).
    const paths = [join(dir, 'a.png'), join(dir, 'b.jpg')];
    const fake = fakePhoto();
    await sharp(Buffer.from(fake.rgb), { raw: { width: fake.width, height: fake.height, channels: 3 } }).png().toFile(paths[0]);
    await sharp(Buffer.from(fake.rgb.map((v) => 255 - v)), { raw: { width: fake.width, height: fake.height, channels: 3 } }).jpeg().toFile(paths[1]);
    const pictures: BackgroundPicture[] = paths.map((path, i) => ({ ...fake.picture, path, title: `picture ${i}`, license: i ? 'CC-BY-SA-4.0' : 'CC0-1.0' }));
    expect((await loadBackgrounds(pictures, 128)).map((b) => Math.max(b.width, b.height))).toEqual([128, 128]);
    const common = { split: 'train' as const, resolution: 64, seed: 4, sh3dDir: null, pictures, shardSize: 2, copies: 2, photoShare: 1 };
    const whole = await writeSegmentationCorpus({ ...common, count: 5, out: join(dir, 'whole') });
    expect(whole.shards.map((s) => s.count)).toEqual([2, 2, 1]);
    expect(whole.backgrounds.length).toBeGreaterThan(0);
    const credits = readFileSync(join(dir, 'whole', 'CREDITS.md'), 'utf8');
    for (const b of whole.backgrounds) expect(credits).toContain(b.path);
    const part = await writeSegmentationCorpus({ ...common, start: 3, count: 2, out: join(dir, 'part') });
    expect(part.shards[0].first).toBe(3);
    const python = pythonWithNumpy();
    const read = (root: string) => {
      const r = spawnSync(python, ['-m', 'kiln_seg.data', root], { cwd: join(REPO_ROOT, 'training'), encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout);
    };
    const a = read(join(dir, 'whole')), b = read(join(dir, 'part'));
    expect([a.count, a.image_shape, a.image_dtype, a.mask_shape, a.mask_dtype]).toEqual([5, [64, 64, 3], 'uint8', [64, 64], 'uint8']);
    expect(b.indices).toEqual([3, 4]);
    expect(b.image_sums).toEqual(a.image_sums.slice(3));
    expect(b.mask_means).toEqual(a.mask_means.slice(3));
    await expect(writeSegmentationCorpus({ ...common, count: 1, out: join(dir, 'whole') })).rejects.toThrow(/not empty/);
    // A foliage corpus draws its targets from the leafy categories only; distractors stay any object.
    const foliage = await writeSegmentationCorpus({ ...common, count: 4, focus: 'foliage', out: join(dir, 'foliage') });
    expect(foliage.focus).toBe('foliage');
    const records = foliage.shards.flatMap((s) => JSON.parse(readFileSync(join(dir, 'foliage', s.name, 'index.json'), 'utf8')).records);
    expect(records).toHaveLength(4);
    for (const r of records) expect(r.target.id).toMatch(/^procedural:train:\d+:(plant|tree|cactus)$/);
    await expect(writeSegmentationCorpus({ ...common, count: 1, focus: 'leaves' as never, out: join(dir, 'leaves') })).rejects.toThrow(/focus must be one of any, foliage/);
  });
});

// Debian's wallpaper packages, when installed: every listed picture is where the table says.
const installed = existsSync(BACKGROUND_PICTURES[0].path);
const describeInstalled = installed
  ? describe
  : (title: string, fn: () => void) => describe.skip(`${title} (skipped: apt-get install lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 mate-backgrounds plasma-workspace-wallpapers)`, fn);

describeInstalled('the installed wallpaper photographs', () => {
  test('every listed picture exists and decodes', async () => {
    const missing = BACKGROUND_PICTURES.filter((p) => !existsSync(p.path)).map((p) => p.path);
    expect(missing).toEqual([]);
    const loaded = await loadBackgrounds(backgroundsOf('heldout').slice(0, 2), 256);
    for (const b of loaded) expect(Math.max(b.width, b.height)).toBe(256);
  });
});
