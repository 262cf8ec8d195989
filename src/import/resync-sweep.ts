/**
 * The periodic resync's rules (the schedule lives in the store, see workers/resync.ts): which
 * images are due, and how their imports are spread so that each upstream host gets at most one
 * image per `spacingMs`. The queue is reached through the two functions it is given.
 */
import type { Logger } from 'pino';
import { MIN_RESYNC_TICK_MS, RESYNC_TICKS_PER_INTERVAL } from '../limits.js';
import { imageReference, parseNormalizedReference } from '../reference/index.js';
import { lookasideFor, type RegistriesConfig } from '../registries/index.js';
import { isReleaseKey, RELEASE_REGISTRY, type ImageKey, type SignatureStore } from '../store/index.js';

export interface ResyncSweepDeps {
  readonly store: SignatureStore;
  readonly registries: () => RegistriesConfig | undefined;
  readonly intervalMs: number;
  readonly spacingMs: number;
  readonly logger: Logger;
  /** The clock due times are compared with (tests look ahead with it). Default Date.now. */
  readonly now?: (() => number) | undefined;
  /** When the image's last import job ended (a failure included), if the queue remembers it. */
  readonly lastEnded: (image: ImageKey) => Promise<number | undefined>;
  /**
   * Enqueues the image's periodic import after `delayMs`, unless an import of it ended after
   * `endedAfter` (between the due check and now): false when nothing was queued.
   */
  readonly enqueue: (image: ImageKey, delayMs: number, endedAfter: number) => Promise<boolean>;
}

/** How often a sweep looks for due images. */
export function resyncTickMs(intervalMs: number): number {
  return Math.max(MIN_RESYNC_TICK_MS, Math.ceil(intervalMs / RESYNC_TICKS_PER_INTERVAL));
}

/** Enqueues a periodic import of every image due, spaced per upstream host. */
export async function resyncSweep(deps: ResyncSweepDeps): Promise<{ images: number; current: number }> {
  const config = deps.registries();
  if (!config) return { images: 0, current: 0 };
  const perHost = new Map<string, number>();
  let images = 0;
  let current = 0;
  for await (const image of deps.store.images()) {
    const now = (deps.now ?? Date.now)();
    if (await isDue(deps, image, now)) {
      // Releases come from the release stores, not registries.d: they are spaced among themselves.
      const host = isReleaseKey(image) ? RELEASE_REGISTRY : upstreamHost(config, image);
      const slot = perHost.get(host) ?? 0;
      if (await deps.enqueue(image, slot * deps.spacingMs, now - deps.intervalMs)) {
        perHost.set(host, slot + 1);
        images++;
        continue;
      }
    }
    current++;
  }
  deps.logger.info({ images, current, hosts: perHost.size }, 'periodic resync enqueued');
  return { images, current };
}

/**
 * Never imported, or its last import is `intervalMs` old, and no import of it ended (a failure
 * included: it records no import) within the interval: a failing upstream is retried once per
 * interval, not at every sweep.
 */
async function isDue(deps: ResyncSweepDeps, image: ImageKey, now: number): Promise<boolean> {
  const last = (await deps.store.summary(image))?.lastImportAt;
  if (last && Date.parse(last) + deps.intervalMs > now) return false;
  const ended = await deps.lastEnded(image);
  return ended === undefined || ended + deps.intervalMs <= now;
}

function upstreamHost(config: RegistriesConfig, image: ImageKey): string {
  try {
    const url = lookasideFor(config, parseNormalizedReference(imageReference(image)), 'read').url;
    return new URL(url).host || url;
  } catch {
    return image.registry;
  }
}
