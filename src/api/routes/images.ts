/** `GET /v1/images/<registry>/<repository>@<digest>`: signatures with their metadata and verification records. */
import Router from '@koa/router';
import type { SignatureStore } from '../../store/index.js';
import { requireRole, type AuthDeps } from '../auth.js';
import { ApiError } from '../errors.js';
import { validateDigest, validateName } from '../paths.js';

const PATH = /^\/v1\/images\/([^/]+)\/(.+)@([^/@]+)$/;

export function imagesRoutes(deps: { store: SignatureStore; auth: AuthDeps }): Router {
  const router = new Router();
  router.get(PATH, requireRole(deps.auth, 'reader', true), async (ctx) => {
    const m = PATH.exec(ctx.path);
    if (!m) throw new ApiError('NOT_FOUND');
    const [, registry, repository, digest] = m as unknown as [string, string, string, string];
    validateName(registry, repository);
    validateDigest(digest);
    const entries = await deps.store.list({ registry, repository, digest });
    ctx.body = { registry, repository, digest, signatures: entries };
  });
  return router;
}
