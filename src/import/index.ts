export {
  importImage,
  ImportConfigError,
  NoConfigurationError,
  type ImportDeps,
  type ImportResult,
} from './import-image.js';
export { uploadSignature, type Upload, type UploadResult } from './upload-signature.js';
export { importRelease, type ReleaseImportResult } from './import-release.js';
export { ImportFailure, importFailureOf } from './failure.js';
export { runImport, releaseImportOf } from './run.js';
export { resyncSweep, resyncTickMs, type ResyncSweepDeps } from './resync-sweep.js';
export { imageReference, type ImageKey } from '../reference/index.js';
export type { SignatureStore } from '../store/index.js';
export type { RegistriesConfig } from '../registries/index.js';
