export {
  importImage,
  ImportConfigError,
  NoConfigurationError,
  type ImportDeps,
  type ImportResult,
} from './import-image.js';
