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

/** Reads a `.npy` (format 1.x/2.x, little-endian, C order) of uint8 values: its shape and a view of its data. */
export function decodeNpyUint8(bytes: Uint8Array): { shape: number[]; data: Uint8Array } {
  const magic = Buffer.from(bytes.subarray(0, 6)).toString('latin1');
  if (magic !== '\x93NUMPY') throw new Error('decodeNpyUint8: not a .npy file');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = Buffer.from(bytes.subarray(start, start + headerLength)).toString('latin1');
  if (!/'descr': '\|u1'/.test(header) || /'fortran_order': True/.test(header)) throw new Error(`decodeNpyUint8: expected C-ordered uint8, got ${header.trim()}`);
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  return { shape, data: bytes.subarray(start + headerLength) };
}
