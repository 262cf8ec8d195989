/**
 * `POST /v1/notifications/registry[?source=<name>]`: docker-distribution notifications. Every push
 * of a manifest enqueues an import of `<registry>/<repository>@<digest>`, the registry name coming
 * from the configured source (request.host only as a fallback). Answers fast: the registry retries
 * a notification that is not acknowledged. At most MAX_NOTIFICATION_EVENTS events per envelope
 * (413 beyond, nothing enqueued: the sender learns why instead of losing a part).
 */
import Router from '@koa/router';
import type { Logger } from 'pino';
import { MAX_NOTIFICATION_EVENTS } from '../../limits.js';
import { envelopeSchema, manifestPushes, type ManifestPush } from '../../notifications/index.js';
import { QueueUnavailableError, type ImportProducer } from '../../queue/index.js';
import { requireRole, type AuthDeps } from '../auth.js';
import { parseJson, readBody } from '../body.js';
import { ApiError } from '../errors.js';
import type { QueuedBody } from '../response-types.js';

export interface NotificationDeps {
  readonly producer: ImportProducer;
  readonly auth: AuthDeps;
  readonly maxBodyBytes: number;
  /** Source name → registry name. */
  readonly sources: Readonly<Record<string, { registry: string }>>;
  readonly logger: Logger;
}

/** Enqueues at once per notification: Redis round trips overlap, the queue is not flooded. */
const ENQUEUE_CONCURRENCY = 16;

export function notificationRoutes(deps: NotificationDeps): Router {
  const router = new Router();
  router.post('/v1/notifications/registry', requireRole(deps.auth, 'importer'), async (ctx) => {
    const envelope = envelopeSchema.safeParse(
      parseJson(await readBody(ctx, deps.maxBodyBytes), 'BAD_REQUEST'),
    );
    if (!envelope.success)
      throw new ApiError('BAD_REQUEST', 'not a notification envelope ({"events": [...]})');
    if (envelope.data.events.length > MAX_NOTIFICATION_EVENTS)
      throw new ApiError(
        'SIZE_INVALID',
        `a notification may carry at most ${MAX_NOTIFICATION_EVENTS} events (this one has ${envelope.data.events.length})`,
      );
    const registryOf = sourceRegistry(deps.sources, ctx.query.source);
    const pushes = manifestPushes(envelope.data);
    let queued = 0;
    for (let i = 0; i < pushes.length; i += ENQUEUE_CONCURRENCY) {
      const batch = pushes.slice(i, i + ENQUEUE_CONCURRENCY);
      const done = await Promise.all(batch.map((push) => enqueuePush(deps, registryOf(push), push)));
      queued += done.filter(Boolean).length;
    }
    ctx.body = { queued } satisfies QueuedBody;
  });
  return router;
}

/** The registry a push belongs to: the named source's (own keys only: `__proto__` is unknown). */
function sourceRegistry(
  sources: NotificationDeps['sources'],
  source: unknown,
): (push: ManifestPush) => string | undefined {
  if (source !== undefined && typeof source !== 'string')
    throw new ApiError('BAD_REQUEST', 'give ?source= once');
  const names = Object.keys(sources);
  if (source !== undefined && !Object.hasOwn(sources, source))
    throw new ApiError('BAD_REQUEST', `unknown notification source "${source.slice(0, 64)}"`);
  const configured =
    source !== undefined ? sources[source] : names.length === 1 ? sources[names[0]!] : undefined;
  return (push) => configured?.registry ?? push.requestHost;
}

/** True when enqueued. Redis down → 503 so the registry retries; a bad event is skipped. */
async function enqueuePush(
  deps: NotificationDeps,
  registry: string | undefined,
  push: ManifestPush,
): Promise<boolean> {
  if (!registry) return false;
  try {
    await deps.producer.enqueue({ registry, repository: push.repository, digest: push.digest });
    return true;
  } catch (err) {
    if (err instanceof QueueUnavailableError)
      throw new ApiError('UNAVAILABLE', 'the import queue is unavailable');
    deps.logger.warn(
      { err, repository: push.repository.slice(0, 300), digest: push.digest.slice(0, 80) },
      'notification event not imported',
    );
    return false;
  }
}
