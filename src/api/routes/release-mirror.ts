/**
 * OpenShift release signatures in the CVO's layout: `GET|HEAD /release-signatures/sha256=<hex>/signature-<N>`,
 * so a cluster's verification `store-*` URL or `ClusterVersion.spec.signatureStores` can be
 * `<daemon>/release-signatures` (library-go pkg/verify/store/sigstore). A plain node:http
 * handler (the server dispatches to it before Koa, as for /sigstore/), with the image mirror's
 * answers and caching (lookaside-handler.ts). Keep in sync with docs/releases.md §Serving.
 */
import type { Middleware } from 'koa';
import type { Metrics } from '../../metrics.js';
import { releaseKey, type SignatureStore } from '../../store/index.js';
import type { AuthDeps } from '../auth.js';
import { lookasideHandler, type LookasideHandler } from '../lookaside-handler.js';
import { MAX_SIGNATURE_INDEX } from '../paths.js';

export const RELEASE_MIRROR_PREFIX = '/release-signatures/';

export interface ReleaseMirrorDeps {
  readonly store: SignatureStore;
  readonly auth?: AuthDeps | undefined;
  readonly metrics?: Metrics | undefined;
  readonly cacheMaxBytes?: number;
  readonly cacheTtlMs?: number;
}

/** `sha256=<hex>/signature-<N>` (raw, after the prefix) → digest and index; undefined → 404. */
export function parseReleaseMirrorPath(rest: string): { digest: string; index: number } | undefined {
  const m = /^sha256=([a-f0-9]{64})\/signature-([1-9][0-9]{0,3})$/.exec(rest);
  if (!m) return undefined;
  const index = Number(m[2]);
  return index > MAX_SIGNATURE_INDEX ? undefined : { digest: `sha256:${m[1]!}`, index };
}

export function releaseMirrorHandler(deps: ReleaseMirrorDeps): LookasideHandler {
  return lookasideHandler({
    ...deps,
    prefix: RELEASE_MIRROR_PREFIX,
    route: '/release-signatures/*',
    locate: (rest) => {
      const at = parseReleaseMirrorPath(rest);
      return at && { image: releaseKey(at.digest), index: at.index };
    },
  });
}

/** The same handler inside a Koa app (createApp users and tests that serve the app directly). */
export function releaseMirror(deps: ReleaseMirrorDeps): Middleware {
  const handle = releaseMirrorHandler(deps);
  return async (ctx, next) => {
    if (!ctx.path.startsWith(RELEASE_MIRROR_PREFIX)) return next();
    ctx.respond = false;
    await handle(ctx.req, ctx.res);
  };
}
