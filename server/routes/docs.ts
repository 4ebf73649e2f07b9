import { Router } from 'express';
import { apiDocsPage, openApiDocument } from '../openapi.js';

/** The OpenAPI document and its HTML page. */
export function docsRouter(): Router {
  const router = Router();
  router.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  router.get('/api/docs', (_req, res) => {
    res.type('html').send(apiDocsPage(openApiDocument()));
  });
  return router;
}
