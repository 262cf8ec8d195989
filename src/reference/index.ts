export {
  parseNormalizedReference,
  referenceString,
  digestProblem,
  ReferenceError,
  type DockerReference,
} from './parse.js';
export { identityScope, namespaceScopes, candidateScopes } from './scopes.js';
export { anchoredPathComponentRegexp, anchoredDomainRegexp, anchoredTagRegexp } from './grammar.js';
export {
  checkImageKey,
  imageKeyFromReference,
  imageKeyProblem,
  imageReference,
  invalidPartMessage,
  isRegistry,
  isRepository,
  isSha256Digest,
  ImageKeyError,
  type ImageKey,
  type ImageKeyPart,
} from './image-key.js';
