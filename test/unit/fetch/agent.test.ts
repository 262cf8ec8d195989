/** AgentPool (src/fetch/agent.ts): one dispatcher per scheme, host, port and proxy; dropped on a CA change. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { rootCertificates } from 'node:tls';
import { request } from 'undici';
import { AgentPool } from '../../../src/fetch/agent.js';
import { proxySettings } from '../../../src/fetch/proxy.js';
import { capturingLogger } from '../../helpers/log-capture.js';
import { startUpstream } from '../../helpers/upstream.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';

const url = (u: string) => new URL(u);

test('one dispatcher per scheme, host and port (default ports filled in); proxied hosts get a ProxyAgent', async (t) => {
  const pool = new AgentPool([], 1_000, 2, {
    proxy: proxySettings(undefined, {
      HTTPS_PROXY: 'http://user:secret@proxy.example:3128',
      NO_PROXY: 'direct.example',
    }),
  });
  t.teardown(() => pool.close());
  const a = pool.agentFor(url('https://h.example/x'));
  t.is(pool.agentFor(url('https://h.example:443/y')), a, 'the default port is the same host:port');
  t.not(pool.agentFor(url('https://h.example:8443/x')), a);
  t.not(pool.agentFor(url('http://h.example:443/x')), a, 'another scheme, another pool');
  t.not(pool.agentFor(url('https://h.example:80/x')), a, "https's default port is 443");
  t.not(
    pool.agentFor(url('http://h.example/x')),
    pool.agentFor(url('http://h.example:443/x')),
    "http's is 80",
  );
  const kind = (u: string) => pool.agentFor(url(u)).constructor.name;
  t.is(kind('https://h.example/x'), 'ProxyAgent');
  t.is(kind('https://direct.example/x'), 'Agent');
  t.is(kind('http://h.example/x'), 'Agent', 'no HTTP_PROXY: http goes direct');
  t.is(
    pool.proxyOf(url('https://h.example/x')),
    'http://[redacted]@proxy.example:3128',
    'credentials never shown',
  );
  t.is(pool.proxyOf(url('https://direct.example/x')), undefined);
});

test('a CA change drops every dispatcher: the next request builds one with the new CAs; logged once', async (t) => {
  const dir = await tempDir(t);
  const certsD = path.join(dir, 'certs.d');
  await mkdir(certsD);
  const bundle = path.join(dir, 'bundle.pem');
  const pool = new AgentPool([certsD], 1_000, 2, { caBundles: [bundle] });
  t.teardown(() => pool.close());
  const { logger, lines } = capturingLogger();
  await pool.watch(logger);
  const before = pool.agentFor(url('https://h.example/x'));
  t.is(pool.agentFor(url('https://h.example/x')), before);
  // The host's directory arrives whole (made beside, renamed in): one change, one log line.
  const outside = await tempDir(t);
  await mkdir(path.join(outside, 'h.example'));
  await writeFile(path.join(outside, 'h.example', 'ca.crt'), 'CA');
  await rename(path.join(outside, 'h.example'), path.join(certsD, 'h.example'));
  await waitFor('the CA change seen', () => lines().length > 0);
  t.deepEqual(
    lines().map(({ level, msg, paths }) => ({ level, msg, paths })),
    [{ level: 30, msg: 'CA files changed; new connections trust the new set', paths: [certsD, bundle] }],
  );
  const after = pool.agentFor(url('https://h.example/x'));
  t.not(after, before);
  t.true((before as unknown as { closed: boolean }).closed, 'the old one is closed (after its requests)');
  t.deepEqual(pool.searchedDirs('h.example:443', true), [
    path.join(certsD, 'h.example:443'),
    path.join(certsD, 'h.example'),
  ]);
  t.deepEqual(pool.bundles(), [], 'the bundle does not exist');
  await writeFile(bundle, 'BUNDLE');
  t.deepEqual(pool.bundles(), [bundle]);
});

test('close() closes every dispatcher and stops watching', async (t) => {
  const dir = await tempDir(t);
  const pool = new AgentPool([dir], 1_000);
  await pool.watch();
  const a = pool.agentFor(url('https://a.example/'));
  const b = pool.agentFor(url('http://b.example/'));
  await pool.close();
  t.true((a as unknown as { closed: boolean }).closed);
  t.true((b as unknown as { closed: boolean }).closed);
  t.not(pool.agentFor(url('https://a.example/')), a, 'a later request gets a fresh one');
  await pool.close();
});

test("an https host's CAs: certs.d/<host>:<port>, and the bare host's directory only on the default port", async (t) => {
  const certsD = await tempDir(t);
  for (const [dir, ca] of [
    ['h.example:443', 'CA-443'],
    ['h.example', 'CA-bare'],
    ['h.example:8443', 'CA-8443'],
  ]) {
    await mkdir(path.join(certsD, dir!));
    await writeFile(path.join(certsD, dir!, 'ca.crt'), ca!);
  }
  const pool = new AgentPool([certsD], 1_000);
  t.teardown(() => pool.close());
  const own = (u: string) => pool.caFor(url(u)).slice(rootCertificates.length);
  t.deepEqual(own('https://h.example/x'), ['CA-443', 'CA-bare']);
  t.deepEqual(own('https://h.example:443/x'), ['CA-443', 'CA-bare']);
  t.deepEqual(own('https://h.example:8443/x'), ['CA-8443']);
});

test('a host gets at most perHost connections: more requests wait for one', async (t) => {
  const upstream = await startUpstream(t);
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let inFlight = 0;
  let most = 0;
  upstream.routes.set('/slow', (_req, res) => {
    most = Math.max(most, ++inFlight);
    void held.then(() => {
      inFlight--;
      res.end('ok');
    });
  });
  const pool = new AgentPool([], 5_000, 2);
  t.teardown(() => pool.close());
  const target = url(`${upstream.base}/slow`);
  const answers = Array.from({ length: 5 }, () =>
    request(target, { dispatcher: pool.agentFor(target) }).then((r) => r.body.text()),
  );
  await waitFor('two requests at the upstream', () => inFlight === 2);
  await new Promise((r) => setTimeout(r, 100));
  t.is(most, 2);
  release();
  t.deepEqual(await Promise.all(answers), Array(5).fill('ok'));
  t.is(upstream.connections, 2, 'the two connections were kept alive and reused');
});

test('without CA bundles the watch covers the certs.d directories alone', async (t) => {
  const dir = await tempDir(t);
  const pool = new AgentPool([dir], 1_000);
  t.teardown(() => pool.close());
  const { logger, lines } = capturingLogger();
  await pool.watch(logger);
  await writeFile(path.join(dir, 'new.crt'), 'CA');
  await waitFor('the change seen', () => lines().length > 0);
  t.deepEqual(lines()[0]!.paths, [dir]);
});
