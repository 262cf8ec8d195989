export {
  signatureUrl,
  releaseSignatureUrl,
  releaseRelativePath,
  signatureRelativePath,
  digestSegment,
  checkRepository,
  checkRegistry,
  LayoutError,
  MAX_INDEX,
} from './layout.js';
