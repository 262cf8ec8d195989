/**
 * policy.json `signedIdentity` rules: does a signature's (untrusted, already verified) docker
 * reference S match the image reference I? containers/image signature/policy_reference_match.go.
 * Pure. Keep in sync with ../shared/spec/simple-signing.md §Identity rules.
 */
import { parseNormalizedReference, referenceString, type DockerReference } from '../reference/index.js';

/** The six rule kinds, as policy.json spells them. */
export type SignedIdentity =
  | { readonly type: 'matchExact' }
  | { readonly type: 'matchRepoDigestOrExact' }
  | { readonly type: 'matchRepository' }
  | { readonly type: 'exactReference'; readonly dockerReference: string }
  | { readonly type: 'exactRepository'; readonly dockerRepository: string }
  | { readonly type: 'remapIdentity'; readonly prefix: string; readonly signedPrefix: string };

/** The default rule of `signedBy`. */
export const DEFAULT_SIGNED_IDENTITY: SignedIdentity = { type: 'matchRepoDigestOrExact' };

const same = (a: DockerReference, b: DockerReference) => referenceString(a) === referenceString(b);

/** matchRepoDigestOrExact: a tagged image needs S == I; a digest-only image needs the same repository. */
function repoDigestOrExact(image: DockerReference, signed: DockerReference): boolean {
  if (image.tag !== undefined) return same(image, signed);
  if (image.digest !== undefined) return image.name === signed.name;
  return false;
}

/** Does the signed reference match the image under `rule`? Unparsable references never match. */
export function identityMatches(
  rule: SignedIdentity,
  image: DockerReference,
  signedReference: string,
): boolean {
  let signed: DockerReference;
  try {
    signed = parseNormalizedReference(signedReference);
  } catch {
    return false;
  }
  switch (rule.type) {
    case 'matchExact':
      return same(image, signed);
    case 'matchRepoDigestOrExact':
      return repoDigestOrExact(image, signed);
    case 'matchRepository':
      return image.name === signed.name;
    case 'exactReference':
      return same(parseNormalizedReference(rule.dockerReference), signed);
    case 'exactRepository':
      return parseNormalizedReference(rule.dockerRepository).name === signed.name;
    case 'remapIdentity':
      return repoDigestOrExact(remap(image, rule.prefix, rule.signedPrefix), signed);
  }
}

/**
 * remapIdentity: when the image's reference starts with `prefix` (on a component boundary), it is
 * rewritten to start with `signedPrefix` before matchRepoDigestOrExact (mirrors of a registry).
 */
export function remap(image: DockerReference, prefix: string, signedPrefix: string): DockerReference {
  const full = referenceString(image);
  const boundary = full.length === prefix.length || ['/', ':', '@'].includes(full[prefix.length] ?? '');
  if (!full.startsWith(prefix) || !boundary || prefix.endsWith('/')) return image;
  return parseNormalizedReference(signedPrefix + full.slice(prefix.length));
}

/**
 * `verify-blob`/`verify` with an expected identity: the signed reference must equal it once both
 * are normalised (skopeo standalone-verify; `testing/manifest` == `docker.io/testing/manifest`).
 */
export function expectedIdentityRule(expected: string): (signed: string) => string | undefined {
  const wanted = referenceString(parseNormalizedReference(expected));
  return (signed) => {
    let actual: string | undefined;
    try {
      actual = referenceString(parseNormalizedReference(signed));
    } catch {
      actual = undefined;
    }
    return actual === wanted ? undefined : `Docker reference ${signed} does not match ${expected}`;
  };
}

/** policy.json `signedIdentity` for the image `image` (containers/image's rejection text). */
export function policyIdentityRule(
  rule: SignedIdentity,
  image: DockerReference,
): (signed: string) => string | undefined {
  return (signed) =>
    identityMatches(rule, image, signed) ? undefined : `Signature for identity ${signed} is not accepted`;
}
