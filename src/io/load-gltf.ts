import { Primitive, type Document, type Material as GltfMaterial } from '@gltf-transform/core';
import { readImage } from '../core/image.js';
import { KilnError, describeError } from '../core/errors.js';
import { transformMesh, type Material } from '../geometry/mesh.js';
import { gltfIO } from './gltf-io.js';
import { mergeParts, type MeshPart } from './merge-parts.js';

/**
 * Reads a glTF 2.0 file (.glb, or .gltf with its buffers and images beside it) or GLB bytes into one
 * {@link Mesh} in world space: every triangle primitive of the default scene with its node's world
 * transform applied. Points and lines are skipped. Meshopt- and Draco-compressed files decode.
 */
export async function loadGltf(source: string | Uint8Array): Promise<import('../geometry/mesh.js').Mesh> {
  const nodeIO = await gltfIO();
  let doc: Document;
  try {
    doc = typeof source === 'string' ? await nodeIO.read(source) : await nodeIO.readBinary(source);
  } catch (err) {
    throw new KilnError('INVALID_INPUT', `loadGltf: could not read glTF (${describeError(err)})`, { cause: err });
  }
  const root = doc.getRoot();
  const scene = root.getDefaultScene() ?? root.listScenes()[0];
  if (!scene) throw new KilnError('INVALID_INPUT', 'loadGltf: the file has no scene');

  const materials = new Map<GltfMaterial | null, Promise<Material>>();
  const materialOf = (m: GltfMaterial | null): Promise<Material> => {
    let p = materials.get(m);
    if (!p) {
      p = convertMaterial(m);
      materials.set(m, p);
    }
    return p;
  };

  const parts: MeshPart[] = [];
  const pending: Promise<void>[] = [];
  scene.traverse((node) => {
    const mesh = node.getMesh();
    if (!mesh) return;
    const world = new Float64Array(node.getWorldMatrix());
    for (const prim of mesh.listPrimitives()) {
      if (prim.getMode() !== Primitive.Mode.TRIANGLES) continue;
      pending.push(
        materialOf(prim.getMaterial()).then((material) => {
          const local = readPrimitive(prim, material);
          parts.push(transformMesh(local, world));
        }),
      );
    }
  });
  await Promise.all(pending);
  if (parts.length === 0) throw new KilnError('INVALID_INPUT', 'loadGltf: the file contains no triangle meshes');
  return mergeParts(parts, 'loadGltf');
}

function readPrimitive(prim: Primitive, material: Material): MeshPart {
  const pos = prim.getAttribute('POSITION');
  if (!pos) throw new KilnError('INVALID_INPUT', 'loadGltf: a primitive has no POSITION');
  const n = pos.getCount();
  const read = (name: string, size: number): Float32Array | undefined => {
    const acc = prim.getAttribute(name);
    if (!acc) return undefined;
    const out = new Float32Array(n * size);
    const el: number[] = [];
    const width = acc.getElementSize();
    for (let i = 0; i < n; i++) {
      acc.getElement(i, el); // de-normalises and de-quantises
      for (let k = 0; k < size; k++) out[i * size + k] = k < width ? el[k] : 1;
    }
    return out;
  };
  const idx = prim.getIndices();
  const indices = idx ? Uint32Array.from(idx.getArray() as ArrayLike<number>) : Uint32Array.from({ length: n }, (_, i) => i);
  const part: MeshPart = { positions: read('POSITION', 3)!, indices, material };
  const normals = read('NORMAL', 3);
  const uvs = read('TEXCOORD_0', 2);
  const colors = read('COLOR_0', 4);
  if (normals) part.normals = normals;
  if (uvs) part.uvs = uvs;
  if (colors) part.colors = colors;
  return part;
}

async function convertMaterial(m: GltfMaterial | null): Promise<Material> {
  if (!m) return { baseColor: [1, 1, 1, 1] };
  const f = m.getBaseColorFactor();
  const material: Material = { name: m.getName() || undefined, baseColor: [f[0], f[1], f[2], f[3]] };
  const texture = m.getBaseColorTexture();
  const bytes = texture?.getImage();
  if (bytes) material.baseColorTexture = await readImage(bytes);
  return material;
}
