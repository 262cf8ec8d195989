/**
 * The daemon's parts for release tests, in this process: the API served by the production
 * `listen()` (hot path included) on 127.0.0.1, the real import worker, real Redis (unique prefix)
 * and the store backend asked for; plus a config file naming the same Redis and store, for the
 * CLI. Everything stops when the test ends.
 */
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { pino } from 'pino';
import { startImportWorker } from '../../workers/import.js';
import { buildApi, listen } from '../../src/api/index.js';
import { TokensWatcher, tokenHash } from '../../src/auth/index.js';
import { daemonConfigSchema } from '../../src/config/index.js';
import { AgentPool, HostLimiter } from '../../src/fetch/index.js';
import { createMetrics } from '../../src/metrics.js';
import { ImportProducer } from '../../src/queue/index.js';
import { indexConnection } from '../../src/redis/index.js';
import { RegistriesWatcher } from '../../src/registries/index.js';
import { signatureMetadata } from '../../src/signature/index.js';
import { createFsStore, createRedisStore, redisImageIndex } from '../../src/store/index.js';
import { TOKENS } from './api.js';
import { TEST_REDIS_URL, redisPrefix } from './redis.js';
import { tempDir, writeTree } from './tmp.js';

export interface ReleaseStackOptions {
  readonly signatureStores: readonly string[];
  readonly repositories?: readonly string[];
  readonly backend?: 'fs' | 'redis';
  readonly registriesYaml?: string;
}

export async function startReleaseStack(t: ExecutionContext, options: ReleaseStackOptions) {
  const prefix = await redisPrefix(t);
  const dir = await tempDir(t, 'sigmirror-release-');
  await writeTree(dir, {
    'rd/a.yaml':
      options.registriesYaml ?? 'docker:\n  registry.example.com:\n    lookaside: http://127.0.0.1:1/x\n',
    'tokens.yaml': `tokens:\n${Object.entries(TOKENS)
      .map(
        ([role, token]) => `  - name: ${role}-bot\n    sha256: ${tokenHash(token)}\n    roles: [${role}]\n`,
      )
      .join('')}`,
  });
  const raw = {
    redis: { url: TEST_REDIS_URL, prefix },
    registriesDir: path.join(dir, 'rd'),
    store: { backend: options.backend ?? 'fs', path: path.join(dir, 'store') },
    auth: { tokensFile: path.join(dir, 'tokens.yaml') },
    release: {
      signatureStores: [...options.signatureStores],
      repositories: [...(options.repositories ?? [])],
    },
    import: { resyncIntervalMs: 0 },
  };
  const configFile = path.join(dir, 'sigmirror.yaml');
  await writeFile(configFile, JSON.stringify(raw)); // JSON is YAML
  const config = daemonConfigSchema.parse(raw);
  const indexRedis = indexConnection(TEST_REDIS_URL);
  const index = redisImageIndex(indexRedis, prefix);
  const store =
    config.store.backend === 'redis'
      ? createRedisStore({ redis: indexRedis, prefix, index })
      : createFsStore({ root: config.store.path, index });
  const producer = new ImportProducer({ redisUrl: TEST_REDIS_URL, prefix, attempts: 1 });
  const registries = new RegistriesWatcher({ dir: config.registriesDir, pollIntervalMs: 0 });
  await registries.start();
  const tokens = new TokensWatcher(config.auth.tokensFile);
  await tokens.start();
  const agents = new AgentPool([], 2_000);
  const metrics = createMetrics(false);
  const logger = pino({ level: process.env.RELEASE_TEST_LOG ?? 'silent' });
  const worker = startImportWorker({
    redisUrl: TEST_REDIS_URL,
    prefix,
    concurrency: 4,
    lockDurationMs: 5_000,
    recheckDelaysMs: [],
    producer,
    metrics,
    logger,
    releaseRepositories: config.release.repositories,
    deps: {
      registries: () => registries.current().config,
      store,
      agents,
      hosts: new HostLimiter(),
      limits: { maxSignatures: 127, maxSignatureBytes: 4 * 1024 * 1024, timeoutMs: 2_000 },
      treat403AsMissing: new Set(),
      releaseStores: config.release.signatureStores,
      onFetchEvent: (kind) => metrics.fetchEvents.inc({ kind }),
      describe: (bytes, image) => signatureMetadata(bytes, image.digest),
    },
  });
  const app = buildApi({ config, store, producer, registries, tokens, metrics, logger });
  const server = await listen(app, '127.0.0.1', 0, logger);
  t.teardown(async () => {
    await new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
    await worker.close();
    await producer.close();
    await agents.close();
    await registries.close();
    await tokens.close();
    indexRedis.disconnect();
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    store,
    producer,
    registries,
    dir,
    prefix,
    configFile,
    storeRoot: config.store.path,
    metrics,
  };
}
