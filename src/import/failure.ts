/**
 * How an import failed, in the terms a job runner needs: retry or not, and for an upstream host
 * taken offline by its circuit breaker, when to look again. The use case decides; workers/ only
 * maps this onto BullMQ (STYLE: fetch knows nothing of BullMQ).
 */
import { FetchError } from '../fetch/index.js';
import { LayoutError } from '../lookaside/index.js';
import { ReferenceError } from '../reference/index.js';
import { ImportConfigError } from './import-image.js';

export class ImportFailure extends Error {
  override readonly name = 'ImportFailure';
  constructor(
    message: string,
    /** Worth another attempt (network, 5xx, a store hiccup); false for config and format errors. */
    readonly retryable: boolean,
    /** The upstream host, when an upstream answer caused it. */
    readonly host: string | undefined,
    /** Set when the host's circuit is open: wait this long without spending an attempt. */
    readonly offlineForMs: number | undefined,
    /** What the upstream asked for (429/503 Retry-After); the retry backoff honours it. */
    readonly retryAfterMs: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Any error of an import, classified; unknown errors are retryable. */
export function importFailureOf(err: unknown): ImportFailure {
  if (err instanceof ImportFailure) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof FetchError) {
    const offline = err.kind === 'host-offline';
    const offlineForMs = offline ? (err.retryAfterMs ?? 1_000) : undefined;
    const retryAfterMs = offline ? undefined : err.retryAfterMs;
    return new ImportFailure(message, err.retryable, hostOf(err.url), offlineForMs, retryAfterMs, {
      cause: err,
    });
  }
  const fatal =
    err instanceof ImportConfigError || err instanceof LayoutError || err instanceof ReferenceError;
  return new ImportFailure(message, !fatal, undefined, undefined, undefined, { cause: err });
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}
