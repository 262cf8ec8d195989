/** `reject`: no image is allowed, with containers/image's text (policy_eval_simple.go). */
import { imageName } from './image.js';
import type { EvaluationContext, RequirementResult } from './result.js';

export function evaluateReject(ctx: EvaluationContext): RequirementResult {
  return {
    type: 'reject',
    verdict: 'denied',
    reason: `Running image ${imageName(ctx.image.reference)} is rejected by policy.`,
  };
}
