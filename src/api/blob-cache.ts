/**
 * The mirror's in-memory cache of served signature blobs and their ETags: the hot path answers
 * from memory, synchronously. Bounded by total bytes. An entry older than its TTL is still served
 * while one background re-read checks it against the store (stale-while-revalidate), so an admin
 * removal (the only operation that changes an index) shows within the TTL plus that one re-read,
 * and no request waits on the disk for an index it has seen before. TTLs are jittered so entries
 * cached together are not re-read together.
 */
import { createHash } from 'node:crypto';

/** Total bytes kept. Signatures are ~1 KiB, so this holds tens of thousands. */
export const CACHE_MAX_BYTES = 64 * 1024 * 1024;
/** How long a cached blob is served before it is checked against the store again. */
export const CACHE_TTL_MS = 30_000;

export interface CachedBlob {
  readonly bytes: Buffer;
  readonly etag: string;
  readonly expires: number;
}

/** Reads a key's current bytes from the store; undefined when it is gone. */
export type BlobLoader = (key: string) => Promise<Uint8Array | undefined>;

export class BlobCache {
  private readonly entries = new Map<string, CachedBlob>();
  private readonly revalidating = new Set<string>();
  private bytes = 0;

  constructor(
    private readonly load: BlobLoader,
    private readonly maxBytes = CACHE_MAX_BYTES,
    private readonly ttlMs = CACHE_TTL_MS,
  ) {}

  /** The cached blob, if any, without waiting; a stale one is re-read in the background. */
  peek(key: string, now = Date.now()): CachedBlob | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expires < now) this.revalidate(key, entry);
    return entry;
  }

  /** Reads, hashes and caches a blob the cache does not hold; undefined when the store has none. */
  async fetch(key: string): Promise<CachedBlob | undefined> {
    const bytes = await this.load(key);
    return bytes ? this.set(key, toBuffer(bytes)) : undefined;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private revalidate(key: string, stale: CachedBlob): void {
    if (this.revalidating.has(key)) return;
    this.revalidating.add(key);
    void this.load(key)
      .then(
        (bytes) => {
          if (!bytes) this.delete(key);
          else if (stale.bytes.equals(bytes)) this.set(key, stale.bytes, stale.etag);
          else this.set(key, toBuffer(bytes));
        },
        () => this.delete(key), // unreadable now: the next request asks the store itself
      )
      .finally(() => this.revalidating.delete(key));
  }

  private set(key: string, bytes: Buffer, etag = strongEtag(bytes)): CachedBlob {
    this.delete(key);
    const entry = { bytes, etag, expires: Date.now() + this.ttlMs * (0.8 + 0.2 * Math.random()) };
    if (bytes.length > this.maxBytes / 16) return entry; // never let one blob flush the cache
    this.entries.set(key, entry);
    this.bytes += bytes.length;
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.delete(oldest);
    }
    return entry;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes.length;
  }
}

const toBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);

/** The mirror's ETag: the blob's sha256, which never changes for the same bytes. */
const strongEtag = (bytes: Buffer) => `"sha256:${createHash('sha256').update(bytes).digest('hex')}"`;
