/**
 * `sigstoreSigned`: hosts verify cosign-style signatures stored as registry attachments, which
 * sigmirror does not mirror: it cannot know the host's verdict, so it says so rather than guess.
 */
import type { RequirementResult } from './result.js';

export const SIGSTORE_UNSUPPORTED =
  'sigstoreSigned is not supported: it needs sigstore signatures (registry attachments), and sigmirror holds only simple-signing signatures';

export function evaluateSigstoreSigned(): RequirementResult {
  return { type: 'sigstoreSigned', verdict: 'unsupported', reason: SIGSTORE_UNSUPPORTED };
}
