/**
 * `signedBaseLayer`: containers/image parses it but denies every image with this text
 * (policy_eval_baselayer.go), so that is the host's verdict and ours.
 */
import type { RequirementResult } from './result.js';

export function evaluateSignedBaseLayer(): RequirementResult {
  return { type: 'signedBaseLayer', verdict: 'denied', reason: 'signedBaseLayer not implemented yet!' };
}
