/**
 * NumPy `.npy` (format 1.0) encoding of a typed array, so shards load with `numpy.load` alone.
 * Little-endian, C order; the header is padded so the data starts on a 64-byte boundary.
 */
export type NpyArray = Uint8Array | Uint16Array | Int32Array | Float32Array;

function descr(a: NpyArray): string {
  if (a instanceof Uint8Array) return '|u1';
  if (a instanceof Uint16Array) return '<u2';
  if (a instanceof Int32Array) return '<i4';
  return '<f4';
}

export function encodeNpy(data: NpyArray, shape: number[]): Buffer {
  const n = shape.reduce((s, d) => s * d, 1);
  if (n !== data.length) throw new Error(`encodeNpy: shape [${shape.join(', ')}] holds ${n} values, data has ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr(data)}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  // Typed arrays are little-endian on every platform Node supports.
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}
