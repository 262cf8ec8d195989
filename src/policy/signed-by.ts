/**
 * `signedBy` (policy_eval_signedby.go): the image is allowed when at least one of its signatures
 * is accepted — made by one of the requirement's keys, payload valid, manifest digest equal to the
 * image's, signed reference accepted by `signedIdentity` (default matchRepoDigestOrExact).
 * Every signature is judged (not only up to the first accepted one) so that each can be reported.
 * Keep in sync with docs/spec/policy-json.md §Requirement kinds.
 */
import {
  DEFAULT_SIGNED_IDENTITY,
  policyIdentityRule,
  verifySignature,
  type Keyring,
  type SignatureVerdict,
  type SignedIdentity,
} from '../signature/index.js';
import type { PolicySignature } from './image.js';
import type { EvaluationContext, RequirementResult, SignatureOutcome } from './result.js';
import type { SignedByRequirement } from './schema.js';
import { loadSignedByKeys } from './signed-by-keys.js';

/** containers/image's reason when an image has no signature at all. */
export const NO_SIGNATURE = 'A signature was required, but no signature exists';

/** Judges every signature of the image; allowed when one is accepted. Never throws on bad keys or signatures. */
export async function evaluateSignedBy(
  req: SignedByRequirement,
  ctx: EvaluationContext,
): Promise<RequirementResult> {
  const signatures = ctx.image.signatures;
  if (req.keyType !== 'GPGKeys') {
    const reason = `Unimplemented "keyType" value "${req.keyType}"`;
    return summarise(signatures.map((s) => keyProblem(s.index, reason)));
  }
  const keys = await loadSignedByKeys(req, ctx.readKeyFile);
  if (!keys.keyring) {
    const { error } = keys.report;
    return { ...summarise(signatures.map((s) => keyProblem(s.index, error))), keys: keys.report };
  }
  const outcomes: SignatureOutcome[] = [];
  for (const signature of signatures) outcomes.push(await judge(signature, req, keys.keyring, ctx));
  return { ...summarise(outcomes), keys: keys.report };
}

async function judge(
  signature: PolicySignature,
  req: SignedByRequirement,
  keyring: Keyring,
  ctx: EvaluationContext,
): Promise<SignatureOutcome> {
  const verdict = await verifySignature(signature.bytes, {
    keyring,
    manifestDigest: ctx.image.manifestDigest,
    validateSignedReference: identityRule(req.signedIdentity ?? DEFAULT_SIGNED_IDENTITY, ctx),
    now: ctx.now,
  });
  return outcomeOf(signature.index, verdict);
}

/**
 * policyIdentityRule, where a rule that cannot be applied (remapIdentity rewriting the image into
 * an invalid reference) rejects the signature, as in containers/image (remapReferencePrefix error
 * → no match), instead of throwing out of the evaluation.
 */
function identityRule(rule: SignedIdentity, ctx: EvaluationContext): (signed: string) => string | undefined {
  const check = policyIdentityRule(rule, ctx.image.reference);
  return (signed) => {
    try {
      return check(signed);
    } catch {
      return `Signature for identity ${signed} is not accepted`;
    }
  };
}

function outcomeOf(index: number, v: SignatureVerdict): SignatureOutcome {
  if (v.verdict === 'accepted')
    return {
      index,
      verdict: 'accepted',
      reason: undefined,
      stage: undefined,
      keyFingerprint: v.signature.keyFingerprint,
      subkeyFingerprint: v.signature.subkeyFingerprint,
      signedReference: v.signature.dockerReference,
      warnings: v.signature.warnings,
    };
  // The policy path words a digest mismatch differently from standalone-verify.
  const reason =
    v.stage === 'digest' && v.untrusted
      ? `Signature for digest ${v.untrusted.untrustedDockerManifestDigest} does not match`
      : v.reason;
  return {
    index,
    verdict: 'rejected',
    reason,
    stage: v.stage,
    keyFingerprint: v.keyFingerprint,
    subkeyFingerprint: v.subkeyFingerprint,
    signedReference: v.untrusted?.untrustedDockerReference,
    warnings: v.warnings,
  };
}

/** A signature rejected before verification because the requirement's keys are unusable. */
function keyProblem(index: number, reason: string): SignatureOutcome {
  return {
    index,
    verdict: 'rejected',
    reason,
    stage: 'key',
    keyFingerprint: undefined,
    subkeyFingerprint: undefined,
    signedReference: undefined,
    warnings: [],
  };
}

/** One accepted signature allows; otherwise containers/image's summary of the rejections. */
function summarise(outcomes: SignatureOutcome[]): RequirementResult {
  const base = { type: 'signedBy', signatures: outcomes } as const;
  if (outcomes.some((o) => o.verdict === 'accepted'))
    return { ...base, verdict: 'allowed', reason: undefined };
  const reasons = outcomes.map((o) => o.reason ?? '');
  const reason =
    reasons.length === 0
      ? NO_SIGNATURE
      : reasons.length === 1
        ? reasons[0]
        : `None of the signatures were accepted, reasons: ${reasons.join('; ')}`;
  return { ...base, verdict: 'denied', reason };
}
