import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { createFsStore, GroupCommitter, type Flush, type ImageKey } from '../../src/store/index.js';
import { FlushCosts, fsyncPath, PROBE_EVERY, syncFileSystemOf } from '../../src/store/committer.js';
import { syntheticSignature } from '../helpers/synthetic-signature.js';
import { openUnder } from '../helpers/fds.js';
import { tempDir } from '../helpers/tmp.js';

/** A flush the test releases by hand; records each batch's paths. */
function heldFlush() {
  const batches: string[][] = [];
  const releases: Array<(err?: Error) => void> = [];
  const flush: Flush = (paths) => {
    batches.push([...paths].sort());
    return new Promise<void>((resolve, reject) => releases.push((err) => (err ? reject(err) : resolve())));
  };
  return { flush, batches, releases };
}

const settledFlag = (p: Promise<unknown>) => {
  const state = { settled: false };
  void p.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
};

test('commits made while a flush runs wait for the next flush, which carries all their paths', async (t) => {
  const held = heldFlush();
  const committer = new GroupCommitter(held.flush);
  const first = committer.commit(['a']);
  await new Promise((r) => setImmediate(r)); // the first batch starts
  t.deepEqual(held.batches, [['a']]);
  const later = Array.from({ length: 50 }, (_, i) => committer.commit([`p${i}`, 'shared']));
  const laterState = later.map(settledFlag);
  held.releases[0]!();
  await first;
  await new Promise((r) => setImmediate(r)); // the second batch starts
  t.is(held.batches.length, 2); // all 50 share one flush
  t.deepEqual(held.batches[1], ['shared', ...Array.from({ length: 50 }, (_, i) => `p${i}`)].sort());
  t.true(
    laterState.every((s) => !s.settled),
    'nothing resolves before its batch is durable',
  );
  held.releases[1]!();
  await Promise.all(later);
  t.is(held.batches.length, 2);
});

test('a failed flush rejects every commit of its batch; the next batch flushes again', async (t) => {
  const held = heldFlush();
  const committer = new GroupCommitter(held.flush);
  const batch = Array.from({ length: 10 }, (_, i) => committer.commit([`f${i}`]));
  await new Promise((r) => setImmediate(r));
  held.releases[0]!(new Error('EIO: fsync failed'));
  for (const commit of batch) await t.throwsAsync(commit, { message: 'EIO: fsync failed' });
  const next = committer.commit(['g']);
  await new Promise((r) => setImmediate(r));
  t.deepEqual(held.batches, [Array.from({ length: 10 }, (_, i) => `f${i}`).sort(), ['g']]);
  held.releases[1]!();
  await t.notThrowsAsync(next);
});

const imageOf = (i: number): ImageKey => ({
  registry: 'registry.example.com',
  repository: `ns/app${i}`,
  digest: `sha256:${createHash('sha256').update(`image-${i}`).digest('hex')}`,
});

test('concurrent appends share flushes, and each resolves only after its files and directories were flushed', async (t) => {
  const dir = await tempDir(t);
  const root = path.join(dir, 'store');
  const flushed = new Set<string>();
  const batches: number[] = [];
  const committer = new GroupCommitter(async (paths) => {
    await Promise.all(paths.map(fsyncPath));
    batches.push(paths.length);
    for (const p of paths) flushed.add(p);
  });
  const store = createFsStore({ root, committer });
  const images = Array.from({ length: 40 }, (_, i) => imageOf(i));
  await Promise.all(
    images.map(async (image, i) => {
      await store.append(image, [{ bytes: syntheticSignature(`sig-${i}`) }], { origin: 'import' });
      // The image's directory (its rename) and the metadata's directory were in a finished flush.
      const imageDir = path.join(root, image.registry, `${image.repository}@sha256=${image.digest.slice(7)}`);
      t.true(flushed.has(imageDir), imageDir);
      t.true(flushed.has(path.join(`${root}-meta`, image.registry, 'ns')));
    }),
  );
  t.true(batches.length < images.length * 3, `${batches.length} flushes for ${images.length * 3} commits`);
  for (const [i, image] of images.entries())
    t.deepEqual(await store.read(image, 1), syntheticSignature(`sig-${i}`));
});

test('appends whose flush fails all reject, and nothing of them is stored or left behind', async (t) => {
  const dir = await tempDir(t);
  const root = path.join(dir, 'store');
  const store = createFsStore({
    root,
    committer: new GroupCommitter(() => Promise.reject(new Error('EIO: fsync failed'))),
  });
  const images = Array.from({ length: 20 }, (_, i) => imageOf(i));
  const results = await Promise.allSettled(
    images.map((image, i) =>
      store.append(image, [{ bytes: syntheticSignature(`sig-${i}`) }], { origin: 'import' }),
    ),
  );
  t.deepEqual(
    results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'stored')),
    images.map(() => 'EIO: fsync failed'),
  );
  const healthy = createFsStore({ root });
  for (const image of images) {
    t.is(await healthy.read(image, 1), undefined);
    t.deepEqual(await healthy.list(image), []);
  }
  t.deepEqual(await readdir(path.join(root, '.staging')), []);
});

test('the default flush creates the store roots and answers both ways (syncfs first, then the paths)', async (t) => {
  const dir = await tempDir(t);
  const flush = syncFileSystemOf([path.join(dir, 'a'), path.join(dir, 'b')]);
  // First flush: syncfs of the (created) roots; second: the paths, so both ways run.
  await flush([]);
  await flush([dir]);
  t.deepEqual((await readdir(dir)).sort(), ['a', 'b']);
});

/** A stand-in for coreutils' sync at `file`: records each call's arguments, or fails with `stderr`. */
async function fakeSync(file: string, options: { fail?: string } = {}): Promise<() => Promise<string[]>> {
  const log = `${file}.calls`;
  const body =
    options.fail !== undefined ? `printf '%b' '${options.fail}' >&2; exit 1` : `echo "$*" >> '${log}'`;
  await writeFile(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

test('syncfs is called once per filesystem of the roots, with the first root of each', async (t) => {
  const dir = await tempDir(t);
  const calls = await fakeSync(path.join(dir, 'sync'));
  const roots = [path.join(dir, 'store'), path.join(dir, 'store-meta'), '/dev/shm/sigmirror-flush-test'];
  t.teardown(() => rm(roots[2]!, { recursive: true, force: true }));
  const flush = syncFileSystemOf(roots, path.join(dir, 'sync'));
  await flush([path.join(dir, 'store')]);
  await flush([path.join(dir, 'store')]); // the roots are looked up once
  t.deepEqual(await calls(), [
    `--file-system ${roots[0]} ${roots[2]}`,
    // The second flush tries the paths (no cost known for them yet): no call.
  ]);
  t.true((await stat(roots[1]!)).isDirectory(), 'every root is made to exist');
});

test('without a sync command the paths are fsynced, and it is not looked for again', async (t) => {
  const dir = await tempDir(t);
  const command = path.join(dir, 'sync');
  const flush = syncFileSystemOf([dir], command);
  await flush([dir]);
  const calls = await fakeSync(command); // it appears now: too late, the flush chose the paths for good
  for (let i = 0; i < PROBE_EVERY + 1; i++) await flush([dir]);
  t.deepEqual(await calls(), []);
});

test('a sync that fails rejects the flush with its stderr, or its exit status when it printed nothing', async (t) => {
  const dir = await tempDir(t);
  await fakeSync(path.join(dir, 'noisy'), { fail: 'sync: error syncing: Input/output error\\n' });
  await t.throwsAsync(syncFileSystemOf([dir], path.join(dir, 'noisy'))([dir]), {
    message: `${path.join(dir, 'noisy')} --file-system ${dir} failed: sync: error syncing: Input/output error`,
  });
  await fakeSync(path.join(dir, 'quiet'), { fail: '' });
  await t.throwsAsync(syncFileSystemOf([dir], path.join(dir, 'quiet'))([dir]), {
    message: `${path.join(dir, 'quiet')} --file-system ${dir} failed: Command failed: ${path.join(dir, 'quiet')} --file-system ${dir}\n`,
  });
});

test('fsyncPath leaves no handle open, and fails for a missing path', async (t) => {
  const dir = await tempDir(t);
  await Promise.all(Array.from({ length: 40 }, () => fsyncPath(dir)));
  t.deepEqual(await openUnder(dir), []);
  await t.throwsAsync(fsyncPath(path.join(dir, 'missing')), { code: 'ENOENT' });
});

test('the flush chosen: syncfs first, then the paths once, then the cheaper, the other every PROBE_EVERY flushes', (t) => {
  const costs = new FlushCosts();
  t.true(costs.preferSyncfs(10), 'nothing measured: syncfs');
  costs.syncfsTook(10);
  t.false(costs.preferSyncfs(10), 'syncfs measured, the paths not yet: the paths');
  costs.pathsTook(20, 10); // 2 ms per path
  // syncfs 10 ms against 2 ms × paths: syncfs wins from 6 paths on; a tie goes to the paths.
  const choices = [4, 5, 6].map((n) => costs.preferSyncfs(n));
  t.deepEqual(choices, [false, false, true]);
  // Flushes counted so far: 5. Up to the 16th the cheaper one; the 16th takes the other.
  const more = Array.from({ length: PROBE_EVERY - 6 }, () => costs.preferSyncfs(100));
  t.deepEqual(more, Array<boolean>(PROBE_EVERY - 6).fill(true));
  t.true(
    costs.preferSyncfs(5),
    'the probe at a tie (10 ms against 5 × 2 ms) takes syncfs, the other of a tie',
  );
  t.true(costs.preferSyncfs(100), 'after the probe, the cheaper again');
  for (let i = 0; i < PROBE_EVERY - 2; i++) costs.preferSyncfs(100);
  t.false(costs.preferSyncfs(10), 'the next probe (10 paths: 20 ms against syncfs 10 ms) takes the paths');
  t.false(
    Array.from({ length: PROBE_EVERY }, () => costs.preferSyncfs(1)).every((c) => !c),
    'the probe of the other way (syncfs) comes for small batches too',
  );
});

test('the costs are moving averages (new samples weigh a fifth); a flush of no path measures nothing', (t) => {
  const costs = new FlushCosts();
  costs.syncfsTook(10);
  costs.syncfsTook(20); // 10 × 0.8 + 20 × 0.2 = 12
  costs.pathsTook(30, 10); // 3 ms per path
  costs.pathsTook(5, 0); // ignored
  costs.pathsTook(40, 10); // 3 × 0.8 + 4 × 0.2 = 3.2 ms per path
  // 12 ms against 3.2 × n: syncfs wins from 4 paths (12.8) on, not at 3 (9.6).
  t.deepEqual(
    [3, 4].map((n) => costs.preferSyncfs(n)),
    [false, true],
  );
  const inner = costs as unknown as { syncfsMs: number; perPathMs: number };
  t.is(inner.syncfsMs, 12);
  t.is(Math.round(inner.perPathMs * 1000) / 1000, 3.2);
});
