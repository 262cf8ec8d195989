export { startEmbeddedRedis, redisAnswers, ioredisUrl, type EmbeddedRedis } from './embedded.js';
