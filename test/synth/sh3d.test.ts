import { describe, expect, test, beforeAll } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { computeBounds, meshMaterials } from '../../src/geometry/mesh.js';
import { parseProperties } from '../../src/io/sh3f/parse-properties.js';
import { readSh3f } from '../../src/io/sh3f/read-catalog.js';
import { loadCatalogModel } from '../../src/io/sh3f/load-catalog-model.js';
import { readSh3dCatalogs, SH3D_DEFAULT_DIR } from '../../src/synth/sh3d-catalogs.js';
import { filterSh3dEntry } from '../../src/synth/sh3d-filter.js';
import { sh3dSplitOf } from '../../src/synth/sh3d-split.js';
import { writeSh3dCorpus } from '../../src/synth/sh3d-corpus.js';
import { renderSh3dSample } from '../../src/synth/sh3d-sample.js';
import { sh3dTokenizer } from '../../src/synth/sh3d-vocabulary.js';
import { corpusTokenizer } from '../../src/synth/vocabulary.js';
import { DEFAULT_RIG } from '../../src/geometry/rig.js';
import { UNK_ID } from '../../src/text/tokenizer.js';
import { benchmarksDir, REPO_ROOT, tempDir } from '../helpers/paths.js';
import { pythonWithNumpy } from '../helpers/python.js';
import { writeSh3fFixtures } from '../helpers/sh3f-fixture.js';

const SOFA = 'Scopia:/scopia/burlap_sofa/burlap_sofa.obj';
const ANTIQUE = 'BlendSwap-CC-0:/blendswap-cc-0/antiqueChair/antiqueChair.obj';

describe('Sweet Home 3D catalogues', () => {
  const dir = tempDir();
  beforeAll(() => writeSh3fFixtures(dir));

  test('properties: escapes, continuations, separators, comments', () => {
    const p = parseProperties('# c\n! c\na=1\nb : two words\nc three\nd=Caf\\u00e9 \\\n   au lait\ne=tab\\there\\\\\n');
    expect(p.get('a')).toBe('1');
    expect(p.get('b')).toBe('two words');
    expect(p.get('c')).toBe('three');
    expect(p.get('d')).toBe('Café au lait');
    expect(p.get('e')).toBe('tab\there\\');
    // Bytes are ISO-8859-1, as Java reads them.
    expect(parseProperties(Uint8Array.from([0x78, 0x3d, 0xa9])).get('x')).toBe('©');
  });

  test('catalogue entries: names (zh_TW converted to Simplified), sizes, rotation, licence', async () => {
    const c = await readSh3f(join(dir, 'Scopia.sh3f'));
    expect(c.collection).toBe('Scopia');
    expect(c.license).toContain('Attribution');
    const [sofa, chair, bench] = c.entries;
    expect(sofa.key).toBe(SOFA);
    expect(sofa.nameZh).toBe('沙发');
    expect(sofa.nameZhSource).toBe('zh_TW');
    expect(chair.name).toBe('Café chair');
    expect(chair.nameZh).toBe('椅子');
    expect(chair.nameZhSource).toBe('zh_CN');
    expect(bench.nameZh).toBeUndefined(); // an untranslated (English) zh_CN name does not count
    expect(bench.modelRotation).toEqual([0, 0, 1, 0, 1, 0, -1, 0, 0]);
    expect([sofa.width, sofa.depth, sofa.height]).toEqual([200, 90, 80]);
  });

  test('models keep both materials and take the catalogue size in metres after rotation', async () => {
    const c = await readSh3f(join(dir, 'Scopia.sh3f'));
    const sofa = await loadCatalogModel(c, c.entries[0]);
    const mats = meshMaterials(sofa).materials;
    expect(mats.map((m) => m.name).sort()).toEqual(['fabric', 'legs']);
    expect(mats.find((m) => m.name === 'fabric')?.baseColorTexture?.width).toBe(4);
    const b = computeBounds(sofa);
    expect(b.max[0] - b.min[0]).toBeCloseTo(2.0, 4);
    expect(b.max[1] - b.min[1]).toBeCloseTo(0.8, 4);
    expect(b.max[2] - b.min[2]).toBeCloseTo(0.9, 4);
    const bench = await loadCatalogModel(c, c.entries[2]);
    const bb = computeBounds(bench);
    expect(bb.max[0] - bb.min[0]).toBeCloseTo(0.5, 4);
    expect(bb.max[2] - bb.min[2]).toBeCloseTo(1.2, 4);
  });

  test('filters give one reason per unusable entry', async () => {
    const c = await readSh3f(join(dir, 'Scopia.sh3f'));
    const reasons: string[] = [];
    for (const e of c.entries) {
      const r = await filterSh3dEntry(c, e);
      reasons.push('skip' in r ? r.skip : 'ok');
    }
    expect(reasons).toEqual(['ok', 'ok', 'ok', 'door-or-window', 'no-faces', 'broken', 'flat', 'too-large', 'all-glass']);
  });

  test('the split rule agrees with sh3d-test.txt', async () => {
    const bench = benchmarksDir();
    if (!bench) return;
    const listed = new Set(readFileSync(join(bench, 'sh3d-test.txt'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')));
    expect(listed.has(SOFA) && listed.has(ANTIQUE)).toBe(true);
    for (const key of listed) expect(sh3dSplitOf(key)).toBe('test');
    const catalogs = await readSh3dCatalogs(dir);
    for (const e of catalogs.flatMap((c) => c.entries)) if (listed.has(e.key)) expect(sh3dSplitOf(e.key)).toBe('test');
    // With the real package installed, every one of its keys is on the side the file says.
    if (existsSync(SH3D_DEFAULT_DIR)) {
      const real = await readSh3dCatalogs(SH3D_DEFAULT_DIR);
      for (const e of real.flatMap((c) => c.entries)) expect(sh3dSplitOf(e.key) === 'test').toBe(listed.has(e.key));
    }
  });

  test('a missing package is one line naming the apt package', async () => {
    await expect(readSh3dCatalogs(join(dir, 'nowhere'))).rejects.toThrow(/^no Sweet Home 3D catalogues.*apt-get install sweethome3d-furniture/);
  });

  test('vocabulary: procedural ids unchanged, catalogue names known', async () => {
    const catalogs = await readSh3dCatalogs(dir);
    const t = sh3dTokenizer(catalogs);
    const base = corpusTokenizer();
    expect(t.tokens.slice(0, base.size)).toEqual(base.tokens);
    expect(t.tokenIds('a blue café chair 沙发的三维模型')).not.toContain(UNK_ID);
  });

  test('augmentation repaints only a dominant untextured material, and the caption follows', async () => {
    const catalogs = await readSh3dCatalogs(dir);
    const c = catalogs.find((k) => k.collection === 'Scopia')!;
    const r = await filterSh3dEntry(c, c.entries[1]);
    if (!('object' in r)) throw new Error('chair filtered');
    const tokenizer = sh3dTokenizer(catalogs);
    const seen = new Set<string>();
    let repainted = 0;
    for (let copy = 0; copy < 12; copy++) {
      const s = renderSh3dSample(r.object, { corpusSeed: 1, split: 'train', index: copy, copy, resolution: 16, rig: DEFAULT_RIG, tokenizer, augment: true });
      expect(s.record.main.color).toBeDefined();
      expect(s.record.captions.en[0]).toContain(` ${s.record.main.color === 'gold' ? 'golden' : s.record.main.color} `);
      if (s.record.main.recolored) repainted++;
      else expect(s.record.main.color).toBe('blue'); // the paint's own colour
      seen.add(s.record.main.color!);
    }
    expect(repainted).toBeGreaterThan(0);
    expect(seen.size).toBeGreaterThan(1);
    // The sofa's dominant material is textured: never repainted, no colour word.
    const sofa = await filterSh3dEntry(c, c.entries[0]);
    if (!('object' in sofa)) throw new Error('sofa filtered');
    const s = renderSh3dSample(sofa.object, { corpusSeed: 1, split: 'train', index: 0, copy: 0, resolution: 16, rig: DEFAULT_RIG, tokenizer, augment: true });
    expect(s.record.main).toEqual({ color: undefined, recolored: false });
  });

  test('corpus: splits never share a model, shards read in Python, credits name the CC-BY models', async () => {
    const out = tempDir();
    const train = await writeSh3dCorpus({ dir, split: 'train', out: join(out, 'train'), resolution: 16, copies: 2 });
    const test_ = await writeSh3dCorpus({ dir, split: 'test', out: join(out, 'test'), resolution: 16 });
    const keysOf = (d: string) =>
      JSON.parse(readFileSync(join(d, 'shard-00000', 'index.json'), 'utf8')).records.map((r: { key: string }) => r.key) as string[];
    const trainKeys = keysOf(join(out, 'train'));
    const testKeys = keysOf(join(out, 'test'));
    expect(testKeys).toEqual(expect.arrayContaining([SOFA, ANTIQUE]));
    expect(trainKeys.some((k) => testKeys.includes(k))).toBe(false);
    for (const k of trainKeys) expect(sh3dSplitOf(k)).toBe('train');
    expect(train.count).toBe(train.objects * 2);
    const skipped = Object.values(train.skipped).reduce((a, b) => a + b, 0) + Object.values(test_.skipped).reduce((a, b) => a + b, 0);
    expect(train.objects + test_.objects + skipped).toBe(11);
    const credits = readFileSync(join(out, 'test', 'CREDITS.md'), 'utf8');
    expect(credits).toContain('| Sofa | Scopia | Scopia |');
    expect(credits).not.toContain('Antique chair');
    expect(existsSync(join(out, 'test', 'meshes', 'sh3d-test-000000.glb'))).toBe(true);
    const py = spawnSync(pythonWithNumpy(), [join(REPO_ROOT, 'training', 'kiln_corpus.py'), join(out, 'test')], { encoding: 'utf8' });
    expect(py.status).toBe(0);
    const summary = JSON.parse(py.stdout);
    expect(summary.count).toBe(test_.count);
    expect(summary.rgba_shape).toEqual([7, 16, 16, 4]);
    for (const o of summary.objects) expect(o.coverage).toBeGreaterThan(0.02);
    expect(summary.objects.map((o: { caption_zh: string }) => o.caption_zh)).toContain('一个沙发');
  });
});
