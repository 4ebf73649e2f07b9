import { parentPort, workerData } from 'node:worker_threads';
import { meshToGlb } from '../export/write-glb.js';
import { synthesizeSample } from './synthesize-sample.js';
import type { WorkerInit, WorkerResult } from './write-corpus.js';

/** Worker thread of `writeCorpus`: synthesises the samples it is sent, one at a time. */
const init = workerData as WorkerInit;
parentPort!.on('message', (index: number) => {
  void (async () => {
    try {
      const s = synthesizeSample({ corpusSeed: init.corpusSeed, split: init.split, index, resolution: init.resolution, rig: init.rig });
      const glb = init.exportMeshes ? await meshToGlb(s.mesh, { name: s.record.id }) : undefined;
      const result: WorkerResult = { index, record: s.record, rgba: s.views.rgba, depth: s.views.depth, glb };
      const transfer = [s.views.rgba.buffer, s.views.depth.buffer, ...(glb ? [glb.buffer] : [])] as ArrayBuffer[];
      parentPort!.postMessage(result, transfer);
    } catch (err) {
      parentPort!.postMessage({ index, error: err instanceof Error ? err.message : String(err) });
    }
  })();
});
