import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * Builds, in code, an ONNX model computing y = relu(x · W + b) for x: float32 [batch, 3],
 * W: [3, 2], b: [2] (opset 17), and returns its serialised bytes.
 */
export function tinyLinearModel(W: number[], b: number[]): Uint8Array {
  const f32 = onnx.TensorProto.DataType.FLOAT;
  const valueInfo = (name: string, dims: (number | string)[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({
          elemType: f32,
          shape: onnx.TensorShapeProto.create({
            dim: dims.map((d) => (typeof d === 'string' ? onnx.TensorShapeProto.Dimension.create({ dimParam: d }) : onnx.TensorShapeProto.Dimension.create({ dimValue: d }))),
          }),
        }),
      }),
    });
  const graph = onnx.GraphProto.create({
    name: 'tiny',
    node: [
      onnx.NodeProto.create({ opType: 'MatMul', input: ['x', 'W'], output: ['h'], name: 'matmul' }),
      onnx.NodeProto.create({ opType: 'Add', input: ['h', 'b'], output: ['z'], name: 'add' }),
      onnx.NodeProto.create({ opType: 'Relu', input: ['z'], output: ['y'], name: 'relu' }),
    ],
    initializer: [
      onnx.TensorProto.create({ name: 'W', dims: [3, 2], dataType: f32, floatData: W }),
      onnx.TensorProto.create({ name: 'b', dims: [2], dataType: f32, floatData: b }),
    ],
    input: [valueInfo('x', ['batch', 3])],
    output: [valueInfo('y', ['batch', 2])],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'kiln-test',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 17 })],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * Builds, in code, a stand-in for the segmentation network (opset 17): logits = gain · mean over
 * channels of the normalised input + bias, float32 [batch, 3, height, width] → [batch, 1, height, width].
 * With kiln-seg's normalisation, bright pixels are "object" and dark ones background: enough to test
 * the plumbing (resizing, normalisation, the cut, the pipeline's choice) without a trained model.
 */
export function tinySaliencyModel(gain: number, bias = 0): Uint8Array {
  const f32 = onnx.TensorProto.DataType.FLOAT;
  const valueInfo = (name: string, dims: (number | string)[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({
          elemType: f32,
          shape: onnx.TensorShapeProto.create({
            dim: dims.map((d) => (typeof d === 'string' ? onnx.TensorShapeProto.Dimension.create({ dimParam: d }) : onnx.TensorShapeProto.Dimension.create({ dimValue: d }))),
          }),
        }),
      }),
    });
  const graph = onnx.GraphProto.create({
    name: 'tiny-saliency',
    node: [
      onnx.NodeProto.create({
        opType: 'ReduceMean',
        input: ['image'],
        output: ['m'],
        name: 'mean',
        attribute: [
          onnx.AttributeProto.create({ name: 'axes', ints: [1], type: onnx.AttributeProto.AttributeType.INTS }),
          onnx.AttributeProto.create({ name: 'keepdims', i: 1, type: onnx.AttributeProto.AttributeType.INT }),
        ],
      }),
      onnx.NodeProto.create({ opType: 'Mul', input: ['m', 'gain'], output: ['scaled'], name: 'scale' }),
      onnx.NodeProto.create({ opType: 'Add', input: ['scaled', 'bias'], output: ['logits'], name: 'shift' }),
    ],
    initializer: [
      onnx.TensorProto.create({ name: 'gain', dims: [1], dataType: f32, floatData: [gain] }),
      onnx.TensorProto.create({ name: 'bias', dims: [1], dataType: f32, floatData: [bias] }),
    ],
    input: [valueInfo('image', ['batch', 3, 'height', 'width'])],
    output: [valueInfo('logits', ['batch', 1, 'height', 'width'])],
  });
  const model = onnx.ModelProto.create({ irVersion: 8, producerName: 'kiln-test', opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 17 })], graph });
  return onnx.ModelProto.encode(model).finish();
}
