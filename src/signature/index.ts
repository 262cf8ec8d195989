export { describeUntrusted, type UntrustedDescription } from './untrusted.js';
export { asSignatureBlob, type SignatureBlob } from './blob.js';
export { parsePayload, PayloadError, type UntrustedSignatureInfo } from './payload.js';
export {
  parseMessage,
  readPackets,
  PacketError,
  type ParsedMessage,
  type SignaturePacketInfo,
} from './packets.js';
export { dearmor, isArmored, isCleartext } from './armor.js';
export { parseCleartext } from './cleartext.js';
export { signatureMetadata, VERIFIABLE_ALGORITHMS } from './metadata.js';
export {
  identityMatches,
  remap,
  expectedIdentityRule,
  policyIdentityRule,
  DEFAULT_SIGNED_IDENTITY,
  type SignedIdentity,
} from './identity.js';
export { Keyring, KeyError, readKeyFile, type KeySource, type SigningKey } from './keys.js';
export { manifestDigest, ManifestError } from './manifest-digest.js';
export {
  verifySignature,
  type SignatureAcceptanceRules,
  type SignatureVerdict,
  type VerifiedSignature,
  type RejectionStage,
} from './verify.js';
export { buildPayload, readSigningKey, signPayload, SigningError, type PayloadFields } from './sign.js';
