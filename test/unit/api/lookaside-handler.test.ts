/**
 * The image mirror's handler (src/api/routes/mirror.ts over src/api/lookaside-handler.ts) on a real
 * node:http server on 127.0.0.1 and a real fs store in a temp dir: status codes, headers and bytes
 * of every answer, conditional requests, methods, the read rule for tokens, and a failing store.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import http, { type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import test, { type ExecutionContext } from 'ava';
import { pino } from 'pino';
import { mirrorHandler } from '../../../src/api/routes/mirror.js';
import { TokenSet } from '../../../src/auth/tokens.js';
import { createMetrics } from '../../../src/metrics.js';
import { createFsStore } from '../../../src/store/index.js';
import { tempDir } from '../../helpers/tmp.js';

const HEX = 'e'.repeat(64);
const IMAGE = { registry: 'reg.example.com:5000', repository: 'ns/app', digest: `sha256:${HEX}` };
const PATH = `/sigstore/reg.example.com:5000/ns/app@sha256=${HEX}/signature-`;
const SIG = Buffer.from('signature bytes');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const TOKENS = TokenSet.parse(
  'tokens.yaml',
  `tokens:\n  - {name: r, sha256: ${sha('reader-token')}, roles: [reader]}\n  - {name: a, sha256: ${sha('admin-token')}, roles: [admin]}\n  - {name: s, sha256: ${sha('signer-token')}, roles: [signer]}\n`,
);

async function serve(t: ExecutionContext, handler: http.RequestListener): Promise<string> {
  const server: Server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function mirror(
  t: ExecutionContext,
  auth?: { anonymousRead: boolean },
  metrics?: ReturnType<typeof createMetrics>,
) {
  const store = createFsStore({ root: path.join(await tempDir(t), 'store') });
  await store.append(IMAGE, [{ bytes: SIG }, { bytes: Buffer.from('two') }], { origin: 'import' });
  return serve(t, mirrorHandler({ store, metrics, auth: auth && { tokens: () => TOKENS, ...auth } }));
}

async function get(base: string, url: string, init: RequestInit = {}) {
  const res = await fetch(base + url, init);
  return {
    status: res.status,
    body: await res.text(),
    type: res.headers.get('content-type'),
    length: res.headers.get('content-length'),
    etag: res.headers.get('etag'),
    cache: res.headers.get('cache-control'),
    allow: res.headers.get('allow'),
    challenge: res.headers.get('www-authenticate'),
  };
}

/** A strong ETag: the sha256 of the bytes. */
const ETAG = `"sha256:${createHash('sha256').update(SIG).digest('hex')}"`;

test('GET and HEAD of a signature: its bytes, type, length, ETag and a short revalidated cache', async (t) => {
  const base = await mirror(t);
  const ok = await get(base, `${PATH}1`);
  t.like(ok, {
    status: 200,
    body: 'signature bytes',
    type: 'application/octet-stream',
    length: String(SIG.length),
    etag: ETAG,
    cache: 'public, max-age=60, must-revalidate',
  });
  t.is((await get(base, `${PATH}2?x=1`)).body, 'two');
  // Twice: the second answer comes from the cache, the same.
  t.deepEqual(await get(base, `${PATH}1`), ok);
  t.deepEqual(await get(base, `${PATH}1`, { method: 'HEAD' }), { ...ok, body: '' });
});

test('If-None-Match: 304 with the ETag and cache headers, no body; another tag gets the bytes', async (t) => {
  const base = await mirror(t);
  const etag = ETAG;
  const notModified = await get(base, `${PATH}1`, { headers: { 'If-None-Match': etag } });
  t.like(notModified, { status: 304, body: '', etag, cache: 'public, max-age=60, must-revalidate' });
  t.like(await get(base, `${PATH}1`, { headers: { 'If-None-Match': '"other"' } }), {
    status: 200,
    body: 'signature bytes',
  });
  t.like(await get(base, `${PATH}1`, { method: 'HEAD', headers: { 'If-None-Match': etag } }), {
    status: 304,
  });
});

test('the first missing index and paths that are no signature: a plain, briefly cached 404', async (t) => {
  const base = await mirror(t);
  const missing = {
    status: 404,
    body: 'signature not found\n',
    type: 'text/plain; charset=utf-8',
    length: '20',
    cache: 'public, max-age=10',
    etag: null,
  };
  for (const url of [
    `${PATH}3`,
    `${PATH}0`,
    `/sigstore/reg.example.com:5000/ns/other@sha256=${HEX}/signature-1`,
    '/sigstore/x',
    '/sigstore/',
  ])
    t.like(await get(base, url), missing, url);
  t.like(await get(base, `${PATH}3`, { method: 'HEAD' }), { ...missing, body: '' });
});

test('methods: OPTIONS 204 with Allow, others 405 in the error envelope', async (t) => {
  const base = await mirror(t);
  t.like(await get(base, `${PATH}1`, { method: 'OPTIONS' }), { status: 204, body: '', allow: 'GET, HEAD' });
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH'])
    t.like(
      await get(base, `${PATH}1`, { method }),
      {
        status: 405,
        allow: 'GET, HEAD',
        cache: 'no-store',
        type: 'application/json; charset=utf-8',
        body: JSON.stringify({
          errors: [{ code: 'METHOD_NOT_ALLOWED', message: `${method} is not allowed here: GET, HEAD only` }],
        }),
      },
      method,
    );
});

const envelope = (code: string, message: string) => JSON.stringify({ errors: [{ code, message }] });
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

test('anonymous reads on: no token passes; a presented token must still be valid', async (t) => {
  const base = await mirror(t, { anonymousRead: true });
  t.is((await get(base, `${PATH}1`)).status, 200);
  t.is((await get(base, `${PATH}1`, bearer('signer-token'))).status, 200);
  t.like(await get(base, `${PATH}1`, bearer('wrong')), {
    status: 401,
    challenge: 'Bearer realm="sigmirror"',
    body: envelope('UNAUTHORIZED', 'invalid or unknown bearer token'),
  });
});

test('anonymous reads off: a reader or admin token is required', async (t) => {
  const base = await mirror(t, { anonymousRead: false });
  t.like(await get(base, `${PATH}1`), {
    status: 401,
    challenge: 'Bearer realm="sigmirror"',
    cache: 'no-store',
    body: envelope('UNAUTHORIZED', 'authentication required'),
  });
  t.like(await get(base, `${PATH}1`, bearer('reader-token')), { status: 200, body: 'signature bytes' });
  t.like(await get(base, `${PATH}1`, bearer('admin-token')), { status: 200, body: 'signature bytes' });
  t.like(await get(base, `${PATH}1`, bearer('signer-token')), {
    status: 403,
    body: envelope('DENIED', 'the token "s" lacks the reader role'),
  });
  t.like(await get(base, `${PATH}1`, { method: 'HEAD' }), { status: 401, body: '' });
  // The method check comes first: nothing is read or authenticated for a POST.
  t.is((await get(base, `${PATH}1`, { method: 'POST' })).status, 405);
});

test('a store that cannot be read answers 503 no-store, never a 404', async (t) => {
  const dir = await tempDir(t);
  const root = path.join(dir, 'store');
  await writeFile(root, 'a file where the store directory should be');
  const base = await serve(t, mirrorHandler({ store: createFsStore({ root }) }));
  t.like(await get(base, `${PATH}1`), {
    status: 503,
    cache: 'no-store',
    body: envelope('UNAVAILABLE', 'the signature store cannot be read'),
  });
});

test('every answer is counted by route, method and final status; unknown methods as "other"', async (t) => {
  const metrics = createMetrics(false);
  const base = await mirror(t, { anonymousRead: false }, metrics);
  const reader = bearer('reader-token').headers;
  await get(base, `${PATH}1`, { headers: reader });
  await get(base, `${PATH}1`, { headers: { ...reader, 'If-None-Match': ETAG } });
  await get(base, `${PATH}3`, { method: 'HEAD', headers: reader });
  await get(base, `${PATH}1`);
  for (const method of ['OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH', 'PROPFIND'])
    await get(base, `${PATH}1`, { method });
  const lines = (await metrics.registry.getSingleMetricAsString('sigmirror_api_requests_total'))
    .split('\n')
    .filter((l) => !l.startsWith('#'));
  const row = (method: string, status: number) =>
    `sigmirror_api_requests_total{route="/sigstore/*",method="${method}",status="${status}"} 1`;
  t.deepEqual(lines.sort(), [
    row('DELETE', 405),
    row('GET', 200),
    row('GET', 304),
    row('GET', 401),
    row('HEAD', 404),
    row('OPTIONS', 204),
    row('PATCH', 405),
    row('POST', 405),
    row('PUT', 405),
    row('other', 405),
  ]);
});

test('a store that cannot be read is logged once, with the path and the error, not the query', async (t) => {
  const dir = await tempDir(t);
  const root = path.join(dir, 'store');
  await writeFile(root, 'a file where the store directory should be');
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().trim().split('\n'));
      done();
    },
  });
  const logger = pino({ base: null, timestamp: false }, sink);
  const metrics = createMetrics(false);
  const base = await serve(t, mirrorHandler({ store: createFsStore({ root }), logger, metrics }));
  t.is((await get(base, `${PATH}1?token=secret`)).status, 503);
  const [entry, ...more] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  t.deepEqual(more, []);
  t.like(entry, { level: 50, msg: 'lookaside: the store cannot be read', url: `${PATH}1` });
  t.is((entry!.err as { code?: string }).code, 'ENOTDIR');
  t.regex(
    await metrics.registry.getSingleMetricAsString('sigmirror_api_requests_total'),
    /method="GET",status="503"\} 1/,
  );
});

test('HEAD, pipelined on one connection: headers only, so the next answer on it is intact', async (t) => {
  const base = await mirror(t);
  const { hostname, port } = new URL(base);
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () =>
      socket.write(
        `HEAD ${PATH}1 HTTP/1.1\r\nHost: x\r\n\r\nHEAD ${PATH}9 HTTP/1.1\r\nHost: x\r\n\r\n` +
          `GET ${PATH}2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      ),
    );
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
  const answers = raw.split(/(?=HTTP\/1\.1 )/);
  t.is(answers.length, 3);
  t.regex(answers[0]!, /^HTTP\/1\.1 200 OK\r\n[^]*Content-Length: 15\r\n[^]*\r\n\r\n$/);
  t.regex(answers[1]!, /^HTTP\/1\.1 404 Not Found\r\n[^]*Content-Length: 20\r\n[^]*\r\n\r\n$/);
  t.regex(answers[2]!, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\ntwo$/);
});

test("the cache's entries and bytes are on /metrics by route, read at each collection", async (t) => {
  const metrics = createMetrics(false);
  const base = await mirror(t, undefined, metrics);
  const gauges = async () =>
    (await metrics.registry.metrics()).split('\n').filter((l) => l.startsWith('sigmirror_mirror_cache_'));
  t.deepEqual(await gauges(), [
    'sigmirror_mirror_cache_bytes{route="/sigstore/*"} 0',
    'sigmirror_mirror_cache_entries{route="/sigstore/*"} 0',
  ]);
  for (let i = 0; i < 2; i++) await get(base, `${PATH}1`); // admitted on its second request
  const key = `${PATH}1`.slice('/sigstore/'.length);
  t.deepEqual(await gauges(), [
    `sigmirror_mirror_cache_bytes{route="/sigstore/*"} ${SIG.length + key.length + 256}`,
    'sigmirror_mirror_cache_entries{route="/sigstore/*"} 1',
  ]);
});
