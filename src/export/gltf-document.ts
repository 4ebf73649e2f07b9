import { Document, Logger, type Material as GltfMaterial } from '@gltf-transform/core';
import { encodeImage } from '../core/image.js';
import { KilnError } from '../core/errors.js';
import { meshMaterials, normalizeVectors, type Material, type Mesh } from '../geometry/mesh.js';

/**
 * Builds a glTF-Transform document holding one mesh: one node, one indexed triangle primitive per
 * material (sharing POSITION, NORMAL, TEXCOORD_0 and COLOR_0 where the mesh has them), each with a
 * metallic-roughness material (metallic 0, roughness 0.8: generated objects have no reliable
 * specular information), its base-colour texture as PNG, and blending where its opacity is below 1
 * or a mask where its texture cuts out. `copyright` goes into `asset.copyright`.
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
  const position = accessor('VEC3', mesh.positions);
  // glTF requires unit-length normals; interpolation and decimation can leave them slightly off.
  const normal = mesh.normals ? accessor('VEC3', normalizeVectors(mesh.normals, [0, 1, 0])) : undefined;
  const uv = mesh.uvs ? accessor('VEC2', mesh.uvs) : undefined;
  const color = mesh.colors ? accessor('VEC4', clamped(mesh.colors)) : undefined;
  const { materials, perTriangle } = meshMaterials(mesh);
  const gltfMesh = doc.createMesh(options.name ?? 'object');
  for (const [k, m] of materials.entries()) {
    const tri = perTriangle ? mesh.indices.filter((_, i) => perTriangle[(i / 3) | 0] === k) : mesh.indices;
    const prim = doc
      .createPrimitive()
      .setAttribute('POSITION', position)
      // 16-bit indices where they fit: smaller files, and every loader supports them.
      .setIndices(accessor('SCALAR', nv <= 65535 ? Uint16Array.from(tri) : tri));
    if (normal) prim.setAttribute('NORMAL', normal);
    if (uv) prim.setAttribute('TEXCOORD_0', uv);
    if (color) prim.setAttribute('COLOR_0', color);
    prim.setMaterial(await material(doc, m, !!mesh.uvs, k));
    gltfMesh.addPrimitive(prim);
  }
  const node = doc.createNode(options.name ?? 'object').setMesh(gltfMesh);
  doc.createScene('scene').addChild(node);
  doc.getRoot().setDefaultScene(doc.getRoot().listScenes()[0]);
  return doc;
}

async function material(doc: Document, source: Material, hasUvs: boolean, k: number): Promise<GltfMaterial> {
  const m = doc
    .createMaterial(source.name ?? (k === 0 ? 'material' : `material_${k}`))
    .setBaseColorFactor([...source.baseColor] as [number, number, number, number])
    .setMetallicFactor(0)
    .setRoughnessFactor(0.8);
  const tex = source.baseColorTexture;
  if (tex && hasUvs) {
    const texture = doc.createTexture('baseColor').setImage(await encodeImage(tex, 'png')).setMimeType('image/png');
    m.setBaseColorTexture(texture);
    if (cutsOut(tex)) m.setAlphaMode('MASK').setAlphaCutoff(0.5);
  }
  if (source.baseColor[3] < 1) m.setAlphaMode('BLEND');
  return m;
}

function clamped(c: Float32Array): Float32Array {
  return c.map((v) => (v < 0 ? 0 : v > 1 ? 1 : v));
}

/** Whether a texture has texels transparent enough to cut the surface out (the renderer's test). */
function cutsOut(t: Material['baseColorTexture'] & object): boolean {
  if (t.channels !== 4) return false;
  for (let i = 3; i < t.data.length; i += 4) if (t.data[i] < 0.5) return true;
  return false;
}
