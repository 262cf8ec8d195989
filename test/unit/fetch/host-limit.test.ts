import test from 'ava';
import { HostLimiter } from '../../../src/fetch/host-limit.js';
import { PER_HOST_CONCURRENCY } from '../../../src/fetch/limits.js';

/** A task that runs until `finish()`: records its start, so a test sees who runs at once. */
function gate(started: string[], name: string) {
  let finish!: (v: string) => void;
  let fail!: (e: Error) => void;
  const done = new Promise<string>((resolve, reject) => ([finish, fail] = [resolve, reject]));
  const fn = () => {
    started.push(name);
    return done;
  };
  return { fn, finish: () => finish(name), fail: (e: Error) => fail(e) };
}

/** Lets every settled promise's callbacks run. */
const settle = () => new Promise((r) => setImmediate(r));

/** The limiter's per-host bookkeeping: it must not keep an entry per host seen (thousands of hosts). */
const bookkeeping = (l: HostLimiter) => {
  const inner = l as unknown as { active: Map<string, number>; waiting: Map<string, unknown[]> };
  return { active: inner.active.size, waiting: inner.waiting.size };
};

test('at most perHost calls per host run at once; the others start in arrival order', async (t) => {
  const limiter = new HostLimiter(2);
  const started: string[] = [];
  const tasks = ['a', 'b', 'c', 'd'].map((n) => gate(started, n));
  const results = tasks.map((task) => limiter.run('h.example', task.fn));
  await settle();
  t.deepEqual(started, ['a', 'b']);
  tasks[1]!.finish();
  await settle();
  t.deepEqual(started, ['a', 'b', 'c']);
  tasks[0]!.finish();
  await settle();
  t.deepEqual(started, ['a', 'b', 'c', 'd']);
  tasks[2]!.finish();
  tasks[3]!.finish();
  t.deepEqual(await Promise.all(results), ['a', 'b', 'c', 'd']);
  t.deepEqual(bookkeeping(limiter), { active: 0, waiting: 0 });
});

test('hosts are limited apart: a full host does not hold another back', async (t) => {
  const limiter = new HostLimiter(1);
  const started: string[] = [];
  const slow = gate(started, 'slow-1');
  const queued = gate(started, 'slow-2');
  const other = gate(started, 'other');
  const runs = [limiter.run('slow.example', slow.fn), limiter.run('slow.example', queued.fn)];
  runs.push(limiter.run('other.example', other.fn));
  await settle();
  t.deepEqual(started, ['slow-1', 'other']);
  other.finish();
  slow.finish();
  await settle();
  t.deepEqual(started, ['slow-1', 'other', 'slow-2']);
  queued.finish();
  await Promise.all(runs);
  t.deepEqual(bookkeeping(limiter), { active: 0, waiting: 0 });
});

test('a call that fails frees its slot and its error reaches the caller', async (t) => {
  const limiter = new HostLimiter(1);
  const started: string[] = [];
  const failing = gate(started, 'failing');
  const next = gate(started, 'next');
  const first = limiter.run('h.example', failing.fn);
  const second = limiter.run('h.example', next.fn);
  await settle();
  failing.fail(new Error('connection reset'));
  await t.throwsAsync(first, { message: 'connection reset' });
  await settle();
  t.deepEqual(started, ['failing', 'next']);
  next.finish();
  t.is(await second, 'next');
  t.deepEqual(bookkeeping(limiter), { active: 0, waiting: 0 });
});

test(`the default limit is PER_HOST_CONCURRENCY (${PER_HOST_CONCURRENCY}) per host`, async (t) => {
  const limiter = new HostLimiter();
  const started: string[] = [];
  const tasks = Array.from({ length: PER_HOST_CONCURRENCY + 1 }, (_, i) => gate(started, String(i)));
  const runs = tasks.map((task) => limiter.run('h.example', task.fn));
  await settle();
  t.is(started.length, PER_HOST_CONCURRENCY);
  t.deepEqual(bookkeeping(limiter), { active: 1, waiting: 1 });
  for (const task of tasks) task.finish();
  await Promise.all(runs);
  t.is(started.length, PER_HOST_CONCURRENCY + 1);
});

test('a call arriving after one of several ended counts the ones still running', async (t) => {
  const limiter = new HostLimiter(2);
  const started: string[] = [];
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => gate(started, n));
  const runs = [limiter.run('h.example', a!.fn), limiter.run('h.example', b!.fn)];
  await settle();
  a!.finish();
  await runs[0];
  runs.push(limiter.run('h.example', c!.fn), limiter.run('h.example', d!.fn));
  await settle();
  t.deepEqual(started, ['a', 'b', 'c'], 'b and c run; d waits');
  b!.finish();
  c!.finish();
  await settle();
  t.deepEqual(started, ['a', 'b', 'c', 'd']);
  d!.finish();
  await Promise.all(runs);
});
