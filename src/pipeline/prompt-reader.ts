import { defaultModelDir, defaultTextToImageModelDir, loadModelManifest } from '../diffusion/model-manifest.js';
import { loadModelCatalogue, type CatalogueObjectName } from '../diffusion/model-objects.js';
import { loadModelTokenizer } from '../diffusion/multiview-model.js';
import { textToImageManifestIfPresent } from '../diffusion/text-to-image-model.js';
import { promptVocabulary, type ModelPromptVocabulary } from '../synth/prompt-vocabulary.js';
import type { Tokenizer } from '../text/tokenizer.js';

/** What reads a text → 3D prompt: the model's name and kind, and what it can read. */
export interface PromptReader {
  /** The reading model's name (its manifest's). */
  model: string;
  /** `text-to-image` when a text → image model draws the condition image, else the multi-view model reads the caption itself. */
  kind: 'text-to-image' | 'multiview-diffusion';
  vocabulary: ModelPromptVocabulary;
}

/** A loaded model's prompt vocabulary: its tokenizer and the catalogue objects it was trained on. */
export function promptVocabularyOf(model: { tokenizer: Tokenizer; catalogue: readonly CatalogueObjectName[] }): ModelPromptVocabulary {
  return promptVocabulary(model.tokenizer, model.catalogue);
}

/**
 * Which model reads a text → 3D prompt, and what it can read: the text → image model when there
 * is one (the one in `textToImageModelDir`, which must be there, else the embedded one when
 * present), otherwise the multi-view model in `modelDir`. The same choice `textTo3D` makes with
 * loaded models, so the CLI, the API and `kiln objects` check and list prompts against the model
 * that will read them. From manifests and vocabularies alone: no ONNX session is created, so a
 * prompt is checked in milliseconds.
 */
export async function loadPromptReader(modelDir: string = defaultModelDir(), textToImageModelDir?: string): Promise<PromptReader> {
  // The multi-view model makes the views whichever model reads the prompt, so a missing one is
  // refused here too, not only once a generation starts.
  const manifest = await loadModelManifest(modelDir, { verify: false });
  const t2i = await textToImageManifestIfPresent(textToImageModelDir);
  if (t2i) {
    const dir = textToImageModelDir ?? defaultTextToImageModelDir();
    return { model: t2i.name, kind: 'text-to-image', vocabulary: promptVocabulary(await loadModelTokenizer(dir, t2i), await loadModelCatalogue(dir, t2i)) };
  }
  return { model: manifest.name, kind: 'multiview-diffusion', vocabulary: promptVocabulary(await loadModelTokenizer(modelDir, manifest), await loadModelCatalogue(modelDir, manifest)) };
}
