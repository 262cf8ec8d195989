/**
 * Images named by API paths, validated before anything touches the store: src/reference
 * `checkImageKey` is the one validator, and its ImageKeyError becomes distribution's NAME_INVALID
 * or DIGEST_INVALID here. Mirror paths are parsed by the lookaside layout
 * (src/lookaside/layout.ts `parseMirrorPath`). Pure.
 * Keep in sync with docs/spec/extensions-api.md §Addressing.
 */
import { checkImageKey, ImageKeyError, isSha256Digest, type ImageKey } from '../reference/index.js';
import { ApiError } from './errors.js';

/** `key` checked by src/reference; a bad part is a 400 NAME_INVALID or DIGEST_INVALID. */
export function checkedImage(key: ImageKey): ImageKey {
  try {
    return checkImageKey(key);
  } catch (err) {
    if (!(err instanceof ImageKeyError)) throw err;
    if (err.part === 'digest') throw digestInvalid();
    throw new ApiError(
      'NAME_INVALID',
      `invalid repository name "${key.registry}/${key.repository}"`.slice(0, 300),
    );
  }
}

/** A release digest (path parameter): `sha256:<64 lowercase hex>` or a 400 DIGEST_INVALID. */
export function checkedDigest(digest: string): string {
  if (!isSha256Digest(digest)) throw digestInvalid();
  return digest;
}

const digestInvalid = () => new ApiError('DIGEST_INVALID', 'digest must be sha256:<64 lowercase hex>');

/**
 * `<name>` of `/extensions/v2/<name>/signatures/<digest>`: a first component that looks like a
 * host (has `.` or `:`, or is `localhost`) is the registry, else `defaultRegistry` applies.
 */
export function parseExtensionsName(
  name: string,
  digest: string,
  defaultRegistry: string | undefined,
): ImageKey {
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
  return checkedImage({ registry, repository, digest });
}
