/** The Redis backend runs the same conformance suite as the filesystem backend. */
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { indexConnection } from '../../src/redis/index.js';
import { createRedisStore, redisImageIndex } from '../../src/store/index.js';
import { runStoreConformance } from '../conformance/store.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';
import { needs } from '../helpers/needs.js';

const test = await needs({ redis: true });

runStoreConformance(test, async () => {
  const prefix = `sigmirror-test-store-${randomBytes(6).toString('hex')}`;
  const redis = indexConnection(TEST_REDIS_URL);
  return {
    store: createRedisStore({ redis, prefix, index: redisImageIndex(redis, prefix) }),
    cleanup: async () => {
      const admin = new Redis(TEST_REDIS_URL);
      try {
        const keys = await admin.keys(`${prefix}*`);
        if (keys.length) await admin.del(...keys);
      } finally {
        admin.disconnect();
        redis.disconnect();
      }
    },
  };
});
