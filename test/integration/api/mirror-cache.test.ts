import path from 'node:path';
import test from 'ava';
import Koa from 'koa';
import { mirrorHandler } from '../../../src/api/routes/mirror.js';
import { createFsStore } from '../../../src/store/index.js';
import { serveApp } from '../../helpers/http.js';
import { tempDir } from '../../helpers/tmp.js';
import { readVector } from '../../helpers/vectors.js';

const HEX = 'b'.repeat(64);
const IMAGE = { registry: 'registry.example.com', repository: 'ns/app', digest: `sha256:${HEX}` };
const SIG1 = Buffer.from(readVector('containers-image/image.signature'));
const SIG2 = Buffer.from(readVector('containers-image/no-optional-fields.signature'));
const TTL_MS = 1_000; // long enough that the steps before the wait never outlive it

async function serveMirror(t: import('ava').ExecutionContext) {
  const store = createFsStore({ root: path.join(await tempDir(t), 'store') });
  const app = Object.assign(new Koa(), { mirrorHandler: mirrorHandler({ store, cacheTtlMs: TTL_MS }) });
  const base = await serveApp(t, app);
  const get = async (n: number) => {
    const r = await fetch(`${base}/sigstore/registry.example.com/ns/app@sha256=${HEX}/signature-${n}`);
    return { status: r.status, body: Buffer.from(await r.arrayBuffer()) };
  };
  return { store, get };
}

test('a removal shows once the cached entry is older than its TTL and one request has re-read it', async (t) => {
  const { store, get } = await serveMirror(t);
  await store.append(IMAGE, [{ bytes: SIG1 }, { bytes: SIG2 }], { origin: 'import' });
  t.true((await get(1)).body.equals(SIG1));
  t.true((await get(2)).body.equals(SIG2));
  t.is(await store.remove(IMAGE, [1]), 1); // signature-1 is now SIG2; there is no signature-2
  t.true((await get(1)).body.equals(SIG1), 'within the TTL the cached blob is served');
  await new Promise((r) => setTimeout(r, TTL_MS + 50));
  t.true((await get(1)).body.equals(SIG1), 'a stale blob is served while it is re-read');
  t.is((await get(2)).status, 200);
  await new Promise((r) => setTimeout(r, 200)); // the re-reads finish
  t.true((await get(1)).body.equals(SIG2));
  t.deepEqual(await get(2), { status: 404, body: Buffer.from('signature not found\n') });
});

test('an unchanged blob stays cached after its TTL; a new index is read on its first request', async (t) => {
  const { store, get } = await serveMirror(t);
  t.is((await get(1)).status, 404);
  await store.append(IMAGE, [{ bytes: SIG1 }], { origin: 'import' });
  t.true((await get(1)).body.equals(SIG1), 'a 404 is never cached');
  await new Promise((r) => setTimeout(r, TTL_MS + 50));
  for (let i = 0; i < 3; i++) t.true((await get(1)).body.equals(SIG1));
});
