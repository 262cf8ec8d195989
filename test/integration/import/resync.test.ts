import { needs } from '../../helpers/needs.js';
import { pino } from 'pino';
import { waitForFirstAttempts } from '../../../src/cli/import-wait.js';
import { jobIdFor, type EnqueueResult } from '../../../src/queue/index.js';
import { startResync, sweep } from '../../../workers/resync.js';
import { REGISTRY, startPipeline } from '../../helpers/pipeline.js';
import { TEST_REDIS_URL } from '../../helpers/redis.js';
import { bytesHandler, startUpstream } from '../../helpers/upstream.js';
import { readVector } from '../../helpers/vectors.js';
import { waitFor } from '../../helpers/wait.js';

const test = await needs({ redis: true });

const SIG1 = readVector('containers-image/image.signature');
const SIG2 = readVector('containers-image/no-optional-fields.signature');
const image = (n: number) => ({
  registry: REGISTRY,
  repository: `ns/app${n}`,
  digest: `sha256:${String(n).repeat(64)}`,
});
const sigPath = (n: number, i: number) => `/ns/app${n}@sha256=${String(n).repeat(64)}/signature-${i}`;

type Pipeline = Awaited<ReturnType<typeof startPipeline>>;

/** One sweep of the pipeline's store, its clock `aheadMs` ahead of now (an hour's interval by default). */
function sweepAhead(
  p: Pipeline,
  aheadMs: number,
  { spacingMs = 0, intervalMs = 3_600_000, producer = p.producer } = {},
) {
  return sweep({
    store: p.store,
    producer,
    registries: () => p.registries.current().config,
    intervalMs,
    spacingMs,
    logger: pino({ level: 'silent' }),
    now: () => Date.now() + aheadMs,
  });
}

test('the periodic resync picks up signatures a publisher added to known images later', async (t) => {
  const up = await startUpstream(t);
  for (const n of [1, 2]) up.routes.set(sigPath(n, 1), bytesHandler(SIG1));
  const p = await startPipeline(t, { upstreamBase: up.base });
  for (const n of [1, 2]) await p.producer.enqueue(image(n));
  await waitFor(
    'first imports',
    async () => (await p.store.list(image(1))).length === 1 && (await p.store.list(image(2))).length === 1,
  );
  for (const n of [1, 2]) up.routes.set(sigPath(n, 2), bytesHandler(SIG2)); // e.g. a new post-quantum signature
  const resync = await startResync({
    redisUrl: TEST_REDIS_URL,
    prefix: p.prefix,
    intervalMs: 300,
    spacingMs: 50,
    store: p.store,
    producer: p.producer,
    registries: () => p.registries.current().config,
    logger: pino({ level: 'silent' }),
  });
  t.teardown(() => resync.close());
  await waitFor(
    'resync to append',
    async () => (await p.store.list(image(1))).length === 2 && (await p.store.list(image(2))).length === 2,
    15_000,
  );
  t.deepEqual(
    (await p.store.list(image(2))).map((e) => e.index),
    [1, 2],
  );
});

test('a sweep spaces the images of one upstream host', async (t) => {
  const up = await startUpstream(t);
  const p = await startPipeline(t, { upstreamBase: up.base });
  await p.worker.worker.pause();
  for (const n of [1, 2, 3]) await p.store.append(image(n), [{ bytes: SIG1 }], { origin: 'import' });
  // A day later: every image is due again.
  const r = await sweepAhead(p, 86_400_000, { spacingMs: 60_000, intervalMs: 86_400_000 });
  t.is(r.images, 3);
  const delays = (await p.producer.queue.getJobs(['delayed', 'waiting']))
    .map((j) => j.opts.delay ?? 0)
    .sort((a, b) => a - b);
  t.deepEqual(delays, [0, 60_000, 120_000]);
});

test('a sweep enqueues only the images due: never imported, or imported an interval ago', async (t) => {
  const up = await startUpstream(t);
  const p = await startPipeline(t, { upstreamBase: up.base });
  if (!p) return;
  await p.worker.worker.pause();
  for (const n of [1, 2]) await p.store.append(image(n), [{ bytes: SIG1 }], { origin: 'import' });
  await p.store.append(image(3), [{ bytes: SIG2 }], { origin: 'upload' }); // never imported
  const at = (ms: number) => sweepAhead(p, ms);
  t.deepEqual(await at(0), { images: 1, current: 2 });
  const queued = await p.producer.queue.getJobs(['delayed', 'waiting']);
  t.deepEqual(
    queued.map((j) => j.data.repository),
    ['ns/app3'],
  );
  t.deepEqual(await at(3_600_000), { images: 3, current: 0 });
});

test('an image whose import failed is not re-enqueued before an interval has passed', async (t) => {
  const up = await startUpstream(t);
  up.routes.set(sigPath(4, 1), (_req, res) => res.writeHead(403).end()); // fails at once
  const p = await startPipeline(t, { upstreamBase: up.base });
  if (!p) return;
  await p.store.append(image(4), [{ bytes: SIG1 }], { origin: 'upload' }); // known, never imported
  await p.producer.enqueue(image(4));
  await waitFor(
    'the import to fail',
    async () => (await p.producer.status(jobIdFor(image(4))))?.state === 'failed',
  );
  const at = (ms: number) => sweepAhead(p, ms);
  t.deepEqual(await at(0), { images: 0, current: 1 });
  t.is(up.requests.length, 1);
  t.deepEqual(await at(3_600_000), { images: 1, current: 0 });
});

test('an explicit import that ends between the due check and the enqueue is kept, not replaced by the sweep', async (t) => {
  // The sweep read the image's last end (long ago) and found it due; before its enqueue, an
  // explicit import ran and ended. Replacing that finished job would hide its result from
  // `import --wait`, which would then wait for the periodic job's far slot (CI: 120 s timeout).
  const up = await startUpstream(t);
  up.routes.set(sigPath(5, 1), bytesHandler(SIG1));
  const p = await startPipeline(t, { upstreamBase: up.base });
  await p.store.append(image(5), [{ bytes: SIG1 }], { origin: 'import' });
  let explicit: EnqueueResult | undefined;
  const racing = new Proxy(p.producer, {
    get(target, prop) {
      if (prop === 'status')
        return async (id: string) => {
          const before = await target.status(id);
          explicit ??= await target.enqueue(image(5));
          await waitFor('the explicit import', async () => (await target.status(id))?.state === 'completed');
          return before;
        };
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const r = await sweepAhead(p, 3_600_000, { spacingMs: 60_000, producer: racing });
  t.deepEqual(r, { images: 0, current: 1 });
  t.like(await p.producer.status(jobIdFor(image(5))), {
    state: 'completed',
    data: { reason: 'import', enqueueId: explicit!.enqueueId },
  });
});

test('import --wait learns how its import ended though the periodic resync replaced the job before it looked', async (t) => {
  // A slow waiter (a CLI still enqueuing the rest of a long --from-file, a loaded machine) reads
  // the image's job after the next sweep found it due again and replaced the finished job with
  // its own: CI once waited 120 s for such a periodic job, spaced minutes out.
  const up = await startUpstream(t);
  up.routes.set(sigPath(6, 1), bytesHandler(SIG1));
  const p = await startPipeline(t, { upstreamBase: up.base });
  const explicit = await p.producer.enqueue(image(6));
  await waitFor('the import', async () => (await p.producer.status(explicit.id))?.state === 'completed');
  await p.worker.worker.pause();
  const r = await sweepAhead(p, 3_600_000, { spacingMs: 60_000 });
  t.deepEqual(r, { images: 1, current: 0 });
  t.like(await p.producer.status(explicit.id), { state: 'waiting', data: { reason: 'periodic' } });
  const outcomes = await waitForFirstAttempts(
    p.producer,
    [{ id: explicit.id, enqueueId: explicit.enqueueId }],
    {
      timeoutMs: 3_000,
      recheckDelaysMs: [],
      queueName: 'the test queue',
      progress: undefined,
    },
  );
  t.like(outcomes.get(explicit.id), {
    kind: 'imported',
    status: {
      state: 'completed',
      data: { reason: 'import', enqueueId: explicit.enqueueId },
      result: { fetched: 1 },
    },
  });
});
