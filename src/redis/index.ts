export {
  startEmbeddedRedis,
  embeddedRedisUrl,
  redisAnswers,
  ioredisUrl,
  type EmbeddedRedis,
} from './embedded.js';
export { indexConnection, producerConnection, workerConnection } from './connection.js';
