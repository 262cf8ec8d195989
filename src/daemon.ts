/**
 * Composition root: builds every long-lived part from the config, starts them, and closes them
 * in reverse order. close() is memoised; it continues past errors so nothing is left running.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { LoadedConfig } from './config/index.js';
import { startEmbeddedRedis, type EmbeddedRedis } from './redis/index.js';
import { RegistriesWatcher } from './registries/index.js';

/** A running daemon. */
export interface Daemon {
  readonly registries: RegistriesWatcher;
  readonly redisUrl: string;
  close(): Promise<void>;
}

/** Starts the daemon's parts; the caller wires signals to close(). */
export async function startDaemon(loaded: LoadedConfig, logger: Logger): Promise<Daemon> {
  const { config } = loaded;
  logger.info({ config: loaded.source ?? '(built-in defaults)' }, 'configuration loaded');
  const closers: Array<[string, () => Promise<void>]> = [];
  let embedded: EmbeddedRedis | undefined;
  let redisUrl = config.redis.url;
  if (!redisUrl) {
    embedded = await startEmbeddedRedis(
      path.dirname(path.resolve(config.store.path)),
      logger.child({ module: 'redis' }),
    );
    redisUrl = embedded.url;
    closers.unshift(['redis', () => embedded!.stop()]);
  }
  const registries = new RegistriesWatcher({
    dir: config.registriesDir,
    logger: logger.child({ module: 'registries' }),
  });
  await registries.start();
  closers.unshift(['registries watcher', () => registries.close()]);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      for (const [name, stop] of closers) {
        try {
          await stop();
        } catch (err) {
          logger.error({ err }, `error while stopping ${name}`);
        }
      }
      logger.info('stopped');
    })());
  return { registries, redisUrl, close };
}
