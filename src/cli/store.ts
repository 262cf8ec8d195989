/**
 * The store the daemon's config names, for commands that read or change it directly, with the
 * image index when its Redis answers (listings need it; writes keep it current).
 */
import { loadDaemonConfig, stateDirOf } from '../config/index.js';
import {
  embeddedRedisUrl,
  indexConnection,
  ioredisUrl,
  redactRedisUrl,
  redisAnswers,
} from '../redis/index.js';
import {
  createFsStore,
  createRedisStore,
  redisImageIndex,
  Tombstones,
  type ImageIndex,
  type SignatureStore,
} from '../store/index.js';
import { CommandError } from './exit-codes.js';
import { warn } from './output.js';

export interface ConfiguredStore {
  readonly store: SignatureStore;
  readonly index: ImageIndex | undefined;
  /** Removed signatures (in the same Redis as the index); undefined without Redis. */
  readonly tombstones: Tombstones | undefined;
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
  if (options.index === 'none') {
    const store = createFsStore({ root: config.store.path });
    return { store, index: undefined, tombstones: undefined, close: () => store.close() };
  }
  const redisUrl = config.redis.url ?? embeddedRedisUrl(stateDirOf(config));
  if (!(await redisAnswers(ioredisUrl(redisUrl)))) {
    const why = `no Redis answers at ${redactRedisUrl(redisUrl)}`;
    if (options.index === 'required')
      throw new CommandError(
        `${why}: the image index lives there (start \`sigmirror serve\` or set redis.url)`,
        'REDIS_UNAVAILABLE',
      );
    if (!options.quiet)
      warn(`${why}: the image index is not updated (run \`sigmirror images reindex\` later)`);
    const store = createFsStore({ root: config.store.path });
    return { store, index: undefined, tombstones: undefined, close: () => store.close() };
  }
  const redis = indexConnection(redisUrl);
  const index = redisImageIndex(redis, config.redis.prefix);
  const store =
    config.store.backend === 'redis'
      ? createRedisStore({ redis, prefix: config.redis.prefix, index })
      : createFsStore({ root: config.store.path, index });
  return {
    store,
    index,
    tombstones: new Tombstones(redis, config.redis.prefix),
    close: async () => {
      await store.close();
      redis.disconnect();
    },
  };
}
