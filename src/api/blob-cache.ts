/**
 * A small in-memory cache of served signature blobs and their ETags: the mirror's hot path
 * answers from memory. Bounded by total bytes; entries expire so an admin removal (the only
 * operation that changes an index) shows within TTL_MS.
 */

/** Total bytes kept. Signatures are ~1 KiB, so this holds tens of thousands. */
export const CACHE_MAX_BYTES = 64 * 1024 * 1024;
/** How long a cached blob is served without asking the store. */
export const CACHE_TTL_MS = 30_000;

export interface CachedBlob {
  readonly bytes: Buffer;
  readonly etag: string;
  readonly expires: number;
}

export class BlobCache {
  private readonly entries = new Map<string, CachedBlob>();
  private bytes = 0;

  constructor(
    private readonly maxBytes = CACHE_MAX_BYTES,
    private readonly ttlMs = CACHE_TTL_MS,
  ) {}

  get(key: string, now = Date.now()): CachedBlob | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires < now) {
      this.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, bytes: Buffer, etag: string, now = Date.now()): CachedBlob {
    this.delete(key);
    const entry = { bytes, etag, expires: now + this.ttlMs };
    if (bytes.length > this.maxBytes / 16) return entry; // never let one blob flush the cache
    this.entries.set(key, entry);
    this.bytes += bytes.length;
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.delete(oldest);
    }
    return entry;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes.length;
  }
}
