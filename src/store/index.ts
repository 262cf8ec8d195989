export type {
  SignatureStore,
  ImageKey,
  NewSignature,
  Provenance,
  SignatureEntry,
  AppendResult,
  VerificationRecord,
} from './types.js';
export { createFsStore, type FsStoreOptions } from './fs-store.js';
export { imageKeyFromReference, imageKeyString } from './image-key.js';
