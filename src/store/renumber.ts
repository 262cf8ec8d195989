/**
 * The one operation that renumbers: an image directory rebuilt with only the kept signatures as
 * signature-1..k beside the old one, then swapped in, so the lookaside stays contiguous and a
 * crash leaves either the old or the new tree (plus temp directories the next reconcile removes).
 */
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { TEMP_PREFIX, writeFileAtomic } from './atomic.js';
import { syncDirectory } from './dir-sync.js';
import type { SignatureEntry } from './types.js';

/** Rewrites `dir` to hold `kept` (read from their old indices) as 1..k; returns them renumbered. */
export async function renumberDirectory(
  dir: string,
  kept: readonly SignatureEntry[],
  oldPath: (index: number) => string,
): Promise<SignatureEntry[]> {
  const fresh = `${dir}${TEMP_PREFIX}rebuild`;
  await rm(fresh, { recursive: true, force: true });
  await mkdir(fresh, { recursive: true });
  const renumbered = await Promise.all(
    kept.map(async (s, i) => {
      await writeFileAtomic(path.join(fresh, `signature-${i + 1}`), await readFile(oldPath(s.index)));
      return { ...s, index: i + 1 };
    }),
  );
  const trash = `${dir}${TEMP_PREFIX}trash`;
  await rename(dir, trash);
  if (renumbered.length) await rename(fresh, dir);
  else await rm(fresh, { recursive: true, force: true });
  await syncDirectory(path.dirname(dir)); // the swap survives a power loss
  await rm(trash, { recursive: true, force: true });
  return renumbered;
}
