import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Router } from 'express';
import { KNOWN_OUTPUTS, isOutputFile, outputFileSpec } from '../../src/export/formats.js';
import { ApiError } from '../api-error.js';
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
      // The generated views are there before the outputs are, as soon as diffusion ends; a job that
      // failed after diffusion keeps them, to show what the model imagined.
      const early = name === 'views.png' && (job.state === 'running' || job.state === 'failed') && existsSync(store.previewPath(id));
      if (!early && (job.state !== 'succeeded' || !job.files?.includes(name))) throw new ApiError(404, 'NOT_FOUND', `job ${id} has no ${name}${job.state !== 'succeeded' ? ` (it is ${job.state})` : ''}`);
      const path = early ? store.previewPath(id) : join(store.outDir(id), name);
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
