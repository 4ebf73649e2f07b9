import { NodeIO, type Document } from '@gltf-transform/core';
import { ALL_EXTENSIONS, EXTMeshoptCompression } from '@gltf-transform/extensions';
import { quantize, reorder } from '@gltf-transform/functions';
import { MeshoptDecoder, MeshoptEncoder } from 'meshoptimizer';
import type { Mesh } from '../geometry/mesh.js';
import { meshToDocument } from './gltf-document.js';

export interface GlbOptions {
  /** `meshopt`: quantised, reordered and EXT_meshopt_compression-packed geometry (smaller, needs a decoder). */
  compression: 'none' | 'meshopt';
  name?: string;
  copyright?: string;
}

export const GLB_DEFAULTS: GlbOptions = { compression: 'none' };

let io: Promise<NodeIO> | undefined;
function getIO(): Promise<NodeIO> {
  io ??= Promise.all([MeshoptEncoder.ready, MeshoptDecoder.ready]).then(() =>
    new NodeIO()
      .registerExtensions(ALL_EXTENSIONS)
      .registerDependencies({ 'meshopt.encoder': MeshoptEncoder, 'meshopt.decoder': MeshoptDecoder }),
  );
  return io;
}

/** Serialises a mesh as GLB bytes (see {@link meshToDocument} for what the file holds). */
export async function meshToGlb(mesh: Mesh, options: Partial<GlbOptions> = {}): Promise<Uint8Array> {
  const o = { ...GLB_DEFAULTS, ...options };
  const doc = await meshToDocument(mesh, o);
  if (o.compression === 'meshopt') await compressMeshopt(doc);
  return (await getIO()).writeBinary(doc);
}

async function compressMeshopt(doc: Document): Promise<void> {
  await MeshoptEncoder.ready;
  await doc.transform(reorder({ encoder: MeshoptEncoder }), quantize());
  doc.createExtension(EXTMeshoptCompression).setRequired(true).setEncoderOptions({ method: EXTMeshoptCompression.EncoderMethod.QUANTIZE });
}
