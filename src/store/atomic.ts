/**
 * Crash-safe file writes: temp file, fsync, rename, directory fsync. The temp file is written in
 * the target's directory, or in a staging directory on the same filesystem (the fs store's
 * `<root>/.staging`) so that a directory others serve never shows a half-written file, even
 * after a crash (sweep.ts removes what a crash leaves in staging).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { syncDirectory } from './dir-sync.js';

/** Prefix of temp files; never a `signature-N` name, so never served as one. */
export const TEMP_PREFIX = '.tmp-';

/** Writes `data` to `target` so that readers see either the old file or the whole new one. */
export async function writeFileAtomic(target: string, data: Uint8Array | string): Promise<void> {
  await writeFilesAtomic([[target, data]]);
}

/**
 * Writes several files of one directory: every temp file is written and fsynced first, then they
 * are renamed in the given order (so `signature-N` never appears before `signature-N-1`), then the
 * directory is fsynced once. With `staging` (an existing directory on the targets' filesystem),
 * the temp files live there until renamed.
 */
export async function writeFilesAtomic(
  files: ReadonlyArray<readonly [string, Uint8Array | string]>,
  staging?: string,
): Promise<void> {
  if (!files.length) return;
  const temps = await Promise.all(files.map(([target, data]) => writeTemp(target, data, staging)));
  try {
    for (const [i, [target]] of files.entries()) await rename(temps[i]!, target);
  } catch (err) {
    await Promise.all(temps.map((t) => unlink(t).catch(() => undefined)));
    throw err;
  }
  await syncDirectory(path.dirname(files[0]![0]));
}

/**
 * `.tmp-<name>-<random>` beside the target, or `.tmp-<pid>-<random>-<name>` in staging: the pid
 * tells the start-up sweep whether the writer is gone (sweep.ts).
 */
async function writeTemp(target: string, data: Uint8Array | string, staging?: string): Promise<string> {
  const random = randomBytes(6).toString('hex');
  const name = path.basename(target);
  const temp = staging
    ? path.join(staging, `${TEMP_PREFIX}${process.pid}-${random}-${name}`)
    : path.join(path.dirname(target), `${TEMP_PREFIX}${name}-${random}`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}
