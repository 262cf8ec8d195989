export {
  importImage,
  ImportConfigError,
  NoConfigurationError,
  type ImportDeps,
  type ImportResult,
} from './import-image.js';
export { importRelease, type ReleaseImportResult } from './import-release.js';
