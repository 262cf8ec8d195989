export type {
  SignatureStore,
  ImageKey,
  NewSignature,
  Provenance,
  SignatureEntry,
  AppendResult,
  VerificationRecord,
  ImageStatus,
  ImageSummary,
  ImageQuery,
  ImagePage,
  AdoptResult,
  DescribeSignature,
} from './types.js';
export { IMAGE_STATUSES } from './types.js';
export { SignatureLimitError, SignatureNameTakenError } from './errors.js';
export { createFsStore, type FsStoreOptions } from './fs-store.js';
export { GroupCommitter, syncFileSystemOf, type Flush } from './committer.js';
export { createRedisStore, type RedisStoreOptions } from './redis-store.js';
export {
  releaseKey,
  isReleaseKey,
  releaseDirectory,
  RELEASE_REGISTRY,
  RELEASE_REPOSITORY,
} from './release-key.js';
export { redisImageIndex, type ImageIndex } from './redis-index.js';
export { imageStatus, summarize } from './status.js';
export { reindex, type ReindexResult } from './reindex.js';
export { sweepCrashLeftovers, type SweepResult } from './sweep.js';
export { Tombstones, type Tombstone } from './tombstones.js';
export {
  appendUnlessTombstoned,
  removeWithTombstones,
  type Removal,
  type TombstonedAppend,
} from './removal.js';
