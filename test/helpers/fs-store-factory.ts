/**
 * The fs store as the conformance suite (test/conformance/store.ts) needs it: a temp directory,
 * the image index on the test Redis, files planted without metadata, and a cleanup that fails
 * when a temp or lock file was left behind. `groupCommit` runs the same suite with it on.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { signatureRelativePath } from '../../src/lookaside/index.js';
import { indexConnection } from '../../src/redis/index.js';
import { createFsStore, redisImageIndex } from '../../src/store/index.js';
import type { StoreFactory } from '../conformance/store.js';
import { TEST_REDIS_URL } from './redis.js';

export function fsStoreFactory(options: { groupCommit?: boolean } = {}): StoreFactory {
  return async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sigmirror-store-'));
    const prefix = `sigmirror-test-fsindex-${path.basename(dir)}`;
    const redis = indexConnection(TEST_REDIS_URL);
    const root = path.join(dir, 'store');
    return {
      store: createFsStore({ root, index: redisImageIndex(redis, prefix), groupCommit: options.groupCommit }),
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
  };
}
