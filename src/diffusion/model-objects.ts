import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { KilnError, describeError } from '../core/errors.js';
import type { ModelFileSchema } from './model-manifest.js';

/**
 * A catalogue object a model was trained on, by name: the English and Chinese names its captions
 * used and the catalogue's category. The procedural categories are tables in the code; which
 * catalogue names a model has seen depends on its training corpora, so its export lists them
 * (`training/kiln_mv/known_objects.py`) in the model folder's `objects.json`.
 */
export interface CatalogueObjectName {
  en: string;
  zh: string;
  category: string;
}

const ObjectsFileSchema = z.object({
  format: z.literal('kiln-objects/1'),
  objects: z.array(z.object({ en: z.string().min(1), zh: z.string().min(1), category: z.string() })),
}).passthrough();

/**
 * The catalogue objects of the model in `dir`, from the `objects` file its manifest lists; none
 * when it lists none (a model trained on the procedural corpus alone).
 */
export async function loadModelCatalogue(dir: string, manifest: { files: { objects?: z.infer<typeof ModelFileSchema> } }): Promise<readonly CatalogueObjectName[]> {
  if (!manifest.files.objects) return [];
  const path = join(dir, manifest.files.objects.path);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new KilnError('INVALID_INPUT', `loadModelCatalogue: cannot read ${path} (${describeError(err)})`, { cause: err });
  }
  const parsed = ObjectsFileSchema.safeParse(json);
  if (!parsed.success) throw new KilnError('INVALID_INPUT', `loadModelCatalogue: ${path}: ${parsed.error.issues[0].path.join('.') || 'file'}: ${parsed.error.issues[0].message}`);
  return parsed.data.objects;
}
