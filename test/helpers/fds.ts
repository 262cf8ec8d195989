/**
 * The files this process holds open under `dir` (from /proc/self/fd). A leak check by path, not
 * by count: ava runs test files in worker threads of one process, whose other files open and
 * close descriptors meanwhile.
 */
import { readdir, readlink } from 'node:fs/promises';
import path from 'node:path';

export async function openUnder(dir: string): Promise<string[]> {
  const targets = await Promise.all(
    (await readdir('/proc/self/fd')).map((fd) => readlink(path.join('/proc/self/fd', fd)).catch(() => '')),
  );
  return targets.filter((t) => t === dir || t.startsWith(`${dir}/`));
}
