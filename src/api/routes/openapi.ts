/**
 * `GET /openapi.json`: the OpenAPI document of every route (src/api/openapi.ts), built once; and
 * `GET /docs/api`: the same document as a page (console/api-page.ts, with the web UI's stylesheet and headers), public as the document is.
 */
import Router from '@koa/router';
import { VERSION } from '../../version.js';
import { apiPage } from '../console/index.js';
import { openApiDocument } from '../openapi.js';
import { SECURITY_HEADERS, uiStyle } from '../webui/index.js';

export function openApiRoutes(): Router {
  const router = new Router();
  const document = openApiDocument(VERSION);
  const body = JSON.stringify(document);
  const page = apiPage(document as unknown as Parameters<typeof apiPage>[0], uiStyle());
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = body;
  });
  router.get('/docs/api', (ctx) => {
    ctx.set(SECURITY_HEADERS);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = page;
  });
  return router;
}
