import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { makeDirectoryDurable, syncDirectory } from '../../src/store/dir-sync.js';
import { FileLocks } from '../../src/store/lock.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

test('a held lock is a hard link to the owner file: no inode is made or freed per lock', async (t) => {
  const dir = await tempDir(t);
  const locks = new FileLocks(path.join(dir, '.locks'));
  const lockPath = path.join(dir, 'image.json.lock');
  const seen: Array<{ ino: number; nlink: number; text: string }> = [];
  for (let i = 0; i < 2; i++) {
    await locks.with(lockPath, async () => {
      const info = await stat(lockPath);
      seen.push({ ino: info.ino, nlink: info.nlink, text: await readFile(lockPath, 'utf8') });
    });
  }
  const owners = await readdir(path.join(dir, '.locks'));
  t.is(owners.length, 1);
  t.regex(owners[0]!, new RegExp(`^${process.pid}-[0-9a-f]{8}\\.owner$`));
  const owner = await stat(path.join(dir, '.locks', owners[0]!));
  t.deepEqual(seen, [
    { ino: owner.ino, nlink: 2, text: `${process.pid}\n` },
    { ino: owner.ino, nlink: 2, text: `${process.pid}\n` },
  ]);
  await t.throwsAsync(stat(lockPath), { code: 'ENOENT' });
});

test('a second holder waits until the first releases the lock', async (t) => {
  const dir = await tempDir(t);
  const lockPath = path.join(dir, 'image.json.lock');
  const first = new FileLocks(path.join(dir, '.locks-a'));
  const second = new FileLocks(path.join(dir, '.locks-b'));
  const order: string[] = [];
  let release!: () => void;
  let entered!: () => void;
  const inside = new Promise<void>((r) => (entered = r));
  const held = first.with(lockPath, async () => {
    order.push('first in');
    entered();
    await new Promise<void>((r) => (release = r));
    order.push('first out');
  });
  await inside;
  const waiting = second.with(lockPath, async () => void order.push('second in'));
  // The second has made its owner file and tried the lock: the lock is still the first's.
  const secondOwner = await waitFor(
    'the second to try the lock',
    async () => (await readdir(path.join(dir, '.locks-b')).catch(() => [] as string[]))[0],
  );
  await waitFor(
    'a failed attempt',
    async () => (await stat(path.join(dir, '.locks-b', secondOwner))).nlink === 1,
  );
  const [lock, firstOwner] = await Promise.all([stat(lockPath), readdir(path.join(dir, '.locks-a'))]);
  t.is(lock.ino, (await stat(path.join(dir, '.locks-a', firstOwner[0]!))).ino);
  t.deepEqual(order, ['first in']);
  release();
  await Promise.all([held, waiting]);
  t.deepEqual(order, ['first in', 'first out', 'second in']);
});

test('a lock in a missing directory is a clear error; a removed owner file is made again', async (t) => {
  const dir = await tempDir(t);
  const locks = new FileLocks(path.join(dir, '.locks'));
  await t.throwsAsync(
    locks.with(path.join(dir, 'missing', 'x.lock'), async () => undefined),
    {
      message: `cannot take store lock ${path.join(dir, 'missing', 'x.lock')}: its directory does not exist`,
    },
  );
  await rm(path.join(dir, '.locks'), { recursive: true });
  t.is(await locks.with(path.join(dir, 'x.lock'), async () => 'held'), 'held');
});

test('owner files of dead processes are removed when locking starts', async (t) => {
  const dir = await tempDir(t);
  const ownerDir = path.join(dir, '.locks');
  await makeDirectoryDurable(ownerDir);
  await writeFile(path.join(ownerDir, '999999999-0badc0de.owner'), '999999999\n');
  await writeFile(path.join(ownerDir, 'notes.txt'), 'kept');
  await new FileLocks(ownerDir).with(path.join(dir, 'x.lock'), async () => undefined);
  const names = (await readdir(ownerDir)).sort();
  t.is(names.length, 2);
  t.is(names[1], 'notes.txt');
  t.regex(names[0]!, new RegExp(`^${process.pid}-`));
});

test('directory syncs are group-committed: callers before the start share one, later ones get the next', async (t) => {
  const dir = await tempDir(t);
  const a = syncDirectory(dir);
  const b = syncDirectory(dir);
  t.is(a, b); // queued, not started: one fsync covers both
  await Promise.resolve(); // the queued sync starts
  await new Promise((r) => setImmediate(r));
  const c = syncDirectory(dir);
  t.not(c, a);
  await Promise.all([a, c]);
  await t.throwsAsync(syncDirectory(path.join(dir, 'missing')), { code: 'ENOENT' });
});

test('makeDirectoryDurable creates every missing level and accepts an existing directory', async (t) => {
  const dir = await tempDir(t);
  const deep = path.join(dir, 'r.example', 'ns', 'team', 'app@sha256=ab');
  await makeDirectoryDurable(deep);
  t.true((await stat(deep)).isDirectory());
  await makeDirectoryDurable(deep);
  t.true((await stat(deep)).isDirectory());
});
