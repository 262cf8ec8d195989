/**
 * The mirror's in-memory cache of served signature blobs and their ETags: the hot path answers
 * from memory, synchronously. lru-cache bounds it by bytes and by entries. Two rules on top:
 * - Admission: a blob is cached on its second request within the doorkeeper's memory, so one
 *   scan over a million paths (a host fleet's first pull, a crawler) does not flush what hosts
 *   actually re-read; a path asked for once costs one read and a 32-bit hash of its key (a
 *   collision only admits a blob one request early).
 * - Stale-while-revalidate: an entry older than its TTL is still served while one background
 *   re-read checks it against the store, so an admin removal (the only operation that changes an
 *   index) shows within the TTL plus that one re-read, and no request waits on the disk for an
 *   index it has seen before. TTLs are jittered so entries cached together are not re-read
 *   together.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** Total bytes of cached blobs. Signatures are ~1 KiB, so this holds tens of thousands. */
export const CACHE_MAX_BYTES = 16 * 1024 * 1024;
/** Most cached blobs: bounds the per-entry overhead whatever the blob sizes. */
export const CACHE_MAX_ENTRIES = 50_000;
/** Paths remembered as "asked for once" (hashes of their keys), for the admission rule. */
const DOORKEEPER_ENTRIES = 100_000;
/** How long a cached blob is served before it is checked against the store again. */
export const CACHE_TTL_MS = 30_000;
/** Per-entry bookkeeping counted against the byte bound (key, ETag, lru-cache slots). */
const ENTRY_OVERHEAD = 256;

export interface CachedBlob {
  readonly bytes: Buffer;
  readonly etag: string;
}

/** Reads a key's current bytes from the store; undefined when it is gone. */
export type BlobLoader = (key: string) => Promise<Uint8Array | undefined>;
/** The same, blocking (a store of small local files); throws when the store cannot be read. */
export type SyncBlobLoader = (key: string) => Uint8Array | undefined;

export interface BlobCacheOptions {
  readonly maxBytes?: number | undefined;
  readonly maxEntries?: number | undefined;
  readonly ttlMs?: number | undefined;
  /** Milliseconds now (tests move time without sleeping). */
  readonly now?: (() => number) | undefined;
}

export class BlobCache {
  private readonly cache: LRUCache<string, CachedBlob>;
  private readonly seenOnce: LRUCache<number, true>;
  private readonly revalidating = new Set<string>();
  private readonly ttlMs: number;

  constructor(
    private readonly load: BlobLoader,
    options: BlobCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? CACHE_TTL_MS;
    const maxBytes = options.maxBytes ?? CACHE_MAX_BYTES;
    // A test clock is read on every check (lru-cache otherwise reuses a reading for 1 ms).
    const clock = options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {};
    this.cache = new LRUCache<string, CachedBlob>({
      max: options.maxEntries ?? CACHE_MAX_ENTRIES,
      maxSize: maxBytes,
      // Never let one blob take more than a sixteenth of the cache.
      maxEntrySize: Math.max(1, Math.floor(maxBytes / 16)),
      sizeCalculation: (blob, key) => blob.bytes.length + key.length + ENTRY_OVERHEAD,
      ttl: this.ttlMs,
      allowStale: true,
      noDeleteOnStaleGet: true,
      updateAgeOnGet: false,
      ttlAutopurge: false,
      ...clock,
    });
    this.seenOnce = new LRUCache<number, true>({ max: DOORKEEPER_ENTRIES });
  }

  /** The cached blob, if any, without waiting; a stale one is re-read in the background. */
  peek(key: string): CachedBlob | undefined {
    const entry = this.cache.get(key);
    if (entry && this.cache.getRemainingTTL(key) <= 0) this.revalidate(key, entry);
    return entry;
  }

  /** Reads and hashes a blob the cache does not hold; undefined when the store has none. */
  async fetch(key: string): Promise<CachedBlob | undefined> {
    return this.loaded(key, await this.load(key));
  }

  /** `fetch` with a blocking loader: the miss path answers in the same tick. */
  fetchSync(key: string, load: SyncBlobLoader): CachedBlob | undefined {
    return this.loaded(key, load(key));
  }

  private loaded(key: string, bytes: Uint8Array | undefined): CachedBlob | undefined {
    if (!bytes) return undefined;
    const blob = { bytes: toBuffer(bytes), etag: strongEtag(bytes) };
    if (this.admits(key)) this.set(key, blob);
    return blob;
  }

  /** Entries and bytes held (for the benches and tests). */
  get stats(): { entries: number; bytes: number } {
    return { entries: this.cache.size, bytes: this.cache.calculatedSize };
  }

  clear(): void {
    this.cache.clear();
    this.seenOnce.clear();
  }

  /** True on a key's second request; the first only leaves its hash with the doorkeeper. */
  private admits(key: string): boolean {
    const seen = keyHash(key);
    if (this.seenOnce.delete(seen)) return true;
    this.seenOnce.set(seen, true);
    return false;
  }

  private set(key: string, blob: CachedBlob): void {
    this.cache.set(key, blob, { ttl: Math.round(this.ttlMs * (0.8 + 0.2 * Math.random())) });
  }

  private revalidate(key: string, stale: CachedBlob): void {
    if (this.revalidating.has(key)) return;
    this.revalidating.add(key);
    void this.load(key)
      .then(
        (bytes) => {
          if (!bytes) this.cache.delete(key);
          else if (stale.bytes.equals(bytes)) this.set(key, stale);
          else this.set(key, { bytes: toBuffer(bytes), etag: strongEtag(bytes) });
        },
        () => this.cache.delete(key), // unreadable now: the next request asks the store itself
      )
      .finally(() => this.revalidating.delete(key));
  }
}

const toBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);

/** The mirror's ETag: the blob's sha256, which never changes for the same bytes. */
const strongEtag = (bytes: Uint8Array) => `"sha256:${createHash('sha256').update(bytes).digest('hex')}"`;

/**
 * FNV-1a over the key's UTF-16 units: the doorkeeper keeps this number instead of the key's
 * string (about 150 bytes each for a mirror path: 15 MB at 100,000 paths, measured).
 */
export function keyHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
