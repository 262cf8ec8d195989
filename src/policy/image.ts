/**
 * The image a policy is evaluated for, as a host sees it when it pulls: the reference it names
 * (which picks the scope and is what `signedIdentity` compares against), the manifest digest, and
 * the signature blobs. Bytes only: this module never reads the store.
 */
import { referenceString, type DockerReference } from '../reference/index.js';

/** One signature blob and its lookaside index (`signature-<index>`). */
export interface PolicySignature {
  readonly index: number;
  readonly bytes: Uint8Array;
}

/** An image under evaluation. */
export interface PolicyImage {
  /**
   * The reference the host pulls: `name:tag` or `name@digest`, exactly one of the two (the docker
   * transport of containers/image refuses both, and adds `:latest` to a bare name).
   */
  readonly reference: DockerReference;
  /** The manifest digest (`sha256:<hex>`) signatures must name; the reference's own when it has one. */
  readonly manifestDigest: string;
  /** In lookaside order. */
  readonly signatures: readonly PolicySignature[];
}

/** A reference that a docker-transport image cannot have. */
export class PolicyImageError extends Error {
  override readonly name = 'PolicyImageError';
}

/** Checks the tag-xor-digest rule and that a digest reference agrees with the manifest digest. */
export function checkPolicyImage(image: PolicyImage): void {
  const { tag, digest } = image.reference;
  const ref = referenceString(image.reference);
  if (tag !== undefined && digest !== undefined)
    throw new PolicyImageError(`${ref}: a reference with both a tag and a digest is not supported`);
  if (tag === undefined && digest === undefined)
    throw new PolicyImageError(`${ref}: a tag or a digest is needed`);
  if (digest !== undefined && digest !== image.manifestDigest)
    throw new PolicyImageError(`${ref}: the manifest digest is ${image.manifestDigest}`);
}

/** `docker://name:tag` — containers/image's transports.ImageName, used in its messages. */
export function imageName(ref: DockerReference): string {
  return `docker://${referenceString(ref)}`;
}
