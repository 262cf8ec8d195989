/**
 * The request boundary (src/api/boundary.ts) and the small parsers on the hot path: whatever a
 * handler throws, rejects or returns, the answer is at most a 500 in the envelope and one log
 * line; `If-None-Match` lists and redacted URLs.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { guard, type RawHandler } from '../../../src/api/boundary.js';
import { etagMatches } from '../../../src/api/routes/conditional.js';
import { redactUrl } from '../../../src/redact.js';
import { capturingLogger } from '../../helpers/log-capture.js';

async function serve(t: import('ava').ExecutionContext, handler: RawHandler) {
  const log = capturingLogger();
  const server = createServer(guard(handler, log.logger));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log };
}

const handlers: Array<[string, RawHandler]> = [
  [
    'a synchronous throw',
    () => {
      throw new Error('boom');
    },
  ],
  ['a rejected promise', async () => Promise.reject(new Error('boom'))],
  [
    'a thenable that rejects',
    () => ({ then: (_ok: unknown, fail: (e: Error) => void) => fail(new Error('boom')) }),
  ],
];
for (const [name, handler] of handlers) {
  test(`${name} becomes a 500 in the envelope and one log line`, async (t) => {
    const { base, log } = await serve(t, handler);
    const r = await fetch(`${base}/x?token=secret`);
    t.is(r.status, 500);
    t.is(r.headers.get('cache-control'), 'no-store');
    t.deepEqual(await r.json(), { errors: [{ code: 'INTERNAL', message: 'internal server error' }] });
    const lines = log.lines();
    t.is(lines.length, 1);
    t.like(lines[0], { msg: 'request failed', url: '/x', method: 'GET' });
  });
}

test('a handler returning a non-promise value (a metric, a number) answers normally', async (t) => {
  const { base, log } = await serve(t, (_req, res) => {
    res.end('ok');
    return 42;
  });
  t.is(await (await fetch(base)).text(), 'ok');
  t.deepEqual(log.lines(), []);
});

test('a failure after the answer began cuts the connection instead of a second answer', async (t) => {
  const { base } = await serve(t, async (_req, res) => {
    res.writeHead(200, { 'content-length': '10' });
    res.write('12345');
    throw new Error('late');
  });
  const r = await fetch(base);
  await t.throwsAsync(r.text());
});

test('If-None-Match: lists, weak tags and * match; others do not', (t) => {
  const etag = '"sha256:ab"';
  t.true(etagMatches(etag, etag));
  t.true(etagMatches(`W/${etag}`, etag));
  t.true(etagMatches(`"x", ${etag}`, etag));
  t.true(etagMatches('*', etag));
  t.true(etagMatches(['"x"', etag], etag));
  t.false(etagMatches(undefined, etag));
  t.false(etagMatches('"sha256:a"', etag));
  t.false(etagMatches('sha256:ab', etag));
  t.false(etagMatches(`${','.repeat(10_000)}"y"`, etag));
});

test('URLs lose their userinfo and query values wherever they are shown', (t) => {
  const cases: Array<[string, string]> = [
    [
      'https://user:pw@host/p?token=s3cr3t&x=1#frag',
      'https://[redacted]@host/p?token=[redacted]&x=[redacted]',
    ],
    ['https://host/p', 'https://host/p'],
    ['https://tok@host:8443/a/b', 'https://[redacted]@host:8443/a/b'],
    ['https://host/p?sig', 'https://host/p?sig=[redacted]'],
    ['https://host/p@sha256=ab/signature-1', 'https://host/p@sha256=ab/signature-1'],
    ['file:///var/lib/x', 'file:///var/lib/x'],
  ];
  for (const [url, safe] of cases) t.is(redactUrl(url), safe, url);
});
