export { startEmbeddedRedis, embeddedRedisUrl, redisAnswers, type EmbeddedRedis } from './embedded.js';
export { indexConnection, producerConnection, workerConnection } from './connection.js';
export {
  createRedis,
  ioredisUrl,
  redact as redactRedisUrl,
  sentinelOptions,
  RedisUrlError,
} from './target.js';
