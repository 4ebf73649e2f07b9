import { Document, Logger, type Material as GltfMaterial } from '@gltf-transform/core';
import { encodeImage } from '../core/image.js';
import { KilnError } from '../core/errors.js';
import { normalizeVectors, type Mesh } from '../geometry/mesh.js';

/**
 * Builds a glTF-Transform document holding one mesh: one node, one indexed triangle primitive with
 * POSITION, NORMAL, TEXCOORD_0 and COLOR_0 where the mesh has them, and a metallic-roughness
 * material (metallic 0, roughness 0.8: generated objects have no reliable specular information)
 * with the base-colour texture as PNG. `copyright` goes into `asset.copyright`.
 */
export async function meshToDocument(mesh: Mesh, options: { name?: string; copyright?: string } = {}): Promise<Document> {
  if (mesh.indices.length === 0) throw new KilnError('INVALID_INPUT', 'meshToDocument: mesh has no triangles');
  // Transforms (quantize, prune) log at info level; only warnings belong in kiln's output.
  const doc = new Document().setLogger(new Logger(Logger.Verbosity.WARN));
  doc.getRoot().getAsset().generator = 'kiln';
  if (options.copyright) doc.getRoot().getAsset().copyright = options.copyright;
  const buffer = doc.createBuffer();
  const accessor = (type: 'VEC2' | 'VEC3' | 'VEC4' | 'SCALAR', array: Float32Array | Uint32Array | Uint16Array) =>
    doc.createAccessor().setType(type).setArray(array).setBuffer(buffer);

  const nv = mesh.positions.length / 3;
  const prim = doc
    .createPrimitive()
    .setAttribute('POSITION', accessor('VEC3', mesh.positions))
    // 16-bit indices where they fit: smaller files, and every loader supports them.
    .setIndices(accessor('SCALAR', nv <= 65535 ? Uint16Array.from(mesh.indices) : mesh.indices));
  // glTF requires unit-length normals; interpolation and decimation can leave them slightly off.
  if (mesh.normals) prim.setAttribute('NORMAL', accessor('VEC3', normalizeVectors(mesh.normals, [0, 1, 0])));
  if (mesh.uvs) prim.setAttribute('TEXCOORD_0', accessor('VEC2', mesh.uvs));
  if (mesh.colors) prim.setAttribute('COLOR_0', accessor('VEC4', clamped(mesh.colors)));
  prim.setMaterial(await material(doc, mesh));

  const gltfMesh = doc.createMesh(options.name ?? 'object').addPrimitive(prim);
  const node = doc.createNode(options.name ?? 'object').setMesh(gltfMesh);
  doc.createScene('scene').addChild(node);
  doc.getRoot().setDefaultScene(doc.getRoot().listScenes()[0]);
  return doc;
}

async function material(doc: Document, mesh: Mesh): Promise<GltfMaterial> {
  const m = doc
    .createMaterial(mesh.material.name ?? 'material')
    .setBaseColorFactor([...mesh.material.baseColor] as [number, number, number, number])
    .setMetallicFactor(0)
    .setRoughnessFactor(0.8);
  const tex = mesh.material.baseColorTexture;
  if (tex && mesh.uvs) {
    const texture = doc.createTexture('baseColor').setImage(await encodeImage(tex, 'png')).setMimeType('image/png');
    m.setBaseColorTexture(texture);
  }
  return m;
}

function clamped(c: Float32Array): Float32Array {
  return c.map((v) => (v < 0 ? 0 : v > 1 ? 1 : v));
}
