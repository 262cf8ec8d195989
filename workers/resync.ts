/**
 * Periodic resync: every `intervalMs`, one sweep (a BullMQ job scheduler, so several processes
 * agree on one schedule) enqueues a `periodic` import of every known image. Imports only append,
 * so a resync picks up signatures a publisher added later (release signatures included). Jobs are spread out: each upstream
 * host gets at most one image per `spacingMs`.
 */
import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { parseNormalizedReference } from '../src/reference/index.js';
import { lookasideFor, type RegistriesConfig } from '../src/registries/index.js';
import type { ImportProducer } from '../src/queue/index.js';
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
}

/** Starts the schedule and its worker; close() stops both. */
export async function startResync(options: ResyncOptions): Promise<{ close(): Promise<void> }> {
  const connection = workerConnection(options.redisUrl);
  const queue = new Queue(RESYNC_QUEUE, { connection, prefix: options.prefix });
  await queue.upsertJobScheduler(
    SCHEDULER_ID,
    { every: options.intervalMs },
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

/** Enqueues a periodic import of every stored image, spaced per upstream host. */
export async function sweep(
  options: Pick<ResyncOptions, 'store' | 'producer' | 'registries' | 'spacingMs' | 'logger'>,
): Promise<{ images: number }> {
  const config = options.registries();
  if (!config) return { images: 0 };
  const perHost = new Map<string, number>();
  let images = 0;
  for await (const image of options.store.images()) {
    // Releases come from the release stores, not registries.d: they are spaced among themselves.
    const host = isReleaseKey(image) ? RELEASE_REGISTRY : upstreamHost(config, image);
    const slot = perHost.get(host) ?? 0;
    perHost.set(host, slot + 1);
    await options.producer.enqueue({ ...image, reason: 'periodic' }, { delay: slot * options.spacingMs });
    images++;
  }
  options.logger.info({ images, hosts: perHost.size }, 'periodic resync enqueued');
  return { images };
}

function upstreamHost(config: RegistriesConfig, image: ImageKey): string {
  try {
    const url = lookasideFor(
      config,
      parseNormalizedReference(`${image.registry}/${image.repository}@${image.digest}`),
      'read',
    ).url;
    return new URL(url).host || url;
  } catch {
    return image.registry;
  }
}
