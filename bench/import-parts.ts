/**
 * The import's parts alone, in the bench process with the workers' concurrency, so the import table
 * shows where an image's time goes: fetching its three URLs, and the durable store write.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AgentPool, fetchSignatureList } from '../src/fetch/index.js';
import { createFsStore, type ImageKey } from '../src/store/index.js';
import { syntheticSignature } from '../test/helpers/synthetic-signature.js';

const CONCURRENCY = 64;

/** A part's throughput and the CPU it cost (all of the bench process's threads, libuv's pool included). */
export interface PartRate {
  readonly perSecond: number;
  readonly cpuMsPerItem: number;
}

/** Runs `work(i)` for i < count with CONCURRENCY in flight. */
async function rate(count: number, work: (i: number) => Promise<unknown>): Promise<PartRate> {
  let next = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await work(next++);
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    perSecond: count / ((performance.now() - start) / 1000),
    cpuMsPerItem: (used.user + used.system) / 1000 / count,
  };
}

/** Images/s fetching signature-1, -2 and the 404 probe, as the import does, without storing. */
export async function fetchAlone(count: number, urlOf: (i: number, n: number) => string): Promise<PartRate> {
  const agents = new AgentPool([], 10_000, CONCURRENCY);
  return rate(count, (i) => fetchSignatureList({ urlFor: (n) => urlOf(i, n), agents }));
}

/**
 * Images/s appending 2 new signatures each to a fresh fs store (temp, fsync, rename, metadata);
 * with `groupCommit`, the concurrent appends share their durability points (one syncfs a batch).
 */
export async function storeAlone(
  dir: string,
  count: number,
  imageOf: (i: number) => ImageKey,
  groupCommit = false,
): Promise<PartRate> {
  const store = createFsStore({
    root: path.join(dir, groupCommit ? 'store-alone-gc' : 'store-alone'),
    groupCommit,
  });
  const signature = () => ({ bytes: syntheticSignature(randomBytes(16).toString('hex'), 700) });
  return rate(count, (i) => store.append(imageOf(i), [signature(), signature()], { origin: 'import' }));
}

/**
 * The disk's own limit: new 702-byte files created, written and fsynced per second (no rename, no
 * directory sync), as many in flight as the import. Every stored signature costs at least this.
 */
export async function fsyncedFilesPerSecond(dir: string, count: number): Promise<PartRate> {
  const target = path.join(dir, 'fsync-ceiling');
  await mkdir(target);
  const data = randomBytes(702);
  return rate(count, async (i) => {
    const handle = await open(path.join(target, `f${i}`), 'wx');
    try {
      await handle.write(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}
