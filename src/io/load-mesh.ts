import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { KilnError, describeError } from '../core/errors.js';
import { validateMesh, type Mesh } from '../geometry/mesh.js';
import { loadGltf } from './load-gltf.js';
import { loadObj, parseObj } from './load-obj.js';
import { parseOff } from './load-off.js';
import { parsePly, parseStl } from './load-three.js';

export const MESH_FORMATS = ['glb', 'gltf', 'obj', 'off', 'ply', 'stl'] as const;
export type MeshFormat = (typeof MESH_FORMATS)[number];

/**
 * Loads a mesh file into a {@link Mesh}, choosing the parser by extension: GLB/glTF (via
 * glTF-Transform), OBJ (+ MTL and `map_Kd` texture), OFF, PLY and STL. Geometry stays in the file's
 * units and orientation. Errors are `KilnError`s that name the file.
 */
export async function loadMesh(path: string): Promise<Mesh> {
  const format = extname(path).slice(1).toLowerCase();
  if (!(MESH_FORMATS as readonly string[]).includes(format)) {
    throw new KilnError('UNSUPPORTED_FORMAT', `loadMesh: unsupported format "${extname(path) || path}" (expected one of ${MESH_FORMATS.join(', ')})`);
  }
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new KilnError('NOT_FOUND', `loadMesh: no such file: ${path}`);
  let mesh: Mesh;
  try {
    if (format === 'glb' || format === 'gltf') mesh = await loadGltf(path);
    else if (format === 'obj') mesh = await loadObj(path);
    else mesh = await parseMeshBytes(await readFile(path), format as MeshFormat);
  } catch (err) {
    if (err instanceof KilnError) throw new KilnError(err.code, `${err.message} [${path}]`, { cause: err });
    const code = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'INVALID_INPUT';
    throw new KilnError(code, `loadMesh: cannot read ${path} (${describeError(err)})`, { cause: err });
  }
  validateMesh(mesh, `loadMesh ${path}`);
  return mesh;
}

/** Parses mesh bytes of a known format (for uploads; an OBJ's MTL and textures are not available). */
export async function parseMeshBytes(data: Uint8Array, format: MeshFormat): Promise<Mesh> {
  switch (format) {
    case 'glb':
      return loadGltf(data);
    case 'gltf':
      throw new KilnError('UNSUPPORTED_FORMAT', 'parseMeshBytes: a .gltf file refers to files beside it; upload a .glb instead');
    case 'obj':
      return parseObj(new TextDecoder().decode(data));
    case 'off':
      return parseOff(new TextDecoder().decode(data));
    case 'ply':
      return parsePly(data);
    case 'stl':
      return parseStl(data);
  }
}
