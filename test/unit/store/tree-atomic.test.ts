/**
 * The fs store's tree walkers (src/store/fs-tree.ts) and crash-safe writes (src/store/atomic.ts)
 * on a real temp directory: which names are images, which are skipped or invalid, the metadata
 * tree, and writes that leave no temp file and keep the rename order.
 */
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {
  TEMP_PREFIX,
  writeFileAtomic,
  writeFilesAtomic,
  writeGroupsAtomic,
} from '../../../src/store/atomic.js';
import { GroupCommitter } from '../../../src/store/committer.js';
import { exists, lookasideImages, metadataImages, readdirOrEmpty } from '../../../src/store/fs-tree.js';
import { openUnder } from '../../helpers/fds.js';
import { tempDir } from '../../helpers/tmp.js';

const HEX = 'f'.repeat(64);
const collect = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};
const touch = async (file: string) => {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, 'x');
};

test('lookaside images: nested repositories, dot names and temp files skipped, invalid names reported', async (t) => {
  const root = path.join(await tempDir(t), 'store');
  await touch(path.join(root, 'reg.example.com', `app@sha256=${HEX}`, 'signature-1'));
  await touch(path.join(root, 'reg.example.com', 'ns', 'sub', `deep@sha256=${HEX}`, 'signature-1'));
  await touch(path.join(root, 'reg.example.com', 'ns', `.hidden@sha256=${HEX}`, 'signature-1'));
  await touch(path.join(root, 'reg.example.com', `${TEMP_PREFIX}x@sha256=${HEX}`, 'signature-1'));
  await touch(path.join(root, 'reg.example.com', `bad@sha256=${'F'.repeat(64)}`, 'signature-1'));
  await touch(path.join(root, 'reg.example.com', 'a@b', 'c@sha256=' + HEX, 'signature-1'));
  await touch(path.join(root, 'reg.example.com', 'file-not-dir'));
  await touch(path.join(root, '.staging', `x@sha256=${HEX}`, 'signature-1'));
  await touch(path.join(root, 'bad_host', `x@sha256=${HEX}`, 'signature-1'));
  await touch(path.join(root, 'reg.example.com', `Caps@sha256=${HEX}`, 'signature-1'));
  t.deepEqual(await collect(lookasideImages(root)), [
    { invalid: path.join(root, 'bad_host', `x@sha256=${HEX}`) },
    { invalid: path.join(root, 'reg.example.com', `Caps@sha256=${HEX}`) },
    { image: { registry: 'reg.example.com', repository: 'app', digest: `sha256:${HEX}` } },
    { image: { registry: 'reg.example.com', repository: 'ns/sub/deep', digest: `sha256:${HEX}` } },
  ]);
  t.deepEqual(await collect(lookasideImages(path.join(root, 'missing'))), []);
});

test('metadata images: .json files of the metadata tree only', async (t) => {
  const meta = path.join(await tempDir(t), 'meta');
  await touch(path.join(meta, 'reg.example.com', `app@sha256=${HEX}.json`));
  await touch(path.join(meta, 'reg.example.com', 'ns', `b@sha256=${HEX}.json`));
  await touch(path.join(meta, 'reg.example.com', `c@sha256=${HEX}.json.tmp`));
  await touch(path.join(meta, 'reg.example.com', '.d', `e@sha256=${HEX}.json`));
  await touch(path.join(meta, 'reg.example.com', 'x@y', `f@sha256=${HEX}.json`));
  await touch(path.join(meta, '.locks', `g@sha256=${HEX}.json`));
  t.deepEqual(await collect(metadataImages(meta)), [
    { registry: 'reg.example.com', repository: 'app', digest: `sha256:${HEX}` },
    { registry: 'reg.example.com', repository: 'ns/b', digest: `sha256:${HEX}` },
  ]);
});

test('readdirOrEmpty and exists: sorted names, nothing for a missing path or a file', async (t) => {
  const dir = await tempDir(t);
  await touch(path.join(dir, 'b'));
  await touch(path.join(dir, 'a'));
  t.deepEqual(await readdirOrEmpty(dir), ['a', 'b']);
  t.deepEqual(await readdirOrEmpty(path.join(dir, 'none')), []);
  t.deepEqual(await readdirOrEmpty(path.join(dir, 'a')), []);
  t.true(await exists(path.join(dir, 'a')));
  t.false(await exists(path.join(dir, 'none')));
});

test('atomic writes: the content whole, no temp file left, staging used and emptied', async (t) => {
  const dir = await tempDir(t);
  const target = path.join(dir, 'signature-1');
  await writeFileAtomic(target, 'first');
  await writeFileAtomic(target, Buffer.from('second'));
  t.is(await readFile(target, 'utf8'), 'second');
  t.deepEqual(await readdir(dir), ['signature-1']);
  const staging = path.join(dir, '.staging');
  await mkdir(staging);
  await writeFilesAtomic(
    [
      [path.join(dir, 'signature-2'), 'two'],
      [path.join(dir, 'signature-3'), 'three'],
    ],
    { staging },
  );
  t.deepEqual((await readdir(dir)).sort(), ['.staging', 'signature-1', 'signature-2', 'signature-3']);
  t.deepEqual(await readdir(staging), []);
  t.is(await readFile(path.join(dir, 'signature-3'), 'utf8'), 'three');
  await writeFilesAtomic([]);
});

test('a failed rename removes every temp file and rejects', async (t) => {
  const dir = await tempDir(t);
  await mkdir(path.join(dir, 'occupied', 'child'), { recursive: true });
  await t.throwsAsync(
    writeFilesAtomic([
      [path.join(dir, 'ok'), 'a'],
      [path.join(dir, 'occupied'), 'b'],
    ]),
    { code: 'EISDIR' },
  );
  t.deepEqual(
    (await readdir(dir)).filter((n) => n.startsWith(TEMP_PREFIX)),
    [],
  );
});

test('a name with the image pattern and more after it is neither an image nor a repository level', async (t) => {
  const dir = await tempDir(t);
  await touch(path.join(dir, 'r.io', `app@sha256=${HEX}.bak`, 'signature-1'));
  await touch(path.join(dir, 'r.io', `app@sha256=${HEX}`, 'signature-1'));
  t.deepEqual(await collect(lookasideImages(dir)), [
    { image: { registry: 'r.io', repository: 'app', digest: `sha256:${HEX}` } },
  ]);
});

test('walks list in name order, whatever order the directory gives', async (t) => {
  const dir = await tempDir(t);
  const names = Array.from({ length: 24 }, (_, i) => `repo-${String((i * 7) % 24).padStart(2, '0')}`);
  for (const name of names) await touch(path.join(dir, 'meta', 'r.io', `${name}@sha256=${HEX}.json`));
  const repositories = (await collect(metadataImages(path.join(dir, 'meta')))).map((i) => i.repository);
  t.deepEqual(repositories, [...names].sort());
});

test('a directory that cannot be read for another reason than absence is an error, not an empty one', async (t) => {
  const dir = await tempDir(t);
  await mkdir(path.join(dir, 'meta'));
  await symlink('loop', path.join(dir, 'meta', 'loop')); // ELOOP on every read
  await t.throwsAsync(collect(metadataImages(path.join(dir, 'meta'))), { code: 'ELOOP' });
  await t.throwsAsync(readdirOrEmpty(path.join(dir, 'meta', 'loop')), { code: 'ELOOP' });
  t.deepEqual(await readdirOrEmpty(path.join(dir, 'missing')), []);
});

test('with a committer, a failed commit removes every temp file and rejects; nothing is renamed', async (t) => {
  const dir = await tempDir(t);
  const committer = new GroupCommitter(async () => {
    throw new Error('flush failed: EIO');
  });
  const staging = path.join(dir, '.staging');
  await mkdir(staging);
  await t.throwsAsync(
    writeGroupsAtomic(
      [
        { files: [[path.join(dir, 'signature-1'), 'sig']], staging },
        { files: [[path.join(dir, 'meta.json'), '{}']] },
      ],
      { committer },
    ),
    { message: 'flush failed: EIO' },
  );
  t.deepEqual(await readdir(dir), ['.staging']);
  t.deepEqual(await readdir(staging), []);
});

test('atomic writes close every file they open', async (t) => {
  const dir = await tempDir(t);
  for (let i = 0; i < 30; i++) await writeFileAtomic(path.join(dir, `f${i}`), 'x');
  await writeFilesAtomic([
    [path.join(dir, 'g1'), 'a'],
    [path.join(dir, 'g2'), 'b'],
  ]);
  t.deepEqual(await openUnder(dir), []);
});

test('with a committer: one flush for every temp file and new directory, then one per group for its renames', async (t) => {
  const dir = await tempDir(t);
  const staging = path.join(dir, '.staging');
  const image = path.join(dir, 'image');
  await mkdir(staging);
  await mkdir(image);
  const flushed: string[][] = [];
  const committer = new GroupCommitter(async (paths) => {
    flushed.push([...paths]);
  });
  const groups = [
    { files: [[path.join(image, 'signature-1'), 'sig']] as [string, string][], staging },
    { files: [[path.join(dir, 'meta.json'), '{}']] as [string, string][] },
  ];
  await writeGroupsAtomic(groups, { committer, newDirectories: [image] });
  t.is(flushed.length, 3);
  const [temps, first, second] = flushed as [string[], string[], string[]];
  t.is(temps.length, 3);
  t.regex(temps[0]!, new RegExp(`^${staging}/\\.tmp-${process.pid}-[0-9a-f]{12}-signature-1$`));
  t.regex(temps[1]!, new RegExp(`^${dir}/\\.tmp-meta\\.json-[0-9a-f]{12}$`));
  t.is(temps[2], image);
  t.deepEqual([first, second], [[image], [dir]]);
  flushed.length = 0;
  await writeGroupsAtomic([{ files: [[path.join(dir, 'other.json'), '{}']] }], { committer });
  t.is(flushed[0]!.length, 1, 'no new directory named: only the temp file');
  t.is(await readFile(path.join(image, 'signature-1'), 'utf8'), 'sig');
});
