/** `GET /openapi.json`: the OpenAPI document of every route (src/api/openapi.ts), built once. */
import { readFileSync } from 'node:fs';
import Router from '@koa/router';
import { openApiDocument } from '../openapi.js';

export function openApiRoutes(): Router {
  const router = new Router();
  const body = JSON.stringify(openApiDocument(packageVersion()));
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = body;
  });
  return router;
}

/** sigmirror's version from its package.json (src/ and dist/src/ sit at different depths). */
function packageVersion(): string {
  for (const up of ['../../../package.json', '../../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'sigmirror' && pkg.version) return pkg.version;
    } catch {
      // not at this depth
    }
  }
  return '0.0.0';
}
