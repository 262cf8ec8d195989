/**
 * Group commit: many concurrent writes share one durability point. A writer hands in the paths it
 * changed (files written, directories whose entries it changed) and waits; every path handed in
 * while no flush is queued joins the next one. One flush then makes the whole batch durable, and
 * every waiter of the batch resolves after it (or rejects with its error: nothing of a failed batch
 * may be reported stored). Writers that arrive while a flush runs wait for the next one, which
 * starts after their change, so every waiter is covered — the scheme of dir-sync.ts, for the store.
 *
 * The default flush is one `syncfs(2)` of the store's filesystem (coreutils `sync -f`; Node has no
 * binding): one call whatever the batch size, where fsyncing each file costs one device flush per
 * file (docs/benchmarks.md). Without `sync`, each path of the batch is fsynced instead.
 */
import { execFile } from 'node:child_process';
import { mkdir, open, stat } from 'node:fs/promises';

/** Makes a batch of changed paths durable; rejects when any of them may not be. */
export type Flush = (paths: readonly string[]) => Promise<void>;

interface Batch {
  readonly paths: Set<string>;
  readonly done: Promise<void>;
}

export class GroupCommitter {
  private queued: Batch | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly flush: Flush) {}

  /** Resolves once every change made to `paths` before this call is durable. */
  commit(paths: Iterable<string>): Promise<void> {
    const batch = (this.queued ??= this.nextBatch());
    for (const p of paths) batch.paths.add(p);
    return batch.done;
  }

  private nextBatch(): Batch {
    const paths = new Set<string>();
    // The batch starts once the running flush ends: changes made until then join it.
    const done = this.running.then(() => {
      this.queued = undefined;
      return this.flush([...paths]);
    });
    this.running = done.catch(() => undefined);
    return { paths, done };
  }
}

/**
 * A flush of the filesystems holding `roots` (the store's trees; each synced once however many
 * roots share it) or of each path of the batch, whichever costs less lately: syncfs also writes
 * every other process's dirty data on the filesystem, so on a shared busy disk fsyncing the
 * batch's own paths wins, on a quiet or dedicated one syncfs does (docs/benchmarks.md). Either
 * one makes the batch durable. Without `sync`, always the paths. `syncCommand`: coreutils' sync
 * (tests name a script that records its arguments, or fails).
 */
export function syncFileSystemOf(roots: readonly string[], syncCommand = 'sync'): Flush {
  let distinct: Promise<string[]> | undefined;
  let syncfsAvailable = true;
  const cost = new FlushCosts();
  return async (paths) => {
    const started = performance.now();
    if (syncfsAvailable && cost.preferSyncfs(paths.length)) {
      try {
        await run(syncCommand, ['--file-system', ...(await (distinct ??= oneRootPerDevice(roots)))]);
        return cost.syncfsTook(performance.now() - started);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        syncfsAvailable = false;
      }
    }
    await Promise.all(paths.map(fsyncPath));
    cost.pathsTook(performance.now() - started, paths.length);
  };
}

/** Moving averages of both flushes' costs; now and then the losing one is tried again. */
export class FlushCosts {
  private syncfsMs: number | undefined;
  private perPathMs: number | undefined;
  private flushes = 0;

  preferSyncfs(paths: number): boolean {
    this.flushes++;
    if (this.syncfsMs === undefined || this.perPathMs === undefined) return this.syncfsMs === undefined;
    if (this.flushes % PROBE_EVERY === 0) return this.syncfsMs >= paths * this.perPathMs;
    return this.syncfsMs < paths * this.perPathMs;
  }

  syncfsTook(ms: number): void {
    this.syncfsMs = average(this.syncfsMs, ms);
  }

  pathsTook(ms: number, paths: number): void {
    if (paths) this.perPathMs = average(this.perPathMs, ms / paths);
  }
}

/** One flush in this many takes the other way, so the averages follow the disk's load. */
export const PROBE_EVERY = 16;

const average = (previous: number | undefined, sample: number) =>
  previous === undefined ? sample : previous * 0.8 + sample * 0.2;

/** The roots (made to exist: a flush comes with a write), one per filesystem. */
async function oneRootPerDevice(roots: readonly string[]): Promise<string[]> {
  const devices = new Map<number, string>();
  for (const root of roots) {
    await mkdir(root, { recursive: true });
    const { dev } = await stat(root);
    if (!devices.has(dev)) devices.set(dev, root);
  }
  return [...devices.values()];
}

function run(file: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, (err, _stdout, stderr) => {
      if (!err) resolve();
      else if (err.code === 'ENOENT') reject(err);
      else reject(new Error(`${file} ${args.join(' ')} failed: ${stderr.trim() || err.message}`));
    });
  });
}

/** fsync of a file or a directory. */
export async function fsyncPath(p: string): Promise<void> {
  const handle = await open(p, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
