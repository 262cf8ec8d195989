/**
 * Retry timing for import jobs: exponential backoff with full jitter, never sooner than an
 * upstream's Retry-After. BullMQ calls this as the worker's custom backoff strategy; retries are
 * never a loop inside the processor (STYLE habit #6).
 */

/** The custom backoff type name used in job options. */
export const BACKOFF_TYPE = 'sigstore';
/** First retry delay before jitter. */
export const BASE_DELAY_MS = 1_000;
/** Longest wait between attempts (a Retry-After above it is still honoured). */
export const MAX_DELAY_MS = 5 * 60_000;

/** An error that carries an upstream's requested wait (e.g. FetchError from a 429). */
interface MaybeRetryAfter {
  readonly retryAfterMs?: number | undefined;
}

/** Delay before attempt `attemptsMade + 1`: random in [d/2, d] with d = base·2^(n-1), capped. */
export function retryDelayMs(attemptsMade: number, err: unknown, random = Math.random): number {
  const exponential = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attemptsMade - 1));
  const jittered = Math.round(exponential / 2 + (random() * exponential) / 2);
  const retryAfter = (err as MaybeRetryAfter | undefined)?.retryAfterMs;
  return typeof retryAfter === 'number' && retryAfter > jittered ? retryAfter : jittered;
}
