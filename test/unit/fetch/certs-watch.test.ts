import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { CERTS_POLL_MS, CertsWatcher, certsFingerprint } from '../../../src/fetch/certs-watch.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';

const identity = async (p: string) => {
  const s = await stat(p);
  return `${p}:${s.ino}:${s.size}:${s.mtimeMs}`;
};

test('the fingerprint: each path, then its entries two levels down in name order; missing paths left out', async (t) => {
  const dir = await tempDir(t);
  const certsD = path.join(dir, 'certs.d');
  await mkdir(path.join(certsD, 'b.example', 'deeper'), { recursive: true });
  await mkdir(path.join(certsD, 'a.example:5000'), { recursive: true });
  await writeFile(path.join(certsD, 'b.example', 'ca.crt'), 'B');
  await writeFile(path.join(certsD, 'b.example', 'deeper', 'x.crt'), 'too deep');
  await writeFile(path.join(certsD, 'a.example:5000', 'ca.crt'), 'A');
  const bundle = path.join(dir, 'bundle.pem');
  await writeFile(bundle, 'BUNDLE');
  const parts = [
    certsD,
    path.join(certsD, 'a.example:5000'),
    path.join(certsD, 'a.example:5000', 'ca.crt'),
    path.join(certsD, 'b.example'),
    path.join(certsD, 'b.example', 'ca.crt'),
    path.join(certsD, 'b.example', 'deeper'),
    bundle,
  ];
  const expected = (await Promise.all(parts.map(identity))).join('\n');
  t.is(await certsFingerprint([certsD, path.join(dir, 'missing.d'), bundle]), expected);
  t.is(await certsFingerprint([path.join(dir, 'missing.d')]), '');
  t.is(await certsFingerprint([bundle]), await identity(bundle), 'a file is itself, with nothing below');
});

test('the fingerprint changes with a file rewritten in place or replaced, not with a third level', async (t) => {
  const dir = await tempDir(t);
  const hostDir = path.join(dir, 'h.example');
  await mkdir(path.join(hostDir, 'deeper'), { recursive: true });
  await writeFile(path.join(hostDir, 'ca.crt'), 'one');
  await writeFile(path.join(hostDir, 'deeper', 'x.crt'), 'ignored');
  const before = await certsFingerprint([dir]);
  await writeFile(path.join(hostDir, 'deeper', 'x.crt'), 'ignored, and longer');
  t.is(await certsFingerprint([dir]), before);
  await writeFile(path.join(hostDir, 'ca.crt'), 'two, longer');
  const rewritten = await certsFingerprint([dir]);
  t.not(rewritten, before);
  await writeFile(path.join(dir, 'new.crt'), 'two, longer');
  await rename(path.join(dir, 'new.crt'), path.join(hostDir, 'ca.crt'));
  t.not(await certsFingerprint([dir]), rewritten, 'a rename over the file (new inode) is a change');
});

test('the watcher calls back once per change, and never after close()', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'ca.crt');
  // Each edit lands whole (written beside, renamed in): a poll between a truncate and a write
  // would see two changes where the test makes one.
  const outside = await tempDir(t);
  const put = async (content: string) => {
    await writeFile(path.join(outside, 'next'), content);
    await rename(path.join(outside, 'next'), file);
  };
  let changes = 0;
  const watcher = new CertsWatcher([dir], () => changes++, 10);
  t.teardown(() => watcher.close());
  await watcher.start();
  await put('A');
  await waitFor('the first change', () => changes === 1);
  await new Promise((r) => setTimeout(r, 60));
  t.is(changes, 1, 'an unchanged tree calls nothing');
  await put('AB');
  await waitFor('the second change', () => changes === 2);
  watcher.close();
  await put('ABC');
  await new Promise((r) => setTimeout(r, 60));
  t.is(changes, 2);
});

/** A reader that answers from `answers` in turn (the last one forever), counting its calls. */
const scripted = (answers: string[]) => {
  const reader = { calls: 0, read: async () => answers[Math.min(reader.calls++, answers.length - 1)]! };
  return reader;
};

test('a read that overlapped an edit (half of it seen) is not a change of its own: one edit, one callback', async (t) => {
  const reader = scripted(['before', 'torn', 'after', 'after']);
  let changes = 0;
  const watcher = new CertsWatcher(['/unused'], () => changes++, 5, reader.read);
  t.teardown(() => watcher.close());
  await watcher.start();
  await waitFor('the reads to settle', () => reader.calls >= 6);
  t.is(changes, 1);
});

test('a tree that never holds still is taken after a bounded number of re-reads', async (t) => {
  let n = 0;
  let readsAtFirstCallback: number | undefined;
  const watcher = new CertsWatcher(
    ['/unused'],
    () => (readsAtFirstCallback ??= n),
    5,
    async () => String(n++),
  );
  t.teardown(() => watcher.close());
  await watcher.start();
  await waitFor('a callback', () => readsAtFirstCallback !== undefined);
  t.is(readsAtFirstCallback, 1 + 1 + 5, 'start, the read that saw a change, five re-reads');
});

test('a check under way when close() is called does not call back', async (t) => {
  let release: (value: string) => void = () => {};
  let reads = 0;
  let changes = 0;
  const read = (): Promise<string> => {
    reads++;
    if (reads === 1) return Promise.resolve('before');
    return new Promise((resolve) => (release = resolve));
  };
  const watcher = new CertsWatcher(['/unused'], () => changes++, 5, read);
  await watcher.start();
  await waitFor('a check to start', () => reads === 2);
  watcher.close();
  release('after');
  await new Promise((r) => setTimeout(r, 30));
  t.is(changes, 0);
});

test('the state at start() is the baseline: files already there are no change', async (t) => {
  const dir = await tempDir(t);
  await writeFile(path.join(dir, 'ca.crt'), 'A');
  let changes = 0;
  const watcher = new CertsWatcher([dir], () => changes++, 10);
  t.teardown(() => watcher.close());
  await watcher.start();
  await new Promise((r) => setTimeout(r, 60));
  t.is(changes, 0);
  t.true(CERTS_POLL_MS < 1_000, 'docs/import.md: CAs are re-read within a second of a change');
});
