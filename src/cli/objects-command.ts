import { defaultModelDir, loadModelManifest } from '../diffusion/model-manifest.js';
import { loadModelTokenizer } from '../diffusion/multiview-model.js';
import { promptVocabulary, type ModelPromptVocabulary } from '../synth/prompt-vocabulary.js';

/** Where the CLI's refusal of a prompt points for the full list of objects. */
export const OBJECTS_COMMAND = 'kiln objects';

/**
 * What the model in `dir` (default: the embedded one) can read in a prompt, from its manifest and
 * vocabulary alone: no ONNX session is created, so a prompt is checked in milliseconds.
 */
export async function loadModelPromptVocabulary(dir: string = defaultModelDir()): Promise<ModelPromptVocabulary> {
  const manifest = await loadModelManifest(dir, { verify: false });
  return promptVocabulary(await loadModelTokenizer(dir, manifest));
}

export interface ObjectsCommandOptions {
  model?: string;
  json?: boolean;
}

/**
 * `kiln objects`: every object the model knows by name (English, Chinese, family) and its colours,
 * as a table or, with `--json`, as `GET /api/v1/vocabulary` gives them.
 */
export async function runObjectsCommand(opts: ObjectsCommandOptions): Promise<string> {
  const dir = opts.model ?? defaultModelDir();
  const manifest = await loadModelManifest(dir, { verify: false });
  const v = await loadModelPromptVocabulary(dir);
  const objects = v.objects.map(({ name, en, zh, group }) => ({ name, en, zh, group }));
  const colors = v.colors.map(({ en, zh }) => ({ en, zh }));
  if (opts.json) return JSON.stringify({ model: manifest.name, objects, colors }, null, 2);
  const width = Math.max(...objects.map((o) => o.en.length), 'English'.length) + 2;
  const rows = objects.map((o) => `  ${o.en.padEnd(width)}${o.zh}  (${o.group})`);
  return [
    `${manifest.name} knows ${objects.length} objects; a prompt must name one of them, in English or Chinese:`,
    ...rows,
    `colours: ${colors.map((c) => `${c.en} ${c.zh}`).join(', ')}`,
  ].join('\n');
}
