import * as ort from 'onnxruntime-node';
import { KilnError, describeError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';

/**
 * The one module that touches onnxruntime-node. It owns execution providers and thread settings,
 * creates sessions once (callers keep and reuse them), and checks feeds against the model's declared
 * inputs before running, so a wrong feed fails with a message that names the input instead of a
 * native error.
 */
const log = createLogger('onnx');

export const EXECUTION_PROVIDERS = ['cpu'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

export interface OnnxSessionOptions {
  /** Threads for one operator (intra-op); default 0 lets onnxruntime use every core. */
  threads: number;
  executionProvider: ExecutionProvider;
}

export const ONNX_SESSION_DEFAULTS: OnnxSessionOptions = { threads: 0, executionProvider: 'cpu' };

export type Tensor = ort.Tensor;
export type Feeds = Record<string, ort.Tensor>;

/** A loaded model: its input and output names, `run`, and `dispose` to free native memory. */
export interface OnnxModel {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Feeds, fetches?: string[]): Promise<Record<string, ort.Tensor>>;
  dispose(): Promise<void>;
}

/** Loads an ONNX model from a file path or bytes. */
export async function createOnnxModel(model: string | Uint8Array, options: Partial<OnnxSessionOptions> = {}): Promise<OnnxModel> {
  const o = { ...ONNX_SESSION_DEFAULTS, ...options };
  if (!(EXECUTION_PROVIDERS as readonly string[]).includes(o.executionProvider)) {
    throw new KilnError('INVALID_INPUT', `createOnnxModel: unsupported device "${o.executionProvider}"; should be one of: ${EXECUTION_PROVIDERS.join(', ')}`);
  }
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: [o.executionProvider],
    intraOpNumThreads: o.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  };
  let session: ort.InferenceSession;
  try {
    session =
      typeof model === 'string'
        ? await ort.InferenceSession.create(model, sessionOptions)
        : await ort.InferenceSession.create(model, sessionOptions);
  } catch (err) {
    throw new KilnError('INVALID_INPUT', `createOnnxModel: could not load model (${describeError(err)})`, { cause: err });
  }
  const inputNames = [...session.inputNames];
  const outputNames = [...session.outputNames];
  return {
    inputNames,
    outputNames,
    async run(feeds, fetches) {
      const missing = inputNames.filter((n) => !(n in feeds));
      const extra = Object.keys(feeds).filter((n) => !inputNames.includes(n));
      if (missing.length || extra.length) {
        const parts = [];
        if (missing.length) parts.push(`missing input(s) ${missing.join(', ')}`);
        if (extra.length) parts.push(`unknown input(s) ${extra.join(', ')}`);
        throw new KilnError('INVALID_INPUT', `OnnxModel.run: ${parts.join('; ')} (model inputs: ${inputNames.join(', ')})`);
      }
      try {
        return fetches ? await session.run(feeds, fetches) : await session.run(feeds);
      } catch (err) {
        log.error({ inputs: Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, `${t.type}[${t.dims.join(',')}]`])) }, 'onnx run failed');
        throw new KilnError('INTERNAL', `OnnxModel.run: ${describeError(err)}`, { cause: err });
      }
    },
    dispose: () => session.release(),
  };
}

/** A float32 tensor over `data` (not copied) with shape `dims`. */
export function float32Tensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new KilnError('INVALID_INPUT', `float32Tensor: ${data.length} values do not fill shape [${dims.join(', ')}]`);
  return new ort.Tensor('float32', data, dims);
}

/** An int64 tensor (token ids) from plain numbers. */
export function int64Tensor(values: ArrayLike<number>, dims: readonly number[]): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  if (n !== values.length) throw new KilnError('INVALID_INPUT', `int64Tensor: ${values.length} values do not fill shape [${dims.join(', ')}]`);
  return new ort.Tensor('int64', BigInt64Array.from(Array.from(values, (v) => BigInt(v))), dims);
}

/** The values of a float32 output tensor, checked: a model that answers another type fails here, by name. */
export function float32Data(tensor: ort.Tensor, name: string): Float32Array {
  if (!(tensor.data instanceof Float32Array)) throw new KilnError('INTERNAL', `float32Data: output ${name} is ${tensor.type}, expected float32`);
  return tensor.data;
}
