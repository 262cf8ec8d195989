/**
 * Tombstones (src/store/tombstones.ts, removal.ts) on both store backends with a real Redis:
 * a removal records who and when by content digest, an import-side append skips those bytes,
 * an append that races a removal takes the signature out again, and restore lifts them.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { type ExecutionContext } from 'ava';
import { indexConnection } from '../../src/redis/index.js';
import {
  Tombstones,
  appendUnlessTombstoned,
  createFsStore,
  createRedisStore,
  redisImageIndex,
  removeWithTombstones,
  type SignatureStore,
} from '../../src/store/index.js';
import { TEST_REDIS_URL, redisPrefix } from '../helpers/redis.js';
import { syntheticSignature } from '../helpers/synthetic-signature.js';
import { tempDir } from '../helpers/tmp.js';
import { needs } from '../helpers/needs.js';

const test = await needs({ redis: true });

const IMAGE = { registry: 'registry.example.com', repository: 'ns/app', digest: `sha256:${'a'.repeat(64)}` };
const [A, B, C] = ['a', 'b', 'c'].map((l) => syntheticSignature(`tombstone-${l}`));
const IMPORT = { origin: 'import', by: 'import-worker' } as const;

type Backend = 'fs' | 'redis';

async function setup(t: ExecutionContext, backend: Backend) {
  const prefix = await redisPrefix(t);
  if (!prefix) return undefined;
  const redis = indexConnection(TEST_REDIS_URL);
  t.teardown(() => redis.disconnect());
  const index = redisImageIndex(redis, prefix);
  const store =
    backend === 'redis'
      ? createRedisStore({ redis, prefix, index })
      : createFsStore({ root: path.join(await tempDir(t), 'store'), index });
  return { store, prefix, tombstones: new Tombstones(redis, prefix) };
}

const bytesOf = async (store: SignatureStore) =>
  Promise.all((await store.list(IMAGE)).map(async (s) => Buffer.from((await store.read(IMAGE, s.index))!)));

for (const backend of ['fs', 'redis'] as const) {
  test(`${backend}: a removal is tombstoned, imports skip it, restore lifts it`, async (t) => {
    const s = await setup(t, backend);
    if (!s) return;
    await s.store.append(IMAGE, [{ bytes: A! }, { bytes: B! }, { bytes: C! }], IMPORT);
    const removal = await removeWithTombstones(s.store, s.tombstones, IMAGE, [1], 'alice');
    t.is(removal.removed, 1);
    t.like(removal.tombstones, [{ by: 'alice', index: 1 }]);
    t.deepEqual(await bytesOf(s.store), [B, C]);
    const listed = await s.tombstones.list(IMAGE);
    t.is(listed.length, 1);
    t.is(listed[0]!.sha256, createHash('sha256').update(A!).digest('hex'));
    t.regex(listed[0]!.at, /^\d{4}-\d\d-\d\dT/);

    const again = await appendUnlessTombstoned(
      s.store,
      s.tombstones,
      IMAGE,
      [{ bytes: A! }, { bytes: B! }],
      IMPORT,
    );
    t.deepEqual(again, { added: [], duplicates: [1], tombstoned: [listed[0]!.sha256] });
    t.deepEqual(await bytesOf(s.store), [B, C]);

    t.deepEqual(await s.tombstones.restore(IMAGE, ['f'.repeat(64)]), []);
    t.deepEqual(await s.tombstones.restore(IMAGE, 'all'), listed);
    const back = await appendUnlessTombstoned(s.store, s.tombstones, IMAGE, [{ bytes: A! }], IMPORT);
    t.deepEqual(back, { added: [3], duplicates: [], tombstoned: [] });
    t.deepEqual(await bytesOf(s.store), [B, C, A]);
  });

  test(`${backend}: an append that lands after a racing removal takes the signature out again`, async (t) => {
    const s = await setup(t, backend);
    if (!s) return;
    await s.store.append(IMAGE, [{ bytes: A! }, { bytes: B! }], IMPORT);
    // The import checked the tombstones before the admin's removal and appends after it: the
    // store is made to run that removal at the moment the import's append arrives.
    let raced = false;
    const racing: SignatureStore = Object.create(s.store, {
      append: {
        value: async (...args: Parameters<SignatureStore['append']>) => {
          if (!raced) {
            raced = true;
            await removeWithTombstones(s.store, s.tombstones, IMAGE, [1], 'bob');
          }
          return s.store.append(...args);
        },
      },
    }) as SignatureStore;
    const result = await appendUnlessTombstoned(
      racing,
      s.tombstones,
      IMAGE,
      [{ bytes: A! }, { bytes: C! }],
      IMPORT,
    );
    t.deepEqual(await bytesOf(s.store), [B, C], 'A removed again, C kept');
    t.deepEqual(result.added, [2]);
    t.is(result.tombstoned.length, 1);
  });
}

test('a foreign or hand-edited tombstone field is ignored', async (t) => {
  const s = await setup(t, 'redis');
  if (!s) return;
  await s.tombstones.add(IMAGE, [
    { sha256: 'b'.repeat(64), by: 'carol', at: '2026-01-01T00:00:00.000Z', index: 2 },
  ]);
  const redis = indexConnection(TEST_REDIS_URL);
  t.teardown(() => redis.disconnect());
  const key = `${s.prefix}:tombstones:${IMAGE.registry}/${IMAGE.repository}@${IMAGE.digest}`;
  t.is(await redis.hlen(key), 1);
  await redis.hset(key, 'not-a-digest', '{}', 'c'.repeat(64), 'not json');
  t.deepEqual(await s.tombstones.list(IMAGE), [
    { sha256: 'b'.repeat(64), by: 'carol', at: '2026-01-01T00:00:00.000Z', index: 2 },
  ]);
});

test('tombstones: listed oldest first (then by index), digests whole, restored by digest or all', async (t) => {
  const s = await setup(t, 'redis');
  if (!s) return;
  const [T1, T2] = ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'];
  const stone = (hex: string, at: string, index: number) => ({
    sha256: hex.repeat(64),
    by: 'dave',
    at,
    index,
  });
  await s.tombstones.add(IMAGE, [
    stone('3', T2, 1),
    stone('2', T1, 12),
    stone('1', T1, 3),
    stone('0', T1, 1),
  ]);
  const redis = indexConnection(TEST_REDIS_URL);
  t.teardown(() => redis.disconnect());
  const key = `${s.prefix}:tombstones:${IMAGE.registry}/${IMAGE.repository}@${IMAGE.digest}`;
  const record = JSON.stringify({ by: 'x', at: T1, index: 1 });
  await redis.hset(key, `x${'4'.repeat(64)}`, record, `${'5'.repeat(64)}x`, record); // no digest whole
  t.deepEqual(
    (await s.tombstones.list(IMAGE)).map((x) => [x.sha256[0], x.index]),
    [
      ['0', 1],
      ['1', 3],
      ['2', 12],
      ['3', 1],
    ],
  );
  t.deepEqual(await s.tombstones.tombstoned(IMAGE, []), new Set());
  t.deepEqual(
    await s.tombstones.tombstoned(IMAGE, ['1'.repeat(64), '9'.repeat(64)]),
    new Set(['1'.repeat(64)]),
  );
  t.deepEqual(
    (await s.tombstones.restore(IMAGE, ['2'.repeat(64), '9'.repeat(64)])).map((x) => x.index),
    [12],
  );
  t.deepEqual(
    (await s.tombstones.list(IMAGE)).map((x) => x.index),
    [1, 3, 1],
  );
  t.deepEqual(
    (await s.tombstones.restore(IMAGE, 'all')).map((x) => x.index),
    [1, 3, 1],
  );
  t.deepEqual(await s.tombstones.restore(IMAGE, 'all'), []);
  // Fields that are no tombstone are not lifted (nor read): they are not the restore's to remove.
  t.deepEqual((await redis.hkeys(key)).sort(), [`${'5'.repeat(64)}x`, `x${'4'.repeat(64)}`]);
});

test('without tombstones (no Redis index configured) an append is a plain one', async (t) => {
  const store = createFsStore({ root: path.join(await tempDir(t), 'store') });
  t.deepEqual(await appendUnlessTombstoned(store, undefined, IMAGE, [{ bytes: A! }, { bytes: A! }], IMPORT), {
    added: [1],
    duplicates: [1],
    tombstoned: [],
  });
});
