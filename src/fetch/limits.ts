/**
 * Every limit of upstream fetching, with its reason (containers/image internal/iolimits).
 * Keep in sync with docs/spec/lookaside.md §Reading.
 */

import { MAX_SIGNATURES_PER_IMAGE, MAX_SIGNATURE_BYTES } from '../limits.js';

/** containers/image reads at most 4 MiB per signature; more is not a signature. */
export { MAX_SIGNATURE_BYTES };
/** Signatures read per image: the store keeps no more (src/limits.ts says why). */
export const MAX_SIGNATURES = MAX_SIGNATURES_PER_IMAGE;
/** Per-request time limit (headers and body each): a hung sigstore must not hold a worker. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Redirects followed per signature; CDNs use one or two, more is a loop or a misconfiguration. */
export const MAX_REDIRECTS = 5;
/** Concurrent requests per upstream host, so one slow sigstore cannot take every worker slot. */
export const PER_HOST_CONCURRENCY = 8;
