/**
 * Import benchmark (issue: import pipeline): 10,000 images × 2 signatures (+ the 404 probe each)
 * from a local nginx upstream, against the upstream's own capacity for the same request mix
 * measured with wrk in the same run.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { startImportWorker } from '../workers/import.js';
import { AgentPool, HostLimiter } from '../src/fetch/index.js';
import { ImportProducer } from '../src/queue/index.js';
import { RegistriesWatcher } from '../src/registries/index.js';
import { createFsStore } from '../src/store/index.js';
import { startNginx, wrk } from './nginx.js';
import type { BenchRow } from './table.js';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 10_000);
const REGISTRY = 'bench.example.com';
const REDIS_URL = process.env.SIGMIRROR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const digestOf = (i: number) => createHash('sha256').update(`image-${i}`).digest('hex');

export async function benchImport(): Promise<BenchRow[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sigmirror-bench-import-'));
  const nginx = { stop: () => undefined as void };
  try {
    const upstreamRoot = path.join(dir, 'upstream');
    const paths: string[] = [];
    for (let i = 0; i < IMAGES; i++) {
      const imageDir = path.join(upstreamRoot, 'ns', `app${i}@sha256=${digestOf(i)}`);
      await mkdir(imageDir, { recursive: true });
      for (const n of [1, 2])
        await writeFile(
          path.join(imageDir, `signature-${n}`),
          Buffer.concat([Buffer.from([0xa3, 0x01]), randomBytes(700)]),
        );
      for (const n of [1, 2, 3]) paths.push(`/ns/app${i}@sha256=${digestOf(i)}/signature-${n}`);
    }
    await writeFile(path.join(dir, 'paths.txt'), paths.join('\n') + '\n');
    const started = await startNginx(dir, upstreamRoot);
    nginx.stop = started.stop;
    const capacity = await wrk(started.base, path.join(dir, 'paths.txt'), dir, {
      connections: 32,
      seconds: 5,
    });
    const upstreamImagesPerSecond = capacity.rps / 3;
    const seconds = await importAll(dir, started.base);
    const imagesPerSecond = IMAGES / seconds;
    const ratio = imagesPerSecond / upstreamImagesPerSecond;
    return [
      {
        name: `import ${IMAGES} images × 2 signatures (+404 probe)`,
        value: seconds,
        unit: 's',
        goal: '≤ 10',
        ok: seconds <= 10,
      },
      { name: 'import rate', value: imagesPerSecond, unit: 'images/s', goal: '-', ok: true },
      {
        name: 'nginx capacity, same request mix (wrk)',
        value: upstreamImagesPerSecond,
        unit: 'images/s',
        goal: '-',
        ok: true,
      },
      {
        name: 'import rate / upstream capacity',
        value: ratio,
        unit: 'ratio',
        goal: '≥ 0.5',
        ok: ratio >= 0.5,
      },
    ];
  } finally {
    nginx.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function importAll(dir: string, upstream: string): Promise<number> {
  await mkdir(path.join(dir, 'rd'));
  await writeFile(
    path.join(dir, 'rd', 'bench.yaml'),
    `docker:\n  ${REGISTRY}:\n    lookaside: ${upstream}\n`,
  );
  const registries = new RegistriesWatcher({ dir: path.join(dir, 'rd'), pollIntervalMs: 0 });
  await registries.start();
  const prefix = `sigmirror-bench-${randomBytes(4).toString('hex')}`;
  const producer = new ImportProducer({ redisUrl: REDIS_URL, prefix, attempts: 3 });
  const agents = new AgentPool([], 10_000);
  const store = createFsStore({ root: path.join(dir, 'store') });
  let done = 0;
  let resolveAll: () => void;
  let rejectAll: (err: Error) => void;
  const all = new Promise<void>((resolve, reject) => ([resolveAll, rejectAll] = [resolve, reject]));
  const worker = startImportWorker({
    redisUrl: REDIS_URL,
    prefix,
    concurrency: 64,
    lockDurationMs: 30_000,
    recheckDelaysMs: [],
    producer,
    logger: pino({ level: 'silent' }),
    deps: {
      registries: () => registries.current().config,
      store,
      agents,
      hosts: new HostLimiter(64),
      limits: { maxSignatures: 128, maxSignatureBytes: 4 * 1024 * 1024, timeoutMs: 10_000 },
      treat403AsMissing: new Set(),
    },
  });
  worker.worker.on('completed', () => ++done === IMAGES && resolveAll());
  worker.worker.on('failed', (_job, err) => rejectAll(new Error(`an import failed: ${err.message}`)));
  const start = performance.now();
  const batch = 200;
  for (let i = 0; i < IMAGES; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, IMAGES - i) }, (_, k) =>
        producer.enqueue({
          registry: REGISTRY,
          repository: `ns/app${i + k}`,
          digest: `sha256:${digestOf(i + k)}`,
        }),
      ),
    );
  }
  await all;
  const seconds = (performance.now() - start) / 1000;
  await worker.close();
  await producer.queue.obliterate({ force: true });
  await producer.close();
  await agents.close();
  await registries.close();
  return seconds;
}
