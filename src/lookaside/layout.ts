/**
 * The lookaside layout, one place for it (keep in sync with docs/spec/lookaside.md §Layout):
 *
 *   <base>/<repository path>@sha256=<hex>/signature-1      image layout (containers/image)
 *                                        /signature-2 …
 *   <base>/sha256=<hex>/signature-N                        release layout (mirror.openshift.com)
 *
 * Pure. Digest and repository are validated before any URL or path is built.
 */
import { MAX_SIGNATURE_INDEX } from '../limits.js';
import {
  checkImageKey,
  invalidPartMessage,
  isRegistry,
  isRepository,
  isSha256Digest,
  type ImageKey,
} from '../reference/index.js';

/** Highest index a path may name (src/limits.ts: the per-image cap). */
export const MAX_INDEX = MAX_SIGNATURE_INDEX;

/** A digest, repository or index that must not become a path. */
export class LayoutError extends Error {
  override readonly name = 'LayoutError';
}

/** `sha256:<hex>` → `sha256=<hex>`, after validating it. */
export function digestSegment(digest: string): string {
  if (!isSha256Digest(digest)) throw new LayoutError(invalidPartMessage('digest', digest));
  return digest.replace(':', '=');
}

/** Validates a repository path (no host), component by component. */
export function checkRepository(repository: string): string {
  if (!isRepository(repository)) throw new LayoutError(invalidPartMessage('repository', repository));
  return repository;
}

/** Validates a registry host[:port]. */
export function checkRegistry(registry: string): string {
  if (!isRegistry(registry)) throw new LayoutError(invalidPartMessage('registry', registry));
  return registry;
}

function checkIndex(index: number): number {
  if (!Number.isInteger(index) || index < 1 || index > MAX_INDEX)
    throw new LayoutError(`invalid signature index ${index}`);
  return index;
}

/** `<repository>@sha256=<hex>/signature-<N>`, relative to a lookaside base. */
export function signatureRelativePath(repository: string, digest: string, index: number): string {
  return `${checkRepository(repository)}@${digestSegment(digest)}/signature-${checkIndex(index)}`;
}

/**
 * The mirror's (and the fs store's) path of an image's signature N: a lookaside tree whose first
 * component is the registry, `<registry>/<repository>@sha256=<hex>/signature-<N>`.
 */
export function mirrorPath(image: ImageKey, index: number): string {
  return `${checkRegistry(image.registry)}/${signatureRelativePath(image.repository, image.digest, index)}`;
}

const DIGEST_MARK = '@sha256=';
/** A name of 255, the digest and the longest index: anything longer is not a mirror path. */
const MIRROR_PATH_MAX = 255 + DIGEST_MARK.length + 64 + `/signature-${MAX_INDEX}`.length;
const MIRROR_TAIL = /^([a-f0-9]{64})\/signature-([1-9]\d{0,3})$/;

/**
 * The inverse of mirrorPath over a raw (not URL-decoded) path: image and index, or undefined when
 * it is not exactly such a path. Split by hand from the end (no pattern runs over the whole
 * name), then the image is validated as every ImageKey is.
 */
export function parseMirrorPath(path: string): { image: ImageKey; index: number } | undefined {
  if (path.length > MIRROR_PATH_MAX) return undefined;
  const slash = path.indexOf('/');
  const at = path.lastIndexOf(DIGEST_MARK);
  if (slash <= 0 || at <= slash + 1) return undefined;
  const tail = MIRROR_TAIL.exec(path.slice(at + DIGEST_MARK.length));
  if (!tail) return undefined;
  const index = Number(tail[2]);
  if (index > MAX_INDEX) return undefined;
  const image = {
    registry: path.slice(0, slash),
    repository: path.slice(slash + 1, at),
    digest: `sha256:${tail[1]}`,
  };
  try {
    return { image: checkImageKey(image), index };
  } catch {
    return undefined;
  }
}

/**
 * Signature N's URL under a signature base (the lookaside URL with the repository path already
 * appended, as registries.d resolution returns it): `<base>@sha256=<hex>/signature-N`, keeping a
 * query string after the path as containers/image's url.URL does.
 */
export function signatureUrl(signatureBase: string, digest: string, index: number): string {
  const cut = signatureBase.search(/[?#]/);
  const [head, tail] =
    cut === -1 ? [signatureBase, ''] : [signatureBase.slice(0, cut), signatureBase.slice(cut)];
  return `${head}@${digestSegment(digest)}/signature-${checkIndex(index)}${tail}`;
}

/** Release layout, relative to a release store: `sha256=<hex>/signature-<N>`. */
export function releaseRelativePath(digest: string, index: number): string {
  return `${digestSegment(digest)}/signature-${checkIndex(index)}`;
}

/** The inverse of releaseRelativePath over a raw path: digest and index, or undefined. */
export function parseReleasePath(path: string): { digest: string; index: number } | undefined {
  const m = /^sha256=([a-f0-9]{64})\/signature-([1-9]\d{0,3})$/.exec(path);
  if (!m) return undefined;
  const index = Number(m[2]);
  return index > MAX_INDEX ? undefined : { digest: `sha256:${m[1]!}`, index };
}

/**
 * Release layout: `<base>/sha256=<hex>/signature-N`. As the CVO joins paths (library-go
 * sigstore.go `path.Join`), a trailing `/` on the base is not doubled and a query string stays
 * after the path.
 */
export function releaseSignatureUrl(base: string, digest: string, index: number): string {
  const cut = base.search(/[?#]/);
  let end = cut === -1 ? base.length : cut;
  const tail = base.slice(end);
  while (end > 0 && base[end - 1] === '/') end--;
  return `${base.slice(0, end)}/${releaseRelativePath(digest, index)}${tail}`;
}
