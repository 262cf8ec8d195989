/**
 * The Redis store backend (`store.backend: redis`), for masters sharing one Redis: every master
 * serves the same signatures. One hash per image holds everything about it:
 *
 *   <prefix>:store:<registry>/<repository>@sha256:<hex>
 *     count           signatures stored (indices 1..count, contiguous)
 *     sig:N           the bytes of signature-N
 *     entry:N         its metadata (JSON, without index and verifications)
 *     ver:N           its verification records, one JSON per line, oldest first
 *     sha:<hex>       the index holding those bytes (dedupe)
 *     lastImportAt, source
 *   <prefix>:store:images   set of every known image's reference
 *
 * Writes are Lua scripts, so indices stay contiguous and nothing is half-written whatever runs
 * concurrently. Needs one Redis (standalone or Sentinel), not Redis Cluster (one key per image,
 * but the images set is another).
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { checkRegistry, signatureRelativePath } from '../lookaside/index.js';
import { redactUrl } from '../redact.js';
import { MAX_SIGNATURES_PER_IMAGE } from '../limits.js';
import { SignatureLimitError, SignatureNameTakenError } from './errors.js';
import { requireIndex, type ImageIndex } from './redis-index.js';
import { summarize } from './status.js';
import type {
  AdoptResult,
  AppendResult,
  ImageKey,
  ImagePage,
  ImageQuery,
  ImageStatus,
  ImageSummary,
  NewSignature,
  Provenance,
  SignatureEntry,
  SignatureStore,
  VerificationRecord,
} from './types.js';
import { imageReference } from '../reference/index.js';

/**
 * ARGV: reference, imported?, now, lookaside, n, the per-image cap, then n × (sha, bytes, entry,
 * name). Refuses (writing nothing) a name the image has, or going past the cap: the checks run
 * inside the script, so concurrent uploads cannot both pass.
 */
const APPEND = `
local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
local n, cap = tonumber(ARGV[5]), tonumber(ARGV[6])
local names, fresh, seen = {}, 0, {}
for i = 0, n - 1 do
  local sha, name = ARGV[7 + i * 4], ARGV[10 + i * 4]
  if not seen[sha] and redis.call('HEXISTS', KEYS[1], 'sha:' .. sha) == 0 then
    seen[sha] = true
    fresh = fresh + 1
    if name ~= '' then
      if names[name] then return {'name', name} end
      names[name] = true
    end
  end
end
if next(names) then
  for i = 1, count do
    local entry = cjson.decode(redis.call('HGET', KEYS[1], 'entry:' .. i))
    if entry.name ~= cjson.null and names[entry.name] then return {'name', entry.name} end
  end
end
if count + fresh > cap then return {'limit', tostring(count)} end
local added, dups = {}, {}
for i = 0, n - 1 do
  local sha, bytes, entry = ARGV[7 + i * 4], ARGV[8 + i * 4], ARGV[9 + i * 4]
  local existing = redis.call('HGET', KEYS[1], 'sha:' .. sha)
  if existing then
    table.insert(dups, tonumber(existing))
  else
    count = count + 1
    redis.call('HSET', KEYS[1], 'sig:' .. count, bytes, 'entry:' .. count, entry, 'sha:' .. sha, count)
    table.insert(added, count)
  end
end
redis.call('HSET', KEYS[1], 'count', count)
if ARGV[2] == '1' then
  redis.call('HSET', KEYS[1], 'lastImportAt', ARGV[3])
  if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'source', ARGV[4]) end
end
if count > 0 or ARGV[2] == '1' then redis.call('SADD', KEYS[2], ARGV[1]) end
return {added, dups}`;

const RECORD = `
if redis.call('HEXISTS', KEYS[1], 'entry:' .. ARGV[1]) == 0 then return 0 end
local old = redis.call('HGET', KEYS[1], 'ver:' .. ARGV[1])
redis.call('HSET', KEYS[1], 'ver:' .. ARGV[1], old and (old .. '\\n' .. ARGV[2]) or ARGV[2])
return 1`;

/** ARGV: the indices to drop (or none with ARGV[1] == 'all'). Renumbers the rest 1..k in order. */
const REMOVE = `
local raw = redis.call('HGET', KEYS[1], 'count')
if not raw then return 0 end
local count = tonumber(raw)
local drop = {}
if ARGV[1] == 'all' then
  for i = 1, count do drop[i] = true end
else
  for _, v in ipairs(ARGV) do local i = tonumber(v); if i and i >= 1 and i <= count then drop[i] = true end end
end
local kept = 0
for i = 1, count do
  if not drop[i] then
    kept = kept + 1
    if kept ~= i then
      for _, f in ipairs({'sig:', 'entry:', 'ver:'}) do
        local v = redis.call('HGET', KEYS[1], f .. i)
        if v then redis.call('HSET', KEYS[1], f .. kept, v) else redis.call('HDEL', KEYS[1], f .. kept) end
      end
    end
  end
end
for i = kept + 1, count do redis.call('HDEL', KEYS[1], 'sig:' .. i, 'entry:' .. i, 'ver:' .. i) end
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(f, 1, 4) == 'sha:' then redis.call('HDEL', KEYS[1], f) end
end
for i = 1, kept do
  local entry = cjson.decode(redis.call('HGET', KEYS[1], 'entry:' .. i))
  redis.call('HSET', KEYS[1], 'sha:' .. entry.sha256, i)
end
redis.call('HSET', KEYS[1], 'count', kept)
return count - kept`;

export interface RedisStoreOptions {
  readonly redis: Redis;
  readonly prefix: string;
  /** The image index (listings); every write updates it. */
  readonly index?: ImageIndex | undefined;
}

export function createRedisStore(options: RedisStoreOptions): SignatureStore {
  return new RedisStore(options.redis, options.prefix, options.index);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** What entry:N holds: the entry without its index and history (they live in the field names). */
type StoredEntry = Omit<SignatureEntry, 'index' | 'verifications'>;

class RedisStore implements SignatureStore {
  private readonly imagesKey: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly index: ImageIndex | undefined,
  ) {
    this.imagesKey = `${prefix}:store:images`;
  }

  /** The image's hash key, after validating every component (as the fs store validates paths). */
  private key(image: ImageKey): string {
    checkRegistry(image.registry);
    signatureRelativePath(image.repository, image.digest, 1);
    return `${this.prefix}:store:${reference(image)}`;
  }

  async list(image: ImageKey): Promise<readonly SignatureEntry[]> {
    return (await this.meta(image)).signatures;
  }

  private async meta(image: ImageKey): Promise<{
    signatures: SignatureEntry[];
    lastImportAt: string | null;
    source: string | null;
    known: boolean;
  }> {
    const key = this.key(image);
    const [count, lastImportAt, source] = await this.redis.hmget(key, 'count', 'lastImportAt', 'source');
    const n = Number(count ?? 0);
    const fields = Array.from({ length: n }, (_, i) => [`entry:${i + 1}`, `ver:${i + 1}`]).flat();
    const values = n ? await this.redis.hmget(key, ...fields) : [];
    const signatures = Array.from({ length: n }, (_, i): SignatureEntry => {
      const entry = JSON.parse(values[i * 2] ?? '{}') as StoredEntry;
      const history = values[i * 2 + 1];
      return {
        index: i + 1,
        ...entry,
        verifications: history ? history.split('\n').map((l) => JSON.parse(l) as VerificationRecord) : [],
      };
    });
    return { signatures, lastImportAt: lastImportAt ?? null, source: source ?? null, known: count !== null };
  }

  async read(image: ImageKey, index: number): Promise<Uint8Array | undefined> {
    const key = this.key(image);
    // No index check: sig:0 or sig:NaN is a field no write makes, so it reads as missing.
    const bytes = await this.redis.hgetBuffer(key, `sig:${index}`);
    return bytes ? new Uint8Array(bytes) : undefined;
  }

  async append(
    image: ImageKey,
    signatures: readonly NewSignature[],
    provenance: Provenance,
  ): Promise<AppendResult> {
    const key = this.key(image);
    const now = new Date().toISOString();
    const args: Array<string | Buffer> = [
      reference(image),
      provenance.origin === 'import' ? '1' : '0',
      now,
      provenance.lookaside ? redactUrl(provenance.lookaside) : '',
      String(signatures.length),
      String(MAX_SIGNATURES_PER_IMAGE),
    ];
    for (const sig of signatures) {
      const entry: StoredEntry = {
        sha256: sha256(sig.bytes),
        size: sig.bytes.length,
        source: sig.source ? redactUrl(sig.source) : null,
        name: sig.name ?? null,
        origin: provenance.origin,
        by: provenance.by ?? null,
        storedAt: now,
        parsed: sig.parsed ?? null,
      };
      args.push(entry.sha256, Buffer.from(sig.bytes), JSON.stringify(entry), sig.name ?? '');
    }
    const result = (await this.redis.eval(APPEND, 2, key, this.imagesKey, ...args)) as
      [number[], number[]] | ['name' | 'limit', string];
    if (result[0] === 'name') throw new SignatureNameTakenError(result[1] as string);
    if (result[0] === 'limit') throw new SignatureLimitError(Number(result[1]));
    const [added, duplicates] = result as [number[], number[]];
    await this.reindexImage(image);
    return { added, duplicates };
  }

  async recordVerification(image: ImageKey, index: number, record: VerificationRecord): Promise<void> {
    const key = this.key(image);
    const ok = await this.redis.eval(RECORD, 1, key, String(index), JSON.stringify(record));
    if (ok !== 1) throw new RangeError(`image has no signature-${index}`);
    await this.reindexImage(image);
  }

  async remove(image: ImageKey, indices: readonly number[] | 'all'): Promise<number> {
    const key = this.key(image);
    const args = indices === 'all' ? ['all'] : indices.map(String);
    if (args.length === 0) return 0;
    const removed = Number(await this.redis.eval(REMOVE, 1, key, ...args));
    if (removed) await this.reindexImage(image);
    return removed;
  }

  async *images(): AsyncIterable<ImageKey> {
    let cursor = '0';
    do {
      const [next, refs] = await this.redis.sscan(this.imagesKey, cursor, 'COUNT', 1000);
      for (const ref of refs) yield parseReference(ref);
      cursor = next;
    } while (cursor !== '0');
  }

  /** Signatures and their metadata are written together here: nothing is ever without metadata. */
  async adoptUntracked(): Promise<AdoptResult> {
    return { images: 0, signatures: 0, skipped: [] };
  }

  async summary(image: ImageKey): Promise<ImageSummary | undefined> {
    const meta = await this.meta(image);
    return meta.known ? summarize(image, meta) : undefined;
  }

  async listImages(query: ImageQuery): Promise<ImagePage> {
    return requireIndex(this.index).query(query);
  }

  async countImages(): Promise<Record<ImageStatus, number>> {
    return requireIndex(this.index).counts();
  }

  private async reindexImage(image: ImageKey): Promise<void> {
    if (!this.index) return;
    const row = await this.summary(image);
    if (row) await this.index.put(row);
  }

  async close(): Promise<void> {}
}

const reference = imageReference;

function parseReference(ref: string): ImageKey {
  const slash = ref.indexOf('/');
  const at = ref.lastIndexOf('@');
  return { registry: ref.slice(0, slash), repository: ref.slice(slash + 1, at), digest: ref.slice(at + 1) };
}
