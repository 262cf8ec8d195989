/**
 * policy.json `signedIdentity` rules: does a signature's (untrusted, already verified) docker
 * reference S match the image reference I? containers/image signature/policy_reference_match.go.
 * Pure. Keep in sync with docs/spec/simple-signing.md §Identity rules.
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

/** A reference with neither tag nor digest: signatures and exact rules must name one. */
const nameOnly = (r: DockerReference) => r.tag === undefined && r.digest === undefined;

/**
 * matchRepoDigestOrExact: a tagged image needs S == I; a digest-only image needs the same
 * repository. A signed reference without tag or digest never matches (no default tag is added).
 */
function repoDigestOrExact(image: DockerReference, signed: DockerReference): boolean {
  if (nameOnly(signed)) return false;
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
      return !nameOnly(image) && !nameOnly(signed) && same(image, signed);
    case 'matchRepoDigestOrExact':
      return repoDigestOrExact(image, signed);
    case 'matchRepository':
      return image.name === signed.name;
    case 'exactReference': {
      const intended = parseNormalizedReference(rule.dockerReference);
      return !nameOnly(intended) && !nameOnly(signed) && same(intended, signed);
    }
    case 'exactRepository':
      return parseNormalizedReference(rule.dockerRepository).name === signed.name;
    case 'remapIdentity': {
      const remapped = remap(image, rule.prefix, rule.signedPrefix);
      return remapped !== undefined && repoDigestOrExact(remapped, signed);
    }
  }
}

/**
 * remapIdentity: when the image's reference starts with `prefix` (on a component boundary), it is
 * rewritten to start with `signedPrefix` before matchRepoDigestOrExact (mirrors of a registry).
 * The result must already be canonical (containers/image re-reads it with ParseNamed): otherwise
 * undefined, which matches nothing.
 */
export function remap(
  image: DockerReference,
  prefix: string,
  signedPrefix: string,
): DockerReference | undefined {
  const full = referenceString(image);
  if (!matchesPrefix(full, prefix)) return image;
  const rewritten = signedPrefix + full.slice(prefix.length);
  try {
    const parsed = parseNormalizedReference(rewritten);
    return referenceString(parsed) === rewritten ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** containers/image refMatchesPrefix: equal, or a prefix followed by `:`, `/` or `@`. */
function matchesPrefix(ref: string, prefix: string): boolean {
  if (ref.length < prefix.length) return false;
  if (ref.length === prefix.length) return ref === prefix;
  return ref.startsWith(prefix) && [':', '/', '@'].includes(ref[prefix.length]!);
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
