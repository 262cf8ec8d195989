/**
 * The caps every part of the daemon shares, each with its reason, in one place
 * (containers/image internal/iolimits). Config defaults and maxima come from here.
 * Keep in sync with docs/spec/lookaside.md §Reading and docs/api.md §Limits.
 */

/**
 * Most signatures one image may have, imported or uploaded alike. skopeo 1.9.3 (containers/image
 * 5.23) reads any number, but newer containers/image (`maxLookasideSignatures = 128`) fails the
 * whole pull once it has read 128 and is about to ask for the 129th: 127 keeps every host working.
 */
export const MAX_SIGNATURES_PER_IMAGE = 127;
/** containers/image reads at most 4 MiB per signature (iolimits.MaxSignatureBodySize). */
export const MAX_SIGNATURE_BYTES = 4 * 1024 * 1024;
/** Highest `signature-N` index any path may name: the per-image cap, with room for none beyond. */
export const MAX_SIGNATURE_INDEX = MAX_SIGNATURES_PER_IMAGE;
/** Events handled from one registry notification; distribution sends a few per envelope. */
export const MAX_NOTIFICATION_EVENTS = 1_000;
/** References per `POST /v1/imports`; larger lists go through `sigmirror import --from-file`. */
export const MAX_IMPORT_REFERENCES = 1_000;
/** Per-request time limit for upstream reads (headers and body each): a hung sigstore must not hold a worker. */
export const UPSTREAM_TIMEOUT_MS = 30_000;
/** Requests at once per upstream host, so one slow sigstore cannot take every worker slot. */
export const PER_HOST_CONCURRENCY = 8;
/** Redirects followed per signature; CDNs use one or two, more is a loop or a misconfiguration. */
export const MAX_REDIRECTS = 5;
/** Largest API request body: a 4 MiB signature in base64 (a third more) inside its JSON. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;
/**
 * The periodic resync looks for due images this many times per `import.resyncIntervalMs`, so an
 * image is re-read at most 1/24 of the interval late (an hour, at the default of a day)...
 */
export const RESYNC_TICKS_PER_INTERVAL = 24;
/** ...but never more often than this: each look reads every image's last-import time. */
export const MIN_RESYNC_TICK_MS = 1_000;
/**
 * A temp file in the served tree older than this is a crash's leftover whatever its name says:
 * writing one (at most 4 MiB, one fsync) takes milliseconds; a stalled disk still far less.
 */
export const STALE_TEMP_MS = 10 * 60_000;
/**
 * How long HTTP caches and hosts may keep a served `signature-N` before revalidating it with its
 * ETag. A removal renumbers the indices after it, so they are not immutable; with the mirror's
 * own 30 s blob cache (api/blob-cache.ts) a renumbering reaches every host within 90 s.
 * Keep in sync with docs/api.md §Mirror.
 */
export const SIGNATURE_MAX_AGE_S = 60;
