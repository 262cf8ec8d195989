/**
 * Fault: the only worker is SIGKILLed 5 times during a 10,000-image import from a local upstream;
 * each time a new one starts. The store must end equal to the upstream exactly (every image,
 * every signature, byte for byte; nothing missing, nothing duplicated).
 */
import path from 'node:path';
import { needs } from '../../helpers/needs.js';
import { TEST_REDIS_URL, redisPrefix } from '../../helpers/redis.js';
import {
  enqueueAll,
  FAULT_REGISTRY,
  jobCounts,
  manyImagesUpstream,
  startWorker,
  storeDifferences,
  workerRunning,
} from '../../helpers/faults.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';

const test = await needs({ redis: true });

const IMAGES = 10_000;
const KILLS = 5;

test(`${KILLS} SIGKILLs during a ${IMAGES}-image import: the store equals the upstream`, async (t) => {
  t.timeout(300_000);
  const prefix = await redisPrefix(t);
  const dir = await tempDir(t);
  const upstream = await manyImagesUpstream(t, IMAGES);
  await writeTree(dir, {
    'rd/up.yaml': `docker:\n  ${FAULT_REGISTRY}:\n    lookaside: ${upstream.base}\n`,
    'sigmirror.yaml': [
      `redis:\n  url: ${TEST_REDIS_URL}\n  prefix: ${prefix}`,
      `registriesDir: ${dir}/rd`,
      `store:\n  path: ${dir}/store`,
      `import:\n  concurrency: 32\n  lockDurationMs: 1000\n  recheckDelaysMs: []\n  resyncIntervalMs: 0`,
      'log:\n  level: info',
      '',
    ].join('\n'),
  });
  const config = path.join(dir, 'sigmirror.yaml');
  await enqueueAll(TEST_REDIS_URL, prefix, IMAGES);
  let worker = startWorker(t, config);
  await workerRunning(worker);
  const completed = async () => (await jobCounts(TEST_REDIS_URL, prefix)).completed ?? 0;
  for (let kill = 1; kill <= KILLS; kill++) {
    // Kill at evenly spaced points of progress, while jobs are in flight.
    const target = Math.floor((IMAGES * kill) / (KILLS + 1));
    await waitFor(`${target} imports done`, async () => (await completed()) >= target, 120_000);
    worker.kill('SIGKILL');
    await new Promise((resolve) => worker.once('exit', resolve));
    worker = startWorker(t, config);
    await workerRunning(worker);
  }
  await waitFor('every import done', async () => (await completed()) === IMAGES, 180_000);
  const counts = await jobCounts(TEST_REDIS_URL, prefix);
  t.is(counts.failed, 0);
  t.deepEqual(await storeDifferences(path.join(dir, 'store'), IMAGES), []);
});
