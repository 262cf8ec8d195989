/**
 * Periodic resync: each known image is re-read `intervalMs` after its last import, so a publisher's
 * later signatures (release signatures included) are picked up; imports only append. The schedule
 * lives in the store (every image's `lastImportAt`), not in memory or Redis: a restart, a second
 * master or a Redis loss neither re-reads what was read recently nor forgets what is due.
 * A sweep (a BullMQ job scheduler, so several processes agree on one schedule) runs at start and
 * RESYNC_TICKS_PER_INTERVAL times per interval and enqueues a `periodic` import of the images due,
 * spread out so that each upstream host gets at most one image per `spacingMs`.
 */
import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { parseNormalizedReference, imageReference } from '../src/reference/index.js';
import { MIN_RESYNC_TICK_MS, RESYNC_TICKS_PER_INTERVAL } from '../src/limits.js';
import { lookasideFor, type RegistriesConfig } from '../src/registries/index.js';
import { jobIdFor, type ImportProducer } from '../src/queue/index.js';
import { workerConnection } from '../src/redis/index.js';
import { isReleaseKey, RELEASE_REGISTRY, type ImageKey, type SignatureStore } from '../src/store/index.js';

export const RESYNC_QUEUE = 'resync';
const SCHEDULER_ID = 'periodic-resync';

export interface ResyncOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly intervalMs: number;
  readonly spacingMs: number;
  readonly store: SignatureStore;
  readonly producer: ImportProducer;
  readonly registries: () => RegistriesConfig | undefined;
  readonly logger: Logger;
  /** The clock due times are compared with (tests look ahead with it). Default Date.now. */
  readonly now?: (() => number) | undefined;
}

/** How often a sweep looks for due images. */
export function resyncTickMs(intervalMs: number): number {
  return Math.max(MIN_RESYNC_TICK_MS, Math.ceil(intervalMs / RESYNC_TICKS_PER_INTERVAL));
}

/** Starts the schedule and its worker; close() stops both. */
export async function startResync(options: ResyncOptions): Promise<{ close(): Promise<void> }> {
  const connection = workerConnection(options.redisUrl);
  const queue = new Queue(RESYNC_QUEUE, { connection, prefix: options.prefix });
  await queue.upsertJobScheduler(
    SCHEDULER_ID,
    { every: resyncTickMs(options.intervalMs) },
    { name: 'sweep', opts: { removeOnComplete: 10, removeOnFail: 10 } },
  );
  const worker = new Worker(RESYNC_QUEUE, () => sweep(options), {
    connection,
    prefix: options.prefix,
    concurrency: 1,
  });
  worker.on('error', (err) => options.logger.error({ err }, 'resync worker error'));
  return {
    close: async () => {
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}

/**
 * Enqueues a periodic import of every image due (never imported, or last imported `intervalMs`
 * ago), spaced per upstream host.
 */
export async function sweep(
  options: Pick<
    ResyncOptions,
    'store' | 'producer' | 'registries' | 'intervalMs' | 'spacingMs' | 'logger' | 'now'
  >,
): Promise<{ images: number; current: number }> {
  const config = options.registries();
  if (!config) return { images: 0, current: 0 };
  const perHost = new Map<string, number>();
  let images = 0;
  let current = 0;
  for await (const image of options.store.images()) {
    if (!(await isDue(options, image))) {
      current++;
      continue;
    }
    // Releases come from the release stores, not registries.d: they are spaced among themselves.
    const host = isReleaseKey(image) ? RELEASE_REGISTRY : upstreamHost(config, image);
    const slot = perHost.get(host) ?? 0;
    perHost.set(host, slot + 1);
    await options.producer.enqueue({ ...image, reason: 'periodic' }, { delay: slot * options.spacingMs });
    images++;
  }
  options.logger.info({ images, current, hosts: perHost.size }, 'periodic resync enqueued');
  return { images, current };
}

/**
 * Never imported, or its last import is `intervalMs` old, and no import of it ended (a failure
 * included: it records no import) within the interval: a failing upstream is retried once per
 * interval, not at every sweep.
 */
async function isDue(
  options: Pick<ResyncOptions, 'store' | 'producer' | 'intervalMs' | 'now'>,
  image: ImageKey,
): Promise<boolean> {
  const now = (options.now ?? Date.now)();
  const last = (await options.store.summary(image))?.lastImportAt;
  if (last && Date.parse(last) + options.intervalMs > now) return false;
  const ended = (await options.producer.status(jobIdFor(image)))?.finishedAt;
  return ended === undefined || ended + options.intervalMs <= now;
}

function upstreamHost(config: RegistriesConfig, image: ImageKey): string {
  try {
    const url = lookasideFor(config, parseNormalizedReference(imageReference(image)), 'read').url;
    return new URL(url).host || url;
  } catch {
    return image.registry;
  }
}
