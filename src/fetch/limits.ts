/**
 * Every limit of upstream fetching, with its reason (containers/image internal/iolimits).
 * Keep in sync with docs/spec/lookaside.md §Reading.
 */

/** containers/image reads at most 4 MiB per signature; more is not a signature. */
export const MAX_SIGNATURE_BYTES = 4 * 1024 * 1024;
/** containers/image reads at most 128 signatures per image. */
export const MAX_SIGNATURES = 128;
/** Per-request time limit (headers and body each): a hung sigstore must not hold a worker. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Redirects followed per signature; CDNs use one or two, more is a loop or a misconfiguration. */
export const MAX_REDIRECTS = 5;
/** Concurrent requests per upstream host, so one slow sigstore cannot take every worker slot. */
export const PER_HOST_CONCURRENCY = 8;
/**
 * OpenShift release signatures: the CVO reads signature-1 … signature-9 (library-go
 * pkg/verify/store/sigstore `maxSignatureSearch` = 10, loop `i < 10`). sigmirror reads further (up
 * to the import cap), but inside this window it is as tolerant as the CVO (a 403 skips an index).
 */
export const CVO_SIGNATURE_INDICES = 9;
/** The CVO reads at most 50 KiB of a release signature (library-go sigstore.go `io.LimitReader`). */
export const MAX_RELEASE_SIGNATURE_BYTES = 50 * 1024;
