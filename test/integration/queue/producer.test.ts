import test from 'ava';
import { Worker } from 'bullmq';
import {
  IMPORT_QUEUE,
  ImportProducer,
  jobIdFor,
  PRODUCER_TIMEOUT_MS,
  QueueUnavailableError,
  retryDelayMs,
} from '../../../src/queue/index.js';
import { workerConnection } from '../../../src/redis/index.js';
import { waitFor } from '../../helpers/wait.js';
import { TEST_REDIS_URL, redisPrefix } from '../../helpers/redis.js';
import { needs } from '../../helpers/needs.js';

const redisTest = await needs({ redis: true });

const DIGEST = `sha256:${'e'.repeat(64)}`;
const IMAGE = { registry: 'reg.example.com:5000', repository: 'ns/app', digest: DIGEST };

async function producer(t: Parameters<typeof redisPrefix>[0]) {
  const prefix = await redisPrefix(t);
  const p = new ImportProducer({ redisUrl: TEST_REDIS_URL, prefix, attempts: 3 });
  t.teardown(() => p.close());
  return p;
}

test('job ids are derived from the image: no ":" and never all digits', (t) => {
  t.is(jobIdFor(IMAGE), `import-${'e'.repeat(64)}-reg.example.com_5000/ns/app`);
});

redisTest('a burst of identical requests is one job', async (t) => {
  const p = await producer(t);
  const results = await Promise.all(Array.from({ length: 20 }, () => p.enqueue(IMAGE)));
  t.deepEqual(new Set(results.map((r) => r.id)), new Set([jobIdFor(IMAGE)]));
  t.is(await p.queue.count(), 1);
  const status = await p.status(jobIdFor(IMAGE));
  t.like(status, { state: 'waiting', attempts: 0, data: { ...IMAGE, reason: 'import', recheck: 0 } });
});

redisTest('a finished job is replaced by a new one when the image is imported again', async (t) => {
  const p = await producer(t);
  await p.enqueue(IMAGE);
  const connection = workerConnection(TEST_REDIS_URL);
  const worker = new Worker(IMPORT_QUEUE, async () => 'done', { connection, prefix: p.queue.opts.prefix! });
  t.teardown(async () => {
    await worker.close();
    connection.disconnect();
  });
  await waitFor('completion', async () => (await p.status(jobIdFor(IMAGE)))?.state === 'completed');
  await worker.close();
  const again = await p.enqueue({ ...IMAGE, reason: 'resync' });
  t.false(again.deduplicated);
  t.like(await p.status(again.id), { state: 'waiting', data: { reason: 'resync' } });
});

redisTest('invalid job data is rejected before reaching Redis', async (t) => {
  const p = await producer(t);
  await t.throwsAsync(p.enqueue({ ...IMAGE, digest: 'sha256:abc' }), {
    message: /digest must be sha256:<64 lowercase hex>/,
  });
  await t.throwsAsync(p.enqueue({ ...IMAGE, repository: 'ns/../etc' }), {
    message: /invalid repository path/,
  });
  await t.throwsAsync(p.enqueue({ ...IMAGE, registry: 'bad host' }), {
    message: /registry must be a host\[:port\]/,
  });
  t.is(await p.queue.count(), 0);
});

redisTest('an unknown job id has no status', async (t) => {
  const p = await producer(t);
  t.is(await p.status('import-nope'), undefined);
});

test('the producer fails fast when Redis is unreachable', async (t) => {
  const p = new ImportProducer({ redisUrl: 'redis://127.0.0.1:1', prefix: 'x', attempts: 1 });
  t.teardown(() => p.close().catch(() => undefined));
  t.timeout(PRODUCER_TIMEOUT_MS + 5_000); // a hang fails here, not at ava's 120 s
  await t.throwsAsync(p.enqueue(IMAGE), {
    instanceOf: QueueUnavailableError,
    message: `Redis did not answer within ${PRODUCER_TIMEOUT_MS} ms`,
  });
});

test('retry delay: exponential with jitter, capped, never sooner than Retry-After', (t) => {
  t.is(
    retryDelayMs(1, undefined, () => 0),
    500,
  );
  t.is(
    retryDelayMs(1, undefined, () => 1),
    1000,
  );
  t.is(
    retryDelayMs(4, undefined, () => 1),
    8000,
  );
  t.is(
    retryDelayMs(30, undefined, () => 1),
    300_000,
  );
  t.is(
    retryDelayMs(1, { retryAfterMs: 120_000 }, () => 1),
    120_000,
  );
  t.is(
    retryDelayMs(5, { retryAfterMs: 10 }, () => 1),
    16_000,
  );
});
