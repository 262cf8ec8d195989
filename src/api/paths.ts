/**
 * Parsing of the image paths the API serves, validated before anything touches the store
 * (no traversal: every component must match the distribution grammar; `..`, encoded slashes,
 * NUL and overlong names never pass). Pure.
 * Keep in sync with docs/spec/lookaside.md §Serving and extensions-api.md §Addressing.
 */
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
/** Highest signature index served; containers/image reads at most 128. */
export const MAX_SIGNATURE_INDEX = 1024;

const SHA256 = /^sha256:[a-f0-9]{64}$/;

/** Validates `registry` and `repository` components; throws NAME_INVALID. */
export function validateName(registry: string, repository: string): void {
  const components = repository.split('/');
  const valid =
    anchoredDomainRegexp.test(registry) &&
    registry.length + 1 + repository.length <= NAME_MAX &&
    components.every((c) => anchoredPathComponentRegexp.test(c));
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
 */
export function parseMirrorPath(rest: string): { image: ImagePath; index: number } | undefined {
  const m = /^([^/]+)\/(.+)@sha256=([a-f0-9]{64})\/signature-([1-9][0-9]{0,3})$/.exec(rest);
  if (!m) return undefined;
  const [, registry, repository, hex, n] = m as unknown as [string, string, string, string, string];
  const index = Number(n);
  if (index > MAX_SIGNATURE_INDEX) return undefined;
  try {
    validateName(registry, repository);
  } catch {
    return undefined;
  }
  return { image: { registry, repository, digest: `sha256:${hex}` }, index };
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
