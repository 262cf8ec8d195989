/**
 * Per-image mutual exclusion for writers: an in-process promise chain (cheap, ordered) wrapped
 * around a cross-process lock (several worker processes share a store).
 *
 * The cross-process lock is a hard link to this process's owner file (`link(2)` fails with EEXIST
 * while another holder exists; the classic NFS-safe lock). Unlike a lock file created per write,
 * a link allocates and frees no inode, so a busy importer does not churn the filesystem's inode
 * tables. Reading the lock yields the owner's pid. A lock whose owner process is gone, or whose
 * owner has not taken or released any lock for STALE_LOCK_MS (link and unlink update the owner
 * inode's ctime), is broken. Lock files of earlier versions (a regular file holding a pid) are
 * judged the same way.
 */
import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { link, mkdir, readFile, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A lock held longer than this is assumed abandoned (writes take milliseconds). */
export const STALE_LOCK_MS = 30_000;
/** Give up acquiring after this long: something is badly wrong, fail the job (it is retried). */
export const LOCK_TIMEOUT_MS = 20_000;

const OWNER_SUFFIX = '.owner';

/** The two bounds of a lock; defaults STALE_LOCK_MS and LOCK_TIMEOUT_MS (tests shorten them). */
export interface LockTimes {
  readonly staleMs?: number;
  readonly timeoutMs?: number;
}

/** Locks whose owner file lives in `ownerDir` (on the same filesystem as the locks). */
export class FileLocks {
  private readonly chains = new Map<string, Promise<unknown>>();
  private owner: Promise<string> | undefined;
  private readonly staleMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly ownerDir: string,
    times: LockTimes = {},
  ) {
    this.staleMs = times.staleMs ?? STALE_LOCK_MS;
    this.timeoutMs = times.timeoutMs ?? LOCK_TIMEOUT_MS;
  }

  /** Runs `fn` while holding the lock at `lockPath` (both in this process and across processes). */
  with<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(lockPath) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.withFileLock(lockPath, fn));
    this.chains.set(lockPath, run);
    void run
      .finally(() => {
        if (this.chains.get(lockPath) === run) this.chains.delete(lockPath);
      })
      .catch(() => undefined);
    return run;
  }

  private async withFileLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    let ownerRemade = false;
    for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
      try {
        await link(await this.ownerFile(), lockPath);
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' && !ownerRemade) {
          // The owner file was removed (someone cleaned .locks): make it again, once.
          this.owner = undefined;
          ownerRemade = true;
        } else if (code === 'ENOENT') {
          throw new Error(`cannot take store lock ${lockPath}: its directory does not exist`);
        } else if (code !== 'EEXIST') throw err;
        else if (await isStale(lockPath, this.staleMs)) await unlink(lockPath).catch(() => undefined);
        else if (Date.now() > deadline)
          throw new Error(`store lock ${lockPath} still held after ${this.timeoutMs} ms`);
        else await new Promise((r) => setTimeout(r, wait));
      }
    }
    try {
      return await fn();
    } finally {
      await unlink(lockPath).catch(() => undefined);
    }
  }

  /** This process's owner file (its pid inside), made once; owner files of dead processes go. */
  private ownerFile(): Promise<string> {
    return (this.owner ??= (async () => {
      await mkdir(this.ownerDir, { recursive: true });
      await removeDeadOwners(this.ownerDir);
      const file = path.join(
        this.ownerDir,
        `${process.pid}-${randomBytes(4).toString('hex')}${OWNER_SUFFIX}`,
      );
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      process.once('exit', () => {
        try {
          unlinkSync(file);
        } catch {
          // already gone
        }
      });
      return file;
    })());
  }
}

async function removeDeadOwners(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const pid = Number(/^(\d+)-[0-9a-f]+\.owner$/.exec(name)?.[1]);
    if (pid && !alive(pid)) await unlink(path.join(dir, name)).catch(() => undefined);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    const idleMs = Date.now() - Math.max(info.mtimeMs, info.ctimeMs);
    if (idleMs > staleMs) return true;
    const pid = Number(text.trim());
    if (!Number.isInteger(pid) || pid <= 0) return idleMs > 1_000; // an old-style lock being written
    return !alive(pid);
  } catch {
    return false; // vanished meanwhile: retry
  }
}
