/**
 * The mirror's blob cache through the daemon's own listen() over a real fs store: admission on
 * the second request, stale-while-revalidate after the TTL, bounds by bytes and entries. Time is
 * a test clock handed to the cache, so nothing sleeps: the test waits for states.
 */
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import Koa from 'koa';
import { MIRROR_PREFIX, mirrorHandler } from '../../../src/api/routes/mirror.js';
import { createFsStore } from '../../../src/store/index.js';
import { serveApp } from '../../helpers/http.js';
import { syntheticSignature } from '../../helpers/synthetic-signature.js';
import { tempDir } from '../../helpers/tmp.js';
import { readVector } from '../../helpers/vectors.js';
import { waitFor } from '../../helpers/wait.js';

const HEX = 'b'.repeat(64);
const IMAGE = { registry: 'registry.example.com', repository: 'ns/app', digest: `sha256:${HEX}` };
const SIG1 = Buffer.from(readVector('containers-image/image.signature'));
const SIG2 = Buffer.from(readVector('containers-image/no-optional-fields.signature'));
const TTL_MS = 30_000;

async function serveMirror(t: ExecutionContext, cache: { maxBytes?: number; maxEntries?: number } = {}) {
  const store = createFsStore({ root: path.join(await tempDir(t), 'store') });
  const clock = { now: 1_000_000 };
  const reads: string[] = [];
  const counted = {
    ...store,
    read: (...args: Parameters<typeof store.read>) => (reads.push(String(args[1])), store.read(...args)),
  };
  const handler = mirrorHandler({ store: counted, cache: { ttlMs: TTL_MS, now: () => clock.now, ...cache } });
  const base = await serveApp(
    t,
    Object.assign(new Koa(), { rawHandlers: [[MIRROR_PREFIX, handler]] as const }),
  );
  const get = async (n: number, repository = 'ns/app') => {
    const r = await fetch(`${base}/sigstore/registry.example.com/${repository}@sha256=${HEX}/signature-${n}`);
    return { status: r.status, body: Buffer.from(await r.arrayBuffer()) };
  };
  return { store, get, clock, reads };
}

test('a blob is cached on its second request: the first reads the store each time', async (t) => {
  const { store, get, reads } = await serveMirror(t);
  await store.append(IMAGE, [{ bytes: SIG1 }], { origin: 'import' });
  for (let i = 0; i < 3; i++) t.true((await get(1)).body.equals(SIG1));
  t.deepEqual(reads, ['1', '1'], 'read twice (once, then admitted), then served from memory');
});

test('a removal shows once the cached entry is past its TTL and one request has re-read it', async (t) => {
  const { store, get, clock, reads } = await serveMirror(t);
  await store.append(IMAGE, [{ bytes: SIG1 }, { bytes: SIG2 }], { origin: 'import' });
  for (const n of [1, 1, 2, 2]) await get(n); // both admitted
  t.is(await store.remove(IMAGE, [1]), 1); // signature-1 is now SIG2; there is no signature-2
  t.true((await get(1)).body.equals(SIG1), 'within the TTL the cached blob is served');
  clock.now += TTL_MS + 1;
  reads.length = 0;
  t.true((await get(1)).body.equals(SIG1), 'a stale blob is served while it is re-read');
  t.is((await get(2)).status, 200);
  await waitFor('the re-reads to land', async () => (await get(1)).body.equals(SIG2));
  await waitFor('signature-2 to be gone', async () => (await get(2)).status === 404);
  t.deepEqual(await get(2), { status: 404, body: Buffer.from('signature not found\n') });
});

test('an unchanged blob stays cached after its TTL; a 404 is never cached', async (t) => {
  const { store, get, clock, reads } = await serveMirror(t);
  t.is((await get(1)).status, 404);
  await store.append(IMAGE, [{ bytes: SIG1 }], { origin: 'import' });
  t.true((await get(1)).body.equals(SIG1), 'a 404 is never cached');
  await get(1);
  clock.now += TTL_MS + 1;
  reads.length = 0;
  for (let i = 0; i < 3; i++) t.true((await get(1)).body.equals(SIG1));
  await waitFor('the one re-read', () => reads.length === 1);
  clock.now += 1_000;
  await get(1);
  t.deepEqual(reads, ['1'], 'checked once, then fresh again');
});

test('the cache holds no more than its entry bound; a scan of paths asked for once caches nothing', async (t) => {
  const { store, get, reads } = await serveMirror(t, { maxEntries: 3 });
  const repos = ['a', 'b', 'c', 'd', 'e'].map((r) => `ns/${r}`);
  for (const repository of repos)
    await store.append({ ...IMAGE, repository }, [{ bytes: syntheticSignature(repository) }], {
      origin: 'import',
    });
  for (const r of repos) await get(1, r);
  reads.length = 0;
  for (const r of repos) await get(1, r);
  t.is(reads.length, 5, 'a scan admitted nothing: each second request read the store');
  reads.length = 0;
  for (const r of repos) await get(1, r);
  t.is(reads.length, 2, 'three stayed cached (the bound), the two oldest were evicted');
});
