/**
 * What the console reads, and nothing more: the same answers as `GET /v1/images`,
 * `/v1/images/summary`, `/v1/images/<image>` and `/v1/status`, as functions (the console never
 * calls its own API over HTTP). source.ts implements them with the calls those routes make.
 * Keep in sync with src/api/routes/images.ts and docs/console.md.
 */
import type { ImageKey, ImagePage, ImageStatus, SignatureEntry } from '../../store/index.js';
import type { StatusView } from '../status-snapshot.js';

/** A page request of `GET /v1/images`; absent fields do not filter. */
export interface ConsoleImageQuery {
  readonly status?: ImageStatus | undefined;
  readonly registry?: string | undefined;
  /** Repository prefix. */
  readonly repository?: string | undefined;
  /** Rows per page; the API's default (100) when absent, at most 1000. */
  readonly limit?: number | undefined;
  /** The `next` of the previous page. */
  readonly cursor?: string | undefined;
}

/** `GET /v1/images/summary`. */
export interface ConsoleSummary {
  readonly counts: Readonly<Record<ImageStatus, number>>;
  readonly total: number;
}

/**
 * `GET /v1/images/<registry>/<repository>@<digest>`. WARNING: each signature's `parsed` fields
 * (`untrustedIdentity`, `untrustedDigest`, `keyId`, …) are what the signature CLAIMS, read
 * without verifying: attacker-controlled text.
 */
export interface ConsoleImage extends ImageKey {
  readonly status: ImageStatus;
  readonly lastImportAt: string | null;
  /** The sigstore base URL the last import read. */
  readonly source: string | null;
  readonly lastVerifiedAt: string | null;
  readonly signatures: readonly SignatureEntry[];
}

/** `GET /v1/status`: the daemon's state for the overview (the status snapshot's view). */
export type ConsoleStatus = StatusView;

/** The console's data source; invalid input (a bad cursor, say) throws the ApiError the routes throw. */
export interface ConsoleData {
  listImages(query: ConsoleImageQuery): Promise<ImagePage>;
  summary(): Promise<ConsoleSummary>;
  /** The image, or undefined when the store knows nothing of it. */
  image(key: ImageKey): Promise<ConsoleImage | undefined>;
  status(): Promise<ConsoleStatus>;
}
