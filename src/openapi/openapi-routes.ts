// GET /openapi.json: built once (the schemas do not change while the process runs).
import { Router } from 'express';
import { buildOpenApiDocument } from './openapi-document.ts';

export function openApiRoutes(options: { serverUrl?: string } = {}): Router {
  const router = Router();
  let document: string | undefined;
  router.get('/openapi.json', (_req, res) => {
    document ??= JSON.stringify(buildOpenApiDocument(options));
    res.type('application/json').send(document);
  });
  return router;
}
