/**
 * Tombstones: the content digests of signatures an admin removed, with who and when, so an
 * import or resync does not bring them back (issue 16). Kept in Redis beside the image index,
 * whatever the store backend: every master behind one balancer imports through the same Redis,
 * so they all respect a removal made on any of them.
 *
 *   <prefix>:tombstones:<registry>/<repository>@sha256:<hex>   hash: <sha256 hex> → JSON Tombstone
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { ImageKey } from './types.js';
import { imageReference } from '../reference/index.js';

/** One removed signature, by content. */
export interface Tombstone {
  /** sha256 hex of the signature's bytes (as SignatureEntry.sha256). */
  readonly sha256: string;
  /** Who removed it: `--by`, else the OS user running the CLI. */
  readonly by: string;
  /** ISO time of the removal. */
  readonly at: string;
  /** The index it had when removed (the lookaside renumbers the others). */
  readonly index: number;
}

/** Stored values are read back through this: a hand-edited or foreign hash field is ignored. */
const storedTombstone = z.object({
  by: z.string(),
  at: z.string(),
  index: z.number().int().positive(),
});

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Tombstones of every image, in one Redis. */
export class Tombstones {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(image: ImageKey): string {
    return `${this.prefix}:tombstones:${imageReference(image)}`;
  }

  /** An image's tombstones, oldest first. */
  async list(image: ImageKey): Promise<Tombstone[]> {
    const fields = await this.redis.hgetall(this.key(image));
    const out: Tombstone[] = [];
    for (const [sha256, text] of Object.entries(fields)) {
      const parsed = SHA256_HEX.test(sha256) ? storedTombstone.safeParse(safeJson(text)) : undefined;
      if (parsed?.success) out.push({ sha256, ...parsed.data });
    }
    return out.sort((a, b) => a.at.localeCompare(b.at) || a.index - b.index);
  }

  /** Which of `hashes` are tombstoned. */
  async tombstoned(image: ImageKey, hashes: readonly string[]): Promise<Set<string>> {
    if (hashes.length === 0) return new Set();
    const found = await this.redis.hmget(this.key(image), ...hashes);
    return new Set(hashes.filter((_, i) => found[i] !== null));
  }

  /** Records removals (a second removal of the same bytes keeps the first record). */
  async add(image: ImageKey, tombstones: readonly Tombstone[]): Promise<void> {
    const key = this.key(image);
    const pipeline = this.redis.pipeline();
    for (const { sha256, ...rest } of tombstones) pipeline.hsetnx(key, sha256, JSON.stringify(rest));
    await pipeline.exec();
  }

  /** Lifts tombstones (`all`, or by sha256 hex); returns the ones lifted. */
  async restore(image: ImageKey, hashes: readonly string[] | 'all'): Promise<Tombstone[]> {
    const present = await this.list(image);
    const lifted = hashes === 'all' ? present : present.filter((t) => hashes.includes(t.sha256));
    if (lifted.length) await this.redis.hdel(this.key(image), ...lifted.map((t) => t.sha256));
    return lifted;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
