/** `GET /openapi.json`: the OpenAPI document of every route (src/api/openapi.ts), built once. */
import Router from '@koa/router';
import { VERSION } from '../../version.js';
import { openApiDocument } from '../openapi.js';

export function openApiRoutes(): Router {
  const router = new Router();
  const body = JSON.stringify(openApiDocument(VERSION));
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = body;
  });
  return router;
}
