import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { signatureRelativePath } from '../../src/lookaside/index.js';
import { createFsStore, releaseKey } from '../../src/store/index.js';
import { runStoreConformance } from '../conformance/store.js';
import { tempDir } from '../helpers/tmp.js';
import { fsStoreFactory } from '../helpers/fs-store-factory.js';
import { needs } from '../helpers/needs.js';

const test = await needs({ redis: true });

runStoreConformance(test, fsStoreFactory(), { filesWithoutMetadata: true });

const IMAGE = {
  registry: 'registry.example.com:5000',
  repository: 'ns/app',
  digest: `sha256:${'c'.repeat(64)}`,
};

test('the on-disk tree is a lookaside tree; metadata lives in a separate tree', async (t) => {
  const dir = await tempDir(t);
  const store = createFsStore({ root: path.join(dir, 'store') });
  await store.append(IMAGE, [{ bytes: Buffer.from('one') }, { bytes: Buffer.from('two') }], {
    origin: 'import',
  });
  const sigDir = path.join(dir, 'store', 'registry.example.com:5000', `ns/app@sha256=${'c'.repeat(64)}`);
  t.deepEqual((await readdir(sigDir)).sort(), ['signature-1', 'signature-2']);
  t.is(
    await readFile(
      path.join(dir, 'store', 'registry.example.com:5000', signatureRelativePath('ns/app', IMAGE.digest, 2)),
      'utf8',
    ),
    'two',
  );
  const meta = JSON.parse(
    await readFile(
      `${path.join(dir, 'store-meta', 'registry.example.com:5000', `ns/app@sha256=${'c'.repeat(64)}`)}.json`,
      'utf8',
    ),
  );
  t.is(meta.signatures.length, 2);
  // Signatures were written in the staging directory (a dot name no lookaside path reaches), now empty.
  t.deepEqual(await readdir(path.join(dir, 'store')), ['.staging', 'registry.example.com:5000']);
  t.deepEqual(await readdir(path.join(dir, 'store', '.staging')), []);
});

test('a crash between signature and metadata is adopted; temp files are removed and never served', async (t) => {
  const dir = await tempDir(t);
  const store = createFsStore({ root: path.join(dir, 'store') });
  await store.append(IMAGE, [{ bytes: Buffer.from('one') }], { origin: 'import', by: 'w' });
  const sigDir = path.join(dir, 'store', 'registry.example.com:5000', `ns/app@sha256=${'c'.repeat(64)}`);
  await writeFile(path.join(sigDir, 'signature-2'), 'orphan'); // written, then the process died
  await writeFile(path.join(sigDir, '.tmp-signature-3-abc'), 'half');
  const list = await store.list(IMAGE);
  t.deepEqual(
    list.map((e) => [e.index, e.origin, e.sha256]),
    [
      [1, 'import', createHash('sha256').update('one').digest('hex')],
      [2, 'unknown', createHash('sha256').update('orphan').digest('hex')],
    ],
  );
  t.false(existsSync(path.join(sigDir, '.tmp-signature-3-abc')));
  const r = await store.append(IMAGE, [{ bytes: Buffer.from('orphan') }, { bytes: Buffer.from('three') }], {
    origin: 'import',
  });
  t.deepEqual(r, { added: [3], duplicates: [2] });
});

/** Three signatures stored, then `gone` deleted by hand (hosts stop at the first 404). */
async function storeWithout(t: Parameters<typeof tempDir>[0], gone: number) {
  const dir = await tempDir(t);
  const store = createFsStore({ root: path.join(dir, 'store') });
  const bytes = ['one', 'two', 'three'].map((s) => ({ bytes: Buffer.from(s) }));
  await store.append(IMAGE, bytes, { origin: 'import' });
  const sigDir = path.join(dir, 'store', 'registry.example.com:5000', `ns/app@sha256=${'c'.repeat(64)}`);
  await rm(path.join(sigDir, `signature-${gone}`));
  return store;
}

test('metadata entries whose file is gone are trimmed: the next signature takes the free index', async (t) => {
  const store = await storeWithout(t, 3);
  t.deepEqual(await store.append(IMAGE, [{ bytes: Buffer.from('new') }], { origin: 'upload' }), {
    added: [3],
    duplicates: [],
  });
  t.deepEqual(
    (await store.list(IMAGE)).map((e) => [e.index, e.origin]),
    [
      [1, 'import'],
      [2, 'import'],
      [3, 'upload'],
    ],
  );
});

test('a gap (files 1 and 3 listed as 1-3) is trimmed at the first missing file, as hosts read it', async (t) => {
  const store = await storeWithout(t, 2);
  t.deepEqual(await store.append(IMAGE, [{ bytes: Buffer.from('new') }], { origin: 'upload' }), {
    added: [2],
    duplicates: [],
  });
  // The file beyond the gap is readable again now that the gap is filled: adopted, without claims.
  t.deepEqual(
    (await store.list(IMAGE)).map((e) => [e.index, e.origin, e.sha256]),
    [
      [1, 'import', createHash('sha256').update('one').digest('hex')],
      [2, 'upload', createHash('sha256').update('new').digest('hex')],
      [3, 'unknown', createHash('sha256').update('three').digest('hex')],
    ],
  );
});

test('a lookaside tree restored without its metadata is adopted by every operation', async (t) => {
  const dir = await tempDir(t);
  const sigDir = path.join(dir, 'store', 'registry.example.com:5000', `ns/app@sha256=${'c'.repeat(64)}`);
  await mkdir(sigDir, { recursive: true });
  await writeFile(path.join(sigDir, 'signature-1'), 'restored-1');
  await writeFile(path.join(sigDir, 'signature-2'), 'restored-2');
  const store = createFsStore({ root: path.join(dir, 'store') });
  t.deepEqual(
    (await store.list(IMAGE)).map((e) => [e.index, e.origin]),
    [
      [1, 'unknown'],
      [2, 'unknown'],
    ],
  );
  const other = createFsStore({ root: path.join(dir, 'store'), metaRoot: path.join(dir, 'fresh-meta') });
  await other.recordVerification(IMAGE, 2, { at: 'now', by: 'test', verdict: 'trusted' });
  t.like((await other.list(IMAGE))[1], { verifications: [{ by: 'test' }] });
  const third = createFsStore({ root: path.join(dir, 'store'), metaRoot: path.join(dir, 'third-meta') });
  t.is(await third.remove(IMAGE, [1]), 1);
  t.is(await readFile(path.join(sigDir, 'signature-1'), 'utf8'), 'restored-2');
});

test('a stale lock left by a dead process is broken', async (t) => {
  const dir = await tempDir(t);
  const store = createFsStore({ root: path.join(dir, 'store') });
  const metaDir = path.join(dir, 'store-meta', 'registry.example.com:5000', 'ns');
  await mkdir(metaDir, { recursive: true });
  await writeFile(path.join(metaDir, `app@sha256=${'c'.repeat(64)}.json.lock`), '999999999\n');
  const r = await store.append(IMAGE, [{ bytes: Buffer.from('x') }], { origin: 'import' });
  t.deepEqual(r.added, [1]);
});

test('two processes appending to one image concurrently stay contiguous', async (t) => {
  const dir = await tempDir(t);
  const root = path.join(dir, 'store');
  const { spawn } = await import('node:child_process');
  const script = new URL('../fixtures/store/append-many.ts', import.meta.url).pathname;
  const run = (tag: string) =>
    new Promise<number | null>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', import.meta.resolve('tsx'), script, root, tag, '30'],
        { stdio: 'inherit' },
      );
      child.once('exit', resolve);
    });
  t.deepEqual(await Promise.all([run('a'), run('b')]), [0, 0]);
  const list = await createFsStore({ root }).list(IMAGE);
  t.is(list.length, 61); // 30 + 30 distinct + 1 shared
  t.deepEqual(
    list.map((e) => e.index),
    Array.from({ length: 61 }, (_, i) => i + 1),
  );
});

test('releases are served in the CVO layout: <root>/release-signatures/sha256=<hex>/signature-N', async (t) => {
  const dir = await tempDir(t);
  const store = createFsStore({ root: path.join(dir, 'store') });
  const release = releaseKey(IMAGE.digest);
  await store.append(release, [{ bytes: Buffer.from('r1') }, { bytes: Buffer.from('r2') }], {
    origin: 'import',
  });
  const served = path.join(dir, 'store', 'release-signatures', `sha256=${'c'.repeat(64)}`);
  t.deepEqual((await readdir(served)).sort(), ['signature-1', 'signature-2']);
  t.is(await readFile(path.join(served, 'signature-2'), 'utf8'), 'r2');
  t.deepEqual(await readdir(path.join(dir, 'store', 'release-signatures')), [`sha256=${'c'.repeat(64)}`]);
  const meta = path.join(dir, 'store-meta', 'release-signatures', `release@sha256=${'c'.repeat(64)}.json`);
  t.is(JSON.parse(await readFile(meta, 'utf8')).signatures.length, 2);
  // A tree restored without metadata is adopted, as for images.
  await writeFile(path.join(served, 'signature-3'), 'r3');
  t.deepEqual(
    (await store.list(release)).map((e) => [e.index, e.origin]),
    [
      [1, 'import'],
      [2, 'import'],
      [3, 'unknown'],
    ],
  );
  t.is(await store.remove(release, [1]), 1);
  t.deepEqual((await readdir(served)).sort(), ['signature-1', 'signature-2']);
  t.is(await readFile(path.join(served, 'signature-1'), 'utf8'), 'r2');
});

test('adoptUntracked leaves paths that name no valid image alone and lists them', async (t) => {
  const dir = await tempDir(t);
  const root = path.join(dir, 'store');
  const bad = path.join(root, 'registry.example.com', `NS/App@sha256=${'d'.repeat(64)}`);
  await mkdir(bad, { recursive: true });
  await writeFile(path.join(bad, 'signature-1'), 'copied');
  await mkdir(path.join(root, '.locks'), { recursive: true });
  const store = createFsStore({ root });
  t.deepEqual(await store.adoptUntracked(() => ({})), { images: 0, signatures: 0, skipped: [bad] });
  t.is(await readFile(path.join(bad, 'signature-1'), 'utf8'), 'copied');
  t.false(existsSync(`${root}-meta/registry.example.com`), 'no metadata was written for it');
});

/** The fs store's own tree for IMAGE: its signature directory and its metadata file. */
function treeOf(dir: string) {
  const rel = path.join('registry.example.com:5000', `ns/app@sha256=${'c'.repeat(64)}`);
  return { sigDir: path.join(dir, 'store', rel), metaFile: `${path.join(dir, 'store-meta', rel)}.json` };
}

test('read and readSync: a signature, undefined for a missing one or a non-index, an error for anything else', async (t) => {
  const dir = await tempDir(t);
  const store = createFsStore({ root: path.join(dir, 'store') });
  await store.append(IMAGE, [{ bytes: Buffer.from('one') }], { origin: 'import' });
  for (const read of [(i: number) => store.read(IMAGE, i), async (i: number) => store.readSync!(IMAGE, i)]) {
    t.is(Buffer.from((await read(1))!).toString(), 'one');
    for (const index of [2, 0, -1, 1.5]) t.is(await read(index), undefined, `index ${index}`);
  }
  await mkdir(path.join(treeOf(dir).sigDir, 'signature-2')); // a directory where a file should be
  await t.throwsAsync(store.read(IMAGE, 2), { code: 'EISDIR' });
  t.throws(() => store.readSync!(IMAGE, 2), { code: 'EISDIR' });
});

test('metadata that is not JSON is an error, never an empty image', async (t) => {
  const dir = await tempDir(t);
  const store = createFsStore({ root: path.join(dir, 'store') });
  await store.append(IMAGE, [{ bytes: Buffer.from('one') }], { origin: 'import' });
  await writeFile(treeOf(dir).metaFile, '{"version":1,"signa');
  await t.throwsAsync(store.list(IMAGE), { instanceOf: SyntaxError });
  await t.throwsAsync(store.append(IMAGE, [{ bytes: Buffer.from('two') }], { origin: 'import' }), {
    instanceOf: SyntaxError,
  });
  t.false(existsSync(path.join(treeOf(dir).sigDir, 'signature-2')), 'nothing was written over it');
});

test('a signature sent again under its name is a duplicate, not a name conflict', async (t) => {
  const dir = await tempDir(t);
  const store = createFsStore({ root: path.join(dir, 'store') });
  const sig = { bytes: Buffer.from('one'), name: 'sha256:abc@1' };
  t.deepEqual(await store.append(IMAGE, [sig], { origin: 'upload' }), { added: [1], duplicates: [] });
  t.deepEqual(await store.append(IMAGE, [sig], { origin: 'upload' }), { added: [], duplicates: [1] });
  t.deepEqual(
    await store.append(IMAGE, [sig, sig, { bytes: Buffer.from('two'), name: 'n2' }], { origin: 'upload' }),
    {
      added: [2],
      duplicates: [1, 1],
    },
  );
  const other = { ...IMAGE, digest: `sha256:${'e'.repeat(64)}` };
  t.deepEqual(await store.append(other, [sig, sig], { origin: 'upload' }), { added: [1], duplicates: [1] });
});

test('uploads leave the import history alone; an import without a sigstore keeps the last source', async (t) => {
  const dir = await tempDir(t);
  const store = createFsStore({ root: path.join(dir, 'store') });
  await store.append(IMAGE, [{ bytes: Buffer.from('one') }], { origin: 'upload', by: 'admin' });
  t.like(await store.summary(IMAGE), { lastImportAt: null, source: null });
  await store.append(IMAGE, [], { origin: 'import', lookaside: 'https://sigs.example/base' });
  const imported = await store.summary(IMAGE);
  t.like(imported, { source: 'https://sigs.example/base' });
  t.truthy(imported?.lastImportAt);
  await store.append(IMAGE, [], { origin: 'import' });
  t.like(await store.summary(IMAGE), { source: 'https://sigs.example/base' });
});

test('an image imported without signatures is known (unsigned); removing from an unknown image creates nothing', async (t) => {
  const dir = await tempDir(t);
  const store = createFsStore({ root: path.join(dir, 'store') });
  await store.append(IMAGE, [], { origin: 'import' });
  t.like(await store.summary(IMAGE), { signatures: 0 });
  const other = { ...IMAGE, digest: `sha256:${'e'.repeat(64)}` };
  t.is(await store.remove(other, 'all'), 0);
  t.is(await store.summary(other), undefined);
});

test('reindex adopts the entries a read found without metadata, and only those', async (t) => {
  const dir = await tempDir(t);
  const store = createFsStore({ root: path.join(dir, 'store') });
  await store.append(IMAGE, [{ bytes: Buffer.from('one') }], { origin: 'import' }); // no parsed claims
  await writeFile(path.join(treeOf(dir).sigDir, 'signature-2'), 'copied in');
  t.is((await store.list(IMAGE)).at(-1)?.origin, 'unknown', 'a read lists it at once');
  const described: string[] = [];
  const result = await store.adoptUntracked((bytes) => {
    described.push(Buffer.from(bytes).toString());
    return { claimed: true };
  });
  t.deepEqual(result, { images: 1, signatures: 1, skipped: [] });
  t.deepEqual(described, ['copied in']);
  t.deepEqual(
    (await store.list(IMAGE)).map((e) => [e.index, e.origin]),
    [
      [1, 'import'],
      [2, 'adopted'],
    ],
  );
  t.deepEqual(await store.adoptUntracked(() => ({})), { images: 0, signatures: 0, skipped: [] });
});

test('lock owner files live in <meta>/.locks, which is no image; a consistent image is not rewritten', async (t) => {
  const dir = await tempDir(t);
  const store = createFsStore({ root: path.join(dir, 'store') });
  await store.append(IMAGE, [{ bytes: Buffer.from('one') }], { origin: 'import' });
  t.deepEqual((await readdir(path.join(dir, 'store-meta'))).sort(), ['.locks', 'registry.example.com:5000']);
  const images = [];
  for await (const image of store.images()) images.push(image);
  t.deepEqual(images, [IMAGE]);
  // A file in the image directory that is no signature (another tool's) stays while files and
  // metadata agree: only a crash's mismatch has temp files to remove.
  const { sigDir, metaFile } = treeOf(dir);
  await writeFile(path.join(sigDir, '.tmp-signature-9-other'), 'not ours');
  const before = await stat(metaFile);
  await store.append(IMAGE, [{ bytes: Buffer.from('one') }], { origin: 'upload' });
  t.is((await stat(metaFile)).ino, before.ino, 'the metadata was not written again');
  t.true(existsSync(path.join(sigDir, '.tmp-signature-9-other')));
});

test('a name already taken by other bytes is refused, as is a signature beyond the 127th; nothing is written', async (t) => {
  const dir = await tempDir(t);
  const store = createFsStore({ root: path.join(dir, 'store') });
  await store.append(IMAGE, [{ bytes: Buffer.from('one'), name: 'n1' }], { origin: 'upload' });
  await t.throwsAsync(
    store.append(IMAGE, [{ bytes: Buffer.from('two'), name: 'n1' }], { origin: 'upload' }),
    {
      name: 'SignatureNameTakenError',
    },
  );
  const many = Array.from({ length: 126 }, (_, i) => ({ bytes: Buffer.from(`sig-${i}`) }));
  t.is((await store.append(IMAGE, many, { origin: 'import' })).added.length, 126);
  t.deepEqual(
    await store.append(IMAGE, [{ bytes: Buffer.from('one') }], { origin: 'import' }),
    {
      added: [],
      duplicates: [1],
    },
    'a duplicate at the cap is no new signature',
  );
  await t.throwsAsync(store.append(IMAGE, [{ bytes: Buffer.from('the 128th') }], { origin: 'import' }), {
    name: 'SignatureLimitError',
  });
  t.is((await store.list(IMAGE)).length, 127);
  t.false(existsSync(path.join(treeOf(dir).sigDir, 'signature-128')));
});
