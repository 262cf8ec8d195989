import test from 'ava';
import { createHash } from 'node:crypto';
import { BlobCache, keyHash } from '../../../src/api/blob-cache.js';

/** A store of keys to bytes that records every read, as the mirror's loader over the fs store. */
function storeOf(entries: Record<string, Buffer>) {
  const blobs = new Map(Object.entries(entries));
  const reads: string[] = [];
  let failing = false;
  const load = async (key: string) => {
    reads.push(key);
    if (failing) throw new Error('EIO: the store cannot be read');
    return blobs.get(key);
  };
  return { blobs, reads, load, fail: (on: boolean) => void (failing = on) };
}

const etagOf = (bytes: Buffer) => `"sha256:${createHash('sha256').update(bytes).digest('hex')}"`;
/** Lets background re-reads (a promise chain) land. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function admitted(cache: BlobCache, key: string) {
  await cache.fetch(key);
  return cache.fetch(key);
}

test('a blob is admitted on its second fetch; its bytes and the key count against the byte bound', async (t) => {
  const bytes = Buffer.alloc(900, 1);
  const store = storeOf({ 'a/signature-1': bytes });
  const cache = new BlobCache(store.load);
  t.deepEqual(await cache.fetch('a/signature-1'), { bytes, etag: etagOf(bytes) });
  t.deepEqual(cache.stats, { entries: 0, bytes: 0 }, 'asked once: only its hash is remembered');
  await cache.fetch('a/signature-1');
  t.deepEqual(cache.stats, { entries: 1, bytes: 900 + 'a/signature-1'.length + 256 });
  t.deepEqual(cache.peek('a/signature-1'), { bytes, etag: etagOf(bytes) });
  t.is(await cache.fetch('missing'), undefined);
});

test('no blob larger than a sixteenth of the byte bound is cached', async (t) => {
  const store = storeOf({ big: Buffer.alloc(1_001), small: Buffer.alloc(1_000 - 'small'.length - 256) });
  const cache = new BlobCache(store.load, { maxBytes: 16_000 });
  await admitted(cache, 'big');
  t.is(cache.peek('big'), undefined, 'over 16,000 / 16 bytes: served, never held');
  await admitted(cache, 'small');
  t.truthy(cache.peek('small'), 'exactly a sixteenth with its key and overhead: held');
});

test('clear() forgets the blobs and the doorkeeper', async (t) => {
  const store = storeOf({ a: Buffer.from('A') });
  const cache = new BlobCache(store.load);
  await admitted(cache, 'a');
  await cache.fetch('b');
  cache.clear();
  t.deepEqual(cache.stats, { entries: 0, bytes: 0 });
  t.is(cache.peek('a'), undefined);
  await cache.fetch('a');
  t.is(cache.peek('a'), undefined, 'the first fetch after clear() is a first request again');
});

test('a blob is re-read once its TTL has run out, at 0 ms left; serving does not extend its age', async (t) => {
  const clock = { now: 1_000 };
  const store = storeOf({ a: Buffer.from('A') });
  // A 1 ms TTL: the jitter (80–100 %) rounds to 1 ms, so the test knows the entry's TTL exactly.
  const cache = new BlobCache(store.load, { ttlMs: 1, now: () => clock.now });
  await admitted(cache, 'a');
  store.reads.length = 0;
  t.truthy(cache.peek('a'));
  t.deepEqual(store.reads, [], 'fresh: no re-read');
  clock.now += 1;
  t.truthy(cache.peek('a'), 'no time left: still served');
  await settle();
  t.deepEqual(store.reads, ['a'], 'and re-read in the background');

  // Peeks within the TTL do not make the entry younger (updateAgeOnGet: false).
  const slow = new BlobCache(store.load, { ttlMs: 10_000, now: () => clock.now });
  await admitted(slow, 'a');
  store.reads.length = 0;
  for (let i = 0; i < 3; i++) {
    clock.now += 4_000;
    slow.peek('a');
    await settle();
  }
  t.deepEqual(store.reads, ['a'], 'past its TTL after 12 s of peeks every 4 s: re-read once');
});

test('TTLs are jittered between 80 and 100 % so entries cached together are not re-read together', async (t) => {
  const clock = { now: 1_000 };
  const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
  const store = storeOf(Object.fromEntries(keys.map((k) => [k, Buffer.from(k)])));
  const cache = new BlobCache(store.load, { ttlMs: 1_000_000, now: () => clock.now });
  for (const k of keys) await admitted(cache, k);
  const rereadAfter = async (ms: number) => {
    clock.now = 1_000 + ms;
    store.reads.length = 0;
    for (const k of keys) cache.peek(k);
    await settle();
    return store.reads.length;
  };
  t.is(await rereadAfter(799_000), 0, 'none before 80 % of the TTL');
  const atNinety = await rereadAfter(900_000);
  t.true(atNinety > 0 && atNinety < keys.length, `some, not all, at 90 %: ${atNinety} of 40`);
  t.is(await rereadAfter(1_000_000), keys.length - atNinety, 'the rest by 100 %');
});

test('a stale entry is not dropped when nothing reads it: it is served, then re-read, whatever the wall clock', async (t) => {
  const clock = { now: 1_000 };
  const store = storeOf({ a: Buffer.from('A') });
  const cache = new BlobCache(store.load, { ttlMs: 5, now: () => clock.now });
  await admitted(cache, 'a');
  clock.now += 100;
  // Real time passes too: an expiry timer (ttlAutopurge) would drop the entry by now.
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.deepEqual(cache.peek('a')?.bytes, Buffer.from('A'), 'served stale');
});

test('an unchanged re-read keeps the same entry (not hashed again); a changed one replaces it', async (t) => {
  const clock = { now: 1_000 };
  const store = storeOf({ a: Buffer.from('A') });
  const cache = new BlobCache(store.load, { ttlMs: 1_000, now: () => clock.now });
  await admitted(cache, 'a');
  const first = cache.peek('a');
  clock.now += 2_000;
  cache.peek('a');
  await settle();
  t.is(cache.peek('a'), first, 'the same object');
  store.blobs.set('a', Buffer.from('B'));
  clock.now += 2_000;
  cache.peek('a');
  await settle();
  t.deepEqual(cache.peek('a'), { bytes: Buffer.from('B'), etag: etagOf(Buffer.from('B')) });
  store.blobs.delete('a');
  clock.now += 2_000;
  cache.peek('a');
  await settle();
  t.is(cache.peek('a'), undefined, 'gone from the store: dropped');
});

test('a re-read that fails drops the entry; each staleness gets its own one re-read', async (t) => {
  const clock = { now: 1_000 };
  const store = storeOf({ a: Buffer.from('A') });
  const cache = new BlobCache(store.load, { ttlMs: 1_000, now: () => clock.now });
  await admitted(cache, 'a');
  store.reads.length = 0;
  clock.now += 2_000;
  for (let i = 0; i < 3; i++) cache.peek('a');
  await settle();
  t.deepEqual(store.reads, ['a'], 'one re-read for three stale peeks');
  clock.now += 2_000;
  cache.peek('a');
  await settle();
  t.deepEqual(store.reads, ['a', 'a'], 'stale again: re-read again');
  store.fail(true);
  clock.now += 2_000;
  t.truthy(cache.peek('a'), 'served while the re-read runs');
  await settle();
  t.is(cache.peek('a'), undefined, 'the store failed: the next request asks the store itself');
});

test('the doorkeeper hash is 32-bit FNV-1a over the key', (t) => {
  // Published FNV-1a 32-bit test vectors (ASCII keys: one UTF-16 unit per byte).
  t.is(keyHash(''), 0x811c9dc5);
  t.is(keyHash('a'), 0xe40c292c);
  t.is(keyHash('foobar'), 0xbf9cf968);
});
