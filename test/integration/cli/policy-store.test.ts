/**
 * `sigmirror policy check --config` reads the store the daemon's config names, whatever its
 * backend (src/wiring openStore): a store.backend redis config is read from Redis, not from an
 * fs path it does not use.
 */
import path from 'node:path';
import { Redis } from 'ioredis';
import { createFsStore, createRedisStore, type SignatureStore } from '../../../src/store/index.js';
import { sigmirrorAsync } from '../../helpers/cli.js';
import { needs } from '../../helpers/needs.js';
import { redisPrefix, TEST_REDIS_URL } from '../../helpers/redis.js';
import { tempDir, writeTree } from '../../helpers/tmp.js';
import { readVector, vectorsDir } from '../../helpers/vectors.js';

const test = await needs({ redis: true });

const D = 'sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55';
const IMAGE = `docker.io/testing/manifest@${D}`;
const KEY = path.join(vectorsDir, 'containers-image/public-key.gpg');
const FPR = '08CD26E446E2E95249B7A405E932F44B23E8DD43';
const POLICY = JSON.stringify({
  default: [{ type: 'reject' }],
  transports: { docker: { 'docker.io/testing': [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: KEY }] } },
});

async function storeValid(store: SignatureStore): Promise<void> {
  const image = { registry: 'docker.io', repository: 'testing/manifest', digest: D };
  await store.append(image, [{ bytes: readVector('containers-image/dir-img-valid/signature-1') }], {
    origin: 'import',
  });
  await store.close();
}

const accepted = [
  `image:   docker://${IMAGE}`,
  `digest:  ${D}`,
  'section: transports.docker["docker.io/testing"]',
  '  [0] signedBy: allowed',
  `      keys ${KEY}: ${FPR}`,
  `      signature-1: accepted key ${FPR} identity testing/manifest:latest`,
  'verdict: allowed',
  '',
].join('\n');

test('store.backend redis: the signatures are read from the configured Redis', async (t) => {
  const dir = await tempDir(t);
  const prefix = await redisPrefix(t);
  const redis = new Redis(TEST_REDIS_URL);
  t.teardown(() => redis.disconnect());
  await storeValid(createRedisStore({ redis, prefix }));
  await writeTree(dir, {
    'policy.json': POLICY,
    'sigmirror.yaml': `redis:\n  url: ${TEST_REDIS_URL}\n  prefix: ${prefix}\nstore:\n  backend: redis\n  path: ${dir}/unused\n`,
  });
  const r = await sigmirrorAsync([
    'policy',
    'check',
    '--policy',
    `${dir}/policy.json`,
    '--config',
    `${dir}/sigmirror.yaml`,
    IMAGE,
  ]);
  t.is(r.stderr, '');
  t.is(r.stdout, accepted);
  t.is(r.code, 0);
});

test('store.backend fs: the config names the tree; a missing tree is NO_STORE with its path', async (t) => {
  const dir = await tempDir(t);
  await storeValid(createFsStore({ root: `${dir}/store` }));
  await writeTree(dir, {
    'policy.json': POLICY,
    'sigmirror.yaml': `store:\n  path: ${dir}/store\n`,
    'missing.yaml': `store:\n  path: ${dir}/nowhere\n`,
  });
  const check = (config: string) =>
    sigmirrorAsync([
      'policy',
      'check',
      '--policy',
      `${dir}/policy.json`,
      '--config',
      `${dir}/${config}`,
      IMAGE,
    ]);
  const ok = await check('sigmirror.yaml');
  t.is(ok.stdout, accepted);
  t.is(ok.code, 0);
  const missing = await check('missing.yaml');
  t.is(missing.stderr, `sigmirror: no signature store at ${dir}/nowhere\n`);
  t.is(missing.code, 1);
});
