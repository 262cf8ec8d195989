/**
 * Crash-safe file writes: temp file, fsync, rename, directory fsync. The temp file is written in
 * the target's directory, or in a staging directory on the same filesystem (the fs store's
 * `<root>/.staging`) so that a directory others serve never shows a half-written file, even
 * after a crash (sweep.ts removes what a crash leaves in staging). With a group committer the
 * fsyncs become two shared durability points: the temp files (and new directories) before any
 * rename, the renames before the write resolves.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { GroupCommitter } from './committer.js';
import { syncDirectory } from './dir-sync.js';

/** How a write is made durable. Default: fsync per file, then the directory. */
export interface WriteOptions {
  /** An existing directory on the targets' filesystem where temp files live until renamed. */
  readonly staging?: string | undefined;
  /** Shares the durability points with concurrent writes (committer.ts). */
  readonly committer?: GroupCommitter | undefined;
  /** Directories just created for the targets, made durable before any rename. */
  readonly newDirectories?: readonly string[] | undefined;
}

/** Prefix of temp files; never a `signature-N` name, so never served as one. */
export const TEMP_PREFIX = '.tmp-';

/** Writes `data` to `target` so that readers see either the old file or the whole new one. */
export async function writeFileAtomic(
  target: string,
  data: Uint8Array | string,
  options: WriteOptions = {},
): Promise<void> {
  await writeFilesAtomic([[target, data]], options);
}

/**
 * Writes several files of one directory: every temp file is written and fsynced first, then they
 * are renamed in the given order (so `signature-N` never appears before `signature-N-1`), then the
 * directory is fsynced once. With `staging` (an existing directory on the targets' filesystem),
 * the temp files live there until renamed.
 */
export async function writeFilesAtomic(
  files: ReadonlyArray<readonly [string, Uint8Array | string]>,
  options: WriteOptions = {},
): Promise<void> {
  await writeGroupsAtomic([{ files, staging: options.staging }], options);
}

type Files = ReadonlyArray<readonly [string, Uint8Array | string]>;

/** Files of one directory, and where their temp files live (default: beside them). */
export interface FileGroup {
  readonly files: Files;
  readonly staging?: string | undefined;
}

/**
 * Writes groups of files, each group of one directory, so that a group's renames are durable
 * before the next group's renames start (signatures, then the metadata that lists them). With a
 * committer, every temp file of every group shares the first durability point.
 */
export async function writeGroupsAtomic(
  groups: readonly FileGroup[],
  options: Omit<WriteOptions, 'staging'> = {},
): Promise<void> {
  const { committer } = options;
  const present = groups.filter((g) => g.files.length > 0);
  if (!committer) {
    for (const g of present) await renameDurably(g.files, await writeTemps(g.files, g.staging, true));
    return;
  }
  const temps = await Promise.all(present.map((g) => writeTemps(g.files, g.staging, false)));
  try {
    await committer.commit([...temps.flat(), ...(options.newDirectories ?? [])]);
  } catch (err) {
    await removeTemps(temps.flat());
    throw err;
  }
  for (const [i, g] of present.entries()) await renameDurably(g.files, temps[i]!, committer);
}

function writeTemps(files: Files, staging: string | undefined, fsync: boolean): Promise<string[]> {
  return Promise.all(files.map(([target, data]) => writeTemp(target, data, staging, fsync)));
}

/** Renames in order, then makes the directory's new entries durable. */
async function renameDurably(files: Files, temps: readonly string[], committer?: GroupCommitter) {
  try {
    for (const [i, [target]] of files.entries()) await rename(temps[i]!, target);
  } catch (err) {
    await removeTemps(temps);
    throw err;
  }
  const dir = path.dirname(files[0]![0]);
  await (committer ? committer.commit([dir]) : syncDirectory(dir));
}

async function removeTemps(temps: readonly string[]): Promise<void> {
  await Promise.all(temps.map((t) => unlink(t).catch(() => undefined)));
}

/**
 * `.tmp-<name>-<random>` beside the target, or `.tmp-<pid>-<random>-<name>` in staging: the pid
 * tells the start-up sweep whether the writer is gone (sweep.ts).
 */
async function writeTemp(
  target: string,
  data: Uint8Array | string,
  staging: string | undefined,
  fsync: boolean,
): Promise<string> {
  const random = randomBytes(6).toString('hex');
  const name = path.basename(target);
  const temp = staging
    ? path.join(staging, `${TEMP_PREFIX}${process.pid}-${random}-${name}`)
    : path.join(path.dirname(target), `${TEMP_PREFIX}${name}-${random}`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    if (fsync) await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}
