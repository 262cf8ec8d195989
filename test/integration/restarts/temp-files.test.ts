/**
 * Temporary files never show in the served tree: the fs store writes signatures in
 * `<root>/.staging` and renames them into place, and the start-up sweep removes what a crash
 * left there (and the `.tmp-*` files earlier versions left in image directories). Real files,
 * a real dead process's pid.
 */
import { spawnSync } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { STALE_TEMP_MS } from '../../../src/limits.js';
import { createFsStore, sweepCrashLeftovers } from '../../../src/store/index.js';
import { tempDir } from '../../helpers/tmp.js';

const IMAGE = { registry: 'registry.example.com', repository: 'ns/app', digest: `sha256:${'d'.repeat(64)}` };
const IMAGE_DIR = path.join('registry.example.com', `ns/app@sha256=${'d'.repeat(64)}`);

/** The pid of a process that has exited. */
const deadPid = () => spawnSync('true').pid!;

test('appends never create a file in the image directory other than signature-N', async (t) => {
  const dir = await tempDir(t);
  const store = createFsStore({ root: path.join(dir, 'store') });
  await store.append(IMAGE, [{ bytes: Buffer.from('sig 0') }], { origin: 'import' });
  const seen = new Set<string>();
  const watcher = watch(path.join(dir, 'store', IMAGE_DIR), (_event, name) => seen.add(String(name)));
  t.teardown(() => watcher.close());
  for (let i = 1; i <= 20; i++)
    await store.append(IMAGE, [{ bytes: Buffer.from(`sig ${i}`) }], { origin: 'import' });
  await new Promise((resolve) => setTimeout(resolve, 200)); // inotify events are delivered asynchronously
  t.true(seen.size > 0, 'the watch saw the renames');
  t.deepEqual(
    [...seen].filter((name) => !/^signature-\d+$/.test(name)),
    [],
  );
  t.deepEqual(await readdir(path.join(dir, 'store', '.staging')), []);
});

test('the sweep removes what dead writers left, and stale temp files; live writes stay', async (t) => {
  const dir = await tempDir(t);
  const root = path.join(dir, 'store');
  const staging = path.join(root, '.staging');
  await mkdir(staging, { recursive: true });
  await mkdir(path.join(root, IMAGE_DIR), { recursive: true });
  const dead = deadPid();
  const old = new Date(Date.now() - STALE_TEMP_MS - 60_000);
  const files: Record<string, Date | undefined> = {
    [`.staging/.tmp-${dead}-aaaaaaaaaaaa-signature-3`]: undefined, // a killed writer's
    [`.staging/.tmp-${process.pid}-bbbbbbbbbbbb-signature-4`]: undefined, // a write in progress
    [`.staging/.tmp-${process.pid}-cccccccccccc-signature-5`]: old, // no write takes that long
    [`${IMAGE_DIR}/.tmp-signature-2-0123456789ab`]: old, // an earlier version's, in the image dir
    [`${IMAGE_DIR}/.tmp-signature-3-abcdefabcdef`]: undefined, // perhaps an earlier version writing now
    [`${IMAGE_DIR}/signature-1`]: old,
    [`.tmp-readyz-${dead}`]: undefined, // the readiness probe of a killed daemon
  };
  for (const [name, mtime] of Object.entries(files)) {
    await writeFile(path.join(root, name), name.includes('signature-3') ? '' : 'half');
    if (mtime) await utimes(path.join(root, name), mtime, mtime);
  }
  const { removed } = await sweepCrashLeftovers(root);
  t.deepEqual(
    [...removed].sort(),
    [
      `.staging/.tmp-${dead}-aaaaaaaaaaaa-signature-3`,
      `.staging/.tmp-${process.pid}-cccccccccccc-signature-5`,
      `${IMAGE_DIR}/.tmp-signature-2-0123456789ab`,
      `.tmp-readyz-${dead}`,
    ].sort(),
  );
  t.deepEqual(await readdir(staging), [`.tmp-${process.pid}-bbbbbbbbbbbb-signature-4`]);
  t.deepEqual((await readdir(path.join(root, IMAGE_DIR))).sort(), [
    '.tmp-signature-3-abcdefabcdef',
    'signature-1',
  ]);
  t.deepEqual((await sweepCrashLeftovers(root)).removed, []);
});
