/**
 * Import benchmark (issue: import pipeline): 10,000 images × 2 signatures (+ the 404 probe each)
 * from a local nginx upstream, against the upstream's own capacity for the same request mix
 * measured with wrk in the same run.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ImportProducer } from '../src/queue/index.js';
import { fetchAlone, fsyncedFilesPerSecond, storeAlone } from './import-parts.js';
import { startNginx, wrk } from './nginx.js';
import { cpuTimeMs } from './proc.js';
import { infoRow, type BenchRow } from './table.js';
import { syntheticSignature } from '../test/helpers/synthetic-signature.js';

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
          syntheticSignature(randomBytes(16).toString('hex'), 700),
        );
      for (const n of [1, 2, 3]) paths.push(`/ns/app${i}@sha256=${digestOf(i)}/signature-${n}`);
    }
    await writeFile(path.join(dir, 'paths.txt'), paths.join('\n') + '\n');
    execFileSync('sync'); // flush the generated tree now, not during the measurements
    const started = await startNginx(dir, upstreamRoot);
    nginx.stop = started.stop;
    const capacity = await wrk(started.base, path.join(dir, 'paths.txt'), dir, {
      connections: 32,
      seconds: 5,
    });
    const upstreamImagesPerSecond = capacity.rps / 3;
    const partCount = Math.min(IMAGES, 3_000);
    const fetchRate = await fetchAlone(
      partCount,
      (i, n) => `${started.base}/ns/app${i}@sha256=${digestOf(i)}/signature-${n}`,
    );
    const imageOf = (i: number) => ({
      registry: REGISTRY,
      repository: `ns/app${i}`,
      digest: `sha256:${digestOf(i)}`,
    });
    const storeRate = await storeAlone(dir, partCount, imageOf);
    const fsyncRate = await fsyncedFilesPerSecond(dir, 2 * partCount);
    const groupRate = await storeAlone(dir, partCount, imageOf, true);
    const run = await importAll(dir, started.base);
    const seconds = run.seconds;
    const imagesPerSecond = IMAGES / seconds;
    const ratio = imagesPerSecond / upstreamImagesPerSecond;
    return [
      {
        name: `import ${IMAGES} images × 2 signatures (+404 probe)${GROUP_COMMIT ? ', group commit' : ''}`,
        value: seconds,
        unit: 's',
        goal: '≤ 10',
        ok: seconds <= 10,
      },
      infoRow('import rate', imagesPerSecond, 'images/s'),
      infoRow('nginx capacity, same request mix (wrk)', upstreamImagesPerSecond, 'images/s'),
      infoRow('part alone: fetch 3 URLs (1 process)', fetchRate.perSecond, 'images/s'),
      infoRow('part alone: durable store write (1 process)', storeRate.perSecond, 'images/s'),
      infoRow('part alone: store write, group commit (1 process)', groupRate.perSecond, 'images/s'),
      infoRow('disk: new 702-byte files fsynced (1 process)', fsyncRate.perSecond, 'files/s'),
      // What bounds the import on 2 cores: CPU per image, against what 10 s allows.
      infoRow(
        `CPU per image: the import (${WORKER_PROCESSES} worker processes)`,
        run.workerCpuMsPerImage,
        'ms',
      ),
      infoRow('CPU per image: fetch alone', fetchRate.cpuMsPerItem, 'ms'),
      infoRow('CPU per image: durable store write alone', storeRate.cpuMsPerItem, 'ms'),
      infoRow(
        `CPU per image the goal allows (${os.cpus().length} cores × 10 s / ${IMAGES})`,
        (os.cpus().length * 10_000) / IMAGES,
        'ms',
      ),
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
    if (process.env.BENCH_KEEP) console.error(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

/** `BENCH_GROUP_COMMIT=1`: the workers run with `store.groupCommit: true`. */
const GROUP_COMMIT = process.env.BENCH_GROUP_COMMIT === '1';

/** `BENCH_CONCURRENCY=N`: jobs and requests per host at once per worker; default the config's defaults. */
const CONCURRENCY = process.env.BENCH_CONCURRENCY
  ? `  concurrency: ${Number(process.env.BENCH_CONCURRENCY)}\n  perHostConcurrency: ${Number(process.env.BENCH_CONCURRENCY)}\n`
  : '';

/** Worker processes, as a deployment runs them (`sigmirror serve` + `sigmirror-worker.service`). */
const WORKER_PROCESSES = Number(process.env.BENCH_WORKERS ?? 2);

async function importAll(
  dir: string,
  upstream: string,
): Promise<{ seconds: number; workerCpuMsPerImage: number }> {
  await mkdir(path.join(dir, 'rd'));
  await writeFile(
    path.join(dir, 'rd', 'bench.yaml'),
    `docker:\n  ${REGISTRY}:\n    lookaside: ${upstream}\n`,
  );
  const prefix = `sigmirror-bench-${randomBytes(4).toString('hex')}`;
  const config = path.join(dir, 'sigmirror.yaml');
  await writeFile(
    config,
    `redis:\n  url: ${REDIS_URL}\n  prefix: ${prefix}\nregistriesDir: ${dir}/rd\nstore:\n  path: ${dir}/store\n` +
      `  groupCommit: ${GROUP_COMMIT}\n` +
      `import:\n${CONCURRENCY}  recheckDelaysMs: []\n  resyncIntervalMs: 0\nlog:\n  level: warn\n`,
  );
  const cli = new URL('../src/cli/main.js', import.meta.url).pathname;
  const workers = Array.from({ length: WORKER_PROCESSES }, () =>
    spawn(process.execPath, [cli, 'worker', '--config', config], { stdio: ['ignore', 'ignore', 'inherit'] }),
  );
  const producer = new ImportProducer({ redisUrl: REDIS_URL, prefix, attempts: 3 });
  try {
    await new Promise((r) => setTimeout(r, 1_500)); // workers connect
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
    for (;;) {
      const counts = await producer.queue.getJobCounts('completed', 'failed');
      if (counts.failed) throw new Error(`${counts.failed} imports failed`);
      if (counts.completed === IMAGES) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const seconds = (performance.now() - start) / 1000;
    const cpuMs = await Promise.all(workers.map((w) => cpuTimeMs(w.pid!)));
    return { seconds, workerCpuMsPerImage: cpuMs.reduce((a, b) => a + b, 0) / IMAGES };
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => w.once('exit', r))));
    await producer.queue.obliterate({ force: true });
    await producer.close();
  }
}
