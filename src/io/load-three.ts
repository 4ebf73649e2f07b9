import type { BufferGeometry } from 'three';
import { PLYLoader } from 'three/addons/loaders/PLYLoader.js';
import { STLLoader } from 'three/addons/loaders/STLLoader.js';
import { KilnError, describeError } from '../core/errors.js';
import { DEFAULT_MATERIAL, weldVertices, type Mesh } from '../geometry/mesh.js';

/**
 * PLY (ASCII and binary) and STL (ASCII and binary) go through three.js's parsers, which need no
 * DOM for parsing. STL is a triangle soup with face normals, so its corners are welded by position
 * (the per-face normals are dropped: renderers recompute smooth ones).
 */
export function parsePly(data: Uint8Array): Mesh {
  let geometry: BufferGeometry;
  try {
    geometry = new PLYLoader().parse(toArrayBuffer(data));
  } catch (err) {
    throw new KilnError('INVALID_INPUT', `parsePly: not a readable PLY file (${describeError(err)})`, { cause: err });
  }
  return fromGeometry(geometry, 'parsePly', false);
}

export function parseStl(data: Uint8Array): Mesh {
  let geometry: BufferGeometry;
  try {
    geometry = new STLLoader().parse(toArrayBuffer(data));
  } catch (err) {
    throw new KilnError('INVALID_INPUT', `parseStl: not a readable STL file (${describeError(err)})`, { cause: err });
  }
  return fromGeometry(geometry, 'parseStl', true);
}

function toArrayBuffer(data: Uint8Array): ArrayBuffer {
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

function fromGeometry(g: BufferGeometry, operation: string, soup: boolean): Mesh {
  const pos = g.getAttribute('position');
  if (!pos || pos.count === 0) throw new KilnError('INVALID_INPUT', `${operation}: the file contains no vertices`);
  const positions = Float32Array.from(pos.array as ArrayLike<number>);
  const index = g.getIndex();
  const indices = index ? Uint32Array.from(index.array as ArrayLike<number>) : Uint32Array.from({ length: pos.count }, (_, i) => i);
  if (indices.length === 0) throw new KilnError('INVALID_INPUT', `${operation}: the file contains no faces`);
  const mesh: Mesh = { positions, indices, material: { ...DEFAULT_MATERIAL, baseColor: [...DEFAULT_MATERIAL.baseColor] } };
  const normal = g.getAttribute('normal');
  const uv = g.getAttribute('uv');
  const color = g.getAttribute('color');
  if (normal && !soup) mesh.normals = Float32Array.from(normal.array as ArrayLike<number>);
  if (uv) mesh.uvs = Float32Array.from(uv.array as ArrayLike<number>);
  if (color) {
    const c = color.array as ArrayLike<number>;
    const size = color.itemSize;
    mesh.colors = new Float32Array(pos.count * 4).fill(1);
    for (let i = 0; i < pos.count; i++) for (let k = 0; k < Math.min(size, 4); k++) mesh.colors[i * 4 + k] = c[i * size + k];
  }
  return soup ? weldVertices(mesh) : mesh;
}
