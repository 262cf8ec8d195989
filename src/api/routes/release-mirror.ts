/**
 * OpenShift release signatures in the CVO's layout: `GET|HEAD /release-signatures/sha256=<hex>/signature-<N>`,
 * so a cluster's verification `store-*` URL or `ClusterVersion.spec.signatureStores` can be
 * `<daemon>/release-signatures` (library-go pkg/verify/store/sigstore). The answers, auth and
 * cache are the shared lookaside handler's (../lookaside-handler.ts), as for /sigstore/.
 * Keep in sync with docs/releases.md §Serving.
 */
import { releaseKey } from '../../store/index.js';
import { lookasideHandler, type LookasideDeps, type LookasideHandler } from '../lookaside-handler.js';
import { MAX_SIGNATURE_INDEX } from '../paths.js';

export const RELEASE_MIRROR_PREFIX = '/release-signatures/';

/** `sha256=<hex>/signature-<N>` (raw, after the prefix) → digest and index; undefined → 404. */
export function parseReleaseMirrorPath(rest: string): { digest: string; index: number } | undefined {
  const m = /^sha256=([a-f0-9]{64})\/signature-([1-9]\d{0,3})$/.exec(rest);
  if (!m) return undefined;
  const index = Number(m[2]);
  return index > MAX_SIGNATURE_INDEX ? undefined : { digest: `sha256:${m[1]!}`, index };
}

export function releaseMirrorHandler(deps: LookasideDeps): LookasideHandler {
  return lookasideHandler(deps, {
    prefix: RELEASE_MIRROR_PREFIX,
    route: '/release-signatures/*',
    locate: (rest) => {
      const at = parseReleaseMirrorPath(rest);
      return at && { image: releaseKey(at.digest), index: at.index };
    },
  });
}
