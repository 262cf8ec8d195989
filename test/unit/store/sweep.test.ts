/** The start-up sweep (src/store/sweep.ts) on a real tree: which temp files go, and which stay. */
import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { STALE_TEMP_MS } from '../../../src/limits.js';
import { sweepCrashLeftovers } from '../../../src/store/sweep.js';
import { tempDir } from '../../helpers/tmp.js';

const DEAD = 999_999_999; // above any pid_max: no such process
const IMAGE_DIR = path.join('r.io', `app@sha256=${'a'.repeat(64)}`);

async function plant(root: string, files: readonly string[]): Promise<void> {
  for (const file of files) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), 'x');
  }
}

test('only temp files of dead writers go: live writers, other names and other dot directories stay', async (t) => {
  const root = await tempDir(t);
  const gone = [
    `.staging/.tmp-${DEAD}-abc-signature-1`,
    `${IMAGE_DIR}/.tmp-readyz-${DEAD}`,
    `.tmp-${DEAD}-at-the-root`,
  ];
  const kept = [
    `.staging/.tmp-${process.ppid}-abc-signature-1`, // a live writer
    `.staging/.tmp-${process.pid}-abc-signature-2`, // this process
    `${IMAGE_DIR}/signature-1`,
    `${IMAGE_DIR}/.tmp-readyz-${DEAD}x`, // not the probe's name
    `${IMAGE_DIR}/.tmp-a.tmp-${DEAD}-x`, // the pid not where a writer puts it
    `${IMAGE_DIR}/.tmp-a.tmp-readyz-${DEAD}`, // nor where the probe does
    `.locks/.tmp-${DEAD}-abc`, // another dot directory: not the sweep's
    `r.io/.hidden/.tmp-${DEAD}-abc`,
  ];
  await plant(root, [...gone, ...kept]);
  const { removed } = await sweepCrashLeftovers(root);
  t.deepEqual([...removed].sort(), [...gone].sort());
  for (const file of kept) t.truthy(await lstat(path.join(root, file)), file);
});

test(`a temp file without a writer's pid goes once it is older than STALE_TEMP_MS (${STALE_TEMP_MS} ms)`, async (t) => {
  const root = await tempDir(t);
  const file = `${IMAGE_DIR}/.tmp-signature-1-abcdef`;
  await plant(root, [file]);
  const { mtimeMs } = await lstat(path.join(root, file));
  t.deepEqual(
    (await sweepCrashLeftovers(root, mtimeMs + STALE_TEMP_MS)).removed,
    [],
    'exactly that old: kept',
  );
  t.deepEqual((await sweepCrashLeftovers(root, mtimeMs + STALE_TEMP_MS + 1)).removed, [file]);
  t.deepEqual(await readdir(path.join(root, IMAGE_DIR)), []);
});

test('a live writer whose temp file is stale loses it too', async (t) => {
  const root = await tempDir(t);
  const file = `.staging/.tmp-${process.ppid}-abc-signature-1`;
  await plant(root, [file]);
  t.deepEqual((await sweepCrashLeftovers(root, Date.now() + STALE_TEMP_MS + 1_000)).removed, [file]);
});
