/**
 * An image as sigmirror stores it: `{registry, repository, digest}`, with the one validator every
 * edge uses (API paths, job data, the lookaside layout, both stores) and its conversions.
 * Pure. Keep in sync with docs/spec/registries-d.md §Scopes (the grammar) and
 * docs/spec/lookaside.md §Layout (only sha256 is stored).
 *
 *   registry    host[:port]                          anchoredDomainRegexp
 *   repository  path-component['/'path-component]*  anchoredPathComponentRegexp, each
 *   digest      sha256:<64 lowercase hex>
 *   registry + '/' + repository ≤ 255 characters (distribution's name limit)
 */
import { anchoredDomainRegexp, anchoredPathComponentRegexp, NAME_TOTAL_LENGTH_MAX } from './grammar.js';
import { parseNormalizedReference, ReferenceError } from './parse.js';

/** An image, by content. */
export interface ImageKey {
  readonly registry: string;
  readonly repository: string;
  readonly digest: string;
}

/** The part of an ImageKey a check rejected. */
export type ImageKeyPart = keyof ImageKey;

const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** `host[:port]`. Length first: no pattern runs over more than a valid name's length. */
export function isRegistry(registry: string): boolean {
  return registry.length <= NAME_TOTAL_LENGTH_MAX && anchoredDomainRegexp.test(registry);
}

/** One or more path components separated by `/` (no empty component, no `..`, no encoding). */
export function isRepository(repository: string): boolean {
  return (
    repository.length <= NAME_TOTAL_LENGTH_MAX &&
    repository.split('/').every((c) => anchoredPathComponentRegexp.test(c))
  );
}

/** `sha256:<64 lowercase hex>`, the only digest the store keeps. */
export function isSha256Digest(digest: string): boolean {
  return SHA256_DIGEST.test(digest);
}

/** The first part of `key` that is not valid, or undefined. */
export function imageKeyProblem(key: ImageKey): ImageKeyPart | undefined {
  if (!isRegistry(key.registry)) return 'registry';
  if (!isRepository(key.repository)) return 'repository';
  if (key.registry.length + 1 + key.repository.length > NAME_TOTAL_LENGTH_MAX) return 'repository';
  if (!isSha256Digest(key.digest)) return 'digest';
  return undefined;
}

/** A rejected ImageKey; `part` says which, the message quotes (at most 80 characters of) it. */
export class ImageKeyError extends ReferenceError {
  override readonly name = 'ImageKeyError';
  constructor(
    readonly part: ImageKeyPart,
    readonly key: ImageKey,
  ) {
    super(invalidPartMessage(part, key[part]));
  }
}

/** `invalid registry|repository path|digest "<at most 80 characters of value>"`. */
export function invalidPartMessage(part: ImageKeyPart, value: string): string {
  return `invalid ${part === 'repository' ? 'repository path' : part} "${value.slice(0, 80)}"`;
}

/** `key`, checked: throws ImageKeyError naming the first invalid part. */
export function checkImageKey(key: ImageKey): ImageKey {
  const part = imageKeyProblem(key);
  if (part) throw new ImageKeyError(part, key);
  return { registry: key.registry, repository: key.repository, digest: key.digest };
}

/** `registry/repository@sha256:<hex>` (normalized: docker.io/library/…) → ImageKey; tags are refused. */
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
export function imageReference(image: ImageKey): string {
  return `${image.registry}/${image.repository}@${image.digest}`;
}
