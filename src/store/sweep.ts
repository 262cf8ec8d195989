/**
 * The start-up sweep of the fs store's served tree: temp files a crash (kill -9, power loss) left
 * behind. Staging files (`<root>/.staging/.tmp-<pid>-…`) go when their writer is gone; any other
 * `.tmp-*` file in the tree (image directories of earlier versions, the readiness probe's
 * `.tmp-readyz-<pid>`) when its pid names no live process or it is STALE_TEMP_MS old. Only temp
 * files are touched: signatures, metadata and the renumbering's directories are not.
 */
import { lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { STALE_TEMP_MS } from '../limits.js';
import { TEMP_PREFIX } from './atomic.js';
import { STAGING_DIR } from './fs-store.js';

/** What a sweep removed (paths relative to the root). */
export interface SweepResult {
  readonly removed: readonly string[];
}

/** Removes the crash leftovers under `root`; never throws for a file that vanished meanwhile. */
export async function sweepCrashLeftovers(root: string, now = Date.now()): Promise<SweepResult> {
  const removed: string[] = [];
  for await (const file of tempFiles(root, root)) {
    if (!(await isLeftover(file, now))) continue;
    await rm(file, { force: true });
    removed.push(path.relative(root, file));
  }
  return { removed };
}

/** Every `.tmp-*` file under `dir`: staging, and the tree itself (other dot directories skipped). */
async function* tempFiles(root: string, dir: string): AsyncIterable<string> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isFile() && entry.name.startsWith(TEMP_PREFIX)) yield full;
    // Symlinks are not followed: the sweep never leaves the tree.
    else if (entry.isDirectory() && (!entry.name.startsWith('.') || full === path.join(root, STAGING_DIR)))
      yield* tempFiles(root, full);
  }
}

/** Its writer (the pid in its name) is gone, or it is too old to be anyone's write in progress. */
async function isLeftover(file: string, now: number): Promise<boolean> {
  const pid = writerPid(path.basename(file));
  if (pid !== undefined && !processAlive(pid)) return true;
  const stats = await lstat(file).catch(() => undefined);
  return stats !== undefined && now - stats.mtimeMs > STALE_TEMP_MS;
}

/** `.tmp-<pid>-…` (staging) or `.tmp-…-<pid>` (the readiness probe); undefined for other names. */
function writerPid(name: string): number | undefined {
  const m = /^\.tmp-(\d+)-/.exec(name) ?? /^\.tmp-readyz-(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}
