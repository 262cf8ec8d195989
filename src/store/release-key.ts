/**
 * OpenShift release signatures in the store. The CVO keys them by digest alone
 * (`<store>/sha256=<hex>/signature-N`, library-go pkg/verify/store/sigstore), so one release is
 * one reserved ImageKey per digest, made by ONE function, `releaseKey`. Everything the store
 * does for images (contiguous indices, dedupe by content, provenance, verification history,
 * the index and its listings, resync) then holds for releases unchanged, in both backends.
 *
 * Only where the fs store puts the served bytes differs, so its tree stays one a static web
 * server can serve, in the CVO's layout:
 *
 *   <root>/release-signatures/sha256=<hex>/signature-1 …         what a cluster's store URL reads
 *   <metaRoot>/release-signatures/release@sha256=<hex>.json       metadata, as for any image
 *
 * `release-signatures` has no `.` or `:` and is not `localhost`, so no normalised reference ever
 * names it as a registry: an image import or upload can never land on a release.
 */
import { digestSegment } from '../lookaside/index.js';
import type { ImageKey } from './types.js';

/** The reserved registry of release keys, and the directory of the fs store's release tree. */
export const RELEASE_REGISTRY = 'release-signatures';
/** The reserved repository of release keys (listings show `release-signatures/release@sha256:…`). */
export const RELEASE_REPOSITORY = 'release';

/** The store key of the release with this digest (`sha256:<hex>`, validated by the store). */
export function releaseKey(digest: string): ImageKey {
  return { registry: RELEASE_REGISTRY, repository: RELEASE_REPOSITORY, digest };
}

/** True for keys made by releaseKey. */
export function isReleaseKey(key: ImageKey): boolean {
  return key.registry === RELEASE_REGISTRY && key.repository === RELEASE_REPOSITORY;
}

/** The fs store's directory of a release's signatures, relative to its root (validated). */
export function releaseDirectory(digest: string): string {
  return `${RELEASE_REGISTRY}/${digestSegment(digest)}`;
}
