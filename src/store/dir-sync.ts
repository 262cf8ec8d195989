/**
 * Directory fsyncs, group-committed: a rename or a new entry is durable only after its directory
 * is fsynced, and many images share a parent (every image of a repository). Callers that arrive
 * while a sync of the same directory is queued share it; callers that arrive while one is running
 * wait for the next one, which starts after their change, so every caller is covered.
 */
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';

interface DirState {
  /** The sync that has not started yet: joining it covers any change made before now. */
  queued?: Promise<void> | undefined;
  running?: Promise<void> | undefined;
}

const dirs = new Map<string, DirState>();

/** Makes every change made in `dir` so far durable. */
export function syncDirectory(dir: string): Promise<void> {
  let state = dirs.get(dir);
  if (!state) dirs.set(dir, (state = {}));
  if (state.queued) return state.queued;
  const s = state;
  const queued = (s.running ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => {
      s.queued = undefined; // from here on, later changes need the next sync
      const run = fsyncDirectory(dir);
      s.running = run;
      // A later sync waits for this one to settle, so this one is still the running one here.
      return run.finally(() => {
        s.running = undefined;
        if (!s.queued) dirs.delete(dir);
      });
    });
  s.queued = queued;
  return queued;
}

/** Directories with a sync queued or running: falls back to 0 when all are done (nothing kept). */
export function directorySyncsHeld(): number {
  return dirs.size;
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** mkdir -p whose new entries survive a power loss: each created directory's parent is fsynced. */
export async function makeDirectoryDurable(dir: string): Promise<void> {
  await Promise.all((await makeDirectory(dir)).map(syncDirectory));
}

/** mkdir -p; returns the directories whose entries changed (the parents of those created). */
export async function makeDirectory(dir: string): Promise<string[]> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return []; // it existed
  const parents: string[] = [];
  for (let created = dir; ; created = path.dirname(created)) {
    parents.push(path.dirname(created));
    if (created === first || path.dirname(created) === created) break;
  }
  return parents;
}
