import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateGlb } from '../../src/export/validate-glb.js';
import { DEFAULT_RIG } from '../../src/geometry/rig.js';
import { categoryByName } from '../../src/synth/categories.js';
import { colorByName } from '../../src/synth/palette.js';
import { heldOutTriples, isHeldOut } from '../../src/synth/splits.js';
import { synthesizeSample, type SampleRecord } from '../../src/synth/synthesize-sample.js';
import { encodeNpy } from '../../src/synth/npy.js';
import { corpusTokenizer } from '../../src/synth/vocabulary.js';
import { writeCorpus } from '../../src/synth/write-corpus.js';
import { UNK_ID } from '../../src/text/tokenizer.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { pythonWithNumpy } from '../helpers/python.js';

const spec = { corpusSeed: 7, split: 'train' as const, resolution: 32, rig: DEFAULT_RIG };

describe('corpus samples', () => {
  it('are deterministic: the same seed gives the same bytes, another index another object', () => {
    const a = synthesizeSample({ ...spec, index: 3 });
    const b = synthesizeSample({ ...spec, index: 3 });
    expect(Buffer.from(a.views.rgba).equals(Buffer.from(b.views.rgba))).toBe(true);
    expect(Buffer.from(a.views.depth.buffer).equals(Buffer.from(b.views.depth.buffer))).toBe(true);
    expect(JSON.stringify(a.record)).toBe(JSON.stringify(b.record));
    const c = synthesizeSample({ ...spec, index: 4 });
    expect(Buffer.from(a.views.rgba).equals(Buffer.from(c.views.rgba))).toBe(false);
  });

  it('render a visible object in every view, with depth exactly where alpha is', () => {
    const s = synthesizeSample({ ...spec, index: 11 });
    const px = 32 * 32;
    expect(s.views.rgba.length).toBe(7 * px * 4);
    for (let v = 0; v < 7; v++) {
      let covered = 0, mismatched = 0;
      for (let i = 0; i < px; i++) {
        const alpha = s.views.rgba[(v * px + i) * 4 + 3];
        const depth = s.views.depth[v * px + i];
        if (alpha > 0) covered++;
        if ((alpha > 0) !== (depth > 0)) mismatched++;
        // Depth sits around the rig distance (3) ± the object's half-diagonal.
        if (depth > 0) expect(Math.abs(depth / 8192 - 3)).toBeLessThan(1);
      }
      expect(covered / px).toBeGreaterThan(0.03);
      expect(mismatched).toBe(0);
    }
  });

  it('captions name the category and the main colour in English and Chinese, with no unknown tokens', () => {
    const tokenizer = corpusTokenizer();
    for (let i = 0; i < 150; i++) {
      const { record } = synthesizeSample({ ...spec, resolution: 16, index: i });
      const category = categoryByName(record.category);
      const color = colorByName(record.main.color);
      expect(record.captions.en.length).toBeGreaterThanOrEqual(3);
      expect(record.captions.zh.length).toBeGreaterThanOrEqual(3);
      for (const en of record.captions.en) {
        expect(en).toContain(category.en);
        expect(en).toContain(color.en);
      }
      for (const zh of record.captions.zh) {
        expect(zh).toContain(category.zh);
        expect(zh).toContain(color.zh);
      }
      for (const text of [...record.captions.en, ...record.captions.zh]) expect(tokenizer.tokenIds(text)).not.toContain(UNK_ID);
      expect(record.tokens.zh[0]).toEqual(tokenizer.tokenIds(record.captions.zh[0]));
    }
  });

  it('keeps held-out category × colour × material triples out of train and puts them in test', () => {
    const triples = heldOutTriples();
    expect(triples.size).toBeGreaterThanOrEqual(24);
    for (let i = 0; i < 200; i++) {
      const { record } = synthesizeSample({ ...spec, resolution: 16, index: i });
      expect(isHeldOut(record.category, record.main)).toBe(false);
    }
    const test: SampleRecord[] = [];
    for (let i = 0; i < 30; i++) test.push(synthesizeSample({ ...spec, split: 'test', resolution: 16, index: i }).record);
    expect(test.filter((r) => r.index % 3 === 0).every((r) => r.heldOut)).toBe(true);
    // Test objects are other objects than train objects with the same index.
    const train0 = synthesizeSample({ ...spec, resolution: 16, index: 1 }).record;
    expect(test[1].seed).not.toBe(train0.seed);
  });
});

describe('npy encoding', () => {
  it('writes a version-1 header whose data starts on a 64-byte boundary', () => {
    const buf = encodeNpy(new Uint16Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(buf.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    const headerLen = buf.readUInt16LE(8);
    expect((10 + headerLen) % 64).toBe(0);
    expect(buf.subarray(10, 10 + headerLen).toString('latin1')).toContain("'shape': (2, 3)");
    expect(buf.readUInt16LE(10 + headerLen + 10)).toBe(6);
    expect(() => encodeNpy(new Uint8Array(5), [2, 3])).toThrow(/holds 6 values/);
  });
});

describe('writeCorpus', () => {
  it('writes shards that a numpy-only Python reader round-trips, and valid ground-truth GLBs', async () => {
    const out = tempDir();
    const manifest = await writeCorpus({ split: 'val', count: 5, resolution: 32, out: join(out, 'val'), seed: 3, shardSize: 2, workers: 0 });
    expect(manifest.shards.map((s) => s.count)).toEqual([2, 2, 1]);
    const python = pythonWithNumpy();
    const r = spawnSync(python, [join(REPO_ROOT, 'training', 'kiln_corpus.py'), join(out, 'val')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const summary = JSON.parse(r.stdout);
    expect(summary.count).toBe(5);
    expect(summary.rgba_shape).toEqual([7, 32, 32, 4]);
    expect(summary.depth_dtype).toBe('uint16');
    for (let i = 0; i < 5; i++) {
      const s = synthesizeSample({ corpusSeed: 3, split: 'val', index: i, resolution: 32, rig: DEFAULT_RIG });
      const o = summary.objects[i];
      expect(o.id).toBe(s.record.id);
      expect(o.caption_zh).toBe(s.record.captions.zh[0]);
      expect(o.decoded_zh).toBe(s.record.captions.zh[0].replace(/[，]/g, ''));
      expect(o.rgba_sum).toBe(s.views.rgba.reduce((a, b) => a + b, 0));
      expect(o.depth_sum).toBe(s.views.depth.reduce((a, b) => a + b, 0));
    }
    const glbs = readdirSync(join(out, 'val', 'meshes'));
    expect(glbs).toHaveLength(5);
    const report = await validateGlb(readFileSync(join(out, 'val', 'meshes', glbs[0])));
    expect(report.errors).toBe(0);
  });

  it('refuses a non-empty folder, a bad split or count, and leaves no manifest when cancelled', async () => {
    const out = tempDir();
    await writeCorpus({ split: 'train', count: 1, resolution: 16, out, workers: 0 });
    await expect(writeCorpus({ split: 'train', count: 1, resolution: 16, out, workers: 0 })).rejects.toThrow(/not empty/);
    await expect(writeCorpus({ split: 'dev' as never, count: 1, out: tempDir(), workers: 0 })).rejects.toThrow(/split must be/);
    await expect(writeCorpus({ split: 'train', count: 0, out: tempDir(), workers: 0 })).rejects.toThrow(/count must be/);
    const controller = new AbortController();
    const cancelled = tempDir();
    const run = writeCorpus({
      split: 'train', count: 50, resolution: 16, out: cancelled, workers: 0, signal: controller.signal,
      onProgress: (e) => e.fraction > 0.1 && controller.abort(),
    });
    await expect(run).rejects.toThrow(/cancelled/);
    expect(existsSync(join(cancelled, 'corpus.json'))).toBe(false);
  });
});
