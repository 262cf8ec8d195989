import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { needs } from '../../helpers/needs.js';
import { startApi } from '../../helpers/api.js';
import { rawRequest } from '../../helpers/http.js';
import { readVector } from '../../helpers/vectors.js';

const test = await needs({ redis: true });

const HEX = 'a'.repeat(64);
const IMAGE = { registry: 'registry.example.com', repository: 'ns/app', digest: `sha256:${HEX}` };
const SIG1 = readVector('containers-image/image.signature');
const SIG2 = readVector('containers-image/no-optional-fields.signature');
const url = (base: string, n: number | string) =>
  `${base}/sigstore/registry.example.com/ns/app@sha256=${HEX}/signature-${n}`;

test('serves stored signatures byte-exact, cached for 60 s then revalidated by ETag; the first missing index is a short-lived 404', async (t) => {
  const api = await startApi(t);
  await api.store.append(IMAGE, [{ bytes: SIG1 }, { bytes: SIG2 }], { origin: 'import' });
  const r = await fetch(url(api.base, 1));
  t.is(r.status, 200);
  t.true(Buffer.from(await r.arrayBuffer()).equals(Buffer.from(SIG1)));
  t.is(r.headers.get('content-type'), 'application/octet-stream');
  t.is(r.headers.get('content-length'), String(SIG1.length));
  const etag = `"sha256:${createHash('sha256').update(SIG1).digest('hex')}"`;
  t.is(r.headers.get('etag'), etag);
  t.is(r.headers.get('cache-control'), 'public, max-age=60, must-revalidate');
  const head = await fetch(url(api.base, 2), { method: 'HEAD' });
  t.is(head.status, 200);
  t.is(head.headers.get('content-length'), String(SIG2.length));
  t.is((await head.arrayBuffer()).byteLength, 0);
  for (const n of [3, 4]) {
    const missing = await fetch(url(api.base, n));
    t.is(missing.status, 404);
    t.is(await missing.text(), 'signature not found\n');
    t.is(missing.headers.get('cache-control'), 'public, max-age=10');
    t.is(missing.headers.get('content-type'), 'text/plain; charset=utf-8');
  }
  const cached = await fetch(url(api.base, 1), { headers: { 'if-none-match': etag } });
  t.is(cached.status, 304);
});

test('only GET and HEAD; nothing but signatures or 404 under /sigstore/', async (t) => {
  const api = await startApi(t);
  await api.store.append(IMAGE, [{ bytes: SIG1 }], { origin: 'import' });
  for (const method of ['POST', 'PUT', 'DELETE']) {
    const r = await fetch(url(api.base, 1), { method });
    t.is(r.status, 405, method);
    t.is(r.headers.get('allow'), 'GET, HEAD');
  }
  const notSignatures = [
    `${api.base}/sigstore/`,
    `${api.base}/sigstore/registry.example.com/`,
    `${api.base}/sigstore/registry.example.com/ns/app@sha256=${HEX}/`,
    `${api.base}/sigstore/registry.example.com/ns/app@sha256=${HEX}`,
    url(api.base, 0),
    url(api.base, '01'),
    `${api.base}/sigstore/registry.example.com/ns/%2e%2e/app@sha256=${HEX}/signature-1`,
    `${api.base}/sigstore/registry.example.com/ns%2fapp@sha256=${HEX}/signature-1`,
    `${api.base}/sigstore/registry.example.com/NS/app@sha256=${HEX}/signature-1`,
  ];
  for (const u of notSignatures) {
    const r = await rawRequest(api.base, u.slice(api.base.length));
    t.is(r.status, 404, u);
    t.is(r.body, 'signature not found\n');
  }
  for (const raw of [
    `/sigstore/registry.example.com/ns/../../../etc/passwd`,
    `/sigstore/../store-meta/x`,
    `/sigstore/registry.example.com/ns/app@sha256=${HEX}/../../../../etc/signature-1`,
  ]) {
    t.is((await rawRequest(api.base, raw)).status, 404, raw);
  }
});

test('HEAD and conditional requests give every outcome its headers without a body', async (t) => {
  const api = await startApi(t);
  await api.store.append(IMAGE, [{ bytes: SIG1 }], { origin: 'import' });
  const etag = `"sha256:${createHash('sha256').update(SIG1).digest('hex')}"`;
  const head304 = await rawRequest(api.base, url('', 1), 'HEAD', undefined, { 'if-none-match': etag });
  t.like(head304, { status: 304, body: '' });
  t.is(head304.headers.etag, etag);
  t.is(head304.headers['cache-control'], 'public, max-age=60, must-revalidate');
  const head404 = await rawRequest(api.base, url('', 2), 'HEAD');
  t.like(head404, { status: 404, body: '' });
  t.is(head404.headers['content-length'], String('signature not found\n'.length));
  t.is(head404.headers['cache-control'], 'public, max-age=10');
  // A tag never makes a missing signature 304, and a weak or listed tag still matches.
  t.is((await rawRequest(api.base, url('', 2), 'GET', undefined, { 'if-none-match': '*' })).status, 404);
  for (const inm of [`W/${etag}`, `"x", ${etag}`, '*'])
    t.is(
      (await rawRequest(api.base, url('', 1), 'GET', undefined, { 'if-none-match': inm })).status,
      304,
      inm,
    );
  t.is((await rawRequest(api.base, url('', 1), 'GET', undefined, { 'if-none-match': '"x"' })).status, 200);
  const options = await rawRequest(api.base, url('', 1), 'OPTIONS');
  t.like(options, { status: 204, body: '' });
  t.is(options.headers.allow, 'GET, HEAD');
  const post = await fetch(url(api.base, 1), { method: 'PATCH' });
  t.deepEqual(await post.json(), {
    errors: [{ code: 'METHOD_NOT_ALLOWED', message: 'PATCH is not allowed here: GET, HEAD only' }],
  });
});

test('a store that cannot be read answers 503 no-store to GET and HEAD, never a 404', async (t) => {
  const api = await startApi(t);
  // A directory where signature-1 should be: reading it fails (EISDIR), as a broken disk would.
  await mkdir(path.join(api.dir, 'store', 'registry.example.com', `ns/app@sha256=${HEX}`, 'signature-1'), {
    recursive: true,
  });
  for (const method of ['GET', 'HEAD']) {
    const r = await rawRequest(api.base, url('', 1), method);
    t.is(r.status, 503, method);
    t.is(r.headers['cache-control'], 'no-store', method);
  }
  const body = await (await fetch(url(api.base, 1))).json();
  t.deepEqual(body, { errors: [{ code: 'UNAVAILABLE', message: 'the signature store cannot be read' }] });
});
