/**
 * Composition root: builds every long-lived part from the config, starts them, and closes them
 * in reverse order. close() is memoised and continues past errors, so nothing is left running.
 * Order of shutdown (STYLE habit #8): HTTP intake, watchers, workers, queue, Redis.
 */
import cluster from 'node:cluster';
import type { Logger } from 'pino';
import type { AddressInfo } from 'node:net';
import { startImportWorker } from '../workers/import.js';
import { startResync } from '../workers/resync.js';
import { buildApi, buildStatusApp, listen } from './api/index.js';
import { TokensWatcher } from './auth/index.js';
import { stateDirOf, type DaemonConfig, type LoadedConfig } from './config/index.js';
import { AgentPool, HostBreaker, HostLimiter, proxySettings, redactUrl } from './fetch/index.js';
import { createMetrics, type Metrics } from './metrics.js';
import { clusterMetricsScrape } from './metrics-cluster.js';
import { ImportProducer } from './queue/index.js';
import { indexConnection, startEmbeddedRedis } from './redis/index.js';
import { RegistriesWatcher } from './registries/index.js';
import { signatureMetadata } from './signature/index.js';
import {
  createFsStore,
  createRedisStore,
  redisImageIndex,
  Tombstones,
  reindex,
  sweepCrashLeftovers,
  type ImageIndex,
  type SignatureStore,
} from './store/index.js';

/** Which parts run: `serve` runs everything, `worker` only the import workers. */
export interface DaemonMode {
  readonly workers: boolean;
  readonly api: boolean;
  /** `sigmirror worker` only: /healthz, /readyz and /metrics on `worker.statusPort` when set. */
  readonly statusServer?: boolean;
}

/** A running daemon. */
export interface Daemon {
  readonly registries: RegistriesWatcher;
  readonly store: SignatureStore;
  readonly producer: ImportProducer;
  readonly metrics: Metrics;
  readonly redisUrl: string;
  /** The API's address when it listens (`host:port`). */
  readonly address: string | undefined;
  /** Re-reads registries.d and the tokens file (SIGHUP). */
  reload(): Promise<void>;
  close(): Promise<void>;
}

export async function startDaemon(loaded: LoadedConfig, logger: Logger, mode: DaemonMode): Promise<Daemon> {
  const { config } = loaded;
  logger.info({ config: loaded.source ?? '(built-in defaults)' }, 'configuration loaded');
  const closers: Array<[string, () => Promise<void>]> = [];
  const stopping = (name: string, stop: () => Promise<void>) => closers.unshift([name, stop]);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      for (const [name, stop] of closers) {
        await stop().catch((err: unknown) => logger.error({ err }, `error while stopping ${name}`));
      }
      logger.info('stopped');
    })());
  try {
    const metrics = createMetrics();
    let redisUrl = config.redis.url;
    if (!redisUrl) {
      const embedded = await startEmbeddedRedis(stateDirOf(config), logger.child({ module: 'redis' }));
      redisUrl = embedded.url;
      stopping('redis', () => embedded.stop());
    }
    const producer = new ImportProducer({
      redisUrl,
      prefix: config.redis.prefix,
      attempts: config.import.attempts,
    });
    stopping('queue producer', () => producer.close());
    const indexRedis = indexConnection(redisUrl);
    stopping('image index connection', async () => void indexRedis.disconnect());
    const index = redisImageIndex(indexRedis, config.redis.prefix);
    const store =
      config.store.backend === 'redis'
        ? createRedisStore({ redis: indexRedis, prefix: config.redis.prefix, index })
        : createFsStore({ root: config.store.path, index, groupCommit: config.store.groupCommit });
    stopping('store', () => store.close());
    if (config.store.backend !== 'redis')
      sweepLeftovers(config.store.path, logger.child({ module: 'store' }));
    if (mode.workers) rebuildIndexIfMissing(store, index, logger.child({ module: 'index' }));
    const registries = await startRegistries(config.registriesDir, logger, metrics);
    stopping('registries watcher', () => registries.close());
    if (mode.workers) {
      const agents = await startAgents(config, logger.child({ module: 'fetch' }));
      stopping('upstream connections', () => agents.close());
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
          tombstones: new Tombstones(indexRedis, config.redis.prefix),
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
      stopping('import workers', () => worker.close());
      if (config.import.resyncIntervalMs > 0) {
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
        stopping('periodic resync', () => resync.close());
      }
    }
    const tokens = new TokensWatcher(config.auth.tokensFile, logger.child({ module: 'tokens' }));
    await tokens.start();
    stopping('tokens watcher', () => tokens.close());
    let address: string | undefined;
    if (mode.api) {
      const app = buildApi({
        config,
        store,
        producer,
        registries,
        tokens,
        metrics,
        logger: logger.child({ module: 'api' }),
        // A cluster API process reports the metrics of every process (metrics-cluster.ts).
        scrapeMetrics: cluster.isWorker ? clusterMetricsScrape(metrics.registry) : undefined,
      });
      const server = await listen(
        app,
        config.listen.host,
        config.listen.port,
        logger.child({ module: 'api' }),
      );
      const bound = server.address() as AddressInfo;
      address = `${bound.address}:${bound.port}`;
      logger.info({ address }, 'API listening');
      stopping('HTTP server', () => new Promise<void>((resolve) => server.close(() => resolve())));
    } else if (mode.statusServer && config.worker.statusPort !== undefined) {
      const app = buildStatusApp({
        config,
        producer,
        registries,
        metrics,
        logger: logger.child({ module: 'status' }),
      });
      const server = await listen(
        app,
        config.worker.statusHost,
        config.worker.statusPort,
        logger.child({ module: 'status' }),
      );
      const bound = server.address() as AddressInfo;
      address = `${bound.address}:${bound.port}`;
      logger.info({ address }, 'worker status endpoint listening');
      stopping('status server', () => new Promise<void>((resolve) => server.close(() => resolve())));
    }
    const reload = async () => {
      await Promise.all([registries.reload(), tokens.reload()]);
    };
    return { registries, store, producer, metrics, redisUrl, address, reload, close };
  } catch (err) {
    await close();
    throw err;
  }
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

async function startRegistries(dir: string, logger: Logger, metrics: Metrics): Promise<RegistriesWatcher> {
  const registries = new RegistriesWatcher({ dir, logger: logger.child({ module: 'registries' }) });
  registries.on('change', (state: ReturnType<RegistriesWatcher['current']>) => {
    metrics.registriesConfigError.set(state.lastError ? 1 : 0);
    metrics.registriesReloads.inc({ result: state.lastError ? 'rejected' : 'applied' });
  });
  await registries.start();
  return registries;
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

/** A crash's temp files leave the served tree, in the background: readiness never waits for it. */
function sweepLeftovers(root: string, logger: Logger): void {
  void sweepCrashLeftovers(root)
    .then(({ removed }) =>
      logger.info(
        { removed: removed.length, files: removed.slice(0, 10) },
        'store swept for crash leftovers',
      ),
    )
    .catch((err: unknown) => logger.warn({ err }, 'crash leftovers not swept'));
}
