/**
 * `POST /v1/notifications/registry[?source=<name>]`: docker-distribution notifications. Every push
 * of a manifest enqueues an import of `<registry>/<repository>@<digest>`, the registry name coming
 * from the configured source (request.host only as a fallback). Answers fast: the registry retries
 * a notification that is not acknowledged.
 */
import Router from '@koa/router';
import { envelopeSchema, manifestPushes } from '../../notifications/index.js';
import { QueueUnavailableError, type ImportProducer } from '../../queue/index.js';
import { requireRole, type AuthDeps } from '../auth.js';
import { parseJson, readBody } from '../body.js';
import { ApiError } from '../errors.js';
import type { Logger } from 'pino';

export interface NotificationDeps {
  readonly producer: ImportProducer;
  readonly auth: AuthDeps;
  readonly maxBodyBytes: number;
  /** Source name → registry name. */
  readonly sources: Readonly<Record<string, { registry: string }>>;
  readonly logger: Logger;
}

export function notificationRoutes(deps: NotificationDeps): Router {
  const router = new Router();
  router.post('/v1/notifications/registry', requireRole(deps.auth, 'importer'), async (ctx) => {
    const envelope = envelopeSchema.safeParse(
      parseJson(await readBody(ctx, deps.maxBodyBytes), 'BAD_REQUEST'),
    );
    if (!envelope.success)
      throw new ApiError('BAD_REQUEST', 'not a notification envelope ({"events": [...]})');
    const source = typeof ctx.query.source === 'string' ? ctx.query.source : undefined;
    const configured = source
      ? deps.sources[source]
      : Object.values(deps.sources).length === 1
        ? Object.values(deps.sources)[0]
        : undefined;
    if (source && !configured) throw new ApiError('BAD_REQUEST', `unknown notification source "${source}"`);
    let queued = 0;
    for (const push of manifestPushes(envelope.data)) {
      const registry = configured?.registry ?? push.requestHost;
      if (!registry) continue;
      try {
        await deps.producer.enqueue({ registry, repository: push.repository, digest: push.digest });
        queued++;
      } catch (err) {
        // Redis down: answer 503 so the registry retries. A bad event: skip it, retrying cannot help.
        if (err instanceof QueueUnavailableError)
          throw new ApiError('UNAVAILABLE', 'the import queue is unavailable');
        deps.logger.warn(
          { err, repository: push.repository, digest: push.digest },
          'notification event not imported',
        );
      }
    }
    ctx.body = { queued };
  });
  return router;
}
