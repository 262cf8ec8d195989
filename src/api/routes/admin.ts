/**
 * The admin dashboard (admin role): `/admin` (status page) and `/admin/queues/<name>` (jobs per
 * state), its pages on the web UI's ADMIN_UI mount (login page, script, session, headers); and
 * the two job actions its buttons call, `/v1/admin/…`, which take only `Authorization: Bearer`
 * (never the page cookie). See docs/operations.md, "Dashboard".
 */
import Router from '@koa/router';
import type { TokensWatcher } from '../../auth/index.js';
import {
  JobNotFoundError,
  JobStateError,
  QueueUnavailableError,
  type ImportProducer,
} from '../../queue/index.js';
import type { SignatureStore } from '../../store/index.js';
import { adminDataSource, queuePage, statusPage, type AdminConfigView } from '../admin/index.js';
import { requireRole, type AuthDeps } from '../auth.js';
import { ApiError } from '../errors.js';
import type { StatusReader } from '../status-snapshot.js';
import { ADMIN_UI, mountWebUi } from '../webui/index.js';

/** The daemon's parts the dashboard reads (buildApi passes its ApiParts and the status reader). */
export interface AdminDeps {
  readonly config: AdminConfigView;
  readonly store: SignatureStore;
  readonly producer: ImportProducer;
  /** The status snapshot GET /v1/status and the console read. */
  readonly status: StatusReader;
  readonly tokens: TokensWatcher;
}

/** The inspector's errors as the API's: unknown queue or job 404, wrong state 400, Redis down 503. */
async function mapped<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (err instanceof JobNotFoundError) throw new ApiError('NOT_FOUND', err.message);
    if (err instanceof JobStateError) throw new ApiError('BAD_REQUEST', err.message);
    if (err instanceof QueueUnavailableError)
      throw new ApiError('UNAVAILABLE', 'the queue (Redis) does not answer');
    throw err;
  }
}

export function adminRoutes(deps: AdminDeps): Router {
  const auth: AuthDeps = {
    tokens: () => deps.tokens.current(),
    anonymousRead: deps.config.auth.anonymousRead,
  };
  const data = adminDataSource(deps);
  const adminApi = requireRole(auth, 'admin');
  const router = mountWebUi(new Router(), ADMIN_UI, auth, [
    {
      path: '/admin',
      render: async (_ctx, page) =>
        statusPage({ ...page, queues: data.inspector.names() }, await mapped(() => data.status())),
    },
    {
      path: '/admin/queues/:queue',
      render: async (ctx, page) => {
        const view = await mapped(() => data.queue(ctx.params.queue ?? ''));
        return queuePage({ ...page, queues: data.inspector.names() }, view);
      },
    },
  ]);
  router.post('/v1/admin/queues/:queue/jobs/:jobId/retry', adminApi, async (ctx) => {
    const { queue = '', jobId = '' } = ctx.params;
    const state = await mapped(() => data.inspector.retry(queue, jobId));
    ctx.body = { queue, id: jobId, state };
  });
  router.delete('/v1/admin/queues/:queue/jobs/:jobId', adminApi, async (ctx) => {
    const { queue = '', jobId = '' } = ctx.params;
    await mapped(() => data.inspector.remove(queue, jobId));
    ctx.body = { queue, id: jobId, removed: true };
  });
  return router;
}
