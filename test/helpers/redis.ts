/**
 * The test Redis: $SIGMIRROR_TEST_REDIS_URL or 127.0.0.1:6379 (.ci/run starts one when none
 * answers). Each test gets a unique key prefix, deleted when it ends.
 */
import { randomBytes } from 'node:crypto';
import type { ExecutionContext } from 'ava';
import { Redis } from 'ioredis';
import { redisAnswers } from '../../src/redis/index.js';

export const TEST_REDIS_URL = process.env.SIGMIRROR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A unique prefix whose keys are removed after the test. Declare the test through
 * `needs({ redis: true })` (helpers/needs.ts): without Redis this throws, it never passes silently.
 */
export async function redisPrefix(t: ExecutionContext): Promise<string> {
  if (!(await redisAnswers(TEST_REDIS_URL)))
    throw new Error(`no Redis at ${TEST_REDIS_URL}: declare this test with needs({ redis: true })`);
  const prefix = `sigmirror-test-${randomBytes(6).toString('hex')}`;
  t.teardown(() => deleteKeys(`${prefix}*`));
  return prefix;
}

async function deleteKeys(pattern: string): Promise<void> {
  const client = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
