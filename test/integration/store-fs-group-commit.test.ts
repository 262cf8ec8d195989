/**
 * The store conformance suite again, with `groupCommit`: the same contract holds when concurrent
 * writes share their durability points (src/store/committer.ts).
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { signatureRelativePath } from '../../src/lookaside/index.js';
import { indexConnection } from '../../src/redis/index.js';
import { createFsStore, redisImageIndex } from '../../src/store/index.js';
import { runStoreConformance } from '../conformance/store.js';
import { needs } from '../helpers/needs.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';

const test = await needs({ redis: true });

runStoreConformance(
  test,
  async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sigmirror-store-gc-'));
    const prefix = `sigmirror-test-fsgc-${path.basename(dir)}`;
    const redis = indexConnection(TEST_REDIS_URL);
    const root = path.join(dir, 'store');
    return {
      store: createFsStore({ root, index: redisImageIndex(redis, prefix), groupCommit: true }),
      plantUntracked: async (image, signatures, from = 1) => {
        for (const [i, bytes] of signatures.entries()) {
          const rel = signatureRelativePath(image.repository, image.digest, from + i);
          const file = path.join(root, image.registry, rel);
          await mkdir(path.dirname(file), { recursive: true });
          await writeFile(file, bytes);
        }
      },
      cleanup: async () => {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length) await redis.del(...keys);
        redis.disconnect();
        const leftovers = (await readdir(dir, { recursive: true })).filter(
          (f) => f.includes('.tmp-') || f.endsWith('.lock'),
        );
        await rm(dir, { recursive: true, force: true });
        if (leftovers.length) throw new Error(`temp or lock files left behind: ${leftovers.join(', ')}`);
      },
    };
  },
  { filesWithoutMetadata: true },
);
