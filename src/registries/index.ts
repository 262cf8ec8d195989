export { loadRegistriesDir, type LoadResult, type RegistriesConfig, type ScopeEntry } from './load.js';
export {
  lookasideFor,
  useSigstoreAttachmentsFor,
  signatureBaseFor,
  builtinLookaside,
  type Direction,
  type LookasideDecision,
} from './resolve.js';
export { resolveReference, type Resolution } from './resolution.js';
export { formatProblem, type ConfigProblem } from './problems.js';
export { lookasideUrlProblem } from './url.js';
export { RegistriesWatcher, type RegistriesState, type WatcherOptions } from './watch.js';
