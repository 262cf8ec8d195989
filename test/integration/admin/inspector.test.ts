/**
 * QueueInspector against a real Redis: counts and job summaries per state, the resync queue's
 * scheduled run, retry and remove with their refusals, and failing fast when Redis is gone.
 */
import { Queue, Worker } from 'bullmq';
import test, { type ExecutionContext } from 'ava';
import { RESYNC_QUEUE } from '../../../workers/resync.js';
import {
  ImportProducer,
  IMPORT_QUEUE,
  JobStateError,
  PRODUCER_TIMEOUT_MS,
  QueueInspector,
  QueueUnavailableError,
  RESYNC_QUEUE_NAME,
} from '../../../src/queue/index.js';
import { workerConnection } from '../../../src/redis/index.js';
import { TEST_REDIS_URL, redisPrefix } from '../../helpers/redis.js';
import { failedImport } from './failed-job.js';
import { needs } from '../../helpers/needs.js';

const redisTest = await needs({ redis: true });

const image = (c: string) => ({
  registry: 'registry.example.com',
  repository: 'ns/app',
  digest: `sha256:${c.repeat(64)}`,
});
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function setUp(t: ExecutionContext) {
  const prefix = await redisPrefix(t);
  const producer = new ImportProducer({ redisUrl: TEST_REDIS_URL, prefix, attempts: 3 });
  t.teardown(() => producer.close());
  return { prefix, producer, inspector: new QueueInspector(producer) };
}

test('the resync queue name is the one workers/resync.ts uses', (t) => {
  t.is(RESYNC_QUEUE_NAME, RESYNC_QUEUE);
});

redisTest('counts and the newest jobs per state, as plain summaries', async (t) => {
  const s = await setUp(t);
  t.deepEqual(s.inspector.names(), [IMPORT_QUEUE, RESYNC_QUEUE_NAME]);
  await s.producer.enqueue(image('a'));
  await s.producer.enqueue({ ...image('c'), reason: 'periodic' }, { delay: 3_600_000 });
  const failedId = await failedImport(s.producer, s.prefix, image('d'), 'fetch failed');
  // failedImport's worker took the oldest waiting job first: image a's.
  t.deepEqual(await s.inspector.counts(IMPORT_QUEUE), {
    counts: { waiting: 0, active: 0, delayed: 1, prioritized: 0, completed: 0, failed: 2 },
    paused: false,
  });
  const failed = await s.inspector.jobs(IMPORT_QUEUE, 'failed', 20);
  t.deepEqual(
    failed.map((j) => j.id),
    [failedId, `import-${'a'.repeat(64)}-registry.example.com/ns/app`],
  );
  const [newest] = failed;
  t.like(newest, {
    name: 'import',
    state: 'failed',
    reference: `registry.example.com/ns/app@sha256:${'d'.repeat(64)}`,
    reason: 'import',
    attemptsMade: 1,
    attempts: 3,
    dueAt: null,
    failedReason: 'fetch failed',
    scheduled: false,
  });
  for (const field of ['createdAt', 'processedAt', 'finishedAt'] as const)
    t.regex(newest![field]!, ISO, field);
  const [delayed] = await s.inspector.jobs(IMPORT_QUEUE, 'delayed', 20);
  t.like(delayed, {
    state: 'delayed',
    reason: 'periodic',
    processedAt: null,
    finishedAt: null,
    failedReason: null,
  });
  t.is(Date.parse(delayed!.dueAt!) - Date.parse(delayed!.createdAt!), 3_600_000);
  t.is((await s.inspector.jobs(IMPORT_QUEUE, 'failed', 1)).length, 1, 'limit');
});

redisTest(
  "the resync schedule's next run is listed but cannot be removed; an active job neither",
  async (t) => {
    const s = await setUp(t);
    const connection = workerConnection(TEST_REDIS_URL);
    t.teardown(() => connection.disconnect());
    const resync = new Queue(RESYNC_QUEUE, { connection, prefix: s.prefix });
    t.teardown(() => resync.close());
    await resync.upsertJobScheduler('periodic-resync', { every: 3_600_000 }, { name: 'sweep' });
    // The scheduler's first run is due at once (waiting); later ones wait as delayed jobs.
    const [next] = await s.inspector.jobs(RESYNC_QUEUE_NAME, 'waiting', 20);
    t.like(next, { name: 'sweep', state: 'waiting', reference: null, reason: null, scheduled: true });
    const refused = await t.throwsAsync(s.inspector.remove(RESYNC_QUEUE_NAME, next!.id), {
      instanceOf: JobStateError,
    });
    t.is(refused.message, `job ${next!.id} is the resync schedule's next run; it cannot be removed`);

    const { id } = await s.producer.enqueue(image('e'));
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const started = new Promise<void>((resolve) => {
      const worker = new Worker(IMPORT_QUEUE, () => (resolve(), held), { connection, prefix: s.prefix });
      t.teardown(() => worker.close());
    });
    await started;
    await t.throwsAsync(s.inspector.remove(IMPORT_QUEUE, id), {
      instanceOf: JobStateError,
      message: `job ${id} is active: a worker holds it; wait until it finishes`,
    });
    await t.throwsAsync(s.inspector.retry(IMPORT_QUEUE, id), {
      instanceOf: JobStateError,
      message: `job ${id} is active; only a failed job can be retried`,
    });
    release();
  },
);

redisTest('retry resets the attempts; every call fails fast when Redis does not answer', async (t) => {
  const s = await setUp(t);
  const id = await failedImport(s.producer, s.prefix, image('f'), 'boom');
  t.is(await s.inspector.retry(IMPORT_QUEUE, id), 'waiting');
  t.like((await s.inspector.jobs(IMPORT_QUEUE, 'waiting', 20))[0], {
    id,
    attemptsMade: 0,
    failedReason: null,
  });

  const down = new ImportProducer({ redisUrl: 'redis://127.0.0.1:1', prefix: s.prefix, attempts: 1 });
  t.teardown(() => down.close());
  await t.throwsAsync(new QueueInspector(down).counts(IMPORT_QUEUE), {
    instanceOf: QueueUnavailableError,
    message: `Redis did not answer within ${PRODUCER_TIMEOUT_MS} ms`,
  });
});
