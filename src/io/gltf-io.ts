import { NodeIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import draco3d from 'draco3dgltf';
import { MeshoptDecoder, MeshoptEncoder } from 'meshoptimizer';

let io: Promise<NodeIO> | undefined;

/**
 * The process's one glTF reader/writer: every extension glTF-Transform knows, with the meshopt and
 * Draco codecs (WebAssembly) initialised once, on first use, so that compressed files read and
 * write like plain ones.
 */
export function gltfIO(): Promise<NodeIO> {
  io ??= (async () => {
    const [encoder, decoder] = await Promise.all([draco3d.createEncoderModule(), draco3d.createDecoderModule(), MeshoptEncoder.ready, MeshoptDecoder.ready]);
    return new NodeIO().registerExtensions(ALL_EXTENSIONS).registerDependencies({
      'meshopt.encoder': MeshoptEncoder,
      'meshopt.decoder': MeshoptDecoder,
      'draco3d.encoder': encoder,
      'draco3d.decoder': decoder,
    });
  })();
  return io;
}
