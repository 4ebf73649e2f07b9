import { defaultModelDir } from '../diffusion/model-manifest.js';
import { loadPromptReader } from '../pipeline/prompt-reader.js';

/** Where the CLI's refusal of a prompt points for the full list of objects. */
export const OBJECTS_COMMAND = 'kiln objects';

export interface ObjectsCommandOptions {
  model?: string;
  t2iModel?: string;
  json?: boolean;
}

/**
 * `kiln objects`: every object the model that reads prompts knows by name (English, Chinese,
 * family) and its colours, as a table or, with `--json`, as `GET /api/v1/vocabulary` gives them.
 */
export async function runObjectsCommand(opts: ObjectsCommandOptions): Promise<string> {
  const reader = await loadPromptReader(opts.model ?? defaultModelDir(), opts.t2iModel);
  const v = reader.vocabulary;
  const objects = v.objects.map(({ name, en, zh, group }) => ({ name, en, zh, group }));
  const colors = v.colors.map(({ en, zh }) => ({ en, zh }));
  if (opts.json) return JSON.stringify({ model: reader.model, objects, colors }, null, 2);
  const width = Math.max(...objects.map((o) => o.en.length), 'English'.length) + 2;
  const rows = objects.map((o) => `  ${o.en.padEnd(width)}${o.zh || '–'}  (${o.group})`);
  return [
    `${reader.model} knows ${objects.length} objects; a prompt must name one of them, in English or Chinese:`,
    ...rows,
    `colours: ${colors.map((c) => `${c.en} ${c.zh}`).join(', ')}`,
  ].join('\n');
}
