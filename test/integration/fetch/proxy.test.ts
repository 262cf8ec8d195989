/**
 * Upstream sigstores through a real proxy (issue 16 item 1): private tinyproxy processes, one
 * open, one with BasicAuth, one that refuses; real HTTP and HTTPS upstreams on 127.0.0.1. https
 * goes through a CONNECT tunnel, http is forwarded; NO_PROXY rules (CIDR, port) go direct; the
 * proxy's credentials never appear in an error.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type ExecutionContext } from 'ava';
import {
  AgentPool,
  FetchError,
  fetchSignatureList,
  proxySettings,
  type ProxyConfig,
} from '../../../src/fetch/index.js';
import { signatureUrl } from '../../../src/lookaside/index.js';
import { freePort } from '../../helpers/ports.js';
import { startTinyproxy } from '../../helpers/tinyproxy.js';
import { tempDir } from '../../helpers/tmp.js';
import { bytesHandler, makeCertificates, startUpstream, type Upstream } from '../../helpers/upstream.js';
import { readVector } from '../../helpers/vectors.js';
import { needs } from '../../helpers/needs.js';

const test = await needs({ tools: ['tinyproxy'] });

const HEX = '5'.repeat(64);
const SIG = Buffer.from(readVector('containers-image/image.signature'));
const SECRET = 's3cret-pa55';

/** An http and an https upstream (its CA in a certs.d dir) serving signature-1. */
async function upstreams(t: ExecutionContext) {
  const dir = await tempDir(t);
  const certs = makeCertificates(dir);
  const plain = await startUpstream(t);
  const tls = await startUpstream(t, certs);
  for (const up of [plain, tls]) up.routes.set(`/ns/app@sha256=${HEX}/signature-1`, bytesHandler(SIG));
  const certsDir = path.join(dir, 'certs.d');
  const hostPort = tls.base.replace('https://', '');
  await mkdir(path.join(certsDir, hostPort), { recursive: true });
  await writeFile(path.join(certsDir, hostPort, 'ca.crt'), certs.ca);
  return { plain, tls, certsDir };
}

function fetchVia(t: ExecutionContext, up: Upstream, certsDir: string, proxy: ProxyConfig) {
  const agents = new AgentPool([certsDir], 5_000, 8, { proxy: proxySettings(proxy) });
  t.teardown(() => agents.close());
  return fetchSignatureList({
    urlFor: (n) => signatureUrl(`${up.base}/ns/app`, `sha256:${HEX}`, n),
    agents,
    timeoutMs: 10_000,
  });
}

test('through an open proxy: https by CONNECT, http forwarded; the upstream sees the proxy', async (t) => {
  const proxy = await startTinyproxy(t);
  if (!proxy) return;
  const { plain, tls, certsDir } = await upstreams(t);
  const viaProxy = { https: proxy.url, http: proxy.url };
  const secure = await fetchVia(t, tls, certsDir, viaProxy);
  t.deepEqual(
    secure.signatures.map((s) => Buffer.from(s.bytes)),
    [SIG],
  );
  const insecure = await fetchVia(t, plain, certsDir, viaProxy);
  t.deepEqual(
    insecure.signatures.map((s) => Buffer.from(s.bytes)),
    [SIG],
  );
  const log = await proxy.log();
  t.regex(log, new RegExp(`CONNECT ${tls.base.replace('https://', '')} HTTP/1\\.1`));
  t.true(log.includes(`GET ${plain.base}/ns/app@sha256=${HEX}/signature-1 HTTP/1.1`), log);
});

test('NO_PROXY entries go direct: a CIDR, and host:port only on its port', async (t) => {
  const { tls, certsDir } = await upstreams(t);
  const dead = `http://127.0.0.1:${await freePort()}`; // no proxy listens: only a direct request works
  const direct = await fetchVia(t, tls, certsDir, { https: dead, noProxy: 'corp.example, 127.0.0.0/8' });
  t.is(direct.signatures.length, 1);
  const port = Number(new URL(tls.base).port);
  t.is(
    (await fetchVia(t, tls, certsDir, { https: dead, noProxy: `127.0.0.1:${port}` })).signatures.length,
    1,
  );
  const err = await t.throwsAsync(
    fetchVia(t, tls, certsDir, { https: dead, noProxy: `127.0.0.1:${port + 1}` }),
    {
      instanceOf: FetchError,
    },
  );
  t.is(err!.kind, 'connect');
  t.is(err!.message, `cannot connect to the proxy ${dead} for ${new URL(tls.base).host} (ECONNREFUSED)`);
});

test('a proxy that wants credentials: 407 named without retry; credentials in the URL work and are never shown', async (t) => {
  const proxy = await startTinyproxy(t, [`BasicAuth alice ${SECRET}`]);
  if (!proxy) return;
  const { plain, tls, certsDir } = await upstreams(t);
  for (const up of [tls, plain]) {
    const err = await t.throwsAsync(fetchVia(t, up, certsDir, { https: proxy.url, http: proxy.url }), {
      instanceOf: FetchError,
    });
    t.is(err!.kind, 'proxy');
    t.false(err!.retryable);
    t.is(
      err!.message,
      `the proxy ${proxy.url} asks for credentials (407): put them in the proxy URL, http://user:password@host:port, in import.proxy or HTTPS_PROXY`,
    );
  }
  const withAuth = `http://alice:${SECRET}@127.0.0.1:${proxy.port}`;
  for (const up of [tls, plain])
    t.is((await fetchVia(t, up, certsDir, { https: withAuth, http: withAuth })).signatures.length, 1);
  const wrong = `http://alice:wrong-${SECRET}@127.0.0.1:${proxy.port}`;
  const err = await t.throwsAsync(fetchVia(t, tls, certsDir, { https: wrong }), { instanceOf: FetchError });
  t.false(err!.message.includes(SECRET), err!.message);
  t.true(
    err!.message.startsWith(
      `the proxy http://[redacted]@127.0.0.1:${proxy.port} rejects the credentials of the proxy URL (401)`,
    ),
    err!.message,
  );
});

test('a proxy that refuses the host: the error names the proxy, the host and the way out', async (t) => {
  const proxy = await startTinyproxy(t, ['ConnectPort 1']); // CONNECT to any other port is refused
  if (!proxy) return;
  const { tls, certsDir } = await upstreams(t);
  const err = await t.throwsAsync(fetchVia(t, tls, certsDir, { https: proxy.url }), {
    instanceOf: FetchError,
  });
  t.is(err!.kind, 'proxy');
  t.is(err!.status, 403);
  t.is(
    err!.message,
    `the proxy ${proxy.url} refused to connect to ${new URL(tls.base).host} (403); ask its admin to allow it, or list the host in NO_PROXY (import.proxy.noProxy)`,
  );
});
