/**
 * Parsing of the image paths the API serves, validated before anything touches the store
 * (no traversal: every component must match the distribution grammar; `..`, encoded slashes,
 * NUL and overlong names never pass). Pure.
 * Keep in sync with docs/spec/lookaside.md §Serving and extensions-api.md §Addressing.
 */
import { MAX_SIGNATURE_INDEX } from '../limits.js';
import { anchoredDomainRegexp, anchoredPathComponentRegexp } from '../reference/index.js';
import { ApiError } from './errors.js';

/** An image as the store keys it. */
export interface ImagePath {
  readonly registry: string;
  readonly repository: string;
  readonly digest: string;
}

/** Longest repository name, domain included (distribution's limit). */
const NAME_MAX = 255;
/** Highest signature index served (src/limits.ts). */
export { MAX_SIGNATURE_INDEX };

const SHA256 = /^sha256:[a-f0-9]{64}$/;
const DIGEST_MARK = '@sha256=';
/** A name of NAME_MAX, the digest and the longest index: anything longer is not a mirror path. */
const MIRROR_PATH_MAX = NAME_MAX + DIGEST_MARK.length + 64 + '/signature-1024'.length;

/** Validates `registry` and `repository` components; throws NAME_INVALID. */
export function validateName(registry: string, repository: string): void {
  // The length first: no pattern runs over more than a valid name's length.
  const valid =
    registry.length + 1 + repository.length <= NAME_MAX &&
    anchoredDomainRegexp.test(registry) &&
    repository.split('/').every((c) => anchoredPathComponentRegexp.test(c));
  if (!valid)
    throw new ApiError('NAME_INVALID', `invalid repository name "${registry}/${repository}"`.slice(0, 300));
}

/** Validates a digest; only sha256 is stored. Throws DIGEST_INVALID. */
export function validateDigest(digest: string): void {
  if (!SHA256.test(digest)) throw new ApiError('DIGEST_INVALID', 'digest must be sha256:<64 lowercase hex>');
}

/**
 * `/sigstore/<registry>/<repository>@sha256=<hex>/signature-<N>` (the part after `/sigstore/`,
 * raw, not URL-decoded) → image and index; undefined when it is not such a path (→ 404).
 * Split by hand from the end (no pattern over the whole name), then validated by the grammar.
 */
export function parseMirrorPath(rest: string): { image: ImagePath; index: number } | undefined {
  if (rest.length > MIRROR_PATH_MAX) return undefined;
  const slash = rest.indexOf('/');
  const at = rest.lastIndexOf(DIGEST_MARK);
  if (slash <= 0 || at <= slash + 1) return undefined;
  const tail = /^([a-f0-9]{64})\/signature-([1-9]\d{0,3})$/.exec(rest.slice(at + DIGEST_MARK.length));
  if (!tail) return undefined;
  const index = Number(tail[2]);
  if (index > MAX_SIGNATURE_INDEX) return undefined;
  const registry = rest.slice(0, slash);
  const repository = rest.slice(slash + 1, at);
  try {
    validateName(registry, repository);
  } catch {
    return undefined;
  }
  return { image: { registry, repository, digest: `sha256:${tail[1]}` }, index };
}

/**
 * `<name>` of `/extensions/v2/<name>/signatures/<digest>`: a first component that looks like a
 * host (has `.` or `:`, or is `localhost`) is the registry, else `defaultRegistry` applies.
 */
export function parseExtensionsName(
  name: string,
  digest: string,
  defaultRegistry: string | undefined,
): ImagePath {
  const slash = name.indexOf('/');
  const first = slash === -1 ? name : name.slice(0, slash);
  const hostLike = /[.:]/.test(first) || first === 'localhost';
  const registry = hostLike ? first : defaultRegistry;
  const repository = hostLike ? name.slice(slash + 1) : name;
  if (!registry || (hostLike && slash === -1)) {
    throw new ApiError(
      'NAME_INVALID',
      `invalid repository name "${name}"`.slice(0, 300),
      'name needs a registry host',
    );
  }
  validateName(registry, repository);
  validateDigest(digest);
  return { registry, repository, digest };
}
