/**
 * The signature store: opaque signature bytes per image, in contiguous, stable indices, plus
 * provenance and verification records. It never interprets signatures (it does not import
 * src/signature) and claims nothing about trust: records come from callers that ran verify.
 */

import type { ImageKey } from '../reference/index.js';

/** One image, as the lookaside tree keys it (src/reference: the type, its validator and conversions). */
export type { ImageKey };

/** How a signature got into the store. */
export interface Provenance {
  /** `import` (fetched from an upstream sigstore) or `upload` (signatures API, sign --upload). */
  readonly origin: 'import' | 'upload';
  /** Who caused it: a token name, `worker`, … */
  readonly by?: string | undefined;
  /** Imports: the sigstore base URL read (credentials removed); recorded as the image's source. */
  readonly lookaside?: string | undefined;
}

/** A signature to add. */
export interface NewSignature {
  readonly bytes: Uint8Array;
  /** The upstream URL it was read from (imports). */
  readonly source?: string | undefined;
  /** What the caller parsed from it without verifying (digest, identity, key id, …); opaque here. */
  readonly parsed?: Readonly<Record<string, unknown>> | undefined;
  /** The name an upload gave it (signatures API `<digest>@<id>`). */
  readonly name?: string | undefined;
}

/** A verification outcome recorded against one signature (kept as history, never overwritten). */
export type VerificationRecord = Readonly<Record<string, unknown>> & {
  readonly at: string;
  readonly by: string;
  /** `trusted` when the check passed; anything else is a failed check (see status.ts). */
  readonly verdict?: string;
};

/** An image's state for listings: see status.ts for how it is derived. */
export type ImageStatus = 'verified' | 'failed' | 'unverified' | 'unsigned';
export const IMAGE_STATUSES: readonly ImageStatus[] = ['verified', 'failed', 'unverified', 'unsigned'];

/** One row of the image listing: what the store knows without reading signatures. */
export interface ImageSummary extends ImageKey {
  /** `registry/repository@digest`. */
  readonly reference: string;
  readonly signatures: number;
  readonly status: ImageStatus;
  readonly lastImportAt: string | null;
  /** The sigstore base URL the last import read. */
  readonly source: string | null;
  readonly lastVerifiedAt: string | null;
}

/** A page request: filters, at most `limit` rows after `cursor` (a reference, exclusive). */
export interface ImageQuery {
  readonly status?: ImageStatus | undefined;
  readonly registry?: string | undefined;
  /** Repository prefix (needs `registry`, or scans every registry). */
  readonly repository?: string | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface ImagePage {
  readonly items: readonly ImageSummary[];
  /** The cursor of the next page, or null at the end. */
  readonly next: string | null;
}

/** What the store knows about one stored signature. */
export interface SignatureEntry {
  /** 1-based position: `signature-<index>`. */
  readonly index: number;
  readonly sha256: string;
  readonly size: number;
  readonly source: string | null;
  readonly name: string | null;
  /** `unknown`: found without metadata (after a crash); `adopted`: found without metadata by a reindex, claims read then. */
  readonly origin: Provenance['origin'] | 'unknown' | 'adopted';
  readonly by: string | null;
  /** ISO time it was stored. */
  readonly storedAt: string;
  readonly parsed: Readonly<Record<string, unknown>> | null;
  readonly verifications: readonly VerificationRecord[];
}

/** The result of an append. */
export interface AppendResult {
  /** Indices given to new signatures, in order. */
  readonly added: readonly number[];
  /** For each signature already present (same bytes), its existing index. */
  readonly duplicates: readonly number[];
}

/** Reads what can be read from a signature without verifying it (the claims imports record). */
export type DescribeSignature = (bytes: Uint8Array, image: ImageKey) => Readonly<Record<string, unknown>>;

/** What adoptUntracked did. */
export interface AdoptResult {
  /** Images that had signatures without metadata. */
  readonly images: number;
  /** Signatures given metadata (origin `adopted`). */
  readonly signatures: number;
  /** Paths in the store that name no valid image (left alone). */
  readonly skipped: readonly string[];
}

/** The store interface every backend implements and the conformance suite checks. */
export interface SignatureStore {
  /** Signatures of an image in index order; `[]` when none. */
  list(image: ImageKey): Promise<readonly SignatureEntry[]>;
  /** The bytes of `signature-<index>`, or undefined when there is no such index. */
  read(image: ImageKey, index: number): Promise<Uint8Array | undefined>;
  /** The same, blocking: only backends whose reads are small local files offer it (the mirror's miss path). */
  readSync?(image: ImageKey, index: number): Uint8Array | undefined;
  /** Appends the signatures not yet present (same bytes = present); never renumbers. */
  append(image: ImageKey, signatures: readonly NewSignature[], provenance: Provenance): Promise<AppendResult>;
  /** Adds a verification record to one signature's history. Throws when the index does not exist. */
  recordVerification(image: ImageKey, index: number, record: VerificationRecord): Promise<void>;
  /**
   * Admin action: removes signatures. The lookaside must stay contiguous, so the remaining ones
   * are renumbered 1..k in their order: the ONLY operation that renumbers. Returns how many went.
   */
  remove(image: ImageKey, indices: readonly number[] | 'all'): Promise<number>;
  /** Every known image, with or without signatures (for periodic resync and reindexing). */
  images(): AsyncIterable<ImageKey>;
  /**
   * Signatures stored without metadata (a lookaside tree copied into the store by hand) get it:
   * origin `adopted`, the claims `describe` reads. They then count as known images.
   */
  adoptUntracked(describe: DescribeSignature): Promise<AdoptResult>;
  /** The listing row of one image, or undefined when the image is unknown. */
  summary(image: ImageKey): Promise<ImageSummary | undefined>;
  /** A page of the image listing, in reference order, from the store's index. */
  listImages(query: ImageQuery): Promise<ImagePage>;
  /** Images per status, from the store's index. */
  countImages(): Promise<Record<ImageStatus, number>>;
  close(): Promise<void>;
}
