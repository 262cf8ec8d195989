/** The whole API over a real fs store, real Redis and real tokens, served on 127.0.0.1:0. */
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { pino } from 'pino';
import { buildApi } from '../../src/api/server.js';
import { TokensWatcher, tokenHash } from '../../src/auth/index.js';
import { daemonConfigSchema } from '../../src/config/index.js';
import { createMetrics } from '../../src/metrics.js';
import { ImportProducer } from '../../src/queue/index.js';
import { RegistriesWatcher } from '../../src/registries/index.js';
import { indexConnection } from '../../src/redis/index.js';
import { createFsStore, redisImageIndex } from '../../src/store/index.js';
import { serveApp } from './http.js';
import { TEST_REDIS_URL, redisPrefix } from './redis.js';
import { tempDir, writeTree } from './tmp.js';

export const TOKENS = {
  signer: 'signer-token',
  reader: 'reader-token',
  importer: 'importer-token',
  auditor: 'auditor-token',
  admin: 'admin-token',
} as const;
export const bearer = (role: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[role]}` });

export async function startApi(t: ExecutionContext, overrides: Record<string, unknown> = {}) {
  const prefix = await redisPrefix(t);
  const dir = await tempDir(t);
  await writeTree(dir, {
    'rd/a.yaml': 'docker:\n  registry.example.com:\n    lookaside: http://127.0.0.1:1/unused\n',
    'tokens.yaml': `tokens:\n${Object.entries(TOKENS)
      .map(
        ([role, token]) => `  - name: ${role}-bot\n    sha256: ${tokenHash(token)}\n    roles: [${role}]\n`,
      )
      .join('')}`,
  });
  const config = daemonConfigSchema.parse({
    redis: { url: TEST_REDIS_URL, prefix },
    registriesDir: path.join(dir, 'rd'),
    store: { path: path.join(dir, 'store') },
    auth: { tokensFile: path.join(dir, 'tokens.yaml') },
    ...overrides,
  });
  const indexRedis = indexConnection(TEST_REDIS_URL);
  const index = redisImageIndex(indexRedis, prefix);
  const store = createFsStore({ root: config.store.path, index });
  const producer = new ImportProducer({ redisUrl: TEST_REDIS_URL, prefix, attempts: 1 });
  const registries = new RegistriesWatcher({ dir: config.registriesDir, pollIntervalMs: 0 });
  await registries.start();
  const tokens = new TokensWatcher(config.auth.tokensFile);
  await tokens.start();
  t.teardown(async () => {
    indexRedis.disconnect();
    await producer.close();
    await registries.close();
    await tokens.close();
  });
  const app = buildApi({
    config,
    store,
    producer,
    registries,
    tokens,
    metrics: createMetrics(false),
    logger: pino({ level: 'silent' }),
  });
  return { base: await serveApp(t, app), store, index, producer, dir, prefix };
}
