import type { Document } from '@gltf-transform/core';
import { EXTMeshoptCompression, KHRDracoMeshCompression } from '@gltf-transform/extensions';
import { quantize, reorder } from '@gltf-transform/functions';
import { MeshoptEncoder } from 'meshoptimizer';
import type { Mesh } from '../geometry/mesh.js';
import { gltfIO } from '../io/gltf-io.js';
import { meshToDocument } from './gltf-document.js';

export interface GlbOptions {
  /**
   * `meshopt`: quantised, reordered, EXT_meshopt_compression-packed geometry; `draco`:
   * KHR_draco_mesh_compression. Both make files smaller and need a decoder in the viewer (three.js
   * has both); `none` opens everywhere.
   */
  compression: 'none' | 'meshopt' | 'draco';
  name?: string;
  copyright?: string;
}

export const GLB_DEFAULTS: GlbOptions = { compression: 'none' };

/** Serialises a mesh as GLB bytes (see {@link meshToDocument} for what the file holds). */
export async function meshToGlb(mesh: Mesh, options: Partial<GlbOptions> = {}): Promise<Uint8Array> {
  const o = { ...GLB_DEFAULTS, ...options };
  const doc = await meshToDocument(mesh, o);
  const io = await gltfIO();
  if (o.compression === 'meshopt') await compressMeshopt(doc);
  if (o.compression === 'draco') doc.createExtension(KHRDracoMeshCompression).setRequired(true).setEncoderOptions({ method: KHRDracoMeshCompression.EncoderMethod.EDGEBREAKER });
  return io.writeBinary(doc);
}

async function compressMeshopt(doc: Document): Promise<void> {
  await MeshoptEncoder.ready;
  await doc.transform(reorder({ encoder: MeshoptEncoder }), quantize());
  doc.createExtension(EXTMeshoptCompression).setRequired(true).setEncoderOptions({ method: EXTMeshoptCompression.EncoderMethod.QUANTIZE });
}
