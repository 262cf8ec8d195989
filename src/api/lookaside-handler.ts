/**
 * A read-only lookaside tree over node:http, for any layout: the raw bytes of `signature-N`
 * (`application/octet-stream`, strong ETag, immutable caching, 304 on If-None-Match) or a real
 * plain-text 404 (`signature not found`, cached 10 s) for the first missing index and everything
 * after it; a 503 (`no-store`) when the store cannot answer; GET and HEAD only. The same answers, headers and BlobCache as the image mirror
 * (routes/mirror.ts), parameterised by where a path leads in the store, so both layouts are one
 * handler: the image mirror is `lookasideHandler({prefix: '/sigstore/', locate: parseMirrorPath…})`.
 * Keep in sync with docs/spec/lookaside.md §Serving and docs/api.md §The mirror.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthDeps } from './auth.js';
import { principalOf } from './auth.js';
import { BlobCache, type CachedBlob } from './blob-cache.js';
import { ApiError } from './errors.js';
import type { Metrics } from '../metrics.js';
import type { ImageKey, SignatureStore } from '../store/index.js';

/** Served indices never change: caches may keep them for ever. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** A missing index may appear soon (a new import): keep 404s short. */
const MISSING = 'public, max-age=10';
const NOT_FOUND_BODY = Buffer.from('signature not found\n');
const METHOD_BODY = Buffer.from('method not allowed\n');
const UNAVAILABLE_BODY = Buffer.from('signature store unavailable\n');
const CHALLENGE = 'Bearer realm="sigmirror"';

export interface LookasideHandlerDeps {
  readonly store: SignatureStore;
  /** URL prefix the server dispatched on (`/release-signatures/`). */
  readonly prefix: string;
  /** Metrics route label (`/release-signatures/*`). */
  readonly route: string;
  /** The store key and index a path (after the prefix, raw) names; undefined → 404. */
  readonly locate: (rest: string) => { image: ImageKey; index: number } | undefined;
  /** Tokens and anonymous reads: GET/HEAD need the reader role unless anonymous reads are on. */
  readonly auth?: AuthDeps | undefined;
  readonly metrics?: Metrics | undefined;
  readonly cacheMaxBytes?: number;
  readonly cacheTtlMs?: number;
}

/** Always settles; never rejects (errors are answered here). */
export type LookasideHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function lookasideHandler(deps: LookasideHandlerDeps): LookasideHandler {
  const cache = new BlobCache(
    async (rest) => {
      const at = deps.locate(rest);
      return at ? deps.store.read(at.image, at.index) : undefined; // a store error rejects (503)
    },
    deps.cacheMaxBytes,
    deps.cacheTtlMs,
  );
  const count = (method: string, status: number): void => {
    deps.metrics?.httpRequests.inc({ route: deps.route, method, status: String(status) });
  };
  const plain = (res: ServerResponse, status: number, body: Buffer, headers: Record<string, string>) =>
    res
      .writeHead(status, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': body.length,
        ...headers,
      })
      .end(body);

  const answer = (req: IncomingMessage, res: ServerResponse, method: string, blob?: CachedBlob): void => {
    if (!blob) {
      const headers = {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': NOT_FOUND_BODY.length,
        'Cache-Control': MISSING,
      };
      res.writeHead(404, headers).end(method === 'HEAD' ? undefined : NOT_FOUND_BODY);
      return count(method, 404);
    }
    if (req.headers['if-none-match'] === blob.etag) {
      res.writeHead(304, { ETag: blob.etag, 'Cache-Control': IMMUTABLE }).end();
      return count(method, 304);
    }
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': blob.bytes.length,
      ETag: blob.etag,
      'Cache-Control': IMMUTABLE,
    });
    res.end(method === 'HEAD' ? undefined : blob.bytes);
    count(method, 200);
  };

  /** The auth refusal to send, or undefined when the request may read. */
  const refusal = (req: IncomingMessage): { status: number; text: string } | undefined => {
    if (!deps.auth) return undefined;
    let principal;
    try {
      principal = principalOf(req.headers.authorization, deps.auth.tokens());
    } catch (err) {
      if (err instanceof ApiError) return { status: 401, text: 'invalid or unknown bearer token\n' };
      throw err;
    }
    if (!principal) return deps.auth.anonymousRead ? undefined : { status: 401, text: 'token required\n' };
    const roles = principal.roles;
    return roles.has('reader') || roles.has('admin') || deps.auth.anonymousRead
      ? undefined
      : { status: 403, text: `the token "${principal.name}" lacks the reader role\n` };
  };

  // Synchronous for cached blobs (the steady state); only a first request waits on the store.
  return async (req, res) => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      plain(res, 405, METHOD_BODY, { Allow: 'GET, HEAD' });
      return count(method, 405);
    }
    const refused = refusal(req);
    if (refused) {
      const headers: Record<string, string> = refused.status === 401 ? { 'WWW-Authenticate': CHALLENGE } : {};
      plain(res, refused.status, Buffer.from(refused.text), headers);
      return count(method, refused.status);
    }
    const rest = (req.url ?? '').split('?')[0]!.slice(deps.prefix.length);
    const cached = cache.peek(rest);
    if (cached) return answer(req, res, method, cached);
    let blob;
    try {
      blob = await cache.fetch(rest);
    } catch {
      // Never a 404 for a store that cannot answer: hosts and caches would take the image as unsigned.
      plain(res, 503, UNAVAILABLE_BODY, { 'Cache-Control': 'no-store' });
      return count(method, 503);
    }
    answer(req, res, method, blob);
  };
}
