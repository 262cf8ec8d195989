/**
 * Per-image mutual exclusion for writers: an in-process promise chain (cheap, ordered) wrapped
 * around a cross-process lock file created with O_EXCL (several worker processes share a store).
 * A lock whose owner process is gone, or that is older than STALE_LOCK_MS, is broken.
 */
import { open, readFile, stat, unlink } from 'node:fs/promises';

/** A lock held longer than this is assumed abandoned (writes take milliseconds). */
export const STALE_LOCK_MS = 30_000;
/** Give up acquiring after this long: something is badly wrong, fail the job (it is retried). */
export const LOCK_TIMEOUT_MS = 20_000;

const chains = new Map<string, Promise<unknown>>();

/** Runs `fn` while holding the lock at `lockPath` (both in this process and across processes). */
export function withLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const previous = chains.get(lockPath) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => withFileLock(lockPath, fn));
  chains.set(lockPath, run);
  void run
    .finally(() => {
      if (chains.get(lockPath) === run) chains.delete(lockPath);
    })
    .catch(() => undefined);
  return run;
}

async function withFileLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await isStale(lockPath)) await unlink(lockPath).catch(() => undefined);
      else if (Date.now() > deadline)
        throw new Error(`store lock ${lockPath} still held after ${LOCK_TIMEOUT_MS} ms`);
      else await new Promise((r) => setTimeout(r, wait));
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

async function isStale(lockPath: string): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    if (Date.now() - info.mtimeMs > STALE_LOCK_MS) return true;
    const pid = Number(text.trim());
    if (!Number.isInteger(pid) || pid <= 0) return Date.now() - info.mtimeMs > 1_000; // being written
    try {
      process.kill(pid, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
  } catch {
    return false; // vanished meanwhile: retry
  }
}
