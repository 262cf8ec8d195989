export {
  importImage,
  ImportConfigError,
  NoConfigurationError,
  type ImportDeps,
  type ImportResult,
} from './import-image.js';
export { uploadSignature, type Upload, type UploadResult } from './upload-signature.js';
export { importRelease, type ReleaseImportResult } from './import-release.js';
