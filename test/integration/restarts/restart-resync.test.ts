/**
 * A restart costs no upstream traffic: a real `sigmirror serve` process starts on a store of
 * 10,000 images imported a minute ago (and one imported 25 hours ago) with a fresh Redis prefix,
 * as after a restart or a Redis loss. Its start-up sweep must enqueue the one stale image and
 * nothing else. Instead of watching the upstream for a real minute, the test checks what decides
 * that minute: no import job is queued or delayed, and a sweep run with the clock a minute ahead
 * finds nothing due either (the next sweep is RESYNC tick = interval/24 away).
 */
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { ImportProducer } from '../../../src/queue/index.js';
import { RegistriesWatcher } from '../../../src/registries/index.js';
import { createFsStore } from '../../../src/store/index.js';
import { sweep } from '../../../workers/resync.js';
import { startDaemonProcess } from '../../helpers/daemon.js';
import { FAULT_REGISTRY, imageDigest, jobCounts } from '../../helpers/faults.js';
import { TEST_REDIS_URL } from '../../helpers/redis.js';
import { startUpstream } from '../../helpers/upstream.js';
import { waitFor } from '../../helpers/wait.js';
import { needs } from '../../helpers/needs.js';

const test = await needs({ redis: true });

const KNOWN = 10_000;
const MINUTE = 60_000;
const STALE = KNOWN; // image number of the one imported 25 hours ago

/** The fs store's metadata of an image last imported at `at` (no signatures: the sweep only reads the time). */
async function knownImage(metaRoot: string, n: number, at: Date): Promise<void> {
  const dir = path.join(metaRoot, FAULT_REGISTRY, 'ns');
  await writeFile(
    path.join(dir, `app${n}@sha256=${imageDigest(n).slice(7)}.json`),
    JSON.stringify({ version: 1, signatures: [], lastImportAt: at.toISOString(), source: null }),
  );
}

test('a restart with 10,000 images resynced a minute ago sends no upstream request', async (t) => {
  t.timeout(180_000);
  const upstream = await startUpstream(t);
  const daemon = await startDaemonProcess(t, {
    registries: { 'up.yaml': `docker:\n  ${FAULT_REGISTRY}:\n    lookaside: ${upstream.base}\n` },
    config: 'import: { recheckDelaysMs: [] }\nlog: { level: info }',
    prepare: async (dir) => {
      const metaRoot = path.join(dir, 'store-meta');
      await mkdir(path.join(metaRoot, FAULT_REGISTRY, 'ns'), { recursive: true });
      const aMinuteAgo = new Date(Date.now() - MINUTE);
      for (let n = 0; n < KNOWN; n += 500)
        await Promise.all(Array.from({ length: 500 }, (_, k) => knownImage(metaRoot, n + k, aMinuteAgo)));
      await knownImage(metaRoot, STALE, new Date(Date.now() - 25 * 60 * MINUTE));
    },
  });
  if (!daemon) return;
  const swept = await waitFor(
    'the start-up sweep',
    () => /"current":(\d+),"hosts":\d+,"msg":"periodic resync enqueued"/.exec(daemon.log()),
    120_000,
  );
  t.is(swept[1], String(KNOWN), daemon.log().slice(-2000));
  t.regex(daemon.log(), /"images":1,"current":10000,"hosts":1,"msg":"periodic resync enqueued"/);
  const stalePath = `/ns/app${STALE}@sha256=${imageDigest(STALE).slice(7)}/signature-1`;
  await waitFor('the stale image to be re-read', () => upstream.requests.includes(stalePath), 30_000);
  await waitFor(
    'its job to end',
    async () => (await jobCounts(TEST_REDIS_URL, daemon.prefix)).completed === 1,
  );
  t.deepEqual(upstream.requests, [stalePath]);
  const counts = await jobCounts(TEST_REDIS_URL, daemon.prefix);
  t.like(counts, { waiting: 0, active: 0, delayed: 0, prioritized: 0, failed: 0 });

  // The next minute: a sweep with the clock a minute ahead finds nothing due.
  const registries = new RegistriesWatcher({ dir: path.join(daemon.dir, 'rd'), pollIntervalMs: 0 });
  await registries.start();
  const producer = new ImportProducer({ redisUrl: TEST_REDIS_URL, prefix: daemon.prefix, attempts: 1 });
  t.teardown(async () => {
    await producer.close();
    await registries.close();
  });
  const ahead = await sweep({
    store: createFsStore({ root: daemon.storeDir }),
    producer,
    registries: () => registries.current().config,
    intervalMs: 86_400_000,
    spacingMs: 1_000,
    logger: pino({ level: 'silent' }),
    now: () => Date.now() + MINUTE,
  });
  t.deepEqual(ahead, { images: 0, current: KNOWN + 1 });
  t.deepEqual(upstream.requests, [stalePath]);
});
