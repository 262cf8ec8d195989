/**
 * OpenShift release signatures in the CVO's layout: `GET|HEAD /release-signatures/sha256=<hex>/signature-<N>`,
 * so a cluster's verification `store-*` URL or `ClusterVersion.spec.signatureStores` can be
 * `<daemon>/release-signatures` (library-go pkg/verify/store/sigstore). The answers, auth and
 * cache are the shared lookaside handler's (../lookaside-handler.ts), as for /sigstore/.
 * Keep in sync with docs/releases.md §Serving.
 */
import { releaseKey } from '../../store/index.js';
import { lookasideHandler, type LookasideDeps, type LookasideHandler } from '../lookaside-handler.js';
import { parseReleasePath } from '../../lookaside/index.js';

export const RELEASE_MIRROR_PREFIX = '/release-signatures/';

export function releaseMirrorHandler(deps: LookasideDeps): LookasideHandler {
  return lookasideHandler(deps, {
    prefix: RELEASE_MIRROR_PREFIX,
    route: '/release-signatures/*',
    locate: (rest) => {
      const at = parseReleasePath(rest);
      return at && { image: releaseKey(at.digest), index: at.index };
    },
  });
}
