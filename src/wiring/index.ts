export { redisFor, redisUrlFor, type DaemonRedis } from './redis.js';
export { openStore, type OpenedStore, type StoreConfig } from './store.js';
