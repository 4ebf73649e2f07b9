import { describe, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelDir, loadModelManifest } from '../../src/diffusion/model-manifest.js';
import { loadModelCatalogue } from '../../src/diffusion/model-objects.js';
import { loadModelTokenizer } from '../../src/diffusion/multiview-model.js';
import { textToImageManifestIfPresent } from '../../src/diffusion/text-to-image-model.js';
import { loadPromptReader } from '../../src/pipeline/prompt-reader.js';
import { CATALOGUE_GROUP, promptVocabulary } from '../../src/synth/prompt-vocabulary.js';
import { understandPrompt } from '../../src/text/understand-prompt.js';
import { tempDir } from '../helpers/paths.js';
import { writeTinyTextToImageModel } from '../helpers/tiny-text-to-image.js';

// The catalogue objects the embedded multi-view model was trained on (its objects.json), as it reads them.
const mvDir = defaultModelDir();
const mvManifest = await loadModelManifest(mvDir, { verify: false });
const shippedCatalogue = await loadModelCatalogue(mvDir, mvManifest);
const mvVocabulary = promptVocabulary(await loadModelTokenizer(mvDir, mvManifest), shippedCatalogue);
const someCatalogueName = mvVocabulary.objects.find((o) => o.group === CATALOGUE_GROUP && /^[a-z ]+$/.test(o.en) && o.en.split(' ').length >= 2)!.en;

describe('loadPromptReader', () => {
  test('without a text → image model, the multi-view model reads prompts: procedural categories and the catalogue objects it was trained on', async () => {
    if (await textToImageManifestIfPresent()) return; // the embedded text → image model reads them instead (next test's case)
    const reader = await loadPromptReader(defaultModelDir());
    expect(reader.kind).toBe('multiview-diffusion');
    expect(reader.model).toBe(mvManifest.name);
    const catalogue = reader.vocabulary.objects.filter((o) => o.group === CATALOGUE_GROUP);
    expect(catalogue.length).toBeGreaterThan(100);
    expect(catalogue.length).toBeLessThanOrEqual(shippedCatalogue.length);
    expect(understandPrompt(`a ${someCatalogueName}`, reader.vocabulary).objects.map((o) => o.en)).toContain(someCatalogueName);
    expect(understandPrompt('a red chair', reader.vocabulary).objects.map((o) => o.name)).toEqual(['chair']);
  });

  test('with a text → image model, that model reads prompts, with what it was trained on', async () => {
    // The tiny model shares the multi-view model's vocabulary but lists no catalogue objects.
    const dir = writeTinyTextToImageModel(tempDir());
    const reader = await loadPromptReader(defaultModelDir(), dir);
    expect(reader.kind).toBe('text-to-image');
    expect(reader.vocabulary.objects.some((o) => o.group === CATALOGUE_GROUP)).toBe(false);
    expect(understandPrompt(`a ${someCatalogueName}`, reader.vocabulary).objects).toEqual([]);
    expect(understandPrompt('a red chair', reader.vocabulary).objects.map((o) => o.name)).toEqual(['chair']);
  });

  test('a text → image folder that is named but missing is an error, not a silent fallback', async () => {
    await expect(loadPromptReader(defaultModelDir(), join(tempDir(), 'absent'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test("a model's objects file that is not a list of names is refused by name", async () => {
    const dir = tempDir();
    const entry = { path: 'objects.json', sha256: '0'.repeat(64), bytes: 1 };
    writeFileSync(join(dir, 'objects.json'), JSON.stringify({ format: 'kiln-objects/1', objects: [{ en: 'sofa' }] }));
    await expect(loadModelCatalogue(dir, { files: { objects: entry } })).rejects.toThrow(/objects\.json: objects\.0\.zh/);
    writeFileSync(join(dir, 'objects.json'), '{');
    await expect(loadModelCatalogue(dir, { files: { objects: entry } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(loadModelCatalogue(dir, { files: {} })).resolves.toEqual([]);
  });
});
