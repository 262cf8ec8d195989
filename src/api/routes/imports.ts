/** `POST /v1/imports {references:[…]}` → 202 with job ids; `GET /v1/imports/<id>` → state, attempts, error. */
import Router from '@koa/router';
import type { ImportProducer } from '../../queue/index.js';
import { imageKeyFromReference, ReferenceError } from '../../reference/index.js';
import { requireRole, type AuthDeps } from '../auth.js';
import { parseJson, readBody } from '../body.js';
import { ApiError } from '../errors.js';
import { importsBody } from '../request-schemas.js';
import type { ImportJobsBody } from '../response-types.js';

export function importsRoutes(deps: {
  producer: ImportProducer;
  auth: AuthDeps;
  maxBodyBytes: number;
}): Router {
  const router = new Router();
  router.post('/v1/imports', requireRole(deps.auth, 'importer'), async (ctx) => {
    const parsed = importsBody.safeParse(parseJson(await readBody(ctx, deps.maxBodyBytes), 'BAD_REQUEST'));
    if (!parsed.success)
      throw new ApiError(
        'BAD_REQUEST',
        'expected {"references": ["registry/repository@sha256:…", …]}',
        parsed.error.issues[0]?.message,
      );
    const images = parsed.data.references.map((reference) => {
      try {
        return { reference, image: imageKeyFromReference(reference) };
      } catch (err) {
        if (err instanceof ReferenceError)
          throw new ApiError('BAD_REQUEST', `invalid reference "${reference.slice(0, 300)}"`, err.message);
        throw err;
      }
    });
    const jobs = [];
    for (const { reference, image } of images) {
      const { id, deduplicated } = await deps.producer.enqueue(image);
      jobs.push({ reference, id, deduplicated });
    }
    ctx.status = 202;
    ctx.body = { jobs } satisfies ImportJobsBody;
  });
  router.get('/v1/imports/:id', requireRole(deps.auth, 'reader', true), async (ctx) => {
    const id = ctx.params.id ?? '';
    if (!/^import-[a-f0-9]{64}-/.test(id)) throw new ApiError('NOT_FOUND', 'no such import job');
    const status = await deps.producer.status(id);
    if (!status) throw new ApiError('NOT_FOUND', 'no such import job (never enqueued, or expired)');
    ctx.body = {
      id: status.id,
      state: status.state,
      attempts: status.attempts,
      error: status.error ?? null,
      result: status.result ?? null,
    };
  });
  return router;
}
