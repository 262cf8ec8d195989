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
