/**
 * `import --wait` that runs out of time names what it was still waiting for, with the state each
 * job was last seen in (a delayed job with its due time, failed attempts with their error), so
 * an admin sees why. Real Redis; no worker, and a timeout shorter than the no-worker grace.
 */
import { CommandError } from '../../../src/cli/exit-codes.js';
import { NO_WORKER_GRACE_MS, waitForFirstAttempts } from '../../../src/cli/import-wait.js';
import { Worker } from 'bullmq';
import { IMPORT_QUEUE, ImportProducer, workerConnection } from '../../../src/queue/index.js';
import { needs } from '../../helpers/needs.js';
import { TEST_REDIS_URL, redisPrefix } from '../../helpers/redis.js';
import { waitFor } from '../../helpers/wait.js';

const test = await needs({ redis: true });

const REGISTRY = 'reg.example.com';
const HOUR = 3_600_000;
const TIMEOUT_MS = 600;

test('a timeout names the first five pending images, how each was last seen, and how many more', async (t) => {
  const prefix = await redisPrefix(t);
  const producer = new ImportProducer({ redisUrl: TEST_REDIS_URL, prefix, attempts: 3 });
  t.teardown(() => producer.close());
  const images = Array.from({ length: 6 }, (_, n) => ({
    registry: REGISTRY,
    repository: `ns/app${n}`,
    digest: `sha256:${String(n).repeat(64)}`,
  }));
  const jobs: Array<{ id: string; enqueueId: string | undefined }> = [{ id: 'import-gone', enqueueId: 'x' }];
  const dueAt: string[] = [];
  for (const [n, image] of images.entries()) {
    const r = await producer.enqueue({ ...image, reason: 'periodic' }, { delay: (n + 1) * HOUR });
    jobs.push({ id: r.id, enqueueId: r.enqueueId });
    const status = await producer.status(r.id);
    dueAt.push(new Date(status!.runAt!).toISOString());
  }
  t.true(TIMEOUT_MS < NO_WORKER_GRACE_MS, 'the timeout comes before the no-worker check');
  const err = await t.throwsAsync(
    waitForFirstAttempts(producer, jobs, {
      timeoutMs: TIMEOUT_MS,
      recheckDelaysMs: [],
      queueName: 'q',
      progress: undefined,
    }),
    { instanceOf: CommandError },
  );
  t.is(err.code, 'WAIT_TIMEOUT');
  const named = [0, 1, 2, 3].map(
    (n) => `${REGISTRY}/ns/app${n}@sha256:${String(n).repeat(64)} (delayed, periodic, due ${dueAt[n]})`,
  );
  t.is(
    err.message,
    `gave up waiting after 0.6 s (0/7 ended); still pending: job import-gone (not in the queue), ${named.join(', ')} and 2 more`,
  );
});

test('a pending image whose attempts failed is named with the last error', async (t) => {
  const prefix = await redisPrefix(t);
  const producer = new ImportProducer({ redisUrl: TEST_REDIS_URL, prefix, attempts: 3 });
  t.teardown(() => producer.close());
  const image = { registry: REGISTRY, repository: 'ns/flaky', digest: `sha256:${'a'.repeat(64)}` };
  const r = await producer.enqueue(image);
  const connection = workerConnection(TEST_REDIS_URL);
  const worker = new Worker(
    IMPORT_QUEUE,
    async () => {
      throw new Error('upstream said 503');
    },
    { connection, prefix, settings: { backoffStrategy: () => HOUR } },
  );
  t.teardown(async () => {
    await worker.close();
    connection.disconnect();
  });
  const status = await waitFor('the retry scheduled', async () => {
    const s = await producer.status(r.id);
    return s?.state === 'delayed' ? s : undefined;
  });
  await worker.close();
  const err = await t.throwsAsync(
    waitForFirstAttempts(producer, [{ id: r.id, enqueueId: r.enqueueId }], {
      timeoutMs: TIMEOUT_MS,
      recheckDelaysMs: [],
      queueName: 'q',
      progress: undefined,
    }),
    { instanceOf: CommandError },
  );
  t.is(
    err.message,
    `gave up waiting after 0.6 s (0/1 ended); still pending: ${REGISTRY}/ns/flaky@sha256:${'a'.repeat(64)} ` +
      `(delayed, import, due ${new Date(status.runAt!).toISOString()}, 1 attempt(s) failed: upstream said 503)`,
  );
});
