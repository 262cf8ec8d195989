/**
 * Verifies the stored signatures of an OpenShift release as the cluster version operator does
 * (library-go pkg/verify/verify.go): a signature counts when a key of the keyring made it and it
 * names the release digest. The signed identity (docker-reference) is not checked, and the key is
 * judged at the signature's creation time (the CVO's Go openpgp ignores key expiry).
 * Keep in sync with docs/releases.md §Verification.
 */
import type { Keyring } from '../signature/index.js';
import { releaseKey, type SignatureStore } from '../store/index.js';
import { reportStored, type ImageVerification } from './verify-image.js';

/** What release records and reports give as the expected identity: none is required. */
export const RELEASE_IDENTITY = '<any: OpenShift release, identity not checked>';

export interface VerifyReleaseInput {
  readonly store: SignatureStore;
  /** `sha256:<hex>`. */
  readonly digest: string;
  readonly keyring: Keyring;
  readonly strict?: boolean;
  readonly now?: Date;
}

/** The same shape as an image's verification (its `image` is the release key), so --save records it alike. */
export async function verifyRelease(input: VerifyReleaseInput): Promise<ImageVerification> {
  const image = releaseKey(input.digest);
  const reports = await reportStored(input.store, image, {
    keyring: input.keyring,
    manifestDigest: input.digest,
    validateSignedReference: () => undefined,
    strict: input.strict ?? false,
    now: input.now ?? new Date(),
    keyValidityAt: 'signature',
  });
  return {
    image,
    expectedIdentity: RELEASE_IDENTITY,
    verified: reports.some((r) => r.verdict === 'trusted'),
    signatures: reports,
  };
}
