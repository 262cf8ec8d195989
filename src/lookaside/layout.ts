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
import { anchoredDomainRegexp, anchoredPathComponentRegexp } from '../reference/index.js';

/** Highest index a path may name (src/limits.ts: the per-image cap). */
export const MAX_INDEX = MAX_SIGNATURE_INDEX;

/** A digest, repository or index that must not become a path. */
export class LayoutError extends Error {
  override readonly name = 'LayoutError';
}

/** `sha256:<hex>` → `sha256=<hex>`, after validating it. */
export function digestSegment(digest: string): string {
  if (!/^sha256:[a-f0-9]{64}$/.test(digest)) throw new LayoutError(`invalid digest "${digest.slice(0, 80)}"`);
  return digest.replace(':', '=');
}

/** Validates a repository path (no host), component by component. */
export function checkRepository(repository: string): string {
  if (repository.length > 255 || !repository.split('/').every((c) => anchoredPathComponentRegexp.test(c))) {
    throw new LayoutError(`invalid repository path "${repository.slice(0, 80)}"`);
  }
  return repository;
}

/** Validates a registry host[:port]. */
export function checkRegistry(registry: string): string {
  if (!anchoredDomainRegexp.test(registry))
    throw new LayoutError(`invalid registry "${registry.slice(0, 80)}"`);
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
