/**
 * A read-only lookaside tree over node:http, for any layout (the image mirror under /sigstore/,
 * release signatures under /release-signatures/): exactly what a static sigstore serves, the raw
 * bytes of `signature-N`, or a real 404 for the first missing index and everything after it.
 * Never HTML, listings or redirects. Keep in sync with docs/spec/lookaside.md §Serving.
 *
 * This is the hot path, so it is a plain node:http handler that listen.ts dispatches to before
 * Koa (inside the same request boundary). It returns nothing: every outcome is written here.
 * - other methods: 405 with `Allow` (OPTIONS: 204), nothing read;
 * - `auth.anonymousRead: false`, or any Authorization header: a reader token is required (401/403);
 * - the store failing: 503 `no-store`, never a 404 a host would take for "unsigned".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { SIGNATURE_MAX_AGE_S } from '../limits.js';
import type { Metrics } from '../metrics.js';
import type { ImageKey, SignatureStore } from '../store/index.js';
import { principalOf, type AuthDeps } from './auth.js';
import { BlobCache, type BlobCacheOptions, type CachedBlob } from './blob-cache.js';
import { answerError, safeUrl } from './boundary.js';
import { ApiError } from './errors.js';
import { etagMatches } from './routes/conditional.js';
/** Short and revalidated: an admin removal renumbers the indices after it (limits.ts). */
const SERVED = `public, max-age=${SIGNATURE_MAX_AGE_S}, must-revalidate`;
/** A missing index may appear soon (a new import): keep 404s short. */
const MISSING = 'public, max-age=10';
const NOT_FOUND_BODY = Buffer.from('signature not found\n');
const ALLOW = 'GET, HEAD';

/** Where a path (after the prefix, raw, not decoded) leads in the store; undefined → 404. */
export type Locate = (rest: string) => { image: ImageKey; index: number } | undefined;

/** What a lookaside tree needs besides its layout. */
export interface LookasideDeps {
  readonly store: SignatureStore;
  readonly metrics?: Metrics | undefined;
  /** Tokens and the anonymous-read switch; without it (tests of the cache alone) reads are open. */
  readonly auth?: AuthDeps | undefined;
  readonly logger?: Logger | undefined;
  /** Cache tuning (tests, benches); defaults in blob-cache.ts. */
  readonly cache?: BlobCacheOptions | undefined;
}

/** A lookaside layout: the URL prefix it is served under, its metrics label, its path parser. */
export interface LookasideLayout {
  readonly prefix: string;
  readonly route: string;
  readonly locate: Locate;
}

export type LookasideHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A node:http handler for URLs under `layout.prefix`. */
export function lookasideHandler(deps: LookasideDeps, layout: LookasideLayout): LookasideHandler {
  const { cache, loadSync } = storeReaders(deps, layout);
  deps.metrics?.watchCache(layout.route, () => cache.stats);
  const tally = deps.metrics?.tallyRequests(layout.route);
  const count = (method: string, status: number) => tally?.(knownMethod(method), status);

  const answer = (req: IncomingMessage, res: ServerResponse, blob: CachedBlob | undefined) => {
    writeBlob(req, res, blob);
    count(req.method!, res.statusCode);
  };

  const storeFailed = (req: IncomingMessage, res: ServerResponse, err: unknown) => {
    deps.logger?.error({ err, url: safeUrl(req.url) }, 'lookaside: the store cannot be read');
    answerError(res, 'UNAVAILABLE', {}, 'the signature store cannot be read');
    count(req.method!, 503);
  };

  // Synchronous for cached blobs (the steady state); only a first request waits on the store.
  return (req, res) => {
    const method = req.method!; // always set on a request a node:http server received
    if (method !== 'GET' && method !== 'HEAD') {
      answerOtherMethod(res, method);
      count(method, res.statusCode);
      return;
    }
    const denied = deps.auth && authProblem(req, deps.auth);
    if (denied) {
      answerError(res, denied.code, denied.headers, denied.message);
      count(method, res.statusCode);
      return;
    }
    const url = req.url!; // set on every request a node:http server received, as the method
    const query = url.indexOf('?');
    const rest = url.slice(layout.prefix.length, query < 0 ? undefined : query);
    const cached = cache.peek(rest);
    if (cached) return answer(req, res, cached);
    if (loadSync) {
      let blob: CachedBlob | undefined;
      try {
        blob = cache.fetchSync(rest, loadSync);
      } catch (err) {
        return storeFailed(req, res, err);
      }
      return answer(req, res, blob);
    }
    cache.fetch(rest).then(
      (blob) => answer(req, res, blob),
      (err: unknown) => storeFailed(req, res, err),
    );
  };
}

/** The cache over the store (a store error rejects: 503), and the synchronous miss path when the store has one. */
function storeReaders(deps: LookasideDeps, layout: LookasideLayout) {
  const cache = new BlobCache(async (rest) => {
    const at = layout.locate(rest);
    return at ? deps.store.read(at.image, at.index) : undefined;
  }, deps.cache);
  const { readSync } = deps.store;
  const loadSync =
    readSync &&
    ((rest: string) => {
      const at = layout.locate(rest);
      return at ? readSync.call(deps.store, at.image, at.index) : undefined;
    });
  return { cache, loadSync };
}

/**
 * 404 (a real one: hosts stop reading there), 304 for a matching ETag, else the bytes. For HEAD,
 * node:http sends the headers (Content-Length included) and drops the body itself.
 */
function writeBlob(req: IncomingMessage, res: ServerResponse, blob: CachedBlob | undefined): void {
  if (!blob) {
    res.writeHead(404, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': NOT_FOUND_BODY.length,
      'Cache-Control': MISSING,
    });
    res.end(NOT_FOUND_BODY);
  } else if (etagMatches(req.headers['if-none-match'], blob.etag)) {
    res.writeHead(304, { ETag: blob.etag, 'Cache-Control': SERVED }).end();
  } else {
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': blob.bytes.length,
      ETag: blob.etag,
      'Cache-Control': SERVED,
    });
    res.end(blob.bytes);
  }
}

/** The mirror is read-only: OPTIONS says what is allowed, anything else is a 405. */
function answerOtherMethod(res: ServerResponse, method: string): void {
  if (method === 'OPTIONS') res.writeHead(204, { Allow: ALLOW }).end();
  else
    answerError(res, 'METHOD_NOT_ALLOWED', { Allow: ALLOW }, `${method} is not allowed here: ${ALLOW} only`);
}

/**
 * The read rule of the signatures API's GET (auth.ts requireRole): a presented token must be
 * valid; without anonymous reads it must also carry the reader role (admin implies it).
 */
function authProblem(req: IncomingMessage, auth: AuthDeps): ApiError | undefined {
  const header = req.headers.authorization;
  if (!header && auth.anonymousRead) return undefined;
  try {
    const principal = principalOf(header, auth.tokens());
    if (!principal)
      return new ApiError('UNAUTHORIZED', undefined, undefined, {
        'WWW-Authenticate': 'Bearer realm="sigmirror"',
      });
    if (principal.roles.has('reader') || principal.roles.has('admin') || auth.anonymousRead) return undefined;
    return new ApiError('DENIED', `the token "${principal.name}" lacks the reader role`);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
}

/** Metric labels take the method only when it is a known one (no label explosion). */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
const knownMethod = (method: string) => (KNOWN_METHODS.has(method) ? method : 'other');
