export {
  verifyImage,
  ImageUnknownError,
  type ImageVerification,
  type SignatureReport,
  type VerifyImageInput,
} from './verify-image.js';
export { signatureOutcome, describeOutcome, type SignatureOutcome } from './report.js';
export { saveVerification, verificationRecord } from './save.js';
export { loadKeyring } from './load-keys.js';
export { verifyRelease, RELEASE_IDENTITY, type VerifyReleaseInput } from './verify-release.js';
