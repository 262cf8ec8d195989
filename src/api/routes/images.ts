/**
 * The image listing and one image's facts:
 * `GET /v1/images?status&registry&repository&limit&cursor` → `{items, next}` (from the store's index),
 * `GET /v1/images/summary` → counts per status,
 * `GET /v1/images/<registry>/<repository>@<digest>` → status plus every signature with its metadata
 * and verification records.
 */
import Router from '@koa/router';
import type { SignatureStore } from '../../store/index.js';
import { requireRole, type AuthDeps } from '../auth.js';
import { ApiError } from '../errors.js';
import { checkedImage } from '../paths.js';
import { imagesQuery } from '../request-schemas.js';
import type { ImageCountsBody, ImagePageBody } from '../response-types.js';

const PATH = /^\/v1\/images\/([^/]+)\/(.+)@([^/@]+)$/;

export function imagesRoutes(deps: { store: SignatureStore; auth: AuthDeps }): Router {
  const router = new Router();
  router.get('/v1/images', requireRole(deps.auth, 'reader', true), async (ctx) => {
    const parsed = imagesQuery.safeParse(ctx.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ApiError(
        'BAD_REQUEST',
        `invalid query parameter ${issue?.path.join('.') ?? ''}`.trim(),
        issue?.message,
      );
    }
    ctx.body = (await deps.store.listImages(parsed.data)) satisfies ImagePageBody;
  });
  router.get('/v1/images/summary', requireRole(deps.auth, 'reader', true), async (ctx) => {
    const counts = await deps.store.countImages();
    ctx.body = { counts, total: Object.values(counts).reduce((a, b) => a + b, 0) } satisfies ImageCountsBody;
  });
  router.get(PATH, requireRole(deps.auth, 'reader', true), async (ctx) => {
    const m = PATH.exec(ctx.path);
    if (!m) throw new ApiError('NOT_FOUND');
    const [, registry, repository, digest] = m as unknown as [string, string, string, string];
    const image = checkedImage({ registry, repository, digest });
    const [summary, entries] = await Promise.all([deps.store.summary(image), deps.store.list(image)]);
    ctx.body = {
      registry,
      repository,
      digest,
      status: summary?.status ?? 'unsigned',
      known: summary !== undefined,
      lastImportAt: summary?.lastImportAt ?? null,
      source: summary?.source ?? null,
      lastVerifiedAt: summary?.lastVerifiedAt ?? null,
      signatures: entries,
    };
  });
  return router;
}
