import { posix } from 'node:path';
import { KilnError, describeError } from '../../core/errors.js';
import { readImage } from '../../core/image.js';
import { computeBounds, transformMesh, type Mesh } from '../../geometry/mesh.js';
import type { Mat4 } from '../../geometry/mat4.js';
import { parseMtl, parseObj } from '../load-obj.js';
import type { CatalogEntry, Sh3fCatalog } from './read-catalog.js';

/** Why a catalogue model could not be loaded: the file is absent, it has no faces, or it does not parse. */
export type CatalogModelProblem = 'missing' | 'no-faces' | 'unreadable';

/** A catalogue model that cannot be used, with the reason as a value (filters count by it). */
export class CatalogModelError extends KilnError {
  constructor(readonly problem: CatalogModelProblem, message: string, options?: { cause?: unknown }) {
    super(problem === 'missing' ? 'NOT_FOUND' : 'INVALID_INPUT', message, options);
    this.name = 'CatalogModelError';
  }
}

export interface LoadCatalogModelOptions {
  /** Non-fatal problems (a missing texture), one line each. */
  onWarning?: (message: string) => void;
}

/**
 * Loads a catalogue entry's model as Sweet Home 3D places it: the OBJ with its MTL files and
 * textures from the zip, turned by `modelRotation`, then scaled so its bounding box is the
 * catalogue's width × height × depth (the OBJ's own units vary: cm, m, inches), centred on the
 * origin, in metres, Y up with the front facing +Z. A missing OBJ or an unreadable file throws a
 * `KilnError`; a missing MTL or texture is a warning (the material keeps its colour).
 */
export async function loadCatalogModel(catalog: Sh3fCatalog, entry: CatalogEntry, options: LoadCatalogModelOptions = {}): Promise<Mesh> {
  const where = `${entry.key}`;
  const warn = options.onWarning ?? (() => {});
  const objBytes = catalog.file(entry.modelPath);
  if (!objBytes) throw new CatalogModelError('missing', `loadCatalogModel: ${where}: the model file is not in the catalogue`);
  const text = new TextDecoder().decode(objBytes);
  // Light-source entries are an OBJ of points or an empty group: there is no surface to render.
  if (!/^\s*f\s/m.test(text)) throw new CatalogModelError('no-faces', `loadCatalogModel: ${where}: the model has no faces`);
  const dir = posix.dirname(entry.modelPath.replace(/^\/+/, ''));
  const inZip = (name: string) => posix.normalize(posix.join(dir, name.replace(/\\/g, '/')));
  let mesh: Mesh;
  try {
    mesh = await parseObj(text, async (mtlName) => {
      const mtl = catalog.file(inZip(mtlName));
      if (!mtl) {
        warn(`${where}: material library ${mtlName} is missing`);
        return new Map();
      }
      return parseMtl(new TextDecoder().decode(mtl), async (file) => {
        const bytes = catalog.file(inZip(file));
        if (!bytes) {
          warn(`${where}: texture ${file} is missing; using the material's colour`);
          return undefined;
        }
        try {
          return await readImage(bytes);
        } catch (err) {
          warn(`${where}: texture ${file} could not be decoded (${describeError(err)}); using the material's colour`);
          return undefined;
        }
      });
    });
  } catch (err) {
    throw new CatalogModelError('unreadable', `loadCatalogModel: ${where}: ${describeError(err)}`, { cause: err });
  }
  return placeModel(mesh, entry);
}

/** The model rotation (row-major 3×3, applied as R·p) followed by the catalogue's sizing, in metres. */
function placeModel(mesh: Mesh, entry: CatalogEntry): Mesh {
  const r = entry.modelRotation;
  let m = mesh;
  if (r) {
    // Column-major 4×4 of the row-major 3×3 R.
    const rot: Mat4 = new Float64Array([r[0], r[3], r[6], 0, r[1], r[4], r[7], 0, r[2], r[5], r[8], 0, 0, 0, 0, 1]);
    m = transformMesh(m, rot);
  }
  const b = computeBounds(m);
  const target = [entry.width / 100, entry.height / 100, entry.depth / 100];
  const s = [0, 1, 2].map((k) => {
    const extent = b.max[k] - b.min[k];
    return extent > 0 && target[k] > 0 ? target[k] / extent : 1;
  });
  const c = [0, 1, 2].map((k) => (b.min[k] + b.max[k]) / 2);
  const sizing: Mat4 = new Float64Array([s[0], 0, 0, 0, 0, s[1], 0, 0, 0, 0, s[2], 0, -c[0] * s[0], -c[1] * s[1], -c[2] * s[2], 1]);
  return transformMesh(m, sizing);
}
