/**
 * The image index: one listing row per known image in Redis, so listings and counts never read
 * the store's files. Lexicographically ordered sorted sets (all score 0) give stable cursor paging
 * by reference (ZRANGEBYLEX, no offset scans); one set per status; rows as JSON in a hash.
 * Every store write puts the image's row; `rebuild` recomputes everything from the store.
 */
import type { Redis } from 'ioredis';
import {
  IMAGE_STATUSES,
  type ImagePage,
  type ImageQuery,
  type ImageStatus,
  type ImageSummary,
} from './types.js';

/** Rows fetched per round while filtering by a repository prefix across registries. */
const SCAN_BATCH = 1000;
/** Above every ASCII reference, as the end of a prefix range. */
const HIGH = '\uffff';

export interface ImageIndex {
  put(row: ImageSummary): Promise<void>;
  query(query: ImageQuery): Promise<ImagePage>;
  counts(): Promise<Record<ImageStatus, number>>;
  /** Replaces the whole index with these rows (reindex). */
  rebuild(rows: AsyncIterable<ImageSummary>): Promise<number>;
  /** True once a rebuild completed (Redis without persistence forgets the index on restart). */
  isBuilt(): Promise<boolean>;
}

/** One rebuild at a time across processes sharing the Redis; a crashed one frees the lock after this. */
const REBUILD_LOCK_MS = 10 * 60_000;

/** The index a store was opened with; listings without one are a clear error, not an empty page. */
export function requireIndex(index: ImageIndex | undefined): ImageIndex {
  if (!index)
    throw new Error('image listings need the store index (Redis), which this store was opened without');
  return index;
}

const indexKeys = (prefix: string) => ({
  all: `${prefix}:images:all`,
  status: (s: ImageStatus) => `${prefix}:images:status:${s}`,
  rows: `${prefix}:images:rows`,
  built: `${prefix}:images:built`,
  rebuilding: `${prefix}:images:rebuilding`,
});
type IndexKeys = ReturnType<typeof indexKeys>;

export function redisImageIndex(redis: Redis, prefix: string): ImageIndex {
  const key = indexKeys(prefix);

  async function put(row: ImageSummary, multi = redis.multi()): Promise<void> {
    multi.zadd(key.all, 0, row.reference).hset(key.rows, row.reference, JSON.stringify(row));
    for (const s of IMAGE_STATUSES)
      if (s === row.status) multi.zadd(key.status(s), 0, row.reference);
      else multi.zrem(key.status(s), row.reference);
    await multi.exec();
  }

  async function rows(references: string[]): Promise<ImageSummary[]> {
    if (references.length === 0) return [];
    const values = await redis.hmget(key.rows, ...references);
    return values.flatMap((v) => (v ? [JSON.parse(v) as ImageSummary] : []));
  }

  return {
    put: (row) => put(row),

    query: (q) => queryIndex(redis, key, rows, q),

    async counts() {
      const multi = redis.multi();
      for (const s of IMAGE_STATUSES) multi.zcard(key.status(s));
      const results = (await multi.exec()) ?? [];
      return Object.fromEntries(IMAGE_STATUSES.map((s, i) => [s, Number(results[i]?.[1] ?? 0)])) as Record<
        ImageStatus,
        number
      >;
    },

    async rebuild(source) {
      const locked = await redis.set(key.rebuilding, String(process.pid), 'PX', REBUILD_LOCK_MS, 'NX');
      if (!locked) throw new Error('another process is rebuilding the image index');
      try {
        await redis.del(key.all, key.rows, key.built, ...IMAGE_STATUSES.map(key.status));
        let n = 0;
        for await (const row of source) {
          await put(row);
          n++;
        }
        await redis.set(key.built, new Date().toISOString());
        return n;
      } finally {
        await redis.del(key.rebuilding);
      }
    },

    async isBuilt() {
      return (await redis.exists(key.built)) === 1;
    },
  };
}

/** A page of the index: by status and registry/repository prefix (lexical ranges), or a repository prefix in any registry. */
async function queryIndex(
  redis: Redis,
  key: IndexKeys,
  rows: (references: string[]) => Promise<ImageSummary[]>,
  q: Parameters<ImageIndex['query']>[0],
): ReturnType<ImageIndex['query']> {
  const set = q.status ? key.status(q.status) : key.all;
  const prefixText = q.registry ? `${q.registry}/${q.repository ?? ''}` : '';
  const min = q.cursor ? `(${q.cursor}` : prefixText ? `[${prefixText}` : '-';
  const max = prefixText ? `[${prefixText}${HIGH}` : '+';
  if (q.registry || !q.repository) {
    const refs = await redis.zrangebylex(set, min, max, 'LIMIT', 0, q.limit + 1);
    const more = refs.length > q.limit;
    const page = refs.slice(0, q.limit);
    return { items: await rows(page), next: more ? page[page.length - 1]! : null };
  }
  // A repository prefix in any registry: walk in batches, keep the matches.
  const wanted = (ref: string) => ref.slice(ref.indexOf('/') + 1).startsWith(q.repository!);
  const found: string[] = [];
  let from = min;
  for (;;) {
    const refs = await redis.zrangebylex(set, from, max, 'LIMIT', 0, SCAN_BATCH);
    for (const ref of refs) {
      if (!wanted(ref)) continue;
      if (found.length === q.limit) return { items: await rows(found), next: found[found.length - 1]! };
      found.push(ref);
    }
    if (refs.length < SCAN_BATCH) return { items: await rows(found), next: null };
    from = `(${refs[refs.length - 1]!}`;
  }
}
