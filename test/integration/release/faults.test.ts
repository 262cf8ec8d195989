/**
 * Release stores that misbehave and a release mirror under auth and store faults: an object store
 * answering 403 for every missing key costs the CVO's window of requests and no more; the read
 * role of the mirror applies to /release-signatures/; a store that cannot answer is a 503, never
 * a 404 a host or cache would take for "unsigned".
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import Koa from 'koa';
import { RELEASE_MIRROR_PREFIX, releaseMirrorHandler } from '../../../src/api/index.js';
import { TokenSet, tokenHash } from '../../../src/auth/index.js';
import { createFsStore, releaseKey } from '../../../src/store/index.js';
import { RELEASE_STORE_PATH, startReleaseMirror } from '../../helpers/release-mirror.js';
import { startReleaseStack } from '../../helpers/release-stack.js';
import { serveApp } from '../../helpers/http.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';
import { needs } from '../../helpers/needs.js';

const redisTest = await needs({ redis: true });

const FIXTURES = new URL('../../fixtures/releases/', import.meta.url).pathname;
const HEX = '2352c020dacb945a96cf665e553644f3a3c39341b636a4d9ef1653944fd9de1f';
const DIGEST = `sha256:${HEX}`;

redisTest(
  'an object store answering 403 for missing keys: passed over up to index 9, then the end',
  async (t) => {
    const root = await tempDir(t);
    const dir = `${RELEASE_STORE_PATH}/sha256=${HEX}`;
    await mkdir(path.join(root, dir), { recursive: true });
    await copyFile(path.join(FIXTURES, 'oc-mirror-sig-2352c020.bin'), path.join(root, dir, 'signature-1'));
    const forbidden = Array.from({ length: 30 }, (_, i) => `${dir}/signature-${i + 2}`);
    const mirror = await startReleaseMirror(t, root, { forbidden });
    const stack = await startReleaseStack(t, { signatureStores: [mirror.storeUrl] });
    const job = await stack.producer.enqueue(releaseKey(DIGEST));
    const status = await waitFor('the import', async () => {
      const s = await stack.producer.status(job.id);
      return s?.state === 'completed' || s?.state === 'failed' ? s : undefined;
    });
    t.is(status.state, 'completed', status.error);
    const result = status.result as {
      fetched: number;
      skipped: number[];
      endedBy: string;
      warnings: string[];
    };
    t.like(result, { fetched: 1, skipped: [2, 3, 4, 5, 6, 7, 8], endedBy: 'forbidden-as-missing' });
    t.deepEqual(
      mirror.requests,
      Array.from({ length: 9 }, (_, i) => `${dir}/signature-${i + 1}`),
    );
    t.regex(
      result.warnings.at(-1)!,
      /signature-9: taken as the end of the list \(beyond the CVO's 9 indices\)$/,
    );
  },
);

async function serve(t: Parameters<typeof tempDir>[0], handler: ReturnType<typeof releaseMirrorHandler>) {
  const app = Object.assign(new Koa(), { rawHandlers: [[RELEASE_MIRROR_PREFIX, handler]] as const });
  return `${await serveApp(t, app)}/release-signatures/sha256=${HEX}/signature-1`;
}
const envelope = (code: string, message: string) => ({ errors: [{ code, message }] });

test('the read role: without anonymous reads a reader token is needed; a wrong token never passes', async (t) => {
  const dir = await tempDir(t);
  const store = createFsStore({ root: path.join(dir, 'store') });
  await store.append(releaseKey(DIGEST), [{ bytes: Buffer.from([0xa3, 1, 2]) }], { origin: 'import' });
  const tokens = TokenSet.parse(
    'tokens.yaml',
    `tokens:\n  - {name: reader-bot, sha256: ${tokenHash('r')}, roles: [reader]}\n  - {name: importer-bot, sha256: ${tokenHash('i')}, roles: [importer]}\n`,
  );
  const closed = await serve(
    t,
    releaseMirrorHandler({ store, auth: { tokens: () => tokens, anonymousRead: false } }),
  );
  const get = (url: string, token?: string) =>
    fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const anonymous = await get(closed);
  t.is(anonymous.status, 401);
  t.is(anonymous.headers.get('www-authenticate'), 'Bearer realm="sigmirror"');
  t.deepEqual(await anonymous.json(), envelope('UNAUTHORIZED', 'authentication required'));
  t.is((await get(closed, 'r')).status, 200);
  const importer = await get(closed, 'i');
  t.is(importer.status, 403);
  t.deepEqual(await importer.json(), envelope('DENIED', 'the token "importer-bot" lacks the reader role'));
  t.is((await get(closed, 'wrong')).status, 401);
  const open = await serve(
    t,
    releaseMirrorHandler({ store, auth: { tokens: () => tokens, anonymousRead: true } }),
  );
  t.is((await get(open)).status, 200);
  t.is((await get(open, 'i')).status, 200);
  t.is((await get(open, 'wrong')).status, 401, 'a wrong token is refused even where anonymous reads are on');
});

test('a store that cannot answer is a 503 with no-store, never a 404', async (t) => {
  const dir = await tempDir(t);
  await writeFile(path.join(dir, 'not-a-directory'), 'x');
  const store = createFsStore({ root: path.join(dir, 'not-a-directory'), metaRoot: path.join(dir, 'meta') });
  const url = await serve(t, releaseMirrorHandler({ store }));
  const res = await fetch(url);
  t.is(res.status, 503);
  t.is(res.headers.get('cache-control'), 'no-store');
  t.deepEqual(await res.json(), envelope('UNAVAILABLE', 'the signature store cannot be read'));
});
