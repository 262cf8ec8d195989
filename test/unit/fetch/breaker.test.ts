/**
 * The per-host circuit breaker (src/fetch/breaker.ts) on an injected clock: which failures count,
 * when the host goes offline, the exact refusal while it is, the single half-open probe, and the
 * transitions reported (once each).
 */
import test from 'ava';
import { HostBreaker } from '../../../src/fetch/breaker.js';
import { FetchError } from '../../../src/fetch/errors.js';
import { capturingLogger } from '../../helpers/log-capture.js';

const HOST = 'sigstore.example.com';
const retryable = () => new FetchError('timeout', 'timeout reading x', 'x', true);
const final = () => new FetchError('http-status', 'HTTP 404', 'x', false, 404);

function breaker(failuresToOpen = 3, openMs = 10_000) {
  const clock = { now: 1_000_000 };
  const changes: Array<[string, boolean]> = [];
  const b = new HostBreaker({
    failuresToOpen,
    openMs,
    now: () => clock.now,
    onChange: (host, offline) => changes.push([host, offline]),
  });
  const fail = (err: Error = retryable(), host = HOST) =>
    b.run(host, () => Promise.reject(err)).catch((e: unknown) => e as Error);
  const ok = (host = HOST) => b.run(host, () => Promise.resolve('ok'));
  return { b, clock, changes, fail, ok };
}

test('the host goes offline at the Nth consecutive retryable failure, not before', async (t) => {
  const { clock, changes, fail, ok } = breaker(3);
  await fail();
  await fail();
  t.deepEqual(changes, []);
  t.is(await ok(), 'ok'); // a success resets the count
  await fail();
  await fail();
  t.deepEqual(changes, []);
  t.is((await fail()).message, 'timeout reading x');
  t.deepEqual(changes, [[HOST, true]]);
  const refused = (await fail()) as FetchError;
  t.like(refused, {
    name: 'FetchError',
    kind: 'host-offline',
    message: `${HOST} is offline after 3 failures in a row; next try in 10 s`,
    url: HOST,
    retryable: true,
    status: undefined,
    retryAfterMs: 10_000,
  });
  clock.now += 8_500;
  t.like(await fail(), {
    kind: 'host-offline',
    message: `${HOST} is offline after 3 failures in a row; next try in 2 s`,
    retryAfterMs: 1_500,
  });
  clock.now += 1_499;
  t.like(await fail(), {
    kind: 'host-offline',
    message: `${HOST} is offline after 3 failures in a row; next try in 1 s`,
    retryAfterMs: 1_000,
  });
  t.deepEqual(changes, [[HOST, true]]);
});

test('answers that are not outages (non-retryable errors, other errors) reset the count', async (t) => {
  const { changes, fail } = breaker(2);
  await fail();
  await fail(final());
  await fail();
  t.deepEqual(changes, []);
  await fail(new Error('a bug, not the host'));
  await fail();
  t.deepEqual(changes, []);
  await fail();
  t.deepEqual(changes, [[HOST, true]]);
});

test('after the cool-down one probe goes through: success brings the host back online', async (t) => {
  const { clock, changes, fail, ok, b } = breaker(1, 5_000);
  await fail();
  t.deepEqual(changes, [[HOST, true]]);
  clock.now += 5_000;
  // While the probe runs, others are still refused.
  let release!: () => void;
  const probe = b.run(HOST, () => new Promise<string>((resolve) => (release = () => resolve('probe'))));
  t.like(await fail(), {
    kind: 'host-offline',
    message: `${HOST} is offline after 1 failures in a row; next try in 1 s`,
    retryAfterMs: 1_000,
  });
  release();
  t.is(await probe, 'probe');
  t.deepEqual(changes, [
    [HOST, true],
    [HOST, false],
  ]);
  t.is(await ok(), 'ok');
  t.is(changes.length, 2);
});

test('a failed probe keeps the host offline for another full period, without a new transition', async (t) => {
  const { clock, changes, fail, ok } = breaker(1, 5_000);
  await fail();
  clock.now += 6_000;
  t.is((await fail()).message, 'timeout reading x'); // the probe itself ran and failed
  t.like(await fail(), { kind: 'host-offline', retryAfterMs: 5_000 });
  clock.now += 5_000;
  t.is(await ok(), 'ok');
  t.deepEqual(changes, [
    [HOST, true],
    [HOST, false],
  ]);
});

test('a non-retryable answer to the probe also brings the host back (it answered)', async (t) => {
  const { clock, changes, fail } = breaker(1, 100);
  await fail();
  clock.now += 100;
  t.is((await fail(final())).message, 'HTTP 404');
  t.deepEqual(changes, [
    [HOST, true],
    [HOST, false],
  ]);
});

test('hosts are independent; the defaults are 5 failures and 30 s', async (t) => {
  const changes: string[] = [];
  const clock = { now: 0 };
  const b = new HostBreaker({ now: () => clock.now, onChange: (h, off) => changes.push(`${h} ${off}`) });
  const fail = (host: string) =>
    b.run(host, () => Promise.reject(retryable())).catch((e: unknown) => e as FetchError);
  for (let i = 0; i < 4; i++) await fail('a');
  for (let i = 0; i < 4; i++) await fail('b');
  t.deepEqual(changes, []);
  await fail('a');
  t.deepEqual(changes, ['a true']);
  t.like(await fail('a'), { message: 'a is offline after 5 failures in a row; next try in 30 s' });
  t.like(await fail('b'), { message: 'timeout reading x' });
  t.deepEqual(changes, ['a true', 'b true']);
});

test('each transition is one warning naming the host (and the failures that opened it)', async (t) => {
  const { logger, lines } = capturingLogger();
  const clock = { now: 1_000_000 };
  const b = new HostBreaker({ failuresToOpen: 2, openMs: 1_000, now: () => clock.now, logger });
  for (let i = 0; i < 2; i++) await b.run(HOST, () => Promise.reject(retryable())).catch(() => undefined);
  clock.now += 1_000;
  await b.run(HOST, () => Promise.resolve('ok'));
  t.deepEqual(
    lines().map(({ level, host, failures, msg }) => ({ level, host, failures, msg })),
    [
      { level: 40, host: HOST, failures: 2, msg: `upstream host ${HOST} now offline` },
      { level: 40, host: HOST, failures: undefined, msg: `upstream host ${HOST} online again` },
    ],
  );
});
