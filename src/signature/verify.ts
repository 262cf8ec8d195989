/**
 * verifySignature: the only way to a VerifiedSignature. containers/image's order
 * (signature/simple.go verifyAndExtractSignature): OpenPGP → payload → digest → identity; the
 * first failing step decides. Keep in sync with docs/spec/simple-signing.md §Verification.
 */
import { dearmor, isArmored, isCleartext } from './armor.js';
import { parseCleartext } from './cleartext.js';
import { checkSignaturePacket } from './crypto.js';
import type { Keyring, SigningKey } from './keys.js';
import { PacketError, parseMessage, type ParsedMessage, type SignaturePacketInfo } from './packets.js';
import { PayloadError, parsePayload, type UntrustedSignatureInfo } from './payload.js';

/** What a signature must satisfy, by name (containers/image signatureAcceptanceRules). */
export interface SignatureAcceptanceRules {
  readonly keyring: Keyring;
  /** The image's manifest digest, `sha256:<hex>`. */
  readonly manifestDigest: string;
  /** Undefined when the signed reference is acceptable, else why not. */
  readonly validateSignedReference: (untrustedDockerReference: string) => string | undefined;
  /** Reject weak legacy material (RSA < 2048, SHA-1) instead of warning. */
  readonly strict?: boolean;
  /** Verification time (keys and signatures are judged at it); default now. */
  readonly now?: Date;
  /**
   * When the signer's key must be valid (not expired, not revoked): `verification` (at `now`, as
   * gpgme judges for hosts; default) or `signature` (at the signature's creation time: the
   * OpenShift CVO's Go openpgp never rejects a signature because its key expired since).
   */
  readonly keyValidityAt?: 'verification' | 'signature';
}

/** A signature that passed every rule. Its fields are facts, no longer claims. */
export interface VerifiedSignature {
  readonly dockerManifestDigest: string;
  readonly dockerReference: string;
  readonly creator: string | undefined;
  readonly timestamp: number | undefined;
  readonly keyFingerprint: string;
  readonly subkeyFingerprint: string | undefined;
  readonly keyId: string;
  readonly packetVersion: number;
  readonly publicKeyAlgorithm: number;
  readonly hashAlgorithm: number;
  readonly warnings: readonly string[];
}

/** The step that refused a signature. */
export type RejectionStage = 'message' | 'crypto' | 'unsupported' | 'payload' | 'digest' | 'identity';

export type SignatureVerdict =
  | { readonly verdict: 'accepted'; readonly signature: VerifiedSignature }
  | {
      readonly verdict: 'rejected';
      readonly stage: RejectionStage;
      readonly reason: string;
      readonly keyId: string | undefined;
      readonly keyFingerprint: string | undefined;
      readonly subkeyFingerprint: string | undefined;
      /** The payload's claims, when the crypto passed (still not trusted: a later step failed). */
      readonly untrusted: UntrustedSignatureInfo | undefined;
      readonly warnings: readonly string[];
    };

type Rejection = Extract<SignatureVerdict, { verdict: 'rejected' }>;

const reject = (stage: RejectionStage, reason: string, extra: Partial<Rejection> = {}): Rejection => ({
  verdict: 'rejected',
  stage,
  reason,
  keyId: undefined,
  keyFingerprint: undefined,
  subkeyFingerprint: undefined,
  untrusted: undefined,
  warnings: [],
  ...extra,
});

/** Verifies one signature blob (a lookaside `signature-N`) against the rules. Never throws on bad input. */
export async function verifySignature(
  bytes: Uint8Array,
  rules: SignatureAcceptanceRules,
): Promise<SignatureVerdict> {
  const message = parseSigned(bytes);
  if ('verdict' in message) return message;
  const { packet, literal } = message;

  // 1. OpenPGP
  const crypto = await checkSignaturePacket(packet, literal, rules.keyring, {
    now: rules.now ?? new Date(),
    strict: rules.strict ?? false,
    keyValidityAt: rules.keyValidityAt ?? 'verification',
  });
  const keyFacts = {
    keyId: packet.issuerKeyId,
    keyFingerprint: crypto.key?.primaryFingerprint,
    subkeyFingerprint: crypto.key?.subkeyFingerprint,
  };
  if (!crypto.ok)
    return reject(
      crypto.reason.startsWith('unsupported') ? 'unsupported' : 'crypto',
      crypto.reason,
      keyFacts,
    );
  const warnings = crypto.warnings;

  // 2. payload
  let untrusted: UntrustedSignatureInfo;
  try {
    untrusted = parsePayload(message.payload ?? literal.data);
  } catch (err) {
    if (err instanceof PayloadError) return reject('payload', err.message, { ...keyFacts, warnings });
    throw err;
  }
  // 3. digest
  if (untrusted.untrustedDockerManifestDigest !== rules.manifestDigest)
    return reject(
      'digest',
      `Signature for docker digest ${JSON.stringify(untrusted.untrustedDockerManifestDigest)} does not match`,
      { ...keyFacts, untrusted, warnings },
    );
  // 4. identity
  const identityProblem = rules.validateSignedReference(untrusted.untrustedDockerReference);
  if (identityProblem !== undefined)
    return reject('identity', identityProblem, { ...keyFacts, untrusted, warnings });

  return accepted(untrusted, crypto.key, packet, warnings);
}

/** The one signature and literal of a blob (binary, armored or cleartext), or why it is not one. */
function parseSigned(bytes: Uint8Array) {
  let message: ParsedMessage & { payload?: Uint8Array };
  try {
    message = isCleartext(bytes)
      ? parseCleartext(bytes)
      : parseMessage(isArmored(bytes) ? dearmor(bytes) : bytes);
  } catch (err) {
    if (err instanceof PacketError) return reject('message', `not a valid OpenPGP message: ${err.message}`);
    throw err;
  }
  // A message with no signature is a failure, never a success (gpgme: "Unexpected GPG signature count 0").
  if (message.signatures.length !== 1 || !message.literal)
    return reject('message', `Unexpected signature count ${message.literal ? message.signatures.length : 0}`);
  return { packet: message.signatures[0]!, literal: message.literal, payload: message.payload };
}

function accepted(
  untrusted: UntrustedSignatureInfo,
  key: SigningKey,
  packet: SignaturePacketInfo,
  warnings: readonly string[],
): SignatureVerdict {
  return {
    verdict: 'accepted',
    signature: {
      dockerManifestDigest: untrusted.untrustedDockerManifestDigest,
      dockerReference: untrusted.untrustedDockerReference,
      creator: untrusted.untrustedCreator,
      timestamp: untrusted.untrustedTimestamp,
      keyFingerprint: key.primaryFingerprint,
      subkeyFingerprint: key.subkeyFingerprint,
      keyId: packet.issuerKeyId ?? key.primaryFingerprint.slice(-16),
      packetVersion: packet.version,
      publicKeyAlgorithm: packet.publicKeyAlgorithm,
      hashAlgorithm: packet.hashAlgorithm,
      warnings,
    },
  };
}
