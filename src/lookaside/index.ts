export {
  signatureUrl,
  releaseSignatureUrl,
  signatureRelativePath,
  digestSegment,
  checkRepository,
  checkRegistry,
  LayoutError,
  MAX_INDEX,
} from './layout.js';
