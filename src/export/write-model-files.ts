import { join } from 'node:path';
import { KilnError } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import type { Mesh } from '../geometry/mesh.js';
import { DEFAULT_FORMATS, type OutputFormat } from './formats.js';
import { validateGlb } from './validate-glb.js';
import { meshToGlb, type GlbOptions } from './write-glb.js';
import { meshToObj, meshToStl } from './write-obj-stl.js';

export interface WriteModelFilesOptions {
  /** Which formats to write (see `FORMAT_REGISTRY`). */
  formats: readonly OutputFormat[];
  /** GLB geometry compression. */
  compression: GlbOptions['compression'];
}

export const WRITE_MODEL_FILES_DEFAULTS: WriteModelFilesOptions = { formats: DEFAULT_FORMATS, compression: 'none' };

type FormatWriter = (mesh: Mesh, o: WriteModelFilesOptions) => Promise<[string, string | Uint8Array][]>;

/** One writer per format of the registry; each returns the files it makes, named as the registry says. */
export const FORMAT_WRITERS: Readonly<Record<OutputFormat, FormatWriter>> = {
  async glb(mesh, o) {
    const glb = await meshToGlb(mesh, { compression: o.compression });
    const check = await validateGlb(glb);
    if (check.errors > 0) throw new KilnError('INTERNAL', `writeModelFiles: the GLB failed validation: ${check.messages.join('; ')}`);
    return [['model.glb', glb]];
  },
  async obj(mesh) {
    const obj = await meshToObj(mesh, 'model');
    const files: [string, string | Uint8Array][] = [['model.obj', obj.obj], ['model.mtl', obj.mtl]];
    for (const t of obj.textures) files.push([t.file, t.data]);
    return files;
  },
  async stl(mesh) {
    return [['model.stl', meshToStl(mesh)]];
  },
};

/**
 * Writes a finished mesh into `dir` in each of `formats`: `model.glb` (validated: a GLB with
 * validator errors is never written), `model.obj` + `model.mtl` (+ `model.png`, `model-1.png`, … one per textured material),
 * `model.stl`. Every file is encoded before any is written, and each is written atomically, so a
 * reader never sees a half-written model. Returns the names.
 */
export async function writeModelFiles(mesh: Mesh, dir: string, options: Partial<WriteModelFilesOptions> = {}): Promise<string[]> {
  const o = { ...WRITE_MODEL_FILES_DEFAULTS, ...options };
  if (!o.formats.length) throw new KilnError('INVALID_INPUT', 'writeModelFiles: no formats to write');
  const files: [string, string | Uint8Array][] = [];
  for (const format of new Set(o.formats)) files.push(...(await FORMAT_WRITERS[format](mesh, o)));
  for (const [name, data] of files) await writeFileAtomic(join(dir, name), data);
  return files.map(([name]) => name);
}
