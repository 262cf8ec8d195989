/**
 * `GET /v1/status` (reader): what an admin checks first: the registries.d configuration in force
 * (when applied, the last rejected edit), queue depth, the configured verification keys, and the
 * newest finished imports and failures.
 */
import Router from '@koa/router';
import type { ImportProducer } from '../../queue/index.js';
import type { RegistriesWatcher } from '../../registries/index.js';
import { requireRole, type AuthDeps } from '../auth.js';
import { recentJobsView, registriesView } from '../status-view.js';

/** Finished jobs shown per kind. */
export const RECENT_JOBS = 20;

export interface StatusDeps {
  readonly auth: AuthDeps;
  readonly producer: ImportProducer;
  readonly registries: RegistriesWatcher;
  readonly verifyKeys: readonly string[];
}

export function statusRoutes(deps: StatusDeps): Router {
  const router = new Router();
  router.get('/v1/status', requireRole(deps.auth, 'reader', true), async (ctx) => {
    const state = deps.registries.current();
    const [queueDepth, recent] = await Promise.all([
      deps.producer.depth(),
      deps.producer.recent(RECENT_JOBS),
    ]);
    ctx.body = {
      registries: registriesView(state),
      queueDepth,
      verifyKeys: deps.verifyKeys,
      ...recentJobsView(recent),
    };
  });
  return router;
}
