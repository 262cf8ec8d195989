/**
 * How a release is named on the command line and in API bodies: its digest (`sha256:<hex>`) or a
 * pullspec by digest (`quay.io/openshift-release-dev/ocp-release@sha256:<hex>`, a tag beside the
 * digest allowed). Releases are keyed by digest alone, as the CVO keys them. Pure.
 */
import { isSha256Digest, parseNormalizedReference, ReferenceError } from '../reference/index.js';

/** A release name that names no sha256 digest. */
export class ReleaseNameError extends Error {
  override readonly name = 'ReleaseNameError';
}

/** The release digest `sha256:<hex>` a name gives; throws ReleaseNameError with the reason. */
export function releaseDigestOf(name: string): string {
  if (isSha256Digest(name)) return name;
  if (!name.includes('@'))
    throw new ReleaseNameError(
      `"${name.slice(0, 200)}" names no release: give sha256:<64 hex> or <pullspec>@sha256:<64 hex>`,
    );
  let digest: string | undefined;
  try {
    digest = parseNormalizedReference(name).digest;
  } catch (err) {
    if (err instanceof ReferenceError) throw new ReleaseNameError(`"${name.slice(0, 200)}": ${err.message}`);
    throw err;
  }
  if (!digest || !isSha256Digest(digest))
    throw new ReleaseNameError(`"${name.slice(0, 200)}": only sha256 release digests are supported`);
  return digest;
}
