/**
 * The signature store a config names (`store.backend`: fs or redis), with the image index and
 * the tombstones when a Redis connection is given. The daemon and every command open it here.
 */
import type { Redis } from 'ioredis';
import type { DaemonConfig } from '../config/index.js';
import {
  createFsStore,
  createRedisStore,
  redisImageIndex,
  Tombstones,
  type ImageIndex,
  type SignatureStore,
} from '../store/index.js';

export interface OpenedStore {
  readonly store: SignatureStore;
  /** The listing index; undefined without Redis. */
  readonly index: ImageIndex | undefined;
  /** Removed signatures (beside the index); undefined without Redis. */
  readonly tombstones: Tombstones | undefined;
}

/** The store opened on a Redis: index and tombstones are there. */
export type WithRedis = { readonly [K in keyof OpenedStore]: NonNullable<OpenedStore[K]> };

/** What openStore reads of the config. */
export type StoreConfig = Pick<DaemonConfig, 'store'> & {
  readonly redis: Pick<DaemonConfig['redis'], 'prefix'>;
};

/**
 * The store on `redis` (index and tombstones included), or the fs store alone without it; the
 * redis backend keeps the signatures themselves in Redis, so it needs the connection.
 */
export function openStore(config: StoreConfig, redis: Redis): WithRedis;
export function openStore(config: StoreConfig, redis?: undefined): OpenedStore;
export function openStore(config: StoreConfig, redis?: Redis): OpenedStore {
  if (!redis) {
    if (config.store.backend === 'redis') throw new Error('store.backend redis needs a Redis connection');
    return { store: createFsStore({ root: config.store.path }), index: undefined, tombstones: undefined };
  }
  const { prefix } = config.redis;
  const index = redisImageIndex(redis, prefix);
  const store =
    config.store.backend === 'redis'
      ? createRedisStore({ redis, prefix, index })
      : createFsStore({ root: config.store.path, index, groupCommit: config.store.groupCommit });
  return { store, index, tombstones: new Tombstones(redis, prefix) };
}
