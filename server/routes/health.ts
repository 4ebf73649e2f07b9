import { Router } from 'express';
import type { RouteContext } from './context.js';

/** Liveness (`/healthz`), readiness (`/readyz`, 503 until the model is loaded) and Prometheus `/metrics`. */
export function healthRouter({ service, metrics }: RouteContext): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    if (service.ready) res.json({ status: 'ready', model: service.model });
    else res.status(503).json({ error: { code: 'NOT_READY', message: service.notReadyReason ?? 'the model is loading' } });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
