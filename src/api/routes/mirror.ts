/**
 * The read-only lookaside mirror: `GET|HEAD /sigstore/<registry>/<repo>@sha256=<hex>/signature-<N>`
 * answers exactly what a static sigstore would: the raw bytes, or a real 404 for the first missing
 * index and everything after it. Never HTML, listings or redirects.
 * Keep in sync with docs/spec/lookaside.md §Serving.
 *
 * This is the hot path, so it is a plain node:http handler (the server dispatches to it before
 * Koa); the Koa middleware below wraps the same handler for apps built with createApp.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Middleware } from 'koa';
import type { Metrics } from '../../metrics.js';
import type { SignatureStore } from '../../store/index.js';
import { BlobCache, type CachedBlob } from '../blob-cache.js';
import { parseMirrorPath } from '../paths.js';

export const MIRROR_PREFIX = '/sigstore/';
/** Served indices never change: caches may keep them for ever. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** A missing index may appear soon (a new import): keep 404s short. */
const MISSING = 'public, max-age=10';
const NOT_FOUND_BODY = Buffer.from('signature not found\n');
const METHOD_BODY = Buffer.from('method not allowed\n');
const ROUTE = '/sigstore/*';

export interface MirrorDeps {
  readonly store: SignatureStore;
  readonly metrics?: Metrics | undefined;
  /** Cache tuning (tests); defaults: CACHE_MAX_BYTES, CACHE_TTL_MS. */
  readonly cacheMaxBytes?: number;
  readonly cacheTtlMs?: number;
}

export type MirrorHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** The mirror as a node:http handler for URLs under MIRROR_PREFIX. */
export function mirrorHandler(deps: MirrorDeps): MirrorHandler {
  const cache = new BlobCache(
    async (rest) => {
      const parsed = parseMirrorPath(rest);
      return parsed ? deps.store.read(parsed.image, parsed.index).catch(() => undefined) : undefined;
    },
    deps.cacheMaxBytes,
    deps.cacheTtlMs,
  );
  const count = (method: string, status: number) =>
    deps.metrics?.httpRequests.inc({ route: ROUTE, method, status: String(status) });

  const answer = (
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    blob: CachedBlob | undefined,
  ) => {
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

  // Synchronous for cached blobs (the steady state); only a first request waits on the store.
  return (req, res) => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      res
        .writeHead(405, {
          Allow: 'GET, HEAD',
          'Content-Type': 'text/plain; charset=utf-8',
          'Content-Length': METHOD_BODY.length,
        })
        .end(METHOD_BODY);
      return count(method, 405);
    }
    const rest = (req.url ?? '').split('?')[0]!.slice(MIRROR_PREFIX.length);
    const cached = cache.peek(rest);
    if (cached) return answer(req, res, method, cached);
    return cache.fetch(rest).then((blob) => answer(req, res, method, blob));
  };
}

/** The same handler inside a Koa app (tests and createApp users). */
export function mirror(deps: MirrorDeps): Middleware {
  const handle = mirrorHandler(deps);
  return async (ctx, next) => {
    if (!ctx.path.startsWith(MIRROR_PREFIX)) return next();
    ctx.respond = false;
    await handle(ctx.req, ctx.res);
  };
}
