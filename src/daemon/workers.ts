/**
 * The import side of a daemon: upstream connections, the BullMQ import workers, the periodic
 * resync, and the image index rebuilt in the background when Redis forgot it.
 */
import type { Logger } from 'pino';
import { startImportWorker } from '../../workers/import.js';
import { startResync } from '../../workers/resync.js';
import type { DaemonConfig } from '../config/index.js';
import { AgentPool, HostBreaker, HostLimiter, proxySettings, redactUrl } from '../fetch/index.js';
import type { Metrics } from '../metrics.js';
import { signatureMetadata } from '../signature/index.js';
import { reindex, type ImageIndex, type SignatureStore } from '../store/index.js';
import type { Intake } from './intake.js';
import type { Lifecycle } from './lifecycle.js';

export async function startWorkers(
  config: DaemonConfig,
  intake: Intake,
  logger: Logger,
  metrics: Metrics,
  life: Lifecycle,
): Promise<void> {
  const { store, producer, registries, redisUrl } = intake;
  rebuildIndexIfMissing(store, intake.index, logger.child({ module: 'index' }));
  const agents = await startAgents(config, logger.child({ module: 'fetch' }));
  life.stopping('upstream connections', () => agents.close());
  const worker = startImportWorker({
    redisUrl,
    prefix: config.redis.prefix,
    concurrency: config.import.concurrency,
    lockDurationMs: config.import.lockDurationMs,
    recheckDelaysMs: config.import.recheckDelaysMs,
    producer,
    metrics,
    logger: logger.child({ module: 'import' }),
    releaseRepositories: config.release.repositories,
    deps: {
      registries: () => registries.current().config,
      store,
      tombstones: intake.tombstones,
      agents,
      hosts: new HostLimiter(config.import.perHostConcurrency),
      breaker: new HostBreaker({
        logger: logger.child({ module: 'fetch' }),
        onChange: (host, offline) => metrics.fetchHostOffline.set({ host }, offline ? 1 : 0),
      }),
      limits: config.import,
      treat403AsMissing: new Set(config.import.treat403AsMissing),
      crossHostRedirects: new Set(config.import.crossHostRedirects),
      releaseStores: config.release.signatureStores,
      onFetchEvent: (kind) => metrics.fetchEvents.inc({ kind }),
      describe: (bytes, image) => signatureMetadata(bytes, image.digest),
    },
  });
  life.stopping('import workers', () => worker.close());
  if (config.import.resyncIntervalMs <= 0) return;
  const resync = await startResync({
    redisUrl,
    prefix: config.redis.prefix,
    intervalMs: config.import.resyncIntervalMs,
    spacingMs: config.import.resyncSpacingMs,
    store,
    producer,
    registries: () => registries.current().config,
    logger: logger.child({ module: 'resync' }),
  });
  life.stopping('periodic resync', () => resync.close());
}

/** Upstream connections: CAs watched live, the proxy (credentials never logged) said once. */
async function startAgents(config: DaemonConfig, logger: Logger): Promise<AgentPool> {
  const proxy = proxySettings(config.import.proxy);
  const agents = new AgentPool(config.certsDirs, config.import.timeoutMs, config.import.perHostConcurrency, {
    caBundles: config.import.caBundles,
    proxy,
  });
  await agents.watch(logger);
  if (proxy.source !== 'none')
    logger.info(
      {
        source: proxy.source,
        https: proxy.https && redactUrl(proxy.https),
        http: proxy.http && redactUrl(proxy.http),
      },
      'upstream sigstores are reached through a proxy',
    );
  return agents;
}

/** Redis without persistence forgets the index: rebuild it from the store, in the background. */
function rebuildIndexIfMissing(store: SignatureStore, index: ImageIndex, logger: Logger): void {
  void (async () => {
    if (await index.isBuilt()) return;
    const started = Date.now();
    const { indexed, adopted } = await reindex(store, index, (bytes, image) =>
      signatureMetadata(bytes, image.digest),
    );
    logger.info(
      { images: indexed, adopted: adopted.signatures, ms: Date.now() - started },
      'image index rebuilt from the store',
    );
  })().catch((err: unknown) => logger.warn({ err }, 'image index not rebuilt'));
}
