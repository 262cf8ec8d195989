/**
 * The image index behind listings (issue: signature console): every store write keeps it current,
 * statuses follow the verification records, pages are cursor-stable, and reindex rebuilds it
 * from the files alone.
 */
import path from 'node:path';
import { type ExecutionContext } from 'ava';
import { needs } from '../helpers/needs.js';
import { indexConnection } from '../../src/redis/index.js';
import { createFsStore, redisImageIndex, reindex, type ImageKey } from '../../src/store/index.js';
import { TEST_REDIS_URL, redisPrefix } from '../helpers/redis.js';
import { tempDir } from '../helpers/tmp.js';

const test = await needs({ redis: true });

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const img = (registry: string, repository: string, n: number): ImageKey => ({
  registry,
  repository,
  digest: digest(n),
});
const sig = (text: string) => ({ bytes: Buffer.from(`\xa3\x01${text}`, 'latin1') });

async function setup(t: ExecutionContext) {
  const prefix = await redisPrefix(t);
  const dir = await tempDir(t);
  const redis = indexConnection(TEST_REDIS_URL);
  t.teardown(() => redis.disconnect());
  const index = redisImageIndex(redis, prefix);
  return { store: createFsStore({ root: path.join(dir, 'store'), index }), index, dir };
}

test('statuses: unsigned, unverified, verified, failed; the latest check decides', async (t) => {
  const s = await setup(t);
  const { store } = s;
  const a = img('r.io', 'ns/a', 1);
  await store.append(a, [], { origin: 'import', lookaside: 'https://sigstore.r.io/s' });
  t.like(await store.summary(a), { status: 'unsigned', signatures: 0, source: 'https://sigstore.r.io/s' });
  await store.append(a, [sig('one'), sig('two')], { origin: 'import', lookaside: 'https://sigstore.r.io/s' });
  t.like(await store.summary(a), {
    status: 'unverified',
    signatures: 2,
    reference: `r.io/ns/a@${digest(1)}`,
  });
  // One run: signature-1 rejected (say, post-quantum), signature-2 trusted → verified.
  await store.recordVerification(a, 1, { at: '2026-11-25T10:00:00.000Z', by: 'x', verdict: 'unsupported' });
  await store.recordVerification(a, 2, { at: '2026-11-25T10:00:00.000Z', by: 'x', verdict: 'trusted' });
  t.like(await store.summary(a), { status: 'verified', lastVerifiedAt: '2026-11-25T10:00:00.000Z' });
  // A later run trusting none → failed; the earlier success does not hide it.
  await store.recordVerification(a, 1, { at: '2026-11-25T11:00:00.000Z', by: 'x', verdict: 'rejected' });
  await store.recordVerification(a, 2, { at: '2026-11-25T11:00:00.000Z', by: 'x', verdict: 'rejected' });
  t.like(await store.summary(a), { status: 'failed', lastVerifiedAt: '2026-11-25T11:00:00.000Z' });
  t.deepEqual(await store.countImages(), { verified: 0, failed: 1, unverified: 0, unsigned: 0 });
  await store.remove(a, 'all');
  t.like(await store.summary(a), {
    status: 'unsigned',
    signatures: 0,
    lastImportAt: (await store.summary(a))!.lastImportAt,
  });
  t.deepEqual(await store.countImages(), { verified: 0, failed: 0, unverified: 0, unsigned: 1 });
  t.is(await store.summary(img('r.io', 'ns/never', 9)), undefined);
});

test('listing: reference order, cursor pages, filters by status, registry and repository prefix', async (t) => {
  const s = await setup(t);
  const { store } = s;
  const images = [
    img('a.io', 'x/one', 1),
    img('a.io', 'x/two', 2),
    img('a.io', 'y/three', 3),
    img('b.io', 'x/four', 4),
    img('b.io', 'z/five', 5),
  ];
  for (const [i, image] of images.entries())
    await store.append(image, i === 2 ? [] : [sig(`s${i}`)], { origin: 'import' });
  const refs = (page: { items: readonly { reference: string }[] }) => page.items.map((r) => r.reference);
  const first = await store.listImages({ limit: 2 });
  t.deepEqual(refs(first), [`a.io/x/one@${digest(1)}`, `a.io/x/two@${digest(2)}`]);
  t.is(first.next, `a.io/x/two@${digest(2)}`);
  const second = await store.listImages({ limit: 2, cursor: first.next! });
  t.deepEqual(refs(second), [`a.io/y/three@${digest(3)}`, `b.io/x/four@${digest(4)}`]);
  const last = await store.listImages({ limit: 2, cursor: second.next! });
  t.deepEqual(refs(last), [`b.io/z/five@${digest(5)}`]);
  t.is(last.next, null);
  t.deepEqual(refs(await store.listImages({ limit: 10, status: 'unsigned' })), [`a.io/y/three@${digest(3)}`]);
  t.deepEqual(refs(await store.listImages({ limit: 10, registry: 'b.io' })), [
    `b.io/x/four@${digest(4)}`,
    `b.io/z/five@${digest(5)}`,
  ]);
  t.deepEqual(refs(await store.listImages({ limit: 10, registry: 'a.io', repository: 'x/' })), [
    `a.io/x/one@${digest(1)}`,
    `a.io/x/two@${digest(2)}`,
  ]);
  const anyRegistry = await store.listImages({ limit: 2, repository: 'x/' });
  t.deepEqual(refs(anyRegistry), [`a.io/x/one@${digest(1)}`, `a.io/x/two@${digest(2)}`]);
  t.deepEqual(refs(await store.listImages({ limit: 2, repository: 'x/', cursor: anyRegistry.next! })), [
    `b.io/x/four@${digest(4)}`,
  ]);
  t.deepEqual(refs(await store.listImages({ limit: 10, registry: 'a.io', status: 'unverified' })), [
    `a.io/x/one@${digest(1)}`,
    `a.io/x/two@${digest(2)}`,
  ]);
  t.deepEqual(await store.countImages(), { verified: 0, failed: 0, unverified: 4, unsigned: 1 });
});

test('reindex rebuilds the index from the files; a store opened without the index cannot list', async (t) => {
  const s = await setup(t);
  const { store, index, dir } = s;
  await store.append(img('r.io', 'a', 1), [sig('1')], { origin: 'import' });
  await store.append(img('r.io', 'b', 2), [], { origin: 'import' });
  // Written behind the index's back (a restore; an older sigmirror):
  const plain = createFsStore({ root: path.join(dir, 'store') });
  await plain.append(img('r.io', 'c', 3), [sig('3')], { origin: 'upload' });
  await t.throwsAsync(plain.listImages({ limit: 1 }), {
    message: 'image listings need the store index (Redis), which this store was opened without',
  });
  t.is((await store.listImages({ limit: 10 })).items.length, 2);
  t.false(await index.isBuilt());
  t.like(await reindex(store, index, () => ({})), { indexed: 3, adopted: { images: 0, signatures: 0 } });
  t.true(await index.isBuilt());
  t.deepEqual(
    (await store.listImages({ limit: 10 })).items.map((r) => [r.repository, r.status]),
    [
      ['a', 'unverified'],
      ['b', 'unsigned'],
      ['c', 'unverified'],
    ],
  );
});

/** A listing row as a store write puts it (the index alone, without files). */
const row = (registry: string, repository: string, n: number) => {
  const key = img(registry, repository, n);
  return {
    ...key,
    reference: `${registry}/${repository}@${key.digest}`,
    signatures: 0,
    status: 'unsigned' as const,
    lastImportAt: null,
    source: null,
    lastVerifiedAt: null,
  };
};

test('an empty page, and a last page exactly as long as the limit, say there is no next one', async (t) => {
  const { index } = await setup(t);
  t.deepEqual(await index.query({ limit: 10 }), { items: [], next: null });
  t.deepEqual(await index.query({ limit: 10, repository: 'none' }), { items: [], next: null });
  for (const n of [1, 2, 3]) await index.put(row('r.io', 'ns/a', n));
  const page = await index.query({ limit: 3 });
  t.is(page.items.length, 3);
  t.is(page.next, null);
  const first = await index.query({ limit: 2 });
  t.is(first.next, first.items[1]!.reference);
});

test('a repository prefix in any registry is found past the first scan batch', async (t) => {
  const { index } = await setup(t);
  // 1,500 rows that do not match sort before the three that do (the scan reads 1,000 at a time).
  for (let n = 0; n < 1_500; n += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, i) => index.put(row('a.io', 'other', n + i + 1))));
  }
  for (const n of [1, 2, 3]) await index.put(row('b.io', 'wanted/app', n));
  const all = await index.query({ limit: 10, repository: 'wanted/' });
  t.deepEqual(
    all.items.map((r) => r.reference),
    [1, 2, 3].map((n) => `b.io/wanted/app@${digest(n)}`),
  );
  t.is(all.next, null);
  const firstTwo = await index.query({ limit: 2, repository: 'wanted/' });
  t.is(firstTwo.next, `b.io/wanted/app@${digest(2)}`);
  const rest = await index.query({ limit: 2, repository: 'wanted/', cursor: firstTwo.next! });
  t.deepEqual(
    rest.items.map((r) => r.reference),
    [`b.io/wanted/app@${digest(3)}`],
  );
});

test('one rebuild at a time: a held rebuild lock is a clear error; a finished rebuild frees it', async (t) => {
  const prefix = await redisPrefix(t);
  const redis = indexConnection(TEST_REDIS_URL);
  t.teardown(() => redis.disconnect());
  const index = redisImageIndex(redis, prefix);
  const rows = async function* () {
    yield row('r.io', 'ns/a', 1);
  };
  t.is(await index.rebuild(rows()), 1);
  t.is(await index.rebuild(rows()), 1, 'the first released its lock');
  t.true(await index.isBuilt());
  await redis.set(`${prefix}:images:rebuilding`, '12345');
  await t.throwsAsync(index.rebuild(rows()), { message: 'another process is rebuilding the image index' });
  t.is(await redis.get(`${prefix}:images:rebuilding`), '12345', "the other process's lock is left alone");
});
