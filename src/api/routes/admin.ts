/**
 * The admin dashboard (admin role): `/admin` (status page) and `/admin/queues/<name>` (jobs per
 * state), server-rendered like the console, with its login page and script; and the two job
 * actions its buttons call, `/v1/admin/…`, which take only `Authorization: Bearer` (never the
 * page cookie). See docs/operations.md, "Dashboard".
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Principal, TokensWatcher } from '../../auth/index.js';
import {
  JobNotFoundError,
  JobStateError,
  QueueUnavailableError,
  type ImportProducer,
} from '../../queue/index.js';
import type { RegistriesWatcher } from '../../registries/index.js';
import type { SignatureStore } from '../../store/index.js';
import {
  adminDataSource,
  adminLoginPage,
  loadAdminAssets,
  queuePage,
  requireAdminPage,
  statusPage,
  type AdminConfigView,
} from '../admin/index.js';
import { requireRole, type AuthDeps } from '../auth.js';
import { ASSET_CACHE_CONTROL, consoleHeaders } from '../console/index.js';
import { ApiError } from '../errors.js';

/** The daemon's parts the dashboard reads (buildApi passes its ApiParts). */
export interface AdminDeps {
  readonly config: AdminConfigView;
  readonly store: SignatureStore;
  readonly producer: ImportProducer;
  readonly registries: RegistriesWatcher;
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
  const assets = loadAdminAssets();
  const headers = consoleHeaders(assets);
  const admin = requireAdminPage(auth);
  const adminApi = requireRole(auth, 'admin');
  const render = (ctx: Context, body: string) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = body;
  };
  const pageContext = (ctx: Context) => ({
    assets,
    principal: ctx.state.principal as Principal,
    queues: data.inspector.names(),
  });

  const router = new Router();
  router.get('/admin/static/admin.js', headers, (ctx) => {
    ctx.set('Cache-Control', ASSET_CACHE_CONTROL);
    ctx.type = assets.script.type;
    ctx.body = assets.script.body;
  });
  router.get('/admin/login', headers, (ctx) => {
    const next = typeof ctx.query.next === 'string' ? ctx.query.next : undefined;
    render(ctx, adminLoginPage({ assets }, next, ctx.query.reason === 'invalid'));
  });
  router.get('/admin', headers, admin, async (ctx) => {
    render(ctx, statusPage(pageContext(ctx), await mapped(() => data.status())));
  });
  router.get('/admin/queues/:queue', headers, admin, async (ctx) => {
    const view = await mapped(() => data.queue(ctx.params.queue ?? ''));
    render(ctx, queuePage(pageContext(ctx), view));
  });
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
