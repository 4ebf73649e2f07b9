import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Router } from 'express';
import { KNOWN_OUTPUTS, isOutputFile, outputFileSpec } from '../../src/export/formats.js';
import { ApiError } from '../api-error.js';
import { EARLY_OUTPUTS, type EarlyOutput } from '../job-store.js';
import { API, idParam, type RouteContext } from './context.js';

/** A job's output files: `GET /api/v1/jobs/:id/files/:name` (`?download` to save as a file). */
export function filesRouter({ service, store, requireKeyToRead }: RouteContext): Router {
  const router = Router();
  router.get(`${API}/jobs/:id/files/:name`, requireKeyToRead, (req, res, next) => {
    try {
      const id = idParam(req);
      const job = service.require(id);
      const name = String(req.params.name);
      if (!isOutputFile(name)) throw new ApiError(404, 'NOT_FOUND', `no output named '${name.slice(0, 40)}'; outputs are ${KNOWN_OUTPUTS.join(', ')}`);
      // The drawn condition image and the generated views are there before the outputs are, as soon
      // as each is made; a job that failed later keeps them, to show what the models imagined.
      const earlyName = (EARLY_OUTPUTS as readonly string[]).includes(name) ? (name as EarlyOutput) : undefined;
      const early = earlyName !== undefined && (job.state === 'running' || job.state === 'failed') && existsSync(store.earlyPath(id, earlyName));
      if (!early && (job.state !== 'succeeded' || !job.files?.includes(name))) throw new ApiError(404, 'NOT_FOUND', `job ${id} has no ${name}${job.state !== 'succeeded' ? ` (it is ${job.state})` : ''}`);
      const path = early ? store.earlyPath(id, earlyName!) : join(store.outDir(id), name);
      if (!existsSync(path)) throw new ApiError(404, 'NOT_FOUND', `job ${id} has no ${name}`);
      res.type(outputFileSpec(name)!.type);
      if (req.query.download !== undefined) res.attachment(name);
      createReadStream(path).on('error', next).pipe(res);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
