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
import {
  resyncSweep,
  resyncTickMs,
  type ImageKey,
  type RegistriesConfig,
  type SignatureStore,
} from '../src/import/index.js';
import { jobIdFor, RESYNC_QUEUE_NAME, workerConnection, type ImportProducer } from '../src/queue/index.js';

/** The queue's name, from src/queue (the dashboard lists the same queue). */
export const RESYNC_QUEUE = RESYNC_QUEUE_NAME;
const SCHEDULER_ID = 'periodic-resync';

export { resyncTickMs };

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

/** One sweep: the due images enqueued as periodic imports (src/import resync-sweep.ts decides). */
export function sweep(
  options: Pick<
    ResyncOptions,
    'store' | 'producer' | 'registries' | 'intervalMs' | 'spacingMs' | 'logger' | 'now'
  >,
): Promise<{ images: number; current: number }> {
  const { producer } = options;
  return resyncSweep({
    ...options,
    lastEnded: async (image: ImageKey) => (await producer.status(jobIdFor(image)))?.finishedAt,
    enqueue: async (image: ImageKey, delay: number, endedAfter: number) => {
      const r = await producer.enqueue(
        { ...image, reason: 'periodic' },
        { delay, keepEndedAfter: endedAfter },
      );
      return !r.recentlyEnded;
    },
  });
}
