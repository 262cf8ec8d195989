/**
 * Would a host accept this image? policy_eval.go IsRunningImageAllowed: pick the requirement list
 * for the reference (scope.ts), then ALL of its requirements must allow the image. Unlike the host,
 * every requirement is evaluated (the host stops at the first denial) so that each can be reported;
 * the first one that does not allow decides the reason, as the host's error would say.
 * Keep in sync with docs/spec/policy-json.md.
 */
import { referenceString } from '../reference/index.js';
import { checkPolicyImage, imageName, type PolicyImage } from './image.js';
import { evaluateInsecureAcceptAnything } from './insecure-accept-anything.js';
import type { Policy } from './parse.js';
import { evaluateReject } from './reject.js';
import type { EvaluationContext, RequirementOutcome, RequirementResult } from './result.js';
import type { PolicyRequirement } from './schema.js';
import { requirementsFor, type ScopeDecision } from './scope.js';
import { evaluateSignedBaseLayer } from './signed-base-layer.js';
import { evaluateSignedBy } from './signed-by.js';
import { evaluateSigstoreSigned } from './sigstore-signed.js';

/** containers/image's text for an empty list (parsePolicy never yields one; built policies might). */
export const EMPTY_REQUIREMENTS = 'List of verification policy requirements must not be empty';

/** The whole answer. */
export interface PolicyResult {
  /** `docker://name:tag` or `docker://name@digest`, as the host's messages name it. */
  readonly image: string;
  readonly reference: string;
  readonly manifestDigest: string;
  /** The section that decided (see ScopeDecision), without its requirements. */
  readonly section: string;
  readonly scope: string | undefined;
  readonly tried: readonly string[];
  /** True only when every requirement allowed the image. */
  readonly allowed: boolean;
  /** `allowed`; `denied` when a requirement denied; `unsupported` when none denied but one could not be judged. */
  readonly verdict: 'allowed' | 'denied' | 'unsupported';
  /** Why not: the reason of the first requirement that did not allow. */
  readonly reason: string | undefined;
  readonly requirements: readonly RequirementOutcome[];
}

/** Options besides policy and image. */
export type EvaluateOptions = Omit<EvaluationContext, 'image'>;

/** Evaluates `policy` for `image`. Never throws on bad signatures or keys; throws PolicyImageError on a bad reference. */
export async function evaluatePolicy(
  policy: Policy,
  image: PolicyImage,
  options: EvaluateOptions,
): Promise<PolicyResult> {
  checkPolicyImage(image);
  const ctx: EvaluationContext = { ...options, image };
  const decision = requirementsFor(policy, image.reference);
  const requirements: RequirementOutcome[] = [];
  for (const [index, req] of decision.requirements.entries())
    requirements.push({ index, ...(await evaluateRequirement(req, ctx)) });
  return summarise(image, decision, requirements);
}

function evaluateRequirement(
  req: PolicyRequirement,
  ctx: EvaluationContext,
): Promise<RequirementResult> | RequirementResult {
  switch (req.type) {
    case 'insecureAcceptAnything':
      return evaluateInsecureAcceptAnything();
    case 'reject':
      return evaluateReject(ctx);
    case 'signedBy':
      return evaluateSignedBy(req, ctx);
    case 'signedBaseLayer':
      return evaluateSignedBaseLayer();
    case 'sigstoreSigned':
      return evaluateSigstoreSigned();
  }
}

function summarise(
  image: PolicyImage,
  decision: ScopeDecision,
  requirements: RequirementOutcome[],
): PolicyResult {
  const denied = requirements.find((r) => r.verdict === 'denied');
  const unsupported = requirements.find((r) => r.verdict === 'unsupported');
  const empty = requirements.length === 0;
  const verdict = denied || empty ? 'denied' : unsupported ? 'unsupported' : 'allowed';
  return {
    image: imageName(image.reference),
    reference: referenceString(image.reference),
    manifestDigest: image.manifestDigest,
    section: decision.section,
    scope: decision.scope,
    tried: decision.tried,
    allowed: verdict === 'allowed',
    verdict,
    reason: empty ? EMPTY_REQUIREMENTS : (denied ?? unsupported)?.reason,
    requirements,
  };
}
