import { Router } from 'express';
import { ApiError } from '../api-error.js';
import type { JobEvent } from '../job-service.js';
import { API, idParam, publicJob, type RouteContext } from './context.js';
import { jobRequestReader } from './job-request.js';

/** Jobs: create, list, read, follow (server-sent events), cancel and delete. */
export function jobsRouter(ctx: RouteContext): Router {
  const { store, service, writeLimiter, requireKey, requireKeyToRead } = ctx;
  const readJobRequest = jobRequestReader(ctx);
  const router = Router();

  router.post(`${API}/jobs`, writeLimiter, requireKey, async (req, res, next) => {
    try {
      const { job, uploads } = await readJobRequest(req, res);
      const saved = await service.submit(job, uploads);
      res.status(202).location(`${API}/jobs/${job.id}`).json(publicJob(saved));
    } catch (err) {
      next(err);
    }
  });

  router.get(`${API}/jobs`, requireKeyToRead, (req, res, next) => {
    try {
      const limit = req.query.limit === undefined ? 20 : Number(req.query.limit);
      const offset = req.query.offset === undefined ? 0 : Number(req.query.offset);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ApiError(400, 'INVALID_REQUEST', 'limit: an integer in 1…100');
      if (!Number.isInteger(offset) || offset < 0) throw new ApiError(400, 'INVALID_REQUEST', 'offset: a non-negative integer');
      const all = store.list();
      res.json({ jobs: all.slice(offset, offset + limit).map(publicJob), total: all.length, limit, offset, next: offset + limit < all.length ? `${API}/jobs?limit=${limit}&offset=${offset + limit}` : null });
    } catch (err) {
      next(err);
    }
  });

  router.get(`${API}/jobs/:id`, requireKeyToRead, (req, res, next) => {
    try {
      res.json(publicJob(service.require(idParam(req))));
    } catch (err) {
      next(err);
    }
  });

  router.get(`${API}/jobs/:id/events`, requireKeyToRead, (req, res, next) => {
    let id: string;
    try {
      id = idParam(req);
      service.require(id);
    } catch (err) {
      return next(err);
    }
    const lastId = Number(req.headers['last-event-id'] ?? req.query.lastEventId ?? 0) || 0;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n\n');
    const send = (e: JobEvent) => {
      res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`);
      if (e.type === 'done' || e.type === 'failed' || e.type === 'cancelled') res.end();
    };
    const backlog = service.eventsAfter(id, lastId);
    for (const e of backlog) send(e);
    if (res.writableEnded) return;
    const job = store.get(id);
    if (job && ['succeeded', 'failed', 'cancelled'].includes(job.state)) return res.end();
    const listener = (e: JobEvent) => send(e);
    const ping = setInterval(() => res.write(': ping\n\n'), 15000);
    service.on(`event:${id}`, listener);
    const stop = () => {
      clearInterval(ping);
      service.off(`event:${id}`, listener);
    };
    res.on('close', stop);
    res.on('finish', stop);
  });

  router.post(`${API}/jobs/:id/cancel`, writeLimiter, requireKey, async (req, res, next) => {
    try {
      const job = await service.cancel(idParam(req));
      res.status(202).json(publicJob(job));
    } catch (err) {
      next(err);
    }
  });

  router.delete(`${API}/jobs/:id`, writeLimiter, requireKey, async (req, res, next) => {
    try {
      await service.delete(idParam(req));
      res.status(204).end();
    } catch (err) {
      next(err);
    }
  });

  return router;
}
