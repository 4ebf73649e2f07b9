/**
 * A node test environment whose typed-array constructors are the outer realm's.
 *
 * Jest evaluates each test file in its own vm context, so `Float32Array` inside a test is a different
 * constructor from the one onnxruntime-node's native binding uses to build output tensors. Without
 * this, `new ort.Tensor('float32', data)` fails its `instanceof` checks and outputs come back as
 * foreign arrays. Sharing the constructors makes tensors cross the boundary unchanged.
 */
import { rmSync } from 'node:fs';
import { TestEnvironment } from 'jest-environment-node';

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

export default class OrtEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
    this.global.__kilnTempDirs = [];
  }

  /**
   * Removes the folders that `tempDir()` (test/helpers/paths.ts) made for this test file, after
   * every hook has run (servers are stopped by then). KILN_KEEP_TEST_DIRS=1 keeps them to look at.
   */
  async teardown() {
    if (!process.env.KILN_KEEP_TEST_DIRS) for (const dir of this.global.__kilnTempDirs ?? []) rmSync(dir, { recursive: true, force: true });
    await super.teardown();
  }
}
