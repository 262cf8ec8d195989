/**
 * The store the daemon's config names, for commands that read or change it directly, with the
 * image index when its Redis answers (listings need it; writes keep it current).
 */
import { loadDaemonConfig } from '../config/index.js';
import { indexConnection, ioredisUrl, redactRedisUrl, redisAnswers } from '../redis/index.js';
import { openStore, redisUrlFor, type OpenedStore } from '../wiring/index.js';
import { CommandError } from './exit-codes.js';
import { warn } from './output.js';

export interface ConfiguredStore extends OpenedStore {
  close(): Promise<void>;
}

/**
 * `index: 'required'` fails without Redis; `'optional'` warns that the listing index was not
 * updated (reads and writes of signatures never need Redis); `'none'` is for read-only commands.
 */
export async function openConfiguredStore(
  configFile: string | undefined,
  options: { index: 'required' | 'optional' | 'none'; quiet?: boolean },
): Promise<ConfiguredStore> {
  const { config } = loadDaemonConfig(configFile);
  // The redis backend keeps the signatures themselves in Redis: it is always required.
  if (config.store.backend === 'redis') options = { index: 'required' };
  if (options.index === 'none') return withoutRedis(openStore(config));
  const redisUrl = redisUrlFor(config);
  if (!(await redisAnswers(ioredisUrl(redisUrl)))) {
    const why = `no Redis answers at ${redactRedisUrl(redisUrl)}`;
    if (options.index === 'required')
      throw new CommandError(
        `${why}: the image index lives there (start \`sigmirror serve\` or set redis.url)`,
        'REDIS_UNAVAILABLE',
      );
    if (!options.quiet)
      warn(`${why}: the image index is not updated (run \`sigmirror images reindex\` later)`);
    return withoutRedis(openStore(config));
  }
  const redis = indexConnection(redisUrl);
  const opened = openStore(config, redis);
  return {
    ...opened,
    close: async () => {
      await opened.store.close();
      redis.disconnect();
    },
  };
}

const withoutRedis = (opened: OpenedStore): ConfiguredStore => ({
  ...opened,
  close: () => opened.store.close(),
});
