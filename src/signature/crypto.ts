/**
 * Checks one signature packet over a literal's data with a trusted key: v4/v6 through openpgp.js,
 * v3 (RFC 4880 §5.2.2, which openpgp.js drops silently) by hand with node:crypto. Judges the key
 * and the signature at verification time, as gpgme does for hosts (the key at the signature's
 * creation time when the rules ask for it: OpenShift release verification, as the CVO).
 * Keep in sync with docs/spec/simple-signing.md §Verification step 1 and §Pitfalls.
 */
import { createHash, verify as rsaVerify } from 'node:crypto';
import type * as openpgp from 'openpgp';
import { LEGACY_MIN_RSA_BITS, STRICT_MIN_RSA_BITS, type Keyring, type SigningKey } from './keys.js';
import { openpgpModule } from './openpgp.js';
import type { SignaturePacketInfo } from './packets.js';

/** OpenPGP hash algorithm IDs → node names. MD5 (1) and RIPEMD-160 (3) are refused. */
const HASHES: ReadonlyMap<number, string> = new Map([
  [2, 'sha1'],
  [8, 'sha256'],
  [9, 'sha384'],
  [10, 'sha512'],
  [11, 'sha224'],
]);
const WEAK_HASHES: ReadonlySet<number> = new Set([2]);
const SIGNATURE_TYPE = { BINARY: 0x00, TEXT: 0x01 } as const;
const RSA_ALGORITHMS: ReadonlySet<number> = new Set([1, 3]);
/** Algorithms openpgp.js 6 verifies in v4/v6 signature packets. */
const OPENPGPJS_ALGORITHMS: ReadonlySet<number> = new Set([1, 3, 17, 19, 22, 27, 28]);

/** What the crypto check established. */
export type CryptoResult =
  | { readonly ok: true; readonly key: SigningKey; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly reason: string; readonly key?: SigningKey };

export interface CryptoOptions {
  readonly now: Date;
  /** Reject RSA < 2048 bits and SHA-1 instead of warning. */
  readonly strict: boolean;
  /** Judge the key at `now` (default) or at the signature's creation time (SignatureAcceptanceRules). */
  readonly keyValidityAt?: 'verification' | 'signature';
}

const fail = (reason: string, key?: SigningKey): CryptoResult => ({ ok: false, reason, key });

/** Verifies `sig` over `data` (the literal's bytes, with its format byte) against `keyring`. */
export async function checkSignaturePacket(
  sig: SignaturePacketInfo,
  literal: { readonly format: string; readonly data: Uint8Array },
  keyring: Keyring,
  options: CryptoOptions,
): Promise<CryptoResult> {
  if (!OPENPGPJS_ALGORITHMS.has(sig.publicKeyAlgorithm))
    return fail(
      `unsupported public-key algorithm ${sig.publicKeyAlgorithm} (signature packet v${sig.version})`,
    );
  if (sig.signatureType !== SIGNATURE_TYPE.BINARY && sig.signatureType !== SIGNATURE_TYPE.TEXT)
    return fail(`signature type 0x${sig.signatureType.toString(16)} is not a document signature`);
  if (!HASHES.has(sig.hashAlgorithm)) return fail(`unsupported hash algorithm ${sig.hashAlgorithm}`);
  const keyId = sig.issuerFingerprint ?? sig.issuerKeyId;
  const key = keyId === undefined ? undefined : keyring.find(keyId);
  if (!key) return fail(`no trusted public key for key ID ${sig.issuerKeyId ?? '(none)'}`);

  const warnings: string[] = [];
  if (key.rsaBits !== undefined && key.rsaBits < STRICT_MIN_RSA_BITS) {
    const text = `weak key: RSA-${key.rsaBits} (${key.subkeyFingerprint ?? key.primaryFingerprint})`;
    if (options.strict || key.rsaBits < LEGACY_MIN_RSA_BITS) return fail(`${text} rejected`, key);
    warnings.push(text);
  }
  if (WEAK_HASHES.has(sig.hashAlgorithm)) {
    if (options.strict) return fail('weak message hash SHA-1 rejected', key);
    warnings.push('weak message hash: SHA-1');
  }

  const problem =
    sig.version === 3
      ? verifyV3(sig, literal.data, key, keyring)
      : await verifyWithOpenpgp(sig, literal, key, options.now);
  if (problem) return fail(problem, key);
  const keyTime =
    options.keyValidityAt === 'signature' && sig.creationTime !== undefined
      ? new Date(sig.creationTime * 1000)
      : options.now;
  const keyProblem = await keyring.signingProblem(key, keyTime);
  if (keyProblem) return fail(keyProblem, key);
  return { ok: true, key, warnings };
}

/** v3: hash(data ‖ type ‖ 4-byte creation time), RSA PKCS#1 v1.5 (RFC 4880 §5.2.2, §5.2.4). */
function verifyV3(
  sig: SignaturePacketInfo,
  data: Uint8Array,
  key: SigningKey,
  keyring: Keyring,
): string | undefined {
  if (!RSA_ALGORITHMS.has(sig.publicKeyAlgorithm) || key.rsaBits === undefined)
    return `unsupported v3 signature algorithm ${sig.publicKeyAlgorithm} (only RSA)`;
  const body = sig.body;
  const trailer = body.subarray(2, 7); // signature type + creation time
  const signed = sig.signatureType === SIGNATURE_TYPE.TEXT ? canonicalEol(data) : data;
  const hashName = HASHES.get(sig.hashAlgorithm)!;
  const digest = createHash(hashName).update(signed).update(trailer).digest();
  if (digest[0] !== body[17] || digest[1] !== body[18]) return badSignature(key);
  const mpiBits = ((body[19] ?? 0) << 8) | (body[20] ?? 0);
  const mpi = body.subarray(21, 21 + Math.ceil(mpiBits / 8));
  const modulusBytes = Math.ceil(key.rsaBits / 8);
  if (mpi.length > modulusBytes) return badSignature(key);
  const signature = Buffer.concat([Buffer.alloc(modulusBytes - mpi.length), mpi]);
  const ok = rsaVerify(hashName, Buffer.concat([signed, trailer]), keyring.rsaKeyObject(key), signature);
  return ok ? undefined : badSignature(key);
}

/** Text signatures hash lines with CRLF endings. */
function canonicalEol(data: Uint8Array): Uint8Array {
  return Buffer.from(Buffer.from(data).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

const badSignature = (key: SigningKey) =>
  `bad signature (made with key ${(key.subkeyFingerprint ?? key.primaryFingerprint).slice(-16)})`;

/** Accept weak legacy material here; the caller decided above whether to warn or reject. */
const verifyConfig = (pgp: typeof openpgp) => ({
  ...pgp.config,
  minRSABits: LEGACY_MIN_RSA_BITS,
  rejectMessageHashAlgorithms: new Set<openpgp.enums.hash>(),
  rejectHashAlgorithms: new Set<openpgp.enums.hash>(),
});
type VerifyConfig = ReturnType<typeof verifyConfig>;
/** Built on the first verification, once openpgp.js is loaded. */
let cachedVerifyConfig: VerifyConfig | undefined;

/** The parts of openpgp.js's packet classes used here (its typings mark them internal). */
interface PacketApi {
  read(bytes: Uint8Array, config: VerifyConfig): void;
  verify(
    key: SigningKey['packet'],
    type: number,
    data: LiteralApi,
    date: Date,
    detached: boolean,
    config: VerifyConfig,
  ): Promise<void>;
  getExpirationTime(): Date | number;
}
interface LiteralApi {
  setBytes(bytes: Uint8Array, format: openpgp.enums.literal): void;
}

async function verifyWithOpenpgp(
  sig: SignaturePacketInfo,
  literal: { readonly format: string; readonly data: Uint8Array },
  key: SigningKey,
  now: Date,
): Promise<string | undefined> {
  const pgp = await openpgpModule();
  const config = (cachedVerifyConfig ??= verifyConfig(pgp));
  const packet = new pgp.SignaturePacket() as unknown as PacketApi;
  const literalPacket = new pgp.LiteralDataPacket() as unknown as LiteralApi;
  try {
    packet.read(sig.body, config);
    literalPacket.setBytes(literal.data, pgp.enums.literal.binary);
  } catch (err) {
    return `malformed signature packet: ${(err as Error).message}`;
  }
  try {
    await packet.verify(key.packet, sig.signatureType, literalPacket, now, false, config);
    return undefined;
  } catch (err) {
    const message = (err as Error).message;
    if (message === 'Signature is expired')
      return `signature expired on ${new Date(packet.getExpirationTime()).toISOString()}`;
    if (message === 'Signed digest did not match' || message === 'Signature verification failed')
      return badSignature(key);
    return `signature rejected: ${message}`;
  }
}
