/**
 * Reading signature-1, 2, … (src/fetch/signatures.ts) from a real 127.0.0.1 server: where the
 * list ends and why (404, the limit, a soft-404 body, a 403 either way), the exact warnings and
 * events, and armored signatures returned in binary form.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import test, { type ExecutionContext } from 'ava';
import { AgentPool } from '../../../src/fetch/agent.js';
import { fetchSignatureList, type FetchListOptions } from '../../../src/fetch/signatures.js';
import { armored, syntheticSignature } from '../../helpers/synthetic-signature.js';

type Answer = [number, Buffer | string];

async function upstream(
  t: ExecutionContext,
  answers: Record<number, Answer>,
): Promise<(i: number) => string> {
  const server = http.createServer((req, res) => {
    const [status, body] = answers[Number(/signature-(\d+)$/.exec(req.url ?? '')?.[1])] ?? [404, 'not found'];
    res.writeHead(status).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return (i) => `http://127.0.0.1:${port}/ns/app@sha256=${'a'.repeat(64)}/signature-${i}`;
}

async function list(
  t: ExecutionContext,
  answers: Record<number, Answer>,
  extra: Partial<FetchListOptions> = {},
) {
  const urlFor = await upstream(t, answers);
  const agents = new AgentPool([], 5_000);
  t.teardown(() => agents.close());
  const events: string[] = [];
  const result = await fetchSignatureList({ urlFor, agents, onEvent: (k) => events.push(k), ...extra });
  return { result, events, urlFor };
}

const SIG = (n: number) => syntheticSignature(`sig ${n}`);

test('up to the first 404, in order; armored signatures in binary form', async (t) => {
  const { result, events, urlFor } = await list(t, {
    1: [200, SIG(1)],
    2: [200, armored(SIG(2))],
    4: [200, SIG(4)],
  });
  t.deepEqual(
    result.signatures.map((s) => [s.index, s.url, Buffer.from(s.bytes).equals(SIG(s.index))]),
    [
      [1, urlFor(1), true],
      [2, urlFor(2), true],
    ],
  );
  t.is(result.endedBy, 'not-found');
  t.deepEqual(result.warnings, []);
  t.deepEqual(events, ['not-found']);
});

test('the limit ends the list with a warning naming the last URL', async (t) => {
  const { result, events, urlFor } = await list(
    t,
    { 1: [200, SIG(1)], 2: [200, SIG(2)], 3: [200, SIG(3)] },
    { maxSignatures: 2 },
  );
  t.is(result.signatures.length, 2);
  t.is(result.endedBy, 'limit');
  t.deepEqual(result.warnings, [`stopped after 2 signatures (the limit) at ${urlFor(2)}`]);
  t.deepEqual(events, ['limit']);
});

test('a 200 that is no signature ends the list: never returned, its first bytes named', async (t) => {
  const html = '<html><body>Not Found</body></html>';
  const { result, events, urlFor } = await list(t, { 1: [200, SIG(1)], 2: [200, html], 3: [200, SIG(3)] });
  t.is(result.signatures.length, 1);
  t.is(result.endedBy, 'soft-404');
  t.deepEqual(result.warnings, [
    `${urlFor(2)} answered 200 with a body that is not a signature: not an OpenPGP message (starts with 0x3c); ${html.length} bytes starting 3c68746d6c3e3c62; not stored, ending the list there`,
  ]);
  t.deepEqual(events, ['soft-404']);
  const empty = await list(t, { 1: [200, ''] });
  t.regex(empty.result.warnings[0]!, /; empty body; not stored, ending the list there$/);
});

test('a 403 is an error, unless the host answers 403 for missing keys', async (t) => {
  const urlFor = await upstream(t, { 1: [200, SIG(1)], 2: [403, 'denied'] });
  const agents = new AgentPool([], 5_000);
  t.teardown(() => agents.close());
  const events: string[] = [];
  const err = await t.throwsAsync(fetchSignatureList({ urlFor, agents, onEvent: (k) => events.push(k) }), {
    name: 'FetchError',
    message: `HTTP 403 from ${urlFor(2)}`,
  });
  t.like(err, { kind: 'forbidden', retryable: false, status: 403, url: urlFor(2) });
  t.deepEqual(events, ['forbidden']);
  const tolerant = await fetchSignatureList({ urlFor, agents, treat403AsMissing: true });
  t.is(tolerant.signatures.length, 1);
  t.is(tolerant.endedBy, 'forbidden-as-missing');
  t.deepEqual(tolerant.warnings, [`403 at ${urlFor(2)} taken as the end of the list (host option)`]);
});

test('other failures are thrown with their kind as the event', async (t) => {
  const events: string[] = [];
  const urlFor = await upstream(t, { 1: [503, 'down'] });
  const agents = new AgentPool([], 5_000);
  t.teardown(() => agents.close());
  await t.throwsAsync(fetchSignatureList({ urlFor, agents, onEvent: (k) => events.push(k) }), {
    name: 'FetchError',
  });
  t.deepEqual(events, ['http-status']);
  const big = await list(t, { 1: [200, SIG(1)] }, { maxBytes: 4 }).catch((e: unknown) => e as Error);
  t.like(big, { name: 'FetchError', kind: 'too-large' });
});
