/**
 * Fault: Redis (with an append-only file, as production runs it) is shut down and started again
 * in the middle of an import. The workers reconnect and the import completes: every image equals
 * the upstream, nothing lost or duplicated, no job failed for good.
 */
import path from 'node:path';
import { needs } from '../../helpers/needs.js';
import {
  enqueueAll,
  FAULT_REGISTRY,
  jobCounts,
  manyImagesUpstream,
  startWorker,
  storeDifferences,
  workerRunning,
  privateRedisServer,
  redisPingAnswers,
} from '../../helpers/faults.js';
import { freePort } from '../../helpers/ports.js';
import { sh } from '../../helpers/real-clients.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';

const test = await needs({ tools: ['redis-cli', 'redis-server'] });

const IMAGES = 2_000;

test(`Redis restarted during a ${IMAGES}-image import: it completes with nothing lost or duplicated`, async (t) => {
  t.timeout(240_000);
  const dir = await tempDir(t);
  const port = await freePort();
  const redisUrl = `redis://127.0.0.1:${port}`;
  let redis = privateRedisServer(t, port, dir);
  await waitFor('redis-server', () => redisPingAnswers(port), 10_000);
  const upstream = await manyImagesUpstream(t, IMAGES, 2);
  await writeTree(dir, {
    'rd/up.yaml': `docker:\n  ${FAULT_REGISTRY}:\n    lookaside: ${upstream.base}\n`,
    'sigmirror.yaml': [
      `redis:\n  url: ${redisUrl}\n  prefix: faults`,
      `registriesDir: ${dir}/rd`,
      `store:\n  path: ${dir}/store`,
      `import:\n  concurrency: 16\n  lockDurationMs: 2000\n  recheckDelaysMs: []\n  resyncIntervalMs: 0`,
      'log:\n  level: info',
      '',
    ].join('\n'),
  });
  await enqueueAll(redisUrl, 'faults', IMAGES);
  const worker = startWorker(t, path.join(dir, 'sigmirror.yaml'));
  await workerRunning(worker);
  await waitFor(
    'a third imported',
    async () => ((await jobCounts(redisUrl, 'faults')).completed ?? 0) >= IMAGES / 3,
    60_000,
  );

  await sh('redis-cli', ['-p', String(port), 'shutdown']); // graceful: the append-only file is flushed
  if (redis.exitCode === null && redis.signalCode === null)
    await new Promise((resolve) => redis.once('exit', resolve));
  // Down while jobs are in flight: restart only once the worker has seen the outage.
  const errorsBefore = worker.log().split('import worker error').length;
  await waitFor(
    'the worker to see Redis gone',
    () => worker.log().split('import worker error').length > errorsBefore,
    20_000,
  );
  redis = privateRedisServer(t, port, dir);
  await waitFor('redis-server again', () => redisPingAnswers(port), 10_000);

  await waitFor(
    'every import done',
    async () => {
      const c = await jobCounts(redisUrl, 'faults');
      return (c.completed ?? 0) + (c.failed ?? 0) === IMAGES && c.active === 0;
    },
    180_000,
  );
  t.is(worker.exitCode, null, 'the worker survived the outage');
  const counts = await jobCounts(redisUrl, 'faults');
  t.is(counts.failed, 0);
  t.is(counts.completed, IMAGES);
  t.deepEqual(await storeDifferences(path.join(dir, 'store'), IMAGES), []);
});
