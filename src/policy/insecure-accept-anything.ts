/** `insecureAcceptAnything`: every image is allowed (policy_eval_simple.go). */
import type { RequirementResult } from './result.js';

export function evaluateInsecureAcceptAnything(): RequirementResult {
  return { type: 'insecureAcceptAnything', verdict: 'allowed', reason: undefined };
}
