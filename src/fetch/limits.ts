/**
 * Every limit of upstream fetching, with its reason (containers/image internal/iolimits).
 * Keep in sync with docs/spec/lookaside.md §Reading.
 */

import {
  MAX_REDIRECTS,
  MAX_SIGNATURES_PER_IMAGE,
  MAX_SIGNATURE_BYTES,
  PER_HOST_CONCURRENCY,
  UPSTREAM_TIMEOUT_MS,
} from '../limits.js';

/** The shared caps (src/limits.ts holds them and their reasons), under fetch's names. */
export { MAX_REDIRECTS, MAX_SIGNATURE_BYTES, PER_HOST_CONCURRENCY };
export const MAX_SIGNATURES = MAX_SIGNATURES_PER_IMAGE;
export const REQUEST_TIMEOUT_MS = UPSTREAM_TIMEOUT_MS;
/**
 * OpenShift release signatures: the CVO reads signature-1 … signature-9 (library-go
 * pkg/verify/store/sigstore `maxSignatureSearch` = 10, loop `i < 10`). sigmirror reads further (up
 * to the import cap), but inside this window it is as tolerant as the CVO (a 403 skips an index).
 */
export const CVO_SIGNATURE_INDICES = 9;
/** The CVO reads at most 50 KiB of a release signature (library-go sigstore.go `io.LimitReader`). */
export const MAX_RELEASE_SIGNATURE_BYTES = 50 * 1024;
