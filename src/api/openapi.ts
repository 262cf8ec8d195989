/**
 * The OpenAPI 3.1 document served at `GET /openapi.json`, assembled from the entries each route
 * group keeps beside its router (`routes/<group>.openapi.ts`): one entry per route and method the
 * daemon serves. test/integration/api/openapi.test.ts compares them with the routers the daemon
 * builds (and the mirror), both ways: a new route fails it until its entry is added beside it.
 * Keep in sync with docs/api.md.
 */
import { operation } from './openapi-operation.js';
import type { RouteDoc } from './openapi-route.js';
import { SCHEMAS, type Schema } from './openapi-schemas.js';
import { ADMIN_OPENAPI } from './routes/admin.openapi.js';
import { CONSOLE_OPENAPI } from './routes/console.openapi.js';
import { EXTENSIONS_OPENAPI } from './routes/extensions.openapi.js';
import { HEALTH_OPENAPI } from './routes/health.openapi.js';
import { IMAGES_OPENAPI } from './routes/images.openapi.js';
import { IMPORTS_OPENAPI } from './routes/imports.openapi.js';
import { MIRROR_OPENAPI } from './routes/mirror.openapi.js';
import { NOTIFICATIONS_OPENAPI } from './routes/notifications.openapi.js';
import { OPENAPI_OPENAPI } from './routes/openapi.openapi.js';
import { RELEASE_MIRROR_OPENAPI } from './routes/release-mirror.openapi.js';
import { RELEASES_OPENAPI } from './routes/releases.openapi.js';
import { STATUS_OPENAPI } from './routes/status.openapi.js';
import { VERIFY_OPENAPI } from './routes/verify.openapi.js';

/** Every route and method the daemon serves (HEAD comes with each GET of the routers). */
export const ROUTES: readonly RouteDoc[] = [
  ...MIRROR_OPENAPI,
  ...EXTENSIONS_OPENAPI,
  ...IMAGES_OPENAPI,
  ...IMPORTS_OPENAPI,
  ...NOTIFICATIONS_OPENAPI,
  ...STATUS_OPENAPI,
  ...VERIFY_OPENAPI,
  ...RELEASE_MIRROR_OPENAPI,
  ...RELEASES_OPENAPI,
  ...CONSOLE_OPENAPI,
  ...ADMIN_OPENAPI,
  ...HEALTH_OPENAPI,
  ...OPENAPI_OPENAPI,
];

/** The whole document (built once by the route that serves it). */
export function openApiDocument(version: string): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const route of ROUTES) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'sigmirror',
      version,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      description:
        'Mirrors and serves container image simple-signing signatures. Errors: {"errors":[{code,message,detail}]}.',
    },
    servers: [{ url: '/', description: 'the daemon serving this document' }],
    paths,
    components: {
      schemas: SCHEMAS,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'auth.tokensFile tokens' } },
    },
  };
}
