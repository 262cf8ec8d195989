/**
 * The parts every daemon mode shares: Redis (embedded when none is configured), the queue
 * producer, the store with its index, the registries.d and tokens watchers.
 */
import type { Logger } from 'pino';
import { TokensWatcher } from '../auth/index.js';
import type { DaemonConfig } from '../config/index.js';
import type { Metrics } from '../metrics.js';
import { ImportProducer } from '../queue/index.js';
import { indexConnection } from '../redis/index.js';
import { RegistriesWatcher } from '../registries/index.js';
import {
  sweepCrashLeftovers,
  type SignatureStore,
  type Tombstones,
  type ImageIndex,
} from '../store/index.js';
import { openStore, redisFor } from '../wiring/index.js';
import type { Lifecycle } from './lifecycle.js';

export interface Intake {
  readonly redisUrl: string;
  readonly producer: ImportProducer;
  readonly store: SignatureStore;
  readonly index: ImageIndex;
  readonly tombstones: Tombstones;
  readonly registries: RegistriesWatcher;
  readonly tokens: TokensWatcher;
}

export async function startIntake(
  config: DaemonConfig,
  logger: Logger,
  metrics: Metrics,
  life: Lifecycle,
): Promise<Intake> {
  const redis = await redisFor(config, logger.child({ module: 'redis' }));
  if (redis.stop) life.stopping('redis', redis.stop);
  const producer = new ImportProducer({
    redisUrl: redis.url,
    prefix: config.redis.prefix,
    attempts: config.import.attempts,
  });
  life.stopping('queue producer', () => producer.close());
  const indexRedis = indexConnection(redis.url);
  life.stopping('image index connection', async () => void indexRedis.disconnect());
  const { store, index, tombstones } = openStore(config, indexRedis);
  life.stopping('store', () => store.close());
  if (config.store.backend !== 'redis') sweepLeftovers(config.store.path, logger.child({ module: 'store' }));
  const registries = await startRegistries(config.registriesDir, logger, metrics);
  life.stopping('registries watcher', () => registries.close());
  const tokens = new TokensWatcher(config.auth.tokensFile, logger.child({ module: 'tokens' }));
  await tokens.start();
  life.stopping('tokens watcher', () => tokens.close());
  return { redisUrl: redis.url, producer, store, index, tombstones, registries, tokens };
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
