export {
  signatureUrl,
  releaseSignatureUrl,
  releaseRelativePath,
  parseReleasePath,
  signatureRelativePath,
  mirrorPath,
  parseMirrorPath,
  digestSegment,
  checkRepository,
  checkRegistry,
  LayoutError,
  MAX_INDEX,
} from './layout.js';
