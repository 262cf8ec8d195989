/**
 * Verifies every stored signature of one image (like `oc adm verify-image-signature`): one
 * report per signature, trusted when it passes every rule for the expected identity. Shared by
 * `sigmirror verify` and `POST /v1/verify`. Reads the store; never changes it (see save.ts).
 */
import {
  expectedIdentityRule,
  verifySignature,
  type Keyring,
  type SignatureAcceptanceRules,
} from '../signature/index.js';
import type { ImageKey, SignatureStore } from '../store/index.js';

/** One signature's outcome, in the words the CLI, API and records share. */
export interface SignatureReport {
  readonly index: number;
  readonly sha256: string;
  readonly verdict: 'trusted' | 'rejected' | 'unsupported';
  /** The step that refused it (message, crypto, payload, digest, identity), when refused. */
  readonly stage: string | null;
  readonly reason: string | null;
  readonly keyId: string | null;
  readonly keyFingerprint: string | null;
  readonly subkeyFingerprint: string | null;
  /** Signed identity and digest: facts when trusted, claims otherwise. */
  readonly identity: string | null;
  readonly digest: string | null;
  readonly warnings: readonly string[];
}

export interface ImageVerification {
  readonly image: ImageKey;
  readonly expectedIdentity: string;
  /** At least one signature is trusted for the expected identity. */
  readonly verified: boolean;
  readonly signatures: readonly SignatureReport[];
}

export interface VerifyImageInput {
  readonly store: SignatureStore;
  readonly image: ImageKey;
  readonly keyring: Keyring;
  readonly expectedIdentity: string;
  readonly strict?: boolean;
  readonly now?: Date;
}

export async function verifyImage(input: VerifyImageInput): Promise<ImageVerification> {
  const rules = {
    keyring: input.keyring,
    manifestDigest: input.image.digest,
    validateSignedReference: expectedIdentityRule(input.expectedIdentity),
    strict: input.strict ?? false,
    now: input.now ?? new Date(),
  };
  const reports = await reportStored(input.store, input.image, rules);
  return {
    image: input.image,
    expectedIdentity: input.expectedIdentity,
    verified: reports.some((r) => r.verdict === 'trusted'),
    signatures: reports,
  };
}

/** One report per stored signature of `image`, checked against `rules` (shared with releases). */
export async function reportStored(
  store: SignatureStore,
  image: ImageKey,
  rules: SignatureAcceptanceRules,
): Promise<SignatureReport[]> {
  const reports: SignatureReport[] = [];
  for (const entry of await store.list(image)) {
    const bytes = await store.read(image, entry.index);
    if (!bytes) continue; // removed meanwhile
    reports.push(report(entry.index, entry.sha256, await verifySignature(bytes, rules)));
  }
  return reports;
}

function report(
  index: number,
  sha256: string,
  v: Awaited<ReturnType<typeof verifySignature>>,
): SignatureReport {
  if (v.verdict === 'accepted') {
    const s = v.signature;
    return {
      index,
      sha256,
      verdict: 'trusted',
      stage: null,
      reason: null,
      keyId: s.keyId,
      keyFingerprint: s.keyFingerprint,
      subkeyFingerprint: s.subkeyFingerprint ?? null,
      identity: s.dockerReference,
      digest: s.dockerManifestDigest,
      warnings: s.warnings,
    };
  }
  return {
    index,
    sha256,
    verdict: v.stage === 'unsupported' ? 'unsupported' : 'rejected',
    stage: v.stage,
    reason: v.reason,
    keyId: v.keyId ?? null,
    keyFingerprint: v.keyFingerprint ?? null,
    subkeyFingerprint: v.subkeyFingerprint ?? null,
    identity: v.untrusted?.untrustedDockerReference ?? null,
    digest: v.untrusted?.untrustedDockerManifestDigest ?? null,
    warnings: v.warnings,
  };
}
