import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {
  AgentPool,
  FetchError,
  fetchSignatureList,
  type FetchListOptions,
} from '../../../src/fetch/index.js';
import { signatureUrl } from '../../../src/lookaside/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { bytesHandler, makeCertificates, startUpstream, type Upstream } from '../../helpers/upstream.js';
import { readVector } from '../../helpers/vectors.js';

const HEX = '7'.repeat(64);
const DIGEST = `sha256:${HEX}`;
const SIG1 = readVector('containers-image/image.signature');
const SIG2 = readVector('containers-image/no-optional-fields.signature');
/** Generous: these tests are about answers, not speed, and CI runs them beside heavy fault tests. */
const LOADED_CI_TIMEOUT_MS = 10_000;
const sigPath = (n: number) => `/store/ns/app@sha256=${HEX}/signature-${n}`;

function options(
  t: Parameters<typeof tempDir>[0],
  base: string,
  extra: Partial<FetchListOptions> = {},
): FetchListOptions {
  const agents = new AgentPool([], 10_000);
  t.teardown(() => agents.close());
  return {
    urlFor: (n) => signatureUrl(`${base}/store/ns/app`, DIGEST, n),
    agents,
    timeoutMs: LOADED_CI_TIMEOUT_MS,
    ...extra,
  };
}

async function upstreamWith(t: Parameters<typeof tempDir>[0], sigs: Uint8Array[]): Promise<Upstream> {
  const up = await startUpstream(t);
  sigs.forEach((s, i) => up.routes.set(sigPath(i + 1), bytesHandler(s)));
  return up;
}

test('reads signature-1..N in order until the first 404, byte-exact, reusing connections', async (t) => {
  const up = await upstreamWith(t, [SIG1, SIG2]);
  const r = await fetchSignatureList(options(t, up.base));
  t.is(r.endedBy, 'not-found');
  t.deepEqual(
    r.signatures.map((s) => [s.index, Buffer.from(s.bytes).equals(Buffer.from(s.index === 1 ? SIG1 : SIG2))]),
    [
      [1, true],
      [2, true],
    ],
  );
  t.is(r.signatures[0]!.url, `${up.base}${sigPath(1)}`);
  t.deepEqual(up.requests, [sigPath(1), sigPath(2), sigPath(3)]);
  t.true(
    up.connections < up.requests.length,
    `keep-alive: ${up.connections} connections for ${up.requests.length} requests`,
  );
});

test('a gap ends the list: 1, 2, 4 gives 1 and 2', async (t) => {
  const up = await upstreamWith(t, [SIG1, SIG2]);
  up.routes.set(sigPath(4), bytesHandler(SIG1));
  const r = await fetchSignatureList(options(t, up.base));
  t.is(r.signatures.length, 2);
});

test('maxSignatures caps the list', async (t) => {
  const up = await upstreamWith(t, [SIG1, SIG2, SIG1]);
  const r = await fetchSignatureList(options(t, up.base, { maxSignatures: 2 }));
  t.is(r.endedBy, 'limit');
  t.is(r.signatures.length, 2);
  t.deepEqual(up.requests, [sigPath(1), sigPath(2)]);
});

test('an HTML soft-404 ends the list with a warning', async (t) => {
  const up = await upstreamWith(t, [SIG1]);
  up.routes.set(
    sigPath(2),
    bytesHandler(Buffer.from('<html>Not here</html>'), { 'content-type': 'text/html' }),
  );
  const events: string[] = [];
  const r = await fetchSignatureList(options(t, up.base, { onEvent: (k) => events.push(k) }));
  t.is(r.endedBy, 'soft-404');
  t.is(r.signatures.length, 1);
  t.deepEqual(r.warnings, [
    `${up.base}${sigPath(2)} answered 200 with a body that is not a signature: not an OpenPGP message (starts with 0x3c); 21 bytes starting 3c68746d6c3e4e6f; not stored, ending the list there`,
  ]);
  t.deepEqual(events, ['soft-404']);
});

test('403 is an error unless the host treats it as missing', async (t) => {
  const up = await upstreamWith(t, [SIG1]);
  up.routes.set(sigPath(2), (_req, res) => res.writeHead(403).end('AccessDenied'));
  const err = await t.throwsAsync(fetchSignatureList(options(t, up.base)), { instanceOf: FetchError });
  t.like(err, {
    kind: 'forbidden',
    status: 403,
    retryable: false,
    message: `HTTP 403 from ${up.base}${sigPath(2)}`,
  });
  const r = await fetchSignatureList(options(t, up.base, { treat403AsMissing: true }));
  t.is(r.endedBy, 'forbidden-as-missing');
  t.is(r.signatures.length, 1);
});

test('5xx is a retryable error', async (t) => {
  const up = await startUpstream(t);
  up.routes.set(sigPath(1), (_req, res) => res.writeHead(503).end());
  const err = await t.throwsAsync(fetchSignatureList(options(t, up.base)), { instanceOf: FetchError });
  t.like(err, { kind: 'http-status', status: 503, retryable: true });
});

test('429 carries Retry-After (seconds or HTTP date)', async (t) => {
  const up = await startUpstream(t);
  up.routes.set(sigPath(1), (_req, res) => res.writeHead(429, { 'retry-after': '7' }).end());
  const err = await t.throwsAsync(fetchSignatureList(options(t, up.base)), { instanceOf: FetchError });
  t.like(err, { kind: 'http-status', status: 429, retryable: true, retryAfterMs: 7000 });
  up.routes.set(sigPath(1), (_req, res) =>
    res.writeHead(429, { 'retry-after': new Date(Date.now() + 60_000).toUTCString() }).end(),
  );
  const dated = await t.throwsAsync(fetchSignatureList(options(t, up.base)), { instanceOf: FetchError });
  t.true(dated!.retryAfterMs! > 55_000 && dated!.retryAfterMs! <= 60_000);
});

test('a server that never answers times out (retryable)', async (t) => {
  const up = await startUpstream(t);
  up.routes.set(sigPath(1), () => undefined);
  const err = await t.throwsAsync(fetchSignatureList(options(t, up.base, { timeoutMs: 200 })), {
    instanceOf: FetchError,
  });
  t.like(err, { kind: 'timeout', retryable: true });
});

test('a connection reset mid-body is retryable', async (t) => {
  const up = await startUpstream(t);
  up.routes.set(sigPath(1), (_req, res) => {
    res.writeHead(200, { 'content-length': SIG1.length });
    res.write(SIG1.subarray(0, 10));
    setTimeout(() => res.socket?.destroy(), 20);
  });
  const err = await t.throwsAsync(fetchSignatureList(options(t, up.base)), { instanceOf: FetchError });
  t.true(err!.retryable);
  t.true(['reset', 'truncated'].includes(err!.kind), err!.kind);
});

test('a truncated body (Content-Length larger than sent) is an error', async (t) => {
  const up = await startUpstream(t);
  up.routes.set(sigPath(1), (_req, res) => {
    res.writeHead(200, { 'content-length': SIG1.length + 100 });
    res.end(SIG1);
    res.socket?.end();
  });
  const err = await t.throwsAsync(fetchSignatureList(options(t, up.base)), { instanceOf: FetchError });
  t.true(err!.retryable);
});

test('an oversized body is cut off and names the limit', async (t) => {
  const up = await startUpstream(t);
  const big = Buffer.alloc(1024 * 1024, 0xa3);
  up.routes.set(sigPath(1), (_req, res) => {
    res.writeHead(200);
    for (let i = 0; i < 8; i++) res.write(big);
    res.end();
  });
  // A generous timeout: this is about size, and 8 MiB on a loaded CI machine can take a while.
  const limits = { maxBytes: 4 * 1024 * 1024, timeoutMs: 15_000 };
  const err = await t.throwsAsync(fetchSignatureList(options(t, up.base, limits)), {
    instanceOf: FetchError,
  });
  t.like(err, {
    kind: 'too-large',
    retryable: false,
    message: `signature at ${up.base}${sigPath(1)} is larger than the 4194304-byte limit`,
  });
});

test('redirects are followed; loops and non-http targets are errors', async (t) => {
  const up = await startUpstream(t);
  up.routes.set(sigPath(1), (_req, res) => res.writeHead(302, { location: '/elsewhere/1' }).end());
  up.routes.set('/elsewhere/1', bytesHandler(SIG1));
  const r = await fetchSignatureList(options(t, up.base));
  t.is(r.signatures.length, 1);
  t.true(Buffer.from(r.signatures[0]!.bytes).equals(Buffer.from(SIG1)));
  up.routes.set(sigPath(1), (_req, res) => res.writeHead(301, { location: '/loop' }).end());
  up.routes.set('/loop', (_req, res) => res.writeHead(301, { location: sigPath(1) }).end());
  await t.throwsAsync(fetchSignatureList(options(t, up.base)), {
    instanceOf: FetchError,
    message: /^redirect loop at /,
  });
  up.routes.set(sigPath(1), (_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
  await t.throwsAsync(fetchSignatureList(options(t, up.base)), { message: /to a non-http URL/ });
});

test('an unknown CA fails naming the host, the dirs searched and the fix; a certs.d CA fixes it', async (t) => {
  const dir = await tempDir(t);
  const certs = makeCertificates(dir);
  const up = await startUpstream(t, certs);
  up.routes.set(sigPath(1), bytesHandler(SIG1));
  const hostPort = up.base.replace('https://', '');
  const certsDir = path.join(dir, 'certs.d');
  const agents = new AgentPool([certsDir], 2_000);
  t.teardown(() => agents.close());
  const err = await t.throwsAsync(fetchSignatureList({ ...options(t, up.base), agents }), {
    instanceOf: FetchError,
  });
  t.is(err!.kind, 'tls-unknown-authority');
  t.false(err!.retryable);
  t.true(
    err!.message.startsWith(`x509: certificate signed by unknown authority for ${hostPort}`),
    err!.message,
  );
  t.true(err!.message.includes(`searched ${certsDir}/${hostPort} and no system bundle (import.caBundles)`));
  t.true(
    err!.message.endsWith(
      `put the sigstore's CA certificate in ${certsDir}/${hostPort}/ca.crt (applied within a second, no restart)`,
    ),
    err!.message,
  );
  await mkdir(path.join(certsDir, hostPort), { recursive: true });
  await writeFile(path.join(certsDir, hostPort, 'ca.crt'), certs.ca);
  const fresh = new AgentPool([certsDir], 2_000);
  t.teardown(() => fresh.close());
  const r = await fetchSignatureList({ ...options(t, up.base), agents: fresh });
  t.is(r.signatures.length, 1);
});

test('file:// bases read files until the first missing one', async (t) => {
  const dir = await tempDir(t);
  const imageDir = path.join(dir, 'ns', `app@sha256=${HEX}`);
  await mkdir(imageDir, { recursive: true });
  await writeFile(path.join(imageDir, 'signature-1'), SIG1);
  await writeFile(path.join(imageDir, 'signature-2'), SIG2);
  const agents = new AgentPool([], 1000);
  const r = await fetchSignatureList({
    urlFor: (n) => signatureUrl(`file://${dir}/ns/app`, DIGEST, n),
    agents,
  });
  t.is(r.endedBy, 'not-found');
  t.deepEqual(
    r.signatures.map((s) => s.bytes.length),
    [SIG1.length, SIG2.length],
  );
  await writeFile(path.join(imageDir, 'signature-3'), Buffer.alloc(100, 0xa3));
  await t.throwsAsync(
    fetchSignatureList({
      urlFor: (n) => signatureUrl(`file://${dir}/ns/app`, DIGEST, n),
      agents,
      maxBytes: 50,
    }),
    {
      message: /is larger than the 50-byte limit$/,
    },
  );
});

test('credentials in a URL never appear in errors', async (t) => {
  const up = await startUpstream(t);
  up.routes.set(sigPath(1), (_req, res) => res.writeHead(500).end());
  const base = up.base.replace('http://', 'http://user:hunter2@');
  const err = await t.throwsAsync(fetchSignatureList(options(t, base)), { instanceOf: FetchError });
  t.false(err!.message.includes('hunter2'));
  t.false(err!.url.includes('hunter2'));
});
