import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { KilnError } from '../../src/core/errors.js';
import { generateConditionImage, TEXT_TO_IMAGE_STAGE } from '../../src/diffusion/generate-condition-image.js';
import { defaultModelDir, defaultTextToImageModelDir, TEXT_TO_IMAGE_MODEL_NAME } from '../../src/diffusion/model-manifest.js';
import { loadTextToImageManifest } from '../../src/diffusion/text-to-image-manifest.js';
import { loadTextToImageModel, textToImageManifestIfPresent, type TextToImageModel } from '../../src/diffusion/text-to-image-model.js';
import { createOnnxModel, float32Tensor, int64Tensor } from '../../src/runtime/onnx.js';
import { tempDir } from '../helpers/paths.js';
import { writeTinyTextToImageModel } from '../helpers/tiny-text-to-image.js';

// The text → image runtime against a tiny model built in code (a red disc, whatever the caption):
// the manifest, what it refuses, and sampling through the flow sampler.
let dir: string;
let model: TextToImageModel;
beforeAll(async () => {
  dir = writeTinyTextToImageModel(tempDir());
  model = await loadTextToImageModel(dir, { threads: 2 });
});
afterAll(async () => {
  await model?.dispose();
});

/** A copy of the tiny model whose manifest `change` edits. */
function withManifest(change: (m: Record<string, any>) => void): string {
  const copy = join(tempDir(), 'model');
  cpSync(dir, copy, { recursive: true });
  const m = JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8'));
  change(m);
  writeFileSync(join(copy, 'manifest.json'), JSON.stringify(m));
  return copy;
}

describe('text → image model: manifest', () => {
  test('loads: kind, resolution, the view it draws, guidance and sampler defaults', () => {
    const m = model.manifest;
    expect(m.kind).toBe('text-to-image');
    expect(m.resolution).toBe(64);
    expect(m.view.camera).toMatchObject({ azimuth: 0, elevation: 20 });
    expect(m.guidance).toEqual({ preset: 'constant', scale: 3 });
    expect(model.sampleSize).toBe(4 * 64 * 64);
  });

  test('refuses a bad manifest, naming the field: another kind, wrong channels, a time-varying guidance, no denoiser output', async () => {
    await expect(loadTextToImageManifest(defaultModelDir(), { verify: false })).rejects.toThrow(/loadTextToImageManifest: .*kind/);
    await expect(loadTextToImageManifest(withManifest((m) => (m.channels = ['red', 'green', 'blue'])))).rejects.toThrow(/channels/);
    await expect(loadTextToImageManifest(withManifest((m) => (m.guidance = { preset: 'hunyuan-lite', scale: 3 })))).rejects.toThrow(/guidance/);
    await expect(loadTextToImageManifest(withManifest((m) => (m.io.denoiser.outputs = { y: m.io.denoiser.outputs.x0 })))).rejects.toThrow(/parametrisation/);
    await expect(loadTextToImageManifest(withManifest((m) => delete m.view))).rejects.toThrow(/view/);
  });

  test('refuses a replaced or missing file', async () => {
    const replaced = withManifest(() => undefined);
    const vocab = join(replaced, 'vocab.json');
    writeFileSync(vocab, readFileSync(vocab, 'utf8').replace('"[PAD]"', '"[PAX]"'));
    await expect(loadTextToImageManifest(replaced)).rejects.toThrow(/sha256/);
    const missing = withManifest(() => undefined);
    rmSync(join(missing, 'denoiser.onnx'));
    await expect(loadTextToImageManifest(missing)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(loadTextToImageModel(join(tempDir(), 'nothing-here'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('an absent embedded model means "none", not an error; an explicit folder must be there', async () => {
    if (!existsSync(defaultTextToImageModelDir())) await expect(textToImageManifestIfPresent()).resolves.toBeUndefined();
    await expect(textToImageManifestIfPresent(dir)).resolves.toMatchObject({ name: 'tiny-t2i' });
    await expect(textToImageManifestIfPresent(join(tempDir(), 'absent'))).rejects.toBeInstanceOf(KilnError);
  });
});

describe('text → image model: sampling', () => {
  test('draws the condition image: RGBA at the model resolution, object in the middle, background at the edge', async () => {
    const stages = new Set<string>();
    const g = await generateConditionImage(model, 'a red mug', { seed: 3, onProgress: (e) => stages.add(e.stage) });
    expect([g.image.width, g.image.height, g.image.channels]).toEqual([64, 64, 4]);
    expect(g.steps).toBe(4);
    expect(g.guidance).toEqual({ preset: 'constant', scale: 3 });
    expect([...stages]).toEqual([TEXT_TO_IMAGE_STAGE]);
    const at = (x: number, y: number, c: number) => g.image.data[(y * 64 + x) * 4 + c];
    expect(at(32, 32, 3)).toBeGreaterThan(0.9);
    expect(at(32, 32, 0)).toBeGreaterThan(0.9);
    expect(at(32, 32, 1)).toBeLessThan(0.1);
    expect(at(1, 1, 3)).toBeLessThan(0.1);
  });

  test('the same seed draws the same image; another seed another one; steps and scale override the manifest', async () => {
    const a = await generateConditionImage(model, 'a red mug', { seed: 5 });
    const b = await generateConditionImage(model, 'a red mug', { seed: 5 });
    const c = await generateConditionImage(model, 'a red mug', { seed: 6, steps: 2, guidanceScale: 1.5 });
    expect(Buffer.from(a.sample.buffer).equals(Buffer.from(b.sample.buffer))).toBe(true);
    expect(Buffer.from(a.sample.buffer).equals(Buffer.from(c.sample.buffer))).toBe(false);
    expect([c.steps, c.guidance.scale]).toEqual([2, 1.5]);
  });

  test('a prompt with no word the model knows is refused before sampling', async () => {
    await expect(generateConditionImage(model, 'xyzzy plugh', { seed: 0 })).rejects.toThrow(/knows none of the words/);
    await expect(generateConditionImage(model, 'a red mug', { seed: -1 })).rejects.toThrow(/seed/);
  });
});

// The embedded text → image model, once one is trained and committed: ONNX parity with the PyTorch
// it was exported from. Until then this is skipped, and says why.
const shipped = existsSync(join(defaultTextToImageModelDir(), 'manifest.json'));
const describeShipped = shipped
  ? describe
  : (title: string, fn: () => void) => describe.skip(`${title} (skipped: assets/models/${TEXT_TO_IMAGE_MODEL_NAME} is absent; it is trained with training/configs/t2i-cpu.json)`, fn);

describeShipped('the embedded text → image model', () => {
  test('files match their sha256; onnxruntime reproduces the exporter’s PyTorch outputs on the probe', async () => {
    const m = await loadTextToImageManifest(defaultTextToImageModelDir(), { verify: true });
    const probe = m.probe!;
    const d = defaultTextToImageModelDir();
    const s = m.resolution, L = m.text.length;
    const enc = await createOnnxModel(join(d, m.files.encoder.path), { threads: 2 });
    const den = await createOnnxModel(join(d, m.files.denoiser.path), { threads: 2 });
    try {
      const tokens = new Int32Array(2 * L);
      tokens.set(probe.tokens0);
      const ctx = await enc.run({ tokens: int64Tensor(tokens, [2, L]) });
      const x = Float32Array.from({ length: 2 * 4 * s * s }, (_, i) => Math.sin(Math.fround(i * 0.001)));
      const out = await den.run({ x: float32Tensor(x, [2, 4, s, s]), t: float32Tensor(Float32Array.from(probe.t), [2]), context: ctx.context });
      const x0 = out.x0.data as Float32Array;
      probe.x0_first.forEach((v, i) => expect(x0[i]).toBeCloseTo(v, 3));
      expect(x0.reduce((a, b) => a + b, 0) / x0.length).toBeCloseTo(probe.x0_mean, 3);
    } finally {
      await enc.dispose();
      await den.dispose();
    }
  });
});
