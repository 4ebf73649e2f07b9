import { join } from 'node:path';
import { writeFileAtomic } from '../core/fs.js';
import { KilnError } from '../core/errors.js';
import type { Mesh } from '../geometry/mesh.js';
import { validateGlb } from '../export/validate-glb.js';
import { meshToGlb, type GlbOptions } from '../export/write-glb.js';
import { meshToObj, meshToStl } from '../export/write-obj-stl.js';

export interface WriteModelFilesOptions {
  /** Also write `model.stl` (for 3-D printing). */
  stl: boolean;
  compression: GlbOptions['compression'];
}

export const WRITE_MODEL_FILES_DEFAULTS: WriteModelFilesOptions = { stl: false, compression: 'none' };

/**
 * Writes a finished mesh into `dir` as `model.glb` (validated: a GLB with validator errors is never
 * written), `model.obj` + `model.mtl` (+ `model.png` when textured) and, on request, `model.stl`.
 * Each file is written atomically, so a reader never sees a half-written model. Returns the names.
 */
export async function writeModelFiles(mesh: Mesh, dir: string, options: Partial<WriteModelFilesOptions> = {}): Promise<string[]> {
  const o = { ...WRITE_MODEL_FILES_DEFAULTS, ...options };
  const glb = await meshToGlb(mesh, { compression: o.compression });
  const check = await validateGlb(glb);
  if (check.errors > 0) throw new KilnError('INTERNAL', `writeModelFiles: the GLB failed validation: ${check.messages.join('; ')}`);
  const obj = await meshToObj(mesh, 'model');
  const files: [string, string | Uint8Array][] = [
    ['model.glb', glb],
    ['model.obj', obj.obj],
    ['model.mtl', obj.mtl],
  ];
  if (obj.texture) files.push(['model.png', obj.texture]);
  if (o.stl) files.push(['model.stl', meshToStl(mesh)]);
  for (const [name, data] of files) await writeFileAtomic(join(dir, name), data);
  return files.map(([name]) => name);
}
