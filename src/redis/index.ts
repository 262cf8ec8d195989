export {
  startEmbeddedRedis,
  embeddedRedisUrl,
  redisAnswers,
  ioredisUrl,
  type EmbeddedRedis,
} from './embedded.js';
export { producerConnection, workerConnection } from './connection.js';
