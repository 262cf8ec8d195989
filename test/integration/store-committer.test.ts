import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { createFsStore, GroupCommitter, type Flush, type ImageKey } from '../../src/store/index.js';
import { fsyncPath, syncFileSystemOf } from '../../src/store/committer.js';
import { syntheticSignature } from '../helpers/synthetic-signature.js';
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
