/**
 * What can be read from a signature blob without verifying it: the message structure and the
 * payload's claims. WARNING: nothing returned here is trusted; only verify() establishes trust.
 * Used by the importer (metadata) and the signatures API (is this a simple-signing message?).
 */
import { dearmor, isArmored, isCleartext } from './armor.js';
import { PacketError, parseMessage, type SignaturePacketInfo } from './packets.js';
import { PayloadError, parsePayload, type UntrustedSignatureInfo } from './payload.js';

/** Readable facts of a blob; `problem` says why it is not a usable simple-signing message. */
export interface UntrustedDescription {
  readonly format: 'binary' | 'armored' | 'cleartext' | 'unknown';
  readonly packets: ReadonlyArray<
    Pick<
      SignaturePacketInfo,
      | 'version'
      | 'publicKeyAlgorithm'
      | 'hashAlgorithm'
      | 'issuerKeyId'
      | 'issuerFingerprint'
      | 'creationTime'
    >
  >;
  readonly payload: UntrustedSignatureInfo | undefined;
  readonly problem: string | undefined;
}

/** Describes a blob; never throws. */
export function describeUntrusted(bytes: Uint8Array): UntrustedDescription {
  const format = isCleartext(bytes)
    ? 'cleartext'
    : isArmored(bytes)
      ? 'armored'
      : bytes.length && bytes[0]! & 0x80
        ? 'binary'
        : 'unknown';
  if (format === 'cleartext')
    return {
      format,
      packets: [],
      payload: undefined,
      problem: 'a cleartext-signed message, not a signed OpenPGP message',
    };
  if (format === 'unknown') {
    const start = bytes.length ? `0x${bytes[0]!.toString(16).padStart(2, '0')}` : 'empty';
    return {
      format,
      packets: [],
      payload: undefined,
      problem: `not an OpenPGP message (starts with ${start})`,
    };
  }
  try {
    const message = parseMessage(format === 'armored' ? dearmor(bytes) : bytes);
    const packets = message.signatures.map(({ body: _body, signatureType: _type, ...info }) => info);
    if (!message.literal)
      return { format, packets, payload: undefined, problem: 'the message has no literal data' };
    if (!message.signatures.length)
      return { format, packets, payload: undefined, problem: 'the message has no signature packet' };
    return { format, packets, payload: parsePayload(message.literal.data), problem: undefined };
  } catch (err) {
    if (err instanceof PacketError || err instanceof PayloadError)
      return { format, packets: [], payload: undefined, problem: err.message };
    throw err;
  }
}
