import { Router } from 'express';
import { createLogger } from '../../src/core/logger.js';
import type { RouteContext } from './context.js';

const log = createLogger('health');

/**
 * Liveness (`/healthz`), readiness (`/readyz`: 503 until the model is loaded, and whenever the data
 * folder cannot be written) and Prometheus `/metrics` (behind the API key in private mode).
 */
export function healthRouter({ service, metrics, store, requireKeyToRead }: RouteContext): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const storage = await store.checkWritable();
    if (storage) {
      log.error({ reason: storage }, 'not ready: storage');
      res.status(503).json({ error: { code: 'STORAGE_UNAVAILABLE', message: 'the data folder cannot be written; new jobs cannot be stored' } });
    } else if (service.ready) res.json({ status: 'ready', model: service.model });
    else res.status(503).json({ error: { code: 'NOT_READY', message: service.notReadyReason ?? 'the model is loading' } });
  });
  router.get('/metrics', requireKeyToRead, async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
