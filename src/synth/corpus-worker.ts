import { parentPort, workerData } from 'node:worker_threads';
import { produceSample, type WorkerInit } from './write-corpus.js';

/** Worker thread of `writeCorpus`: produces the samples it is sent, one at a time. */
const init = workerData as WorkerInit;
parentPort!.on('message', (index: number) => {
  produceSample(init, index).then(
    (result) => {
      const transfer = [result.rgba.buffer, result.depth.buffer, ...(result.glb ? [result.glb.buffer] : [])] as ArrayBuffer[];
      parentPort!.postMessage(result, transfer);
    },
    (err: unknown) => parentPort!.postMessage({ index, error: err instanceof Error ? err.message : String(err) }),
  );
});
