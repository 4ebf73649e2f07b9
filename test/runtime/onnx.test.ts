import { describe, expect, test } from '@jest/globals';
import { createOnnxModel, float32Tensor } from '../../src/runtime/onnx.js';
import { tinyLinearModel } from '../helpers/tiny-onnx.js';

describe('onnxruntime under jest', () => {
  const W = [0.5, -1, 2, 0.25, -0.75, 1.5];
  const b = [0.1, -0.2];

  test('a tiny model built in code runs and computes relu(x·W + b)', async () => {
    const model = await createOnnxModel(tinyLinearModel(W, b), { threads: 1 });
    expect(model.inputNames).toEqual(['x']);
    expect(model.outputNames).toEqual(['y']);
    const x = new Float32Array([1, 2, 3, -1, 0.5, 0.25]);
    const { y } = await model.run({ x: float32Tensor(x, [2, 3]) });
    expect(y.dims).toEqual([2, 2]);
    expect(y.data).toBeInstanceOf(Float32Array); // the environment shares typed-array constructors
    const expected: number[] = [];
    for (let r = 0; r < 2; r++) {
      for (let c = 0; c < 2; c++) {
        let s = b[c];
        for (let k = 0; k < 3; k++) s += x[r * 3 + k] * W[k * 2 + c];
        expected.push(Math.max(0, s));
      }
    }
    Array.from(y.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    await model.dispose();
  });

  test('feeds are checked against the model inputs, by name', async () => {
    const model = await createOnnxModel(tinyLinearModel(W, b));
    await expect(model.run({ input: float32Tensor(new Float32Array(3), [1, 3]) })).rejects.toThrow(/missing input\(s\) x; unknown input\(s\) input/);
    await expect(model.run({ x: float32Tensor(new Float32Array(4), [1, 4]) })).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(() => float32Tensor(new Float32Array(5), [2, 3])).toThrow(/do not fill/);
    await model.dispose();
  });

  test('an unreadable model and an unknown device give clear errors', async () => {
    await expect(createOnnxModel(new Uint8Array([1, 2, 3]))).rejects.toThrow(/^createOnnxModel: could not load model/);
    // @ts-expect-error: deliberately wrong device
    await expect(createOnnxModel(tinyLinearModel(W, b), { executionProvider: 'tpu' })).rejects.toThrow(/unsupported device "tpu"/);
  });
});
