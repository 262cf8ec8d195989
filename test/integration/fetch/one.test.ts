/**
 * fetchOne, the read of one signature URL, against real HTTP servers on 127.0.0.1 and real files:
 * every answer it turns into bytes, "missing" or a FetchError, with the error's exact kind, text
 * and retry flag (the queue retries on it).
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import test, { type ExecutionContext } from 'ava';
import { AgentPool, FetchError } from '../../../src/fetch/index.js';
import { fetchOne, type OneOptions } from '../../../src/fetch/one.js';
import { MAX_REDIRECTS } from '../../../src/limits.js';
import { tempDir } from '../../helpers/tmp.js';
import { bytesHandler, makeCertificates, startUpstream, type Handler } from '../../helpers/upstream.js';

const MAX_BYTES = 1_000;

function options(t: ExecutionContext, extra: Partial<OneOptions> = {}): OneOptions {
  const agents = new AgentPool([], 10_000);
  t.teardown(() => agents.close());
  return { agents, maxBytes: MAX_BYTES, timeoutMs: 10_000, ...extra };
}

const redirect =
  (status: number, location?: string): Handler =>
  (_req, res) =>
    res.writeHead(status, location === undefined ? {} : { location }).end();

async function failure(t: ExecutionContext, url: string, extra: Partial<OneOptions> = {}) {
  const err = await t.throwsAsync(fetchOne(url, options(t, extra)), { instanceOf: FetchError });
  return { kind: err.kind, message: err.message, retryable: err.retryable, status: err.status };
}

test('200: the bytes, its content type and the URL that answered, fetched with GET', async (t) => {
  const up = await startUpstream(t);
  const methods: string[] = [];
  up.routes.set('/s', (req, res) => {
    methods.push(req.method!);
    bytesHandler(Buffer.alloc(MAX_BYTES, 7))(req, res);
  });
  const result = await fetchOne(`${up.base}/s`, options(t));
  t.deepEqual(result, {
    found: true,
    bytes: Buffer.alloc(MAX_BYTES, 7),
    contentType: 'application/octet-stream',
    url: `${up.base}/s`,
  });
  t.deepEqual(methods, ['GET']);
});

test('a body one byte over the limit: too-large, not retried', async (t) => {
  const up = await startUpstream(t);
  up.routes.set('/s', bytesHandler(Buffer.alloc(MAX_BYTES + 1)));
  t.deepEqual(await failure(t, `${up.base}/s`), {
    kind: 'too-large',
    message: `signature at ${up.base}/s is larger than the ${MAX_BYTES}-byte limit`,
    retryable: false,
    status: undefined,
  });
});

test('statuses: 404 and 403 are missing; 5xx, 429 and 408 are retried, other statuses are not', async (t) => {
  const up = await startUpstream(t);
  for (const status of [403, 400, 408, 429, 499, 500, 503])
    up.routes.set(`/${status}`, (_req, res) => res.writeHead(status).end('no'));
  t.deepEqual(await fetchOne(`${up.base}/404`, options(t)), { found: false, why: 'not-found' });
  t.deepEqual(await fetchOne(`${up.base}/403`, options(t)), { found: false, why: 'forbidden' });
  for (const [status, retryable] of [
    [400, false],
    [408, true],
    [429, true],
    [499, false],
    [500, true],
    [503, true],
  ] as const)
    t.deepEqual(
      await failure(t, `${up.base}/${status}`),
      { kind: 'http-status', message: `HTTP ${status} from ${up.base}/${status}`, retryable, status },
      String(status),
    );
});

test('redirects: 300–399 with a Location are followed; without one, or another status with one, they are answers', async (t) => {
  const up = await startUpstream(t);
  up.routes.set('/s', bytesHandler(Buffer.from('sig')));
  up.routes.set('/300', redirect(300, '/s'));
  up.routes.set('/399', redirect(399, '/s'));
  up.routes.set('/302-bare', redirect(302));
  up.routes.set('/400-located', redirect(400, '/s'));
  for (const from of ['/300', '/399'])
    t.like(await fetchOne(`${up.base}${from}`, options(t)), { found: true, url: `${up.base}/s` }, from);
  t.like(await failure(t, `${up.base}/302-bare`), { kind: 'http-status', status: 302, retryable: false });
  t.like(await failure(t, `${up.base}/400-located`), { kind: 'http-status', status: 400 });
});

test(`at most ${MAX_REDIRECTS} redirects; a loop and bad targets are refused, none retried`, async (t) => {
  const up = await startUpstream(t);
  up.routes.set('/s', bytesHandler(Buffer.from('sig')));
  // /hopN redirects N times before the signature.
  up.routes.set('/hop0', redirect(302, '/s'));
  for (let n = 1; n <= MAX_REDIRECTS; n++) up.routes.set(`/hop${n}`, redirect(302, `/hop${n - 1}`));
  t.like(await fetchOne(`${up.base}/hop${MAX_REDIRECTS - 1}`, options(t)), { found: true });
  t.deepEqual(await failure(t, `${up.base}/hop${MAX_REDIRECTS}`), {
    kind: 'too-many-redirects',
    message: `more than ${MAX_REDIRECTS} redirects from ${up.base}/hop0`,
    retryable: false,
    status: undefined,
  });
  up.routes.set('/loop-a', redirect(302, '/loop-b'));
  up.routes.set('/loop-b', redirect(302, '/loop-a'));
  t.deepEqual(await failure(t, `${up.base}/loop-a`), {
    kind: 'redirect-loop',
    message: `redirect loop at ${up.base}/loop-b`,
    retryable: false,
    status: undefined,
  });
  up.routes.set('/invalid', redirect(302, 'http://['));
  t.deepEqual(await failure(t, `${up.base}/invalid`), {
    kind: 'bad-redirect',
    message: `redirect from ${up.base}/invalid to an invalid URL`,
    retryable: false,
    status: undefined,
  });
  up.routes.set('/ftp', redirect(302, 'ftp://127.0.0.1/s'));
  t.deepEqual(await failure(t, `${up.base}/ftp`), {
    kind: 'bad-redirect',
    message: `redirect from ${up.base}/ftp to a non-http URL`,
    retryable: false,
    status: undefined,
  });
});

test('a redirect to another host: refused with the config key that allows it, followed once allowed', async (t) => {
  const home = await startUpstream(t);
  const cdn = await startUpstream(t);
  cdn.routes.set('/s', bytesHandler(Buffer.from('sig')));
  home.routes.set('/s', redirect(302, `${cdn.base}/s`));
  const host = new URL(home.base).host;
  t.deepEqual(await failure(t, `${home.base}/s`), {
    kind: 'cross-host-redirect',
    message: `redirect from ${home.base}/s to ${cdn.base}/s leaves ${host}: not followed (to allow it, add "${host}" to import.crossHostRedirects in the daemon config)`,
    retryable: false,
    status: undefined,
  });
  for (const allowed of [host, '127.0.0.1'])
    t.like(
      await fetchOne(`${home.base}/s`, options(t, { crossHostRedirects: new Set([allowed]) })),
      { found: true, url: `${cdn.base}/s` },
      allowed,
    );
  t.like(await failure(t, `${home.base}/s`, { crossHostRedirects: new Set(['other.example:80']) }), {
    kind: 'cross-host-redirect',
  });
});

test('schemes other than http, https and file: refused, not retried', async (t) => {
  t.deepEqual(await failure(t, 'ftp://127.0.0.1/s'), {
    kind: 'unsupported-scheme',
    message: 'unsupported lookaside scheme in ftp://127.0.0.1/s',
    retryable: false,
    status: undefined,
  });
});

test('file://: the bytes up to the limit, missing files and paths through a file are missing, other errors name their code', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'signature-1');
  await writeFile(file, Buffer.alloc(MAX_BYTES, 5));
  t.deepEqual(await fetchOne(pathToFileURL(file).href, options(t)), {
    found: true,
    bytes: Buffer.alloc(MAX_BYTES, 5),
    contentType: undefined,
    url: pathToFileURL(file).href,
  });
  for (const missing of [path.join(dir, 'signature-2'), path.join(file, 'signature-1')])
    t.deepEqual(await fetchOne(pathToFileURL(missing).href, options(t)), { found: false, why: 'not-found' });

  const big = path.join(dir, 'big');
  await writeFile(big, Buffer.alloc(MAX_BYTES + 1));
  t.deepEqual(await failure(t, pathToFileURL(big).href), {
    kind: 'too-large',
    message: `${big} is larger than the ${MAX_BYTES}-byte limit`,
    retryable: false,
    status: undefined,
  });
  const loop = path.join(dir, 'loop');
  await symlink(loop, loop);
  t.deepEqual(await failure(t, pathToFileURL(loop).href), {
    kind: 'file',
    message: `cannot read ${loop}: ELOOP`,
    retryable: false,
    status: undefined,
  });
  const directory = path.join(dir, 'a-directory');
  await mkdir(directory);
  t.deepEqual(await failure(t, pathToFileURL(directory).href), {
    kind: 'file',
    message: `cannot read ${directory}: EISDIR`,
    retryable: false,
    status: undefined,
  });
});

test('https: a redirect may stay on https, never drop to http', async (t) => {
  const dir = await tempDir(t);
  const certs = makeCertificates(dir);
  const bundle = path.join(dir, 'bundle.crt');
  await writeFile(bundle, certs.ca);
  const up = await startUpstream(t, certs);
  up.routes.set('/s', bytesHandler(Buffer.from('sig')));
  up.routes.set('/to-https', redirect(302, '/s'));
  up.routes.set('/to-http', redirect(302, `${up.base.replace('https:', 'http:')}/s`));
  const agents = new AgentPool([], 10_000, 8, { caBundles: [bundle] });
  t.teardown(() => agents.close());
  const tls = { agents, maxBytes: MAX_BYTES, timeoutMs: 10_000 };
  t.like(await fetchOne(`${up.base}/to-https`, tls), { found: true, url: `${up.base}/s` });
  const err = await t.throwsAsync(fetchOne(`${up.base}/to-http`, tls), { instanceOf: FetchError });
  t.like(err, {
    kind: 'insecure-redirect',
    message: `redirect from ${up.base}/to-http to ${up.base.replace('https:', 'http:')}/s drops https: not followed`,
    retryable: false,
  });
});

test('a Location on a 200 is no redirect', async (t) => {
  const up = await startUpstream(t);
  up.routes.set('/located', (_req, res) => res.writeHead(200, { location: '/elsewhere' }).end('sig'));
  t.like(await fetchOne(`${up.base}/located`, options(t)), { found: true, bytes: Buffer.from('sig') });
  t.deepEqual(up.requests, ['/located']);
});
