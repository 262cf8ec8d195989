/**
 * The read-only lookaside mirror: `GET|HEAD /sigstore/<registry>/<repo>@sha256=<hex>/signature-<N>`
 * answers exactly what a static sigstore would: the raw bytes, or a real 404 for the first missing
 * index and everything after it. Never HTML, listings or redirects.
 * Keep in sync with ../shared/spec/lookaside.md §Serving.
 */
import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';
import type { SignatureStore } from '../../store/index.js';
import { BlobCache } from '../blob-cache.js';
import { parseMirrorPath } from '../paths.js';

export const MIRROR_PREFIX = '/sigstore/';
/** Served indices never change: caches may keep them for ever. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** A missing index may appear soon (a new import): keep 404s short. */
const MISSING = 'public, max-age=10';
const NOT_FOUND_BODY = 'signature not found\n';

export interface MirrorDeps {
  readonly store: SignatureStore;
  readonly cache?: BlobCache;
}

/** A middleware (not a router) so the hot path does no route matching beyond one prefix test. */
export function mirror(deps: MirrorDeps): Middleware {
  const cache = deps.cache ?? new BlobCache();
  return async (ctx, next) => {
    if (!ctx.path.startsWith(MIRROR_PREFIX)) return next();
    (ctx as { _matchedRoute?: string })._matchedRoute = '/sigstore/*';
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, HEAD');
      ctx.body = 'method not allowed\n';
      return;
    }
    const rest = ctx.path.slice(MIRROR_PREFIX.length);
    let blob = cache.get(rest);
    if (!blob) {
      const parsed = parseMirrorPath(rest);
      const bytes = parsed ? await deps.store.read(parsed.image, parsed.index) : undefined;
      if (!bytes) {
        ctx.status = 404;
        ctx.set('Cache-Control', MISSING);
        ctx.type = 'text/plain';
        ctx.body = NOT_FOUND_BODY;
        return;
      }
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
      blob = cache.set(rest, buffer, `"sha256:${createHash('sha256').update(buffer).digest('hex')}"`);
    }
    ctx.set('ETag', blob.etag);
    ctx.set('Cache-Control', IMMUTABLE);
    if (ctx.get('if-none-match') === blob.etag) {
      ctx.status = 304;
      return;
    }
    ctx.status = 200;
    ctx.type = 'application/octet-stream';
    ctx.length = blob.bytes.length;
    ctx.body = blob.bytes; // Koa sends no body for HEAD but keeps Content-Length
  };
}
