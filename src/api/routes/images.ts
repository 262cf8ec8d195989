/**
 * The image listing and one image's facts:
 * `GET /v1/images?status&registry&repository&limit&cursor` → `{items, next}` (from the store's index),
 * `GET /v1/images/summary` → counts per status,
 * `GET /v1/images/<registry>/<repository>@<digest>` → status plus every signature with its metadata
 * and verification records.
 */
import Router from '@koa/router';
import { z } from 'zod';
import { IMAGE_STATUSES, type SignatureStore } from '../../store/index.js';
import { requireRole, type AuthDeps } from '../auth.js';
import { ApiError } from '../errors.js';
import { validateDigest, validateName } from '../paths.js';

const PATH = /^\/v1\/images\/([^/]+)\/(.+)@([^/@]+)$/;
/** Page sizes: the default and the cap. */
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;
/** Cursors are references; anything longer is not one of ours. */
const MAX_CURSOR = 600;

const querySchema = z.strictObject({
  status: z.enum(IMAGE_STATUSES as ['verified', 'failed', 'unverified', 'unsigned']).optional(),
  registry: z.string().min(1).max(255).optional(),
  repository: z.string().min(1).max(255).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
  cursor: z.string().min(1).max(MAX_CURSOR).optional(),
});

export function imagesRoutes(deps: { store: SignatureStore; auth: AuthDeps }): Router {
  const router = new Router();
  router.get('/v1/images', requireRole(deps.auth, 'reader', true), async (ctx) => {
    const parsed = querySchema.safeParse(ctx.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ApiError(
        'BAD_REQUEST',
        `invalid query parameter ${issue?.path.join('.') ?? ''}`.trim(),
        issue?.message,
      );
    }
    ctx.body = await deps.store.listImages(parsed.data);
  });
  router.get('/v1/images/summary', requireRole(deps.auth, 'reader', true), async (ctx) => {
    const counts = await deps.store.countImages();
    ctx.body = { counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
  });
  router.get(PATH, requireRole(deps.auth, 'reader', true), async (ctx) => {
    const m = PATH.exec(ctx.path);
    if (!m) throw new ApiError('NOT_FOUND');
    const [, registry, repository, digest] = m as unknown as [string, string, string, string];
    validateName(registry, repository);
    validateDigest(digest);
    const image = { registry, repository, digest };
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
