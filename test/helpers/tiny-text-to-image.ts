import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { defaultModelDir } from '../../src/diffusion/model-manifest.js';

const { onnx } = onnxProto;

/** Side of the tiny model's images, and its caption length (the multi-view model's condition size and text length). */
export const TINY_T2I_SIZE = 64;
export const TINY_T2I_TEXT = 20;
/** Width of the tiny encoder's context. */
const D = 4;

const F32 = onnx.TensorProto.DataType.FLOAT;
const I64 = onnx.TensorProto.DataType.INT64;

function valueInfo(name: string, elemType: number, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) => (typeof d === 'string' ? onnx.TensorShapeProto.Dimension.create({ dimParam: d }) : onnx.TensorShapeProto.Dimension.create({ dimValue: d }))),
        }),
      }),
    }),
  });
}

function encodeModel(graph: InstanceType<typeof onnx.GraphProto>): Uint8Array {
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({ irVersion: 8, producerName: 'kiln-test', opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 17 })], graph }),
  ).finish();
}

/**
 * What the tiny denoiser draws: a red disc (premultiplied colour and alpha in [−1, 1]), the shape of
 * a condition image with an object in the middle and background around it.
 */
function discTemplate(size: number): number[] {
  const px = size * size;
  const out = new Array<number>(4 * px).fill(-1);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if ((x + 0.5 - size / 2) ** 2 + (y + 0.5 - size / 2) ** 2 > (0.3 * size) ** 2) continue;
      out[0 * px + y * size + x] = 1;
      out[3 * px + y * size + x] = 1;
    }
  }
  return out;
}

/**
 * A text → image model folder built in code, no Python or training: the encoder embeds the caption
 * (Gather), the denoiser predicts x₀ = a red disc + 0.05·x_t (+ 0 × the time and the context, so every
 * input is used): the image it samples is the disc, a little different for each seed. Its manifest is
 * what `training/kiln_t2i/export.py` writes, and its vocabulary is the embedded multi-view model's.
 * Returns the folder.
 */
export function writeTinyTextToImageModel(dir: string): string {
  const vocabPath = join(dir, 'vocab.json');
  copyFileSync(join(defaultModelDir(), 'vocab.json'), vocabPath);
  const V = (JSON.parse(readFileSync(vocabPath, 'utf8')) as { tokens: string[] }).tokens.length;
  const S = TINY_T2I_SIZE, L = TINY_T2I_TEXT;
  const embedding = Array.from({ length: V * D }, (_, i) => Math.sin(i));
  const encoder = encodeModel(
    onnx.GraphProto.create({
      name: 'tiny-t2i-encoder',
      node: [onnx.NodeProto.create({ opType: 'Gather', input: ['E', 'tokens'], output: ['context'], name: 'embed', attribute: [onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 })] })],
      initializer: [onnx.TensorProto.create({ name: 'E', dims: [V, D], dataType: F32, floatData: embedding })],
      input: [valueInfo('tokens', I64, ['batch', L])],
      output: [valueInfo('context', F32, ['batch', L, D])],
    }),
  );
  const denoiser = encodeModel(
    onnx.GraphProto.create({
      name: 'tiny-t2i-denoiser',
      node: [
        onnx.NodeProto.create({ opType: 'Mul', input: ['x', 'noise_weight'], output: ['xs'] }),
        onnx.NodeProto.create({ opType: 'Add', input: ['template', 'xs'], output: ['drawn'] }),
        onnx.NodeProto.create({ opType: 'ReduceMean', input: ['context'], output: ['cm'], attribute: [onnx.AttributeProto.create({ name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 2] })] }),
        onnx.NodeProto.create({ opType: 'Unsqueeze', input: ['cm', 'axis3'], output: ['cm4'] }),
        onnx.NodeProto.create({ opType: 'Unsqueeze', input: ['t', 'axes123'], output: ['t4'] }),
        onnx.NodeProto.create({ opType: 'Add', input: ['cm4', 't4'], output: ['ct'] }),
        onnx.NodeProto.create({ opType: 'Mul', input: ['ct', 'zero'], output: ['ct0'] }),
        onnx.NodeProto.create({ opType: 'Add', input: ['drawn', 'ct0'], output: ['x0'] }),
      ],
      initializer: [
        onnx.TensorProto.create({ name: 'template', dims: [1, 4, S, S], dataType: F32, floatData: discTemplate(S) }),
        onnx.TensorProto.create({ name: 'noise_weight', dims: [], dataType: F32, floatData: [0.05] }),
        onnx.TensorProto.create({ name: 'zero', dims: [], dataType: F32, floatData: [0] }),
        onnx.TensorProto.create({ name: 'axis3', dims: [1], dataType: I64, int64Data: [3] }),
        onnx.TensorProto.create({ name: 'axes123', dims: [3], dataType: I64, int64Data: [1, 2, 3] }),
      ],
      input: [valueInfo('x', F32, ['batch', 4, S, S]), valueInfo('t', F32, ['batch']), valueInfo('context', F32, ['batch', L, D])],
      output: [valueInfo('x0', F32, ['batch', 4, S, S])],
    }),
  );
  writeFileSync(join(dir, 'encoder.onnx'), encoder);
  writeFileSync(join(dir, 'denoiser.onnx'), denoiser);
  const entry = (path: string) => {
    const bytes = readFileSync(join(dir, path));
    return { path, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
  };
  const manifest = {
    format: 'kiln-model/1',
    name: 'tiny-t2i',
    description: 'A test model that draws a red disc whatever the caption.',
    kind: 'text-to-image',
    files: { encoder: entry('encoder.onnx'), denoiser: entry('denoiser.onnx'), vocab: entry('vocab.json') },
    io: {
      encoder: { inputs: { tokens: { type: 'int64', shape: ['batch', L] } }, outputs: { context: { type: 'float32', shape: ['batch', L, D] } } },
      denoiser: {
        inputs: { x: { type: 'float32', shape: ['batch', 4, S, S] }, t: { type: 'float32', shape: ['batch'] }, context: { type: 'float32', shape: ['batch', L, D] } },
        outputs: { x0: { type: 'float32', shape: ['batch', 4, S, S] } },
      },
    },
    resolution: S,
    channels: ['red', 'green', 'blue', 'alpha'],
    encoding: { range: [-1, 1], rgb: 'premultiplied by alpha, background black' },
    view: { corpusView: 1, camera: { azimuth: 0, elevation: 20, distance: 3, fov: 30 }, cropMargin: 1.15 },
    text: { length: L, vocab: 'vocab.json', tokenizer: 'kiln-words-and-han/1' },
    parametrisation: 'x0',
    objective: 'none: a fixed drawing',
    sampler: { solver: 'euler', steps: 4, tMin: 0.02 },
    guidance: { preset: 'constant', scale: 3 },
    training: {},
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}
