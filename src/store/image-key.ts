/** ImageKey from and to `registry/repository@sha256:<hex>`. */
import { parseNormalizedReference, ReferenceError } from '../reference/index.js';
import type { ImageKey } from './types.js';

/** Parses a digest reference into an ImageKey; a tag reference is rejected with a clear reason. */
export function imageKeyFromReference(reference: string): ImageKey {
  const ref = parseNormalizedReference(reference);
  if (!ref.digest) {
    throw new ReferenceError(
      `"${reference}" has no digest: an image is named by registry/repository@sha256:<hex>`,
    );
  }
  if (ref.tag !== undefined)
    throw new ReferenceError(`"${reference}" has both a tag and a digest; give only the digest`);
  if (!ref.digest.startsWith('sha256:'))
    throw new ReferenceError(`"${reference}": only sha256 digests are supported`);
  return { registry: ref.domain, repository: ref.path, digest: ref.digest };
}

/** `registry/repository@sha256:<hex>`. */
export function imageKeyString(image: ImageKey): string {
  return `${image.registry}/${image.repository}@${image.digest}`;
}
