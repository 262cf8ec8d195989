/**
 * One signature's outcome in the words the CLI (verify, verify-blob), the API (`POST /v1/verify`)
 * and the saved records share: `verdict` trusted | rejected | unsupported, `stage`, `reason`,
 * `keyFingerprint`, `subkeyFingerprint`, `identity`, `digest`. Keep docs/verify.md in sync.
 */
import type { SignatureVerdict } from '../signature/index.js';

/** The verdict of one signature, without where it came from. */
export interface SignatureOutcome {
  readonly verdict: 'trusted' | 'rejected' | 'unsupported';
  /** The step that refused it (message, crypto, unsupported, payload, digest, identity), when refused. */
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

/** verifySignature's answer in the shared vocabulary. */
export function signatureOutcome(v: SignatureVerdict): SignatureOutcome {
  if (v.verdict === 'accepted') {
    const s = v.signature;
    return {
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

/** One line for people: `trusted key F (subkey S) identity R digest D` or `rejected (stage) key F: reason`. */
export function describeOutcome(o: SignatureOutcome): string {
  const subkey = o.subkeyFingerprint ? ` (subkey ${o.subkeyFingerprint})` : '';
  const key = o.keyFingerprint ? ` key ${o.keyFingerprint}${subkey}` : '';
  if (o.verdict !== 'trusted') return `${o.verdict} (${o.stage})${key}: ${o.reason}`;
  return `trusted${key} identity ${o.identity} digest ${o.digest}`;
}
