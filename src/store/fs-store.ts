/**
 * Filesystem backend. The signature tree IS a valid lookaside tree, so `file://` lookaside and any
 * static web server can serve it; metadata lives in a separate tree that is never served:
 *
 *   <root>/<registry>/<repository>@sha256=<hex>/signature-1     raw bytes, exactly as upstream
 *                                              /signature-2 …
 *   <metaRoot>/<registry>/<repository>@sha256=<hex>.json        provenance, parsed fields, verifications
 *   <metaRoot>/<registry>/<repository>@sha256=<hex>.json.lock   held while writing (pid inside)
 *   <root>/release-signatures/sha256=<hex>/signature-N          OpenShift releases (release-key.ts)
 *   <root>/.staging/.tmp-<pid>-<random>-signature-N              being written (never served)
 *
 * Crash safety: every file is written to a `.tmp-*` name, made durable and renamed, then the rename
 * made durable; with `groupCommit`, concurrent writes share those durability points (committer.ts)
 * and a write resolves only after its batch is durable. Signatures are written in `<root>/.staging` (same filesystem; a dot name no lookaside
 * path reaches), so image directories never hold a temp file; what a crash leaves there is swept
 * at start (sweep.ts). Signature N+1 is renamed into place only after 1..N exist, and the metadata
 * after the signatures, so indices are contiguous at every instant. A crash between the two leaves a
 * signature without metadata: the next list/append adopts it (sha256 and size recomputed, origin
 * unknown). Leftover temp files are removed then. A lookaside tree copied in by hand has no
 * metadata at all: `adoptUntracked` (images reindex) finds it and records its claims. A signature
 * file deleted by hand ends the metadata at its index (hosts stop at the first 404); files beyond
 * such a gap are adopted again once appends fill it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { checkRegistry, signatureRelativePath } from '../lookaside/index.js';
import { redactUrl } from '../redact.js';
import { TEMP_PREFIX, writeGroupsAtomic } from './atomic.js';
import { GroupCommitter, syncFileSystemOf } from './committer.js';
import { makeDirectory, makeDirectoryDurable } from './dir-sync.js';
import { checkAppend } from './errors.js';
import { exists, lookasideImages, metadataImages, readdirOrEmpty } from './fs-tree.js';
import { FileLocks } from './lock.js';
import { renumberDirectory } from './renumber.js';
import { requireIndex, type ImageIndex } from './redis-index.js';
import { isReleaseKey, releaseDirectory } from './release-key.js';
import { summarize } from './status.js';
import type {
  AdoptResult,
  DescribeSignature,
  ImagePage,
  ImageQuery,
  ImageStatus,
  ImageSummary,
  AppendResult,
  ImageKey,
  NewSignature,
  Provenance,
  SignatureEntry,
  SignatureStore,
  VerificationRecord,
} from './types.js';

/** Options of the filesystem store. */
export interface FsStoreOptions {
  /** Root of the served lookaside tree. */
  readonly root: string;
  /** Root of the metadata tree. Default: `<root>-meta` beside it. */
  readonly metaRoot?: string | undefined;
  /** The image index listings are served from; every write updates it. Without it, no listings. */
  readonly index?: ImageIndex | undefined;
  /**
   * Concurrent writes share their durability points (committer.ts): one syncfs of the store's
   * filesystem per batch instead of an fsync per file. Pays on a store volume of its own; on a
   * filesystem other busy processes write to, syncfs flushes their data too (docs/benchmarks.md).
   * Default false: every file and directory is fsynced on its own.
   */
  readonly groupCommit?: boolean | undefined;
  /** A committer of the caller's (tests); wins over `groupCommit`. */
  readonly committer?: GroupCommitter | undefined;
}

interface Meta {
  readonly version: 1;
  readonly signatures: SignatureEntry[];
  /** When an import last ran for the image, and the sigstore it read. */
  readonly lastImportAt?: string | null;
  readonly source?: string | null;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function createFsStore(options: FsStoreOptions): SignatureStore {
  const root = path.resolve(options.root);
  const metaRoot = path.resolve(options.metaRoot ?? `${options.root}-meta`);
  const committer =
    options.committer ??
    (options.groupCommit ? new GroupCommitter(syncFileSystemOf([root, metaRoot])) : undefined);
  return new FsStore(root, metaRoot, options.index, committer);
}

/** Where signatures are written before their rename; a dot name, so never taken for a registry. */
export const STAGING_DIR = '.staging';

/** Owner files of the store's locks (see lock.ts); a dot name, so never taken for a registry. */
const LOCK_OWNERS_DIR = '.locks';

/** Directories remembered as existing; bounded so a huge store does not grow memory for ever. */
const MAX_KNOWN_DIRS = 100_000;

class FsStore implements SignatureStore {
  private readonly knownDirs = new Set<string>();
  private readonly locks: FileLocks;
  private readonly staging: string;

  constructor(
    private readonly root: string,
    private readonly metaRoot: string,
    private readonly index: ImageIndex | undefined,
    private readonly committer: GroupCommitter | undefined,
  ) {
    this.locks = new FileLocks(path.join(metaRoot, LOCK_OWNERS_DIR));
    this.staging = path.join(root, STAGING_DIR);
  }

  /** Validated paths of an image (throws LayoutError before anything touches disk). */
  private paths(image: ImageKey) {
    const rel = path.join(
      checkRegistry(image.registry),
      signatureRelativePath(image.repository, image.digest, 1),
    );
    const imageRel = path.dirname(rel);
    // Releases are served in the CVO's layout (release-key.ts); their metadata sits like any image's.
    const served = isReleaseKey(image) ? releaseDirectory(image.digest) : imageRel;
    return {
      dir: path.join(this.root, served),
      meta: path.join(this.metaRoot, `${imageRel}.json`),
      signature: (index: number) => path.join(this.root, served, `signature-${index}`),
    };
  }

  // No index check: signature-0, -1.5 or -NaN is a name no write makes, so it reads as missing.
  async read(image: ImageKey, index: number): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.paths(image).signature(index));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /**
   * The mirror's miss path: one blocking read of a local file of about 1 KiB costs less than the
   * four thread-pool hand-offs of readFile (open, fstat, read, close), measured by `bench scale`.
   */
  readSync(image: ImageKey, index: number): Uint8Array | undefined {
    try {
      return readFileSync(this.paths(image).signature(index));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async list(image: ImageKey): Promise<readonly SignatureEntry[]> {
    return (await this.currentMeta(image)).signatures;
  }

  /** The metadata, after adopting a signature beyond it (a crash between the two writes). */
  private async currentMeta(image: ImageKey): Promise<Meta> {
    const p = this.paths(image);
    const meta = await this.readMeta(p.meta);
    // A tree restored or copied without its metadata: adopt the files now.
    if (await exists(p.signature(meta.signatures.length + 1))) return this.locked(image, (m) => m);
    return meta;
  }

  async append(
    image: ImageKey,
    signatures: readonly NewSignature[],
    provenance: Provenance,
  ): Promise<AppendResult> {
    return this.locked(image, async (meta, p) => {
      const known = new Map(meta.signatures.map((s) => [s.sha256, s.index]));
      const added: number[] = [];
      const duplicates: number[] = [];
      const now = new Date().toISOString();
      const files: Array<[string, Uint8Array]> = [];
      const hashes = new Set<string>();
      const fresh = signatures.filter((sig) => {
        const hash = sha256(sig.bytes);
        if (known.has(hash) || hashes.has(hash)) return false;
        hashes.add(hash);
        return true;
      });
      checkAppend(
        meta.signatures.length,
        meta.signatures.map((s) => s.name),
        fresh,
      );
      for (const sig of signatures) {
        const hash = sha256(sig.bytes);
        const existing = known.get(hash);
        if (existing !== undefined) {
          duplicates.push(existing);
          continue;
        }
        const index = meta.signatures.length + 1;
        files.push([p.signature(index), sig.bytes]);
        meta.signatures.push({
          index,
          sha256: hash,
          size: sig.bytes.length,
          source: sig.source ? redactUrl(sig.source) : null,
          name: sig.name ?? null,
          origin: provenance.origin,
          by: provenance.by ?? null,
          storedAt: now,
          parsed: sig.parsed ?? null,
          verifications: [],
        });
        known.set(hash, index);
        added.push(index);
      }
      const imported = provenance.origin === 'import';
      const next: Meta = imported
        ? {
            ...meta,
            lastImportAt: now,
            source: provenance.lookaside ? redactUrl(provenance.lookaside) : (meta.source ?? null),
          }
        : meta;
      // An import is recorded even when it found nothing new: "last import" and unsigned images.
      if (added.length || imported) await this.writeMeta(image, p.meta, next, files);
      return { added, duplicates };
    });
  }

  async recordVerification(image: ImageKey, index: number, record: VerificationRecord): Promise<void> {
    await this.locked(image, async (meta, p) => {
      const entry = meta.signatures[index - 1];
      if (!entry) throw new RangeError(`image has no signature-${index}`);
      meta.signatures[index - 1] = { ...entry, verifications: [...entry.verifications, record] };
      await this.writeMeta(image, p.meta, meta);
    });
  }

  async remove(image: ImageKey, indices: readonly number[] | 'all'): Promise<number> {
    return this.locked(image, async (meta, p) => {
      const drop = new Set(indices === 'all' ? meta.signatures.map((s) => s.index) : indices);
      const kept = meta.signatures.filter((s) => !drop.has(s.index));
      const removed = meta.signatures.length - kept.length;
      if (removed === 0) return 0;
      const renumbered = await renumberDirectory(p.dir, kept, p.signature);
      // The image stays known (as unsigned when nothing is left), with its import history.
      await this.writeMeta(image, p.meta, { ...meta, signatures: renumbered });
      return removed;
    });
  }

  images(): AsyncIterable<ImageKey> {
    return metadataImages(this.metaRoot);
  }

  async adoptUntracked(describe: DescribeSignature): Promise<AdoptResult> {
    const result = { images: 0, signatures: 0, skipped: [] as string[] };
    for await (const entry of lookasideImages(this.root)) {
      if ('invalid' in entry) {
        result.skipped.push(entry.invalid);
        continue;
      }
      const adopted = (await this.untracked(entry.image)) ? await this.adopt(entry.image, describe) : 0;
      if (adopted) result.images++;
      result.signatures += adopted;
    }
    return result;
  }

  /** Files beyond the metadata, or entries a reconcile adopted without claims (checked without the lock). */
  private async untracked(image: ImageKey): Promise<boolean> {
    const p = this.paths(image);
    const meta = await this.readMeta(p.meta);
    return meta.signatures.some(isUnclaimed) || (await exists(p.signature(meta.signatures.length + 1)));
  }

  /** Under the lock: metadata for every file, with the claims `describe` reads; how many were adopted. */
  private async adopt(image: ImageKey, describe: DescribeSignature): Promise<number> {
    return this.locked(image, async (meta, p) => {
      let adopted = 0;
      const signatures: SignatureEntry[] = [];
      for (const entry of meta.signatures) {
        if (!isUnclaimed(entry)) signatures.push(entry);
        else {
          adopted++;
          const bytes = await readFile(p.signature(entry.index));
          signatures.push({ ...entry, origin: 'adopted', by: 'reindex', parsed: describe(bytes, image) });
        }
      }
      if (adopted) await this.writeMeta(image, p.meta, { ...meta, signatures });
      return adopted;
    });
  }

  async summary(image: ImageKey): Promise<ImageSummary | undefined> {
    const meta = await this.currentMeta(image);
    // Known: it has metadata (currentMeta wrote it for files found without), signed or not. A
    // signed image always has: no stat for it (reindex and the resync sweep ask for every image).
    const known = meta.signatures.length > 0 || (await exists(this.paths(image).meta));
    return known ? summarize(image, meta) : undefined;
  }

  async listImages(query: ImageQuery): Promise<ImagePage> {
    return requireIndex(this.index).query(query);
  }

  async countImages(): Promise<Record<ImageStatus, number>> {
    return requireIndex(this.index).counts();
  }

  /** Runs `body` under the image's lock with its metadata reconciled with the files. */
  private async locked<T>(
    image: ImageKey,
    body: (meta: Meta, p: ReturnType<FsStore['paths']>) => T | Promise<T>,
  ) {
    const p = this.paths(image);
    const created = await this.ensureDir(path.dirname(p.meta));
    if (created.length) await this.committer?.commit(created);
    return this.locks.with(`${p.meta}.lock`, async () => body(await this.reconcile(image), p));
  }

  /**
   * New signature files (in order, into the image's directory), then the metadata, then the index
   * row: the files are the truth, the index follows them.
   */
  private async writeMeta(
    image: ImageKey,
    file: string,
    meta: Meta,
    signatures: ReadonlyArray<[string, Uint8Array]> = [],
  ): Promise<void> {
    const created = signatures.length
      ? await Promise.all([this.ensureDir(path.dirname(signatures[0]![0])), this.ensureDir(this.staging)])
      : [];
    const groups = [
      { files: signatures, staging: this.staging },
      { files: [[file, JSON.stringify(meta)] as const] },
    ];
    await writeGroupsAtomic(groups, {
      committer: this.committer,
      newDirectories: created.flat(),
    });
    await this.index?.put(summarize(image, meta));
  }

  async close(): Promise<void> {}

  /**
   * mkdir -p, remembered: appends to known images skip the syscall. Without a committer the new
   * entries are made durable here; with one, the directories to commit are returned.
   */
  private async ensureDir(dir: string): Promise<string[]> {
    if (this.knownDirs.has(dir)) return [];
    let created: string[] = [];
    if (this.committer) created = await makeDirectory(dir);
    else await makeDirectoryDurable(dir);
    if (this.knownDirs.size > MAX_KNOWN_DIRS) this.knownDirs.clear();
    this.knownDirs.add(dir);
    return created;
  }

  private async readMeta(file: string): Promise<Meta> {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as Meta;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, signatures: [] };
      throw err;
    }
  }

  /** Under the lock: metadata matching the files, adopting orphans and removing temp files. */
  private async reconcile(image: ImageKey): Promise<Meta> {
    const p = this.paths(image);
    const meta = await this.readMeta(p.meta);
    // Hosts read signature-1, -2, … until the first 404: entries from the first missing file on
    // (trailing or a gap) name signatures no host sees, so the metadata stops there too.
    const signatures = await servedPrefix(meta.signatures, p.signature);
    for (let i = signatures.length + 1; await exists(p.signature(i)); i++) {
      const bytes = await readFile(p.signature(i));
      signatures.push({
        index: i,
        sha256: sha256(bytes),
        size: bytes.length,
        source: null,
        name: null,
        origin: 'unknown',
        by: null,
        storedAt: new Date().toISOString(),
        parsed: null,
        verifications: [],
      });
    }
    const changed = signatures.length !== meta.signatures.length;
    if (changed) {
      // Only a crash makes files and metadata disagree; its temp files go too (they are never served).
      for (const name of await readdirOrEmpty(p.dir)) {
        if (name.startsWith(TEMP_PREFIX)) await rm(path.join(p.dir, name), { force: true });
      }
      await this.writeMeta(image, p.meta, { ...meta, signatures });
    }
    return { ...meta, signatures };
  }
}

/** The entries before the first whose file is missing. */
async function servedPrefix(
  entries: readonly SignatureEntry[],
  file: (index: number) => string,
): Promise<SignatureEntry[]> {
  const kept: SignatureEntry[] = [];
  for (const entry of entries) {
    if (!(await exists(file(kept.length + 1)))) break;
    kept.push(entry);
  }
  return kept;
}

/**
 * A signature the store found without metadata and has not yet described (reindex adopts it).
 * Only reconcile makes `unknown` entries, always without claims; adopting sets `adopted`.
 */
function isUnclaimed(entry: SignatureEntry): boolean {
  return entry.origin === 'unknown';
}
