import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { createImage } from '../../src/core/image.js';
import { generateViews } from '../../src/diffusion/generate-views.js';
import { defaultModelDir, loadModelManifest } from '../../src/diffusion/model-manifest.js';
import { loadMultiViewModel, type MultiViewModel } from '../../src/diffusion/multiview-model.js';
import { compareMeshes } from '../../src/metrics/compare-shapes.js';
import { cropToObject } from '../../src/preprocess/crop-to-object.js';
import { reconstructGeometry } from '../../src/reconstruct/reconstruct-geometry.js';
import { synthesizeSample } from '../../src/synth/synthesize-sample.js';
import { createOnnxModel, float32Tensor, int64Tensor, type Feeds } from '../../src/runtime/onnx.js';
import { tempDir } from '../helpers/paths.js';

// The embedded model as shipped: its manifest, ONNX parity with the PyTorch it was exported from,
// and what it generates for a held-out (test split) object.
let model: MultiViewModel;
beforeAll(async () => {
  model = await loadMultiViewModel(defaultModelDir(), { threads: 2 });
});
afterAll(async () => {
  await model?.dispose();
});

function conditionOf(index: number) {
  const m = model.manifest;
  const s = synthesizeSample({ corpusSeed: Number(m.training.dataSeed), split: 'test', index, resolution: m.resolution, rig: m.rig });
  const r = m.resolution;
  const cond = createImage(r, r, 4);
  for (let i = 0; i < r * r * 4; i++) cond.data[i] = s.views.rgba[i] / 255;
  return { sample: s, image: cropToObject(cond, { size: m.condition.size, margin: m.condition.cropMargin }) };
}

describe('the embedded multi-view model', () => {
  test('manifest: files match their sha256, cameras and shapes are declared, size ≤ 60 MB', async () => {
    const m = await loadModelManifest(defaultModelDir(), { verify: true });
    expect(m.rig.views).toHaveLength(6);
    expect(m.parametrisation).toBe('x0');
    const bytes = Object.values(m.files).reduce((a, f) => a + f.bytes, 0);
    expect(bytes).toBeLessThan(60e6);
    expect(m.io.denoiser.inputs.x.shape.slice(1)).toEqual([6, 5, m.resolution, m.resolution]);
  });

  test('a replaced file is refused', async () => {
    const dir = join(tempDir(), 'model');
    cpSync(defaultModelDir(), dir, { recursive: true });
    const vocab = join(dir, 'vocab.json');
    writeFileSync(vocab, readFileSync(vocab, 'utf8').replace('"[PAD]"', '"[PAX]"'));
    await expect(loadModelManifest(dir)).rejects.toThrow(/sha256/);
  });

  test('onnxruntime reproduces the exporter’s PyTorch outputs on the probe input', async () => {
    const m = model.manifest;
    const probe = m.probe!;
    const dir = defaultModelDir();
    const s = m.condition.size, L = m.text.length, r = m.resolution, v = m.rig.views.length;
    const enc = await createOnnxModel(join(dir, m.files.encoder.path), { threads: 2 });
    const den = await createOnnxModel(join(dir, m.files.denoiser.path), { threads: 2 });
    const image = Float32Array.from({ length: 2 * 4 * s * s }, (_, i) => Math.cos(Math.fround(i * 0.01)));
    const tokens = new Int32Array(2 * L);
    tokens.set(probe.tokens0);
    const ctx = await enc.run({ image: float32Tensor(image, [2, 4, s, s]), image_mask: float32Tensor(Float32Array.from(probe.image_mask), [2]), tokens: int64Tensor(tokens, [2, L]) });
    const c = m.channels.length;
    const n = 2 * v * c * r * r;
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin(Math.fround(i * 0.001)));
    const feeds: Feeds = { x: float32Tensor(x, [2, v, c, r, r]), t: float32Tensor(Float32Array.from(probe.t), [2]), context: ctx.context };
    if ('image' in m.io.denoiser.inputs) {
      // The pixel path sees the image times its mask: the second probe sample has none.
      const masked = image.map((a, i) => a * probe.image_mask[Math.floor(i / (4 * s * s))]);
      feeds.image = float32Tensor(masked, [2, 4, s, s]);
    }
    const out = await den.run(feeds);
    const x0 = out.x0.data as Float32Array;
    probe.x0_first.forEach((want, i) => expect(x0[i]).toBeCloseTo(want, 2));
    let sum = 0, abs = 0;
    for (const a of x0) {
      sum += a;
      abs += Math.abs(a);
    }
    expect(sum / x0.length).toBeCloseTo(probe.x0_mean, 2);
    expect(abs / x0.length).toBeCloseTo(probe.x0_abs_mean, 2);
    await enc.dispose();
    await den.dispose();
  });

  test('six non-empty, mutually consistent views of a test-split object; same seed → same views', async () => {
    const { sample, image } = conditionOf(1);
    const a = await generateViews(model, { image }, { seed: 3, steps: 12 });
    const b = await generateViews(model, { image }, { seed: 3, steps: 12 });
    const c = await generateViews(model, { image }, { seed: 4, steps: 12 });
    expect(Buffer.from(a.sample.buffer).equals(Buffer.from(b.sample.buffer))).toBe(true);
    expect(Buffer.from(a.sample.buffer).equals(Buffer.from(c.sample.buffer))).toBe(false);
    for (const view of a.views) {
      let fg = 0;
      for (let i = 3; i < view.image.data.length; i += 4) if (view.image.data[i] >= 0.5) fg++;
      expect(fg).toBeGreaterThan(20);
    }
    // Consistent views carve one object: reconstruction from them resembles the ground truth.
    const mesh = await reconstructGeometry(a.views, { resolution: 80 });
    const score = compareMeshes(mesh, sample.mesh, { normalize: 'each', samples: 3000 });
    expect(score.fscore['0.1']).toBeGreaterThan(0.35);
  });

  test('prompts: English and Chinese condition the model; unknown words and empty prompts are refused', async () => {
    const en = await generateViews(model, { prompt: 'a red mug' }, { seed: 1, steps: 8 });
    const zh = await generateViews(model, { prompt: '一个红色的杯子' }, { seed: 1, steps: 8 });
    const blue = await generateViews(model, { prompt: 'a blue mug' }, { seed: 1, steps: 8 });
    expect(Buffer.from(en.sample.buffer).equals(Buffer.from(blue.sample.buffer))).toBe(false);
    expect(zh.views).toHaveLength(6);
    await expect(generateViews(model, { prompt: '  ' }, { seed: 1 })).rejects.toThrow(/empty/);
    await expect(generateViews(model, { prompt: 'xyzzy plugh' }, { seed: 1 })).rejects.toThrow(/knows none of the words/);
    await expect(generateViews(model, {}, { seed: 1 })).rejects.toThrow(/image, a prompt, or both/);
  });
});
