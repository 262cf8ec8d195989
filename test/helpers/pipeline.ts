/**
 * An import pipeline in this process for tests: real Redis (unique prefix), a real fs store in a
 * temp dir, a registries.d pointing the test registry at an upstream, the real worker.
 */
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { pino, type Logger } from 'pino';
import { startImportWorker } from '../../workers/import.js';
import { AgentPool, HostBreaker, HostLimiter } from '../../src/fetch/index.js';
import { MAX_SIGNATURES_PER_IMAGE, MAX_SIGNATURE_BYTES } from '../../src/limits.js';
import { createMetrics } from '../../src/metrics.js';
import { ImportProducer } from '../../src/queue/index.js';
import { RegistriesWatcher } from '../../src/registries/index.js';
import { signatureMetadata } from '../../src/signature/index.js';
import { createFsStore } from '../../src/store/index.js';
import { TEST_REDIS_URL, redisPrefix } from './redis.js';
import { tempDir, writeTree } from './tmp.js';

export const REGISTRY = 'registry.example.com:5000';

export interface PipelineOptions {
  readonly upstreamBase: string;
  readonly recheckDelaysMs?: number[];
  readonly treat403AsMissing?: string[];
  readonly attempts?: number;
  /** certs.d directories (`<dir>/<host:port>/*.crt`). */
  readonly certsDirs?: string[];
  /** Hosts whose redirects may leave them (`import.crossHostRedirects`). */
  readonly crossHostRedirects?: string[];
  /** Where the worker logs (default: nowhere). */
  readonly logger?: Logger;
  /** The per-host circuit breaker (default: none). */
  readonly breaker?: HostBreaker;
}

export async function startPipeline(t: ExecutionContext, options: PipelineOptions) {
  const prefix = await redisPrefix(t);
  const dir = await tempDir(t);
  await writeTree(dir, { 'rd/up.yaml': `docker:\n  ${REGISTRY}:\n    lookaside: ${options.upstreamBase}\n` });
  const registries = new RegistriesWatcher({ dir: path.join(dir, 'rd'), pollIntervalMs: 0 });
  await registries.start();
  const store = createFsStore({ root: path.join(dir, 'store') });
  const producer = new ImportProducer({ redisUrl: TEST_REDIS_URL, prefix, attempts: options.attempts ?? 3 });
  const agents = new AgentPool(options.certsDirs ?? [], 2_000);
  const metrics = createMetrics(false);
  const worker = startImportWorker({
    redisUrl: TEST_REDIS_URL,
    prefix,
    concurrency: 4,
    lockDurationMs: 5_000,
    recheckDelaysMs: options.recheckDelaysMs ?? [],
    producer,
    metrics,
    logger: options.logger ?? pino({ level: 'silent' }),
    deps: {
      registries: () => registries.current().config,
      store,
      agents,
      hosts: new HostLimiter(),
      breaker: options.breaker,
      limits: {
        maxSignatures: MAX_SIGNATURES_PER_IMAGE,
        maxSignatureBytes: MAX_SIGNATURE_BYTES,
        timeoutMs: 1_000,
      },
      treat403AsMissing: new Set(options.treat403AsMissing ?? []),
      crossHostRedirects: new Set(options.crossHostRedirects ?? []),
      onFetchEvent: (kind) => metrics.fetchEvents.inc({ kind }),
      describe: (bytes, image) => signatureMetadata(bytes, image.digest),
    },
  });
  t.teardown(async () => {
    await worker.close();
    await producer.close();
    await agents.close();
    await registries.close();
  });
  return { dir, prefix, store, producer, worker, metrics, registries };
}
