import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { loadMultiViewModel, type MultiViewModel } from '../../src/diffusion/multiview-model.js';
import { loadTextToImageModel, type TextToImageModel } from '../../src/diffusion/text-to-image-model.js';
import { textTo3D } from '../../src/pipeline/text-to-3d.js';
import { writeOutputs } from '../../src/pipeline/write-outputs.js';
import { tempDir } from '../helpers/paths.js';
import { writeTinyTextToImageModel } from '../helpers/tiny-text-to-image.js';

// Text → 3D through a text → image model (a tiny one built in code that draws a red disc) and the
// embedded multi-view model: the drawing comes first, is written as condition.png, and a seed makes
// the GLB bytes repeatable.
let mv: MultiViewModel;
let t2i: TextToImageModel;
beforeAll(async () => {
  mv = await loadMultiViewModel(undefined, { threads: 2 });
  t2i = await loadTextToImageModel(writeTinyTextToImageModel(tempDir()), { threads: 2 });
});
afterAll(async () => {
  await mv?.dispose();
  await t2i?.dispose();
});

// Few steps: what is tested is the order and repeatability, not the views' quality.
const FAST = { fast: true, steps: 4, faceBudget: 2000, textureSize: 128 } as const;

describe('textTo3D through a text → image model', () => {
  test('draws the condition image first, makes the model from it, and writes condition.png first', async () => {
    const events: string[] = [];
    const stages: string[] = [];
    const result = await textTo3D(mv, 'a red mug', {
      ...FAST,
      seed: 4,
      textToImageModel: t2i,
      onCondition: () => void events.push('condition'),
      onViews: () => void events.push('views'),
      onProgress: (e) => (stages.at(-1) === e.stage ? undefined : stages.push(e.stage)),
    });
    expect(events).toEqual(['condition', 'views']);
    expect(stages[0]).toBe('text-to-image');
    expect(stages).toContain('diffusion');
    expect(result.drawnCondition?.width).toBe(64);
    expect(result.textToImageModel?.name).toBe('tiny-t2i');
    expect(result.options.textToImage).toEqual({ steps: 12, guidance: { preset: 'constant', scale: 3 } });
    // The drawing is the texture's reference image too, as a photo is in image → 3D.
    expect(result.options.projectInput).toBe(true);
    expect(result.mesh.indices.length).toBeGreaterThan(0);

    const out = tempDir();
    const report = await writeOutputs(result, out, { formats: ['glb'], preview: false });
    expect(report.files[0]).toBe('condition.png');
    expect(report.files).toEqual(expect.arrayContaining(['condition.png', 'views.png', 'model.glb', 'report.json']));
    expect(report.files).not.toContain('input.png');
    expect(report.textToImageModel?.name).toBe('tiny-t2i');
    const png = await sharp(join(out, 'condition.png')).metadata();
    expect([png.width, png.channels]).toEqual([256, 4]);
  }, 180000);

  test('the same seed writes the same GLB bytes', async () => {
    const glb = async (seed: number) => {
      const out = tempDir();
      await writeOutputs(await textTo3D(mv, '一个红色的杯子', { ...FAST, seed, textToImageModel: t2i, textToImage: { steps: 3 } }), out, { formats: ['glb'], preview: false });
      return readFileSync(join(out, 'model.glb'));
    };
    const a = await glb(9);
    const b = await glb(9);
    expect(a.equals(b)).toBe(true);
  }, 240000);

  test('text → image options without a text → image model are refused; an unknown object is refused by the reading model', async () => {
    await expect(textTo3D(mv, 'a red mug', { textToImage: { steps: 3 } })).rejects.toThrow(/need a text → image model/);
    await expect(textTo3D(mv, 'xyzzy', { textToImageModel: t2i })).rejects.toMatchObject({ code: 'UNKNOWN_WORDS' });
  });
});
