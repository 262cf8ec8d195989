export {
  importImage,
  ImportConfigError,
  NoConfigurationError,
  type ImportDeps,
  type ImportResult,
} from './import-image.js';
export { uploadSignature, type Upload, type UploadResult } from './upload-signature.js';
