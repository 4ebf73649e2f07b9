import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { landingPage } from '../landing-page.js';
import type { RouteContext } from './context.js';

/**
 * The web app (built into dist/web by `npm run build`): its page for / and for shareable job
 * URLs (/jobs/<id>), its script and stylesheet under /app. Without a build, a landing page.
 */
export function webRouter({ service }: RouteContext): Router {
  const router = Router();
  const webDir = fileURLToPath(new URL('../../web/', import.meta.url));
  const page = join(webDir, 'index.html');
  router.use('/app', express.static(join(webDir, 'app'), { index: false, maxAge: '1h' }));
  router.get(['/', '/jobs/:id'], (_req, res) => {
    if (existsSync(page)) res.sendFile(page);
    else res.type('html').send(landingPage(service.model));
  });
  return router;
}
