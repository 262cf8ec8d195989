import test from 'ava';
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  IMPORT_QUEUE,
  ImportProducer,
  jobIdFor,
  PRODUCER_TIMEOUT_MS,
  ENQUEUE_LOCK_MS,
  ENDED_RECORD_S,
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

function redisClient(t: Parameters<typeof redisPrefix>[0]) {
  const client = new Redis(TEST_REDIS_URL);
  t.teardown(() => client.disconnect());
  return client;
}

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

/** Every image with a completed import, as after a bulk import: the next request replaces its job. */
async function completedImages(t: Parameters<typeof redisPrefix>[0], p: ImportProducer, n: number) {
  const images = Array.from({ length: n }, (_, i) => ({
    ...IMAGE,
    digest: `sha256:${i.toString(16).padStart(64, '0')}`,
  }));
  for (const image of images) await p.enqueue(image);
  const connection = workerConnection(TEST_REDIS_URL);
  const worker = new Worker(IMPORT_QUEUE, async () => ({ fetched: 1 }), {
    connection,
    prefix: p.queue.opts.prefix!,
    concurrency: 50,
  });
  t.teardown(async () => {
    await worker.close();
    connection.disconnect();
  });
  await waitFor('every import completed', async () => (await p.queue.getCompletedCount()) === n);
  await worker.close();
  return images;
}

redisTest(
  'an explicit import racing a resync sweep over a finished job never ends up behind the sweep',
  async (t) => {
    // The sweep's add can land between the import's removal of the finished job and its own add:
    // BullMQ then ignores the import's add. The import must join the sweep's job and make it due
    // (CI once waited 120 s for an image whose periodic job had been spaced 15 minutes out).
    t.timeout(60_000);
    const p = await producer(t);
    const sweep = new ImportProducer({ redisUrl: TEST_REDIS_URL, prefix: p.queue.opts.prefix!, attempts: 3 });
    t.teardown(() => sweep.close());
    const images = await completedImages(t, p, 300);
    const results = await Promise.all(
      images.map(async (image, i) => {
        const explicit = new Promise((r) => setTimeout(r, i % 3)).then(() => p.enqueue(image));
        await sweep.enqueue({ ...image, reason: 'periodic' }, { delay: 3_600_000 });
        return explicit;
      }),
    );
    const behind: string[] = [];
    for (const r of results) {
      const status = await p.status(r.id);
      if (!status || status.data.enqueueId !== r.enqueueId) behind.push(`${r.id}: not the job it reported`);
      else if (status.state === 'delayed' || status.data.reason !== 'import')
        behind.push(`${r.id}: ${status.state} ${status.data.reason}`);
    }
    t.deepEqual(behind, []);
    const client = redisClient(t);
    t.deepEqual(await client.keys(`${p.queue.opts.prefix!}:enqueue-lock:*`), [], 'every lock released');
  },
);

redisTest(
  'a lock left by a producer killed while enqueuing delays that image only until it expires',
  async (t) => {
    const p = await producer(t);
    const client = redisClient(t);
    const left = `${p.queue.opts.prefix!}:enqueue-lock:${jobIdFor(IMAGE)}`;
    await client.set(left, 'a killed producer', 'PX', 300);
    const other = await p.enqueue({ ...IMAGE, digest: `sha256:${'f'.repeat(64)}` });
    t.is(await client.get(left), 'a killed producer', 'another image does not wait for it');
    t.like(await p.status(other.id), { state: 'waiting' });
    const r = await p.enqueue(IMAGE);
    t.is(await client.exists(left), 0);
    t.false(r.deduplicated);
    t.like(await p.status(r.id), { state: 'waiting', data: { enqueueId: r.enqueueId } });
    t.true(ENQUEUE_LOCK_MS < PRODUCER_TIMEOUT_MS, 'an expiring lock never makes an enqueue time out');
  },
);

redisTest(
  'background work keeps a job that ended after keepEndedAfter, and replaces one that ended before',
  async (t) => {
    const p = await producer(t);
    const [image] = await completedImages(t, p, 1);
    const ended = await p.status(jobIdFor(image!));
    const finishedAt = ended!.finishedAt!;
    const periodic = { ...image!, reason: 'periodic' } as const;
    t.deepEqual(await p.enqueue(periodic, { delay: 60_000, keepEndedAfter: finishedAt - 1 }), {
      id: ended!.id,
      deduplicated: true,
      enqueueId: ended!.data.enqueueId,
      recentlyEnded: true,
    });
    t.like(await p.status(ended!.id), { state: 'completed', data: { enqueueId: ended!.data.enqueueId } });
    const r = await p.enqueue(periodic, { delay: 60_000, keepEndedAfter: finishedAt });
    t.like(r, { deduplicated: false, recentlyEnded: undefined });
    t.like(await p.status(ended!.id), {
      state: 'delayed',
      data: { reason: 'periodic', enqueueId: r.enqueueId },
    });
  },
);

redisTest(
  'a finished job replaced by a later enqueue leaves its end readable by its enqueueId for a day',
  async (t) => {
    const p = await producer(t);
    const [image] = await completedImages(t, p, 1);
    const ended = (await p.status(jobIdFor(image!)))!;
    t.is(await p.endedStatus(ended.data.enqueueId!), undefined, 'not replaced yet: status() has it');
    const r = await p.enqueue({ ...image!, reason: 'periodic' }, { delay: 60_000 });
    t.like(await p.status(r.id), { state: 'delayed', data: { enqueueId: r.enqueueId } });
    t.deepEqual(await p.endedStatus(ended.data.enqueueId!), ended);
    const client = redisClient(t);
    const key = `${p.queue.opts.prefix!}:import-ended:${ended.data.enqueueId!}`;
    const ttl = await client.ttl(key);
    t.true(ttl > ENDED_RECORD_S - 60 && ttl <= ENDED_RECORD_S, `ttl ${ttl}`);
    t.is(ENDED_RECORD_S, 24 * 3600);
    t.is(await p.endedStatus(r.enqueueId!), undefined, 'a pending job has no recorded end');
    for (const junk of ['not json', '{"id":"x","state":"completed"}'])
      await client
        .set(key, junk)
        .then(async () => t.is(await p.endedStatus(ended.data.enqueueId!), undefined, junk));
  },
);

redisTest('a failed job replaced by a later enqueue leaves its error readable', async (t) => {
  const p = await producer(t);
  await p.enqueue(IMAGE);
  const connection = workerConnection(TEST_REDIS_URL);
  const worker = new Worker(
    IMPORT_QUEUE,
    () => Promise.reject(new UnrecoverableError('upstream answered 403')),
    { connection, prefix: p.queue.opts.prefix! },
  );
  t.teardown(async () => {
    await worker.close();
    connection.disconnect();
  });
  await waitFor('the failure', async () => (await p.status(jobIdFor(IMAGE)))?.state === 'failed');
  await worker.close();
  const failed = (await p.status(jobIdFor(IMAGE)))!;
  await p.enqueue({ ...IMAGE, reason: 'periodic' }, { delay: 60_000 });
  t.deepEqual(await p.endedStatus(failed.data.enqueueId!), failed);
  t.like(failed, { state: 'failed', error: 'upstream answered 403', data: { reason: 'import' } });
});

redisTest(
  'an enqueue that reads a job just as it finishes neither replaces it as long finished nor loses its result',
  async (t) => {
    // Read job-then-state, a job finishing between the two reads was "completed" with no end time
    // and no result: the sweep's keepEndedAfter saw it as ended long ago and replaced it (CI under
    // load: import --wait reported an import of two signatures as "no signature found yet").
    const p = await producer(t);
    const explicit = await p.enqueue(IMAGE);
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const connection = workerConnection(TEST_REDIS_URL);
    const worker = new Worker(IMPORT_QUEUE, async () => held.then(() => ({ fetched: 2 })), {
      connection,
      prefix: p.queue.opts.prefix!,
    });
    t.teardown(async () => {
      await worker.close();
      connection.disconnect();
    });
    await waitFor('the import running', async () => (await p.status(explicit.id))?.state === 'active');
    const getJob = p.queue.getJob.bind(p.queue);
    const observer = new ImportProducer({
      redisUrl: TEST_REDIS_URL,
      prefix: p.queue.opts.prefix!,
      attempts: 3,
    });
    t.teardown(() => observer.close());
    p.queue.getJob = async (id: string) => {
      p.queue.getJob = getJob; // the first read only
      const job = await getJob(id);
      release();
      await waitFor('the import to end', async () => (await observer.status(id))?.state === 'completed');
      return job;
    };
    await p.enqueue(
      { ...IMAGE, reason: 'periodic' },
      { delay: 60_000, keepEndedAfter: Date.now() - 3_600_000 },
    );
    t.like(await p.status(explicit.id), {
      state: 'completed',
      data: { reason: 'import', enqueueId: explicit.enqueueId },
      result: { fetched: 2 },
    });
  },
);
