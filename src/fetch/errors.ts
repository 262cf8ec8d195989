/** FetchError: what went wrong reading an upstream sigstore, and whether a retry may help. */

/** Kinds of fetch failure; each is counted in metrics under its name. */
export type FetchErrorKind =
  | 'http-status'
  | 'forbidden'
  | 'timeout'
  | 'reset'
  | 'truncated'
  | 'connect'
  | 'proxy'
  | 'tls-unknown-authority'
  | 'tls'
  | 'too-large'
  | 'redirect-loop'
  | 'too-many-redirects'
  | 'bad-redirect'
  | 'insecure-redirect'
  | 'cross-host-redirect'
  | 'unsupported-scheme'
  | 'host-offline'
  | 'file';

export class FetchError extends Error {
  override readonly name = 'FetchError';
  constructor(
    readonly kind: FetchErrorKind,
    message: string,
    readonly url: string,
    readonly retryable: boolean,
    readonly status?: number | undefined,
    /** For 429/503: how long the upstream asked us to wait. */
    readonly retryAfterMs?: number | undefined,
  ) {
    super(message);
  }
}

export { redactUrl } from '../redact.js';

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or invalid. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
