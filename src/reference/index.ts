export {
  parseNormalizedReference,
  referenceString,
  digestProblem,
  ReferenceError,
  type DockerReference,
} from './parse.js';
export { identityScope, namespaceScopes, candidateScopes } from './scopes.js';
export { anchoredPathComponentRegexp, anchoredDomainRegexp, anchoredTagRegexp } from './grammar.js';
