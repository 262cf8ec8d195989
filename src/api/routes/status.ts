/**
 * `GET /v1/status` (reader): what an admin checks first: the registries.d configuration in force
 * (when applied, the last rejected edit), queue depth, the configured verification keys, and the
 * newest finished imports and failures: the view of the status snapshot (status-snapshot.ts) the
 * console and the dashboard read too.
 */
import Router from '@koa/router';
import { requireRole, type AuthDeps } from '../auth.js';
import type { StatusReader } from '../status-snapshot.js';

export interface StatusDeps {
  readonly auth: AuthDeps;
  readonly status: StatusReader;
}

export function statusRoutes(deps: StatusDeps): Router {
  const router = new Router();
  router.get('/v1/status', requireRole(deps.auth, 'reader', true), async (ctx) => {
    ctx.body = (await deps.status()).view;
  });
  return router;
}
