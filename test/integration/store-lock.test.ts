import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {
  directorySyncsHeld,
  makeDirectory,
  makeDirectoryDurable,
  syncDirectory,
} from '../../src/store/dir-sync.js';
import { FileLocks } from '../../src/store/lock.js';
import { openUnder } from '../helpers/fds.js';
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
  t.deepEqual(await readdir(path.join(dir, '.locks-b')), [secondOwner], 'waiting made no second owner file');
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

/** A lock planted as another process leaves it: a file holding `content`, its mtime `ageMs` old. */
async function plantLock(file: string, content: string, ageMs = 0): Promise<void> {
  await writeFile(file, content);
  const then = (Date.now() - ageMs) / 1000;
  await utimes(file, then, then); // sets mtime; the inode's ctime becomes now (link(2) does the same)
}

const chainsOf = (locks: FileLocks) => (locks as unknown as { chains: Map<string, unknown> }).chains;

test('a lock held by a live process is waited for, then given up with the time waited', async (t) => {
  const dir = await tempDir(t);
  const lock = path.join(dir, 'x.lock');
  // An owner that took this lock just now, from an owner file made a minute ago: ctime is what counts.
  await plantLock(lock, `${process.pid}\n`, 60_000);
  const locks = new FileLocks(path.join(dir, '.locks'), { timeoutMs: 300 });
  let ran = false;
  await t.throwsAsync(
    locks.with(lock, async () => {
      ran = true;
    }),
    { message: `store lock ${lock} still held after 300 ms` },
  );
  t.false(ran);
  t.is(await readFile(lock, 'utf8'), `${process.pid}\n`, 'the holder keeps its lock');
  t.is(chainsOf(locks).size, 0, 'nothing is kept per lock path after it settles');
});

test('a live holder idle for longer than staleMs loses its lock', async (t) => {
  const dir = await tempDir(t);
  const lock = path.join(dir, 'x.lock');
  await plantLock(lock, `${process.pid}\n`);
  const locks = new FileLocks(path.join(dir, '.locks'), { staleMs: 300, timeoutMs: 5_000 });
  t.is(await locks.with(lock, async () => 'taken'), 'taken');
  t.false(existsSync(lock));
});

test('a lock naming a dead process is broken at once; one naming no process waits a second', async (t) => {
  const dir = await tempDir(t);
  const locks = new FileLocks(path.join(dir, '.locks'), { timeoutMs: 250 });
  const dead = path.join(dir, 'dead.lock');
  await plantLock(dead, '999999999\n');
  t.is(await locks.with(dead, async () => 'taken'), 'taken');
  for (const content of ['', 'garbage', '0', '-5', '12.5']) {
    // An old-style lock file being written: its pid not there yet.
    const lock = path.join(dir, `old-${content || 'empty'}.lock`);
    await plantLock(lock, content);
    await t.throwsAsync(
      locks.with(lock, async () => undefined),
      { message: /still held after 250 ms$/ },
    );
  }
  // Those files age past the second an old-style writer gets (ctime: set when each was written).
  const aged = path.join(dir, 'old-garbage.lock');
  await waitFor(
    'the old-style locks to age past a second',
    async () => Date.now() - (await stat(aged)).ctimeMs > 1_050,
    3_000,
  );
  const patient = new FileLocks(path.join(dir, '.locks'));
  t.is(await patient.with(path.join(dir, 'old-garbage.lock'), async () => 'taken'), 'taken');
  t.is(await patient.with(path.join(dir, 'old-0.lock'), async () => 'taken'), 'taken');
});

test('only owner files of dead processes are removed: names of another form and live owners stay', async (t) => {
  const dir = await tempDir(t);
  const ownerDir = path.join(dir, '.locks');
  await makeDirectoryDurable(ownerDir);
  const kept = [
    `${process.ppid}-0badc0de.owner`, // alive
    'x999999999-0badc0de.owner',
    '999999999-0badc0de.owner.bak',
    '999999999-XYZ.owner',
    '0-0badc0de.owner',
  ];
  for (const name of [...kept, '999999999-0badc0de.owner']) await writeFile(path.join(ownerDir, name), 'x');
  await new FileLocks(ownerDir).with(path.join(dir, 'x.lock'), async () => undefined);
  const names = await readdir(ownerDir);
  t.deepEqual(names.filter((n) => !n.startsWith(`${process.pid}-`)).sort(), [...kept].sort());
});

test("a process's owner file is removed when it exits", async (t) => {
  const dir = await tempDir(t);
  const ownerDir = path.join(dir, '.locks');
  const script = [
    "import { FileLocks } from './src/store/lock.ts';",
    `await new FileLocks(${JSON.stringify(ownerDir)}).with(${JSON.stringify(path.join(dir, 'x.lock'))}, async () => undefined);`,
    "console.log(require('node:fs').readdirSync(" + JSON.stringify(ownerDir) + ').join());',
  ].join('\n');
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script.replace("require('node:fs')", '(await import("node:fs"))'),
    ],
    {
      encoding: 'utf8',
    },
  );
  t.is(child.status, 0, child.stderr);
  t.regex(child.stdout.trim(), /^\d+-[0-9a-f]{8}\.owner$/, 'it had one while running');
  t.deepEqual(await readdir(ownerDir), []);
});

test('makeDirectory returns the parents of the directories it created, deepest first; none for an existing one', async (t) => {
  const dir = await tempDir(t);
  const deep = path.join(dir, 'a', 'b', 'c');
  t.deepEqual(await makeDirectory(deep), [path.join(dir, 'a', 'b'), path.join(dir, 'a'), dir]);
  t.deepEqual(await makeDirectory(deep), []);
  t.deepEqual(await makeDirectory(path.join(deep, 'd')), [deep]);
  t.true((await stat(path.join(deep, 'd'))).isDirectory());
});

// Serial: the count of syncs held is this file's module's, which its other tests change.
test.serial(
  'directory syncs keep nothing once done, close every handle, and a failed one rejects its callers',
  async (t) => {
    const dir = await tempDir(t);
    const dirs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => makeDirectory(path.join(dir, `d${i}`))),
    );
    t.is(dirs.length, 20);
    await Promise.all(Array.from({ length: 60 }, (_, i) => syncDirectory(path.join(dir, `d${i % 20}`))));
    t.is(directorySyncsHeld(), 0);
    t.deepEqual(await openUnder(dir), [], 'no directory handle left open');
    await t.throwsAsync(
      Promise.all([syncDirectory(path.join(dir, 'gone')), syncDirectory(path.join(dir, 'gone'))]),
      {
        code: 'ENOENT',
      },
    );
    t.is(directorySyncsHeld(), 0);
  },
);

test('a lock path that cannot be made for another reason fails at once with that reason', async (t) => {
  const dir = await tempDir(t);
  await writeFile(path.join(dir, 'a-file'), 'not a directory');
  // Waiting would end in 'still held after 300 ms', not in the path's own error.
  const locks = new FileLocks(path.join(dir, '.locks'), { timeoutMs: 300 });
  await t.throwsAsync(
    locks.with(path.join(dir, 'a-file', 'x.lock'), async () => undefined),
    { code: 'ENOTDIR' },
  );
});
