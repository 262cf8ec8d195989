export {
  parsePolicy,
  PolicyParseError,
  type Policy,
  type PolicyIssue,
  type TransportScopes,
} from './parse.js';
export {
  KEY_TYPES,
  REQUIREMENT_TYPES,
  SIGNED_IDENTITY_TYPES,
  type KeyType,
  type PolicyRequirement,
  type SignedByRequirement,
} from './schema.js';
export { formatJsonPath, MAX_POLICY_DEPTH } from './json-document.js';
export { requirementsFor, DOCKER_TRANSPORT, type ScopeDecision } from './scope.js';
export {
  checkPolicyImage,
  imageName,
  PolicyImageError,
  type PolicyImage,
  type PolicySignature,
} from './image.js';
export { evaluatePolicy, EMPTY_REQUIREMENTS, type EvaluateOptions, type PolicyResult } from './evaluate.js';
export type {
  EvaluationContext,
  KeysOutcome,
  RequirementOutcome,
  RequirementVerdict,
  SignatureOutcome,
} from './result.js';
export { NO_SIGNATURE } from './signed-by.js';
export { NO_KEYS } from './signed-by-keys.js';
export { SIGSTORE_UNSUPPORTED } from './sigstore-signed.js';
export { readPolicyFile, readKeyFileFromDisk } from './load.js';
